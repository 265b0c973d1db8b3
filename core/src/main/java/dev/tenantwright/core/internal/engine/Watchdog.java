package dev.tenantwright.core.internal.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Interrupts a backend call that passes its deadline: the call sees the interrupt (in
 * {@link dev.tenantwright.spi.StepContext#pause} or blocking I/O) and ends with a cancellation. Thread-safe.
 */
final class Watchdog {

  private final ScheduledExecutorService timers;
  private final Clock clock;

  Watchdog(ScheduledExecutorService timers, Clock clock) {
    this.timers = timers;
    this.clock = clock;
  }

  /**
   * Runs {@code call} on this thread, interrupting it at {@code deadline}. If the execution stopped meanwhile the
   * result is dropped ({@link RunExecution.Abandoned}).
   */
  <T> T call(Instant deadline, Supplier<T> call, BooleanSupplier stopped) {
    Thread me = Thread.currentThread();
    long ms = Math.max(1, Duration.between(clock.instant(), deadline).toMillis());
    Object guard = new Object();
    boolean[] armed = {true};
    ScheduledFuture<?> dog;
    try {
      dog = timers.schedule(() -> {
        synchronized (guard) {
          if (armed[0]) {
            me.interrupt();
          }
        }
      }, ms, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException engineStopped) {
      throw new RunExecution.Abandoned();
    }
    try {
      return call.get();
    } finally {
      synchronized (guard) {
        armed[0] = false;
      }
      dog.cancel(false);
      boolean interrupted = Thread.interrupted();
      if (interrupted && stopped.getAsBoolean()) {
        throw new RunExecution.Abandoned();
      }
    }
  }
}
