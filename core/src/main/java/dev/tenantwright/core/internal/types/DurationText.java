package dev.tenantwright.core.internal.types;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as blueprints write them — {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 7d},
 * {@code 1m30s} — and, for completeness, ISO-8601 ({@code PT2M}). A day is 24 hours.
 */
final class DurationText {

  private static final Pattern WHOLE = Pattern.compile("(\\d+(ms|s|m|h|d))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private DurationText() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException if it is not a positive duration in one of the accepted forms
   */
  static Duration parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    Duration d;
    if (t.startsWith("pt")) {
      try {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not a duration", e);
      }
    } else if (WHOLE.matcher(t).matches()) {
      d = Duration.ZERO;
      Matcher m = PART.matcher(t);
      try {
        while (m.find()) {
          long n = Long.parseLong(m.group(1));
          d = d.plus(switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          });
        }
      } catch (ArithmeticException tooLong) {
        throw new IllegalArgumentException("too long", tooLong);
      }
    } else {
      throw new IllegalArgumentException("not a duration");
    }
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("must be positive");
    }
    return d;
  }
}
