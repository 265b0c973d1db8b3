package dev.tenantwright.plugin.support;

import dev.tenantwright.spi.PermanentException;
import java.time.Duration;

/**
 * The check plugins make on the {@link Duration} fields of their configuration and spec records. Plugins never
 * parse durations themselves: the host binds text such as {@code 30s}, {@code 1h30m}, {@code 2d} or {@code PT5M}
 * to {@code Duration} components with the one grammar every blueprint and configuration uses, and refuses other
 * spellings naming the field. What is left to a record is the sign.
 *
 * <p>Stateless; thread-safe.
 *
 * <pre>{@code
 * public record MyConfig(Secret token, @Nullable Duration timeout) {
 *   public MyConfig {
 *     Durations.requirePositive("timeout", timeout);
 *   }
 * }
 * }</pre>
 */
public final class Durations {

  private Durations() {}

  /**
   * Returns {@code value} when it is null (not set) or longer than zero.
   *
   * @throws PermanentException naming {@code field} when it is zero or negative
   */
  public static Duration requirePositive(String field, Duration value) {
    if (value != null && (value.isZero() || value.isNegative())) {
      throw new PermanentException("field '" + field + "': " + value + " is not a positive duration");
    }
    return value;
  }
}
