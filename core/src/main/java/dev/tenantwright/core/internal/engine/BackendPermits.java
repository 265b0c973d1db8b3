package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.internal.journal.BackendSlots;
import dev.tenantwright.core.internal.journal.JournalException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-backend limits: an engine-local rate ({@link BackendRate}: attempts started per second), an engine-local
 * concurrency limit (a fair semaphore) and one shared by every engine on the database (permit rows in the journal,
 * leased like runs). A step attempt waits for its turn, then holds a permit of its backend while it runs.
 * Thread-safe.
 */
final class BackendPermits {

  private static final Logger LOG = LoggerFactory.getLogger(BackendPermits.class);

  /** A held permit; closing gives it back. */
  interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  private static final Permit NONE = () -> {};

  private final EngineOptions options;
  private final BackendSlots slots;
  private final BooleanSupplier stopped;
  private final Map<String, Semaphore> local = new ConcurrentHashMap<>();
  private final Map<String, BackendRate> rates = new ConcurrentHashMap<>();
  private final AtomicInteger holders = new AtomicInteger();

  BackendPermits(EngineOptions options, BackendSlots slots, BooleanSupplier stopped) {
    this.options = options;
    this.slots = slots;
    this.stopped = stopped;
    options.backendLimits().forEach((b, n) -> local.put(b, new Semaphore(n, true)));
    options.backendRates().forEach((b, perSecond) -> rates.put(b, new BackendRate(perSecond)));
    options.sharedBackendLimits().forEach(slots::ensure);
  }

  /**
   * Waits for {@code backend}'s rate to allow another attempt, then for a permit of it.
   *
   * @throws RunExecution.Abandoned when interrupted or the engine stopped
   * @throws RunExecution.JournalDown when the shared permits cannot be read
   */
  Permit acquire(String backend) {
    BackendRate rate = rates.get(backend);
    if (rate != null) {
      RunExecution.Abandoned.unlessInterrupted(rate::await);
    }
    Semaphore s = local.get(backend);
    if (s != null) {
      RunExecution.Abandoned.unlessInterrupted(s::acquire);
    }
    Permit shared;
    try {
      shared = options.sharedBackendLimits().containsKey(backend) ? shared(backend) : NONE;
    } catch (RuntimeException e) {
      if (s != null) {
        s.release();
      }
      throw e;
    }
    return () -> {
      try {
        shared.close();
      } finally {
        if (s != null) {
          s.release();
        }
      }
    };
  }

  /** Extends the leases of the shared permits this engine holds. */
  void extend(long leaseUntil) {
    if (options.sharedBackendLimits().isEmpty()) {
      return;
    }
    try {
      slots.extend(options.owner() + "#", leaseUntil);
    } catch (RuntimeException e) {
      LOG.warn("extending backend permits failed: {}", e.toString());
    }
  }

  private Permit shared(String backend) {
    String holder = options.owner() + "#" + holders.incrementAndGet();
    long wait = 10;
    while (true) {
      if (stopped.getAsBoolean()) {
        throw new RunExecution.Abandoned();
      }
      Instant now = options.clock().instant();
      int slot;
      try {
        slot = slots.acquire(backend, holder, now.toEpochMilli(), now.plus(options.leaseDuration()).toEpochMilli());
      } catch (JournalException e) {
        throw new RunExecution.JournalDown(e);
      }
      if (slot >= 0) {
        return () -> {
          try {
            slots.release(backend, slot, holder);
          } catch (RuntimeException e) {
            LOG.warn("could not give back permit {} of {} ({}); its lease expires instead", slot, backend, e.getMessage());
          }
        };
      }
      long pause = ThreadLocalRandom.current().nextLong(wait / 2, wait + 1);
      RunExecution.Abandoned.unlessInterrupted(() -> Thread.sleep(pause));
      wait = Math.min(250, wait * 2);
    }
  }
}
