package dev.tenantwright.core.internal.text;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of Tenantwright: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, their
 * combinations largest unit first such as {@code 1h30m}, or ISO-8601 such as {@code PT5M}. Case and surrounding
 * blanks do not matter; a day is 24 hours.
 *
 * <p>Everything that reads a duration from text goes through here: the blueprint reader ({@code timeout:} of a
 * resource), core's resource types, and the mapper that binds specs and plugin configuration to records with
 * {@link Duration} components — so {@code timeout: 2d} means the same in a blueprint, a health check and a
 * plugin's configuration. Stateless and thread-safe.
 */
public final class DurationGrammar {

  /** The accepted forms, for messages. */
  public static final String FORMS = "500ms, 30s, 5m, 1h, 2d, 1h30m or PT5M";

  private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  private DurationGrammar() {}

  /**
   * Parses {@code text}; zero is accepted here, a field that needs a positive duration checks that itself.
   *
   * @throws IllegalArgumentException whose message shows the text and the accepted forms
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("a duration is required; write it like " + FORMS);
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.startsWith("p")) {
      try {
        Duration d = Duration.parse(t.toUpperCase(Locale.ROOT));
        if (d.isNegative()) {
          throw invalid(text);
        }
        return d;
      } catch (DateTimeParseException e) {
        throw invalid(text);
      }
    }
    Matcher m = PART.matcher(t);
    Duration total = Duration.ZERO;
    int end = 0;
    int lastUnit = -1;
    try {
      while (m.find() && m.start() == end) {
        int unit = switch (m.group(2)) {
          case "d" -> 0;
          case "h" -> 1;
          case "m" -> 2;
          case "s" -> 3;
          default -> 4;
        };
        if (unit <= lastUnit) {
          throw invalid(text);
        }
        lastUnit = unit;
        long n = Long.parseLong(m.group(1));
        total = total.plus(switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
        end = m.end();
      }
    } catch (ArithmeticException tooLong) {
      throw invalid(text);
    }
    if (end == 0 || end != t.length()) {
      throw invalid(text);
    }
    return total;
  }

  /** Parses {@code text} and requires more than zero. */
  public static Duration parsePositive(String text) {
    Duration d = parse(text);
    if (d.isZero()) {
      throw new IllegalArgumentException("'" + text + "' must be longer than zero; write it like " + FORMS);
    }
    return d;
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("'" + text + "' is not a duration; write it like " + FORMS);
  }
}
