package dev.tenantwright.core.internal.api;

import dev.tenantwright.core.PruneResult;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.internal.journal.Retention;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the configured retention: on demand ({@link #prune()}) and, once {@link #start() started}, on a daemon
 * thread of its own every interval, the first pass within a minute of the start (so an engine restarted more often
 * than the interval still prunes). A failed pass is logged and tried again at the next interval.
 *
 * <p>Its own thread, not the engine's timers: a pass over a large journal may take seconds and must not delay a
 * lease heartbeat. {@link #close()} interrupts a pass between two batches and waits for it.
 */
final class Pruner implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Pruner.class);

  private final Retention retention;
  private final Duration maxAge;
  private final Duration interval;
  private final Clock clock;
  private ScheduledExecutorService thread;

  /** A pruner for {@code maxAge} (null: no retention configured, so {@link #prune()} refuses and nothing starts). */
  Pruner(Retention retention, Duration maxAge, Duration interval, Clock clock) {
    this.retention = retention;
    this.maxAge = maxAge;
    this.interval = interval;
    this.clock = clock;
  }

  /** Starts the background passes when a retention is configured. */
  synchronized void start() {
    if (maxAge == null || thread != null) {
      return;
    }
    thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tenantwright-retention");
      t.setDaemon(true);
      return t;
    });
    long every = interval.toMillis();
    thread.scheduleWithFixedDelay(this::background, Math.min(every, 60_000), every, TimeUnit.MILLISECONDS);
  }

  /**
   * Prunes everything older than the retention now.
   *
   * @throws ValidationException naming {@code retention} when none is configured
   */
  PruneResult prune() {
    if (maxAge == null) {
      throw new ValidationException("retention", "no retention is configured: set Tenantwright.Builder.retention(maxAge)"
          + " to prune");
    }
    Instant cutoff = clock.instant().minus(maxAge);
    long started = System.nanoTime();
    PruneResult result = retention.pruneFinishedBefore(cutoff.toEpochMilli());
    long millis = (System.nanoTime() - started) / 1_000_000;
    if (result.runs() + result.events() + result.deliveries() > 0) {
      LOG.info("pruned what finished before {}: {} runs, {} steps, {} events, {} webhook deliveries in {} ms", cutoff,
          result.runs(), result.steps(), result.events(), result.deliveries(), millis);
    } else {
      LOG.debug("nothing finished before {} to prune ({} ms)", cutoff, millis);
    }
    return result;
  }

  private void background() {
    try {
      prune();
    } catch (RuntimeException e) {
      if (Thread.currentThread().isInterrupted()) {
        return; // closing
      }
      LOG.warn("pruning the journal failed, trying again in {}: {}", interval, e.toString());
    }
  }

  /** Stops the background passes, interrupting one in progress between two batches, and waits for it. */
  @Override
  public synchronized void close() {
    if (thread == null) {
      return;
    }
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("the retention pass did not stop within 10 s of close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
