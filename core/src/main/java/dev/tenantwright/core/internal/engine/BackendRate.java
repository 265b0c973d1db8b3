package dev.tenantwright.core.internal.engine;

/**
 * An engine-local rate limit of one backend: step attempts start at most {@code perSecond} times a second, evenly
 * spaced. Each caller reserves the next free start time and is dispatched when it comes (see
 * {@link BackendPermits}); reservations are first come, first served, and an idle backend saves up no burst.
 * Thread-safe.
 */
final class BackendRate {

  private final long spacingNanos;
  private long next;

  BackendRate(double perSecond) {
    this.spacingNanos = Math.max(1, (long) (1_000_000_000L / perSecond));
    this.next = System.nanoTime();
  }

  /** The time between two starts, in microseconds (at least 1), for the rate shared through the journal. */
  long spacingMicros() {
    return Math.max(1, spacingNanos / 1000);
  }

  /** The start time ({@link System#nanoTime()} scale) reserved for a caller arriving at {@code now}. */
  synchronized long reserve(long now) {
    long at = Math.max(now, next);
    next = at + spacingNanos;
    return at;
  }
}
