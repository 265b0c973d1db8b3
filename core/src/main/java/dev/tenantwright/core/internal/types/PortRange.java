package dev.tenantwright.core.internal.types;

import dev.tenantwright.spi.PermanentException;

/**
 * The inclusive range of host ports the {@code port} type allocates from when a blueprint does not narrow it.
 *
 * @param from the lowest port, 1 to 65535
 * @param to the highest port, at least {@code from}
 */
public record PortRange(int from, int to) {

  /** 20000 to 29999: above the usual service ports and below Linux's ephemeral range. */
  public static final PortRange DEFAULT = new PortRange(20000, 29999);

  /** Validates the bounds. */
  public PortRange {
    if (from < 1 || from > 65535) {
      throw new IllegalArgumentException("port range 'from' must be between 1 and 65535, was " + from);
    }
    if (to < from || to > 65535) {
      throw new IllegalArgumentException("port range 'to' must be between 'from' and 65535, was " + to);
    }
  }

  /** Narrows this range by a spec's optional bounds. */
  PortRange narrow(PortSpec spec) {
    int lo = spec.from() == null ? from : spec.from();
    int hi = spec.to() == null ? to : spec.to();
    if (lo > hi) {
      throw new PermanentException("port spec, field 'from': " + lo + " is above 'to' (" + hi + ")");
    }
    return new PortRange(lo, hi);
  }
}
