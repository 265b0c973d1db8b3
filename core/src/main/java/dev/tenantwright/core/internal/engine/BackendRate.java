package dev.tenantwright.core.internal.engine;

/**
 * An engine-local rate limit of one backend: step attempts start at most {@code perSecond} times a second, evenly
 * spaced. Each caller reserves the next free start time and waits until it comes (in its own thread: on virtual
 * threads the wait costs no platform thread). Reservations are first come, first served. Thread-safe.
 */
final class BackendRate {

  private final long spacingNanos;
  private long next;

  BackendRate(double perSecond) {
    this.spacingNanos = Math.max(1, (long) (1_000_000_000L / perSecond));
    this.next = System.nanoTime();
  }

  /**
   * Waits for this caller's turn.
   *
   * @throws InterruptedException when interrupted while waiting (its turn is lost, which only leaves a gap)
   */
  void await() throws InterruptedException {
    long at = reserve(System.nanoTime());
    for (long left = at - System.nanoTime(); left > 0; left = at - System.nanoTime()) {
      Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
    }
  }

  /** The start time reserved for a caller arriving at {@code now}. */
  synchronized long reserve(long now) {
    long at = Math.max(now, next);
    next = at + spacingNanos;
    return at;
  }
}
