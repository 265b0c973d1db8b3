package dev.tenantwright.core.internal.types;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;

/**
 * Where a {@code port} resource may take its port from; omitted bounds come from the host's
 * {@link PortRange}.
 *
 * @param from the lowest acceptable port, 1 to 65535
 * @param to the highest acceptable port, 1 to 65535, not below {@code from}
 */
public record PortSpec(@Nullable Integer from, @Nullable Integer to) {

  /** Validates the bounds. */
  public PortSpec {
    check("from", from);
    check("to", to);
    if (from != null && to != null && from > to) {
      throw new PermanentException("port spec, field 'from': " + from + " is above 'to' (" + to + ")");
    }
  }

  private static void check(String field, Integer port) {
    if (port != null && (port < 1 || port > 65535)) {
      throw new PermanentException("port spec, field '" + field + "': must be between 1 and 65535, was " + port);
    }
  }
}
