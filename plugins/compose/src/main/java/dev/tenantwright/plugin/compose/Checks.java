package dev.tenantwright.plugin.compose;

import dev.tenantwright.spi.PermanentException;
import java.util.regex.Pattern;

/**
 * Field checks shared by the spec and config records, each throwing a {@link PermanentException} that names
 * the field, so a bad blueprint fails before anything reaches Docker.
 */
final class Checks {

  private static final Pattern MEMORY = Pattern.compile("[0-9]+(\\.[0-9]+)?([bkmg]b?)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern CPUS = Pattern.compile("[0-9]+(\\.[0-9]+)?");
  private static final Pattern DURATION = Pattern.compile("([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+");

  private Checks() {}

  /** A Compose byte value such as {@code 256m} or {@code 1g}. */
  static String memory(String field, String value) {
    if (!MEMORY.matcher(value).matches()) {
      throw new PermanentException("field '" + field + "': \"" + value
          + "\" is not a memory size such as 128m, 512m or 1g");
    }
    return value;
  }

  /** A positive CPU count such as {@code 0.5} or {@code 2}. */
  static String cpus(String field, String value) {
    if (!CPUS.matcher(value).matches() || Double.parseDouble(value) <= 0) {
      throw new PermanentException("field '" + field + "': \"" + value + "\" is not a positive CPU count such as 0.5");
    }
    return value;
  }

  /** A Compose duration such as {@code 5s}, {@code 1m30s} or {@code 500ms}. */
  static String duration(String field, String value) {
    if (!DURATION.matcher(value).matches()) {
      throw new PermanentException("field '" + field + "': \"" + value + "\" is not a duration such as 5s, 1m30s or 500ms");
    }
    return value;
  }

  /** Throws a permanent failure naming the field. */
  static PermanentException invalid(String field, String why) {
    return new PermanentException("compose.project spec, field '" + field + "': " + why);
  }
}
