package dev.tenantwright.plugin.support;

import dev.tenantwright.spi.PermanentException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as blueprints and plugin configuration write them: {@code 500ms}, {@code 30s}, {@code 2m},
 * {@code 1h}, {@code 1m30s}, or ISO-8601 ({@code PT2M}), with a message that names the field, so every plugin
 * accepts the same spellings and refuses the rest the same way.
 *
 * <p>Stateless; thread-safe.
 *
 * <pre>{@code
 * Duration timeout = spec.timeout() == null ? Duration.ofMinutes(10) : Durations.parse("timeout", spec.timeout());
 * }</pre>
 */
public final class Durations {

  private static final Pattern WHOLE = Pattern.compile("(\\d+(ms|s|m|h))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

  private Durations() {}

  /**
   * Parses {@code text}; case and surrounding blanks do not matter.
   *
   * @throws PermanentException naming {@code field} if it is not a positive duration
   */
  public static Duration parse(String field, String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    Duration d = null;
    if (t.startsWith("pt")) {
      try {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        d = null;
      }
    } else if (WHOLE.matcher(t).matches()) {
      d = Duration.ZERO;
      Matcher m = PART.matcher(t);
      while (m.find()) {
        long n = Long.parseLong(m.group(1));
        d = d.plus(switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        });
      }
    }
    if (d == null || d.isZero() || d.isNegative()) {
      throw new PermanentException("field '" + field + "': \"" + text
          + "\" is not a positive duration such as 500ms, 30s, 2m or 1h");
    }
    return d;
  }
}
