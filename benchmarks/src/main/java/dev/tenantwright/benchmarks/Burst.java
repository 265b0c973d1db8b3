package dev.tenantwright.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The completions of one burst of work started at once: when each of a known number of executions completed,
 * counted from the start of the burst, and a wait for the last of them. The peer figure uses one for the
 * engine and one for db-scheduler, so that both are timed by the same code.
 *
 * <p>Thread-safe: {@link #completed()} is called from the workers that complete executions.
 */
final class Burst {

  private final long start = System.nanoTime();
  private final long[] at;
  private final AtomicInteger recorded = new AtomicInteger();
  private final CountDownLatch left;

  /** Starts the clock for {@code expected} executions. */
  Burst(int expected) {
    this.at = new long[expected];
    this.left = new CountDownLatch(expected);
  }

  /** When the burst began ({@link System#nanoTime()}). */
  long start() {
    return start;
  }

  /** Records that one execution completed now; completions beyond the expected number are ignored. */
  void completed() {
    long t = System.nanoTime() - start;
    int i = recorded.getAndIncrement();
    if (i < at.length) {
      at[i] = t;
      left.countDown();
    }
  }

  /**
   * Waits until every expected execution completed.
   *
   * @throws IllegalStateException when they did not within {@code timeout}
   */
  void await(Duration timeout) throws InterruptedException {
    if (!left.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException((at.length - left.getCount()) + " of " + at.length
          + " executions completed within " + timeout);
    }
  }

  /** Each execution's completion, in nanoseconds after the start; valid after {@link #await}. */
  long[] completions() {
    return Arrays.copyOf(at, at.length);
  }
}
