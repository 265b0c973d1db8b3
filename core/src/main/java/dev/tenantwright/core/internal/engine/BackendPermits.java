package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.internal.journal.BackendSlots;
import dev.tenantwright.core.internal.journal.JournalException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-backend limits, checked <em>before</em> a step attempt is handed to a worker: a rate (attempts started per
 * second, evenly spaced; engine-local on H2, shared by every engine through the journal on PostgreSQL), an
 * engine-local concurrency limit, and one shared by every engine on the database (permit rows in the journal,
 * leased like runs).
 *
 * <p>A step attempt asks for a {@link Ticket} and is called back with its {@link Permit} once every limit of its
 * backend lets it through; it holds the permit while it runs and gives it back when it ends. Until then it holds
 * nothing: a rate slot in the future is a timer, a full concurrency limit is a place in a first-come queue that the
 * next release serves, a full shared limit is a timer that tries the journal again with a back-off. So a throttled
 * backend's queue never occupies a worker, on every Java (before, each queued attempt blocked one of the
 * {@code maxParallelSteps} workers, and one throttled backend starved every other tenant). Thread-safe.
 */
final class BackendPermits {

  private static final Logger LOG = LoggerFactory.getLogger(BackendPermits.class);

  /** A held permit; closing gives it back. */
  interface Permit extends AutoCloseable {
    /**
     * Throws what kept the permit from being granted (the journal could not be read for a shared limit), so that
     * the attempt fails the way it fails on any journal outage.
     */
    default void check() {}

    @Override
    void close();
  }

  /** Where the permits' continuations run: a worker for journal work and attempts, a timer for waits. */
  interface Scheduling {
    /** Runs {@code task} on a worker (dropped when the engine stopped). */
    void submit(Runnable task);

    /** Runs {@code task} on a worker after {@code nanos}, holding no thread meanwhile. */
    void later(long nanos, Runnable task);
  }

  private static final Permit NONE = () -> {};

  private final EngineOptions options;
  private final BackendSlots slots;
  private final Scheduling scheduling;
  private final Map<String, Queue> local = new ConcurrentHashMap<>();
  private final Map<String, BackendRate> rates = new ConcurrentHashMap<>();
  private final AtomicInteger holders = new AtomicInteger();

  BackendPermits(EngineOptions options, BackendSlots slots, Scheduling scheduling) {
    this.options = options;
    this.slots = slots;
    this.scheduling = scheduling;
    options.backendLimits().forEach((b, n) -> local.put(b, new Queue(n)));
    options.backendRates().forEach((b, perSecond) -> {
      rates.put(b, new BackendRate(perSecond));
      if (slots.sharesRates()) {
        slots.ensureRate(b);
      }
    });
    options.sharedBackendLimits().forEach(slots::ensure);
  }

  /**
   * A ticket for an attempt on {@code backend} that calls {@code granted} once the backend's limits let it through.
   * Nothing happens until {@link Ticket#start()}, so the caller can keep the ticket (to cancel it) first.
   */
  Ticket ticket(String backend, Consumer<Permit> granted) {
    return new Ticket(backend, granted);
  }

  /** Whether {@code backend} has any limit here (a rate, a local or a shared concurrency limit). */
  boolean limits(String backend) {
    return local.containsKey(backend) || rates.containsKey(backend)
        || options.sharedBackendLimits().containsKey(backend);
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

  /**
   * One attempt's way through its backend's limits: rate, then local concurrency, then shared concurrency, then
   * {@code granted}. It either is granted exactly once or is cancelled (and then never granted).
   */
  final class Ticket {
    private static final int WAITING = 0;
    private static final int GRANTED = 1;
    private static final int CANCELLED = 2;

    private final String backend;
    private final Consumer<Permit> granted;
    private final AtomicInteger state = new AtomicInteger(WAITING);
    /** The local permit taken, given back on cancel or by the granted permit (whichever gets it first). */
    private final AtomicReference<Queue> localHeld = new AtomicReference<>();
    private long sharedWait = 10;
    /** This ticket's name on a shared permit row, made when a shared limit is first asked (most tickets never are). */
    private String holder;

    private Ticket(String backend, Consumer<Permit> granted) {
      this.backend = backend;
      this.granted = granted;
    }

    /** Starts the way through: a backend without limits is granted at once, on the calling thread. */
    void start() {
      BackendRate rate = rates.get(backend);
      if (rate == null) {
        local();
        return;
      }
      if (slots.sharesRates()) {
        sharedRate();
        return;
      }
      waitUntil(rate.reserve(System.nanoTime()), this::local);
    }

    /**
     * Cancels a ticket not yet granted (its execution stopped): it is then never granted, and the local permit it
     * may hold goes to the next in line.
     *
     * @return false when it was granted already (its attempt settles the step)
     */
    boolean cancel() {
      if (!state.compareAndSet(WAITING, CANCELLED)) {
        return false;
      }
      Queue q = localHeld.getAndSet(null);
      if (q != null) {
        q.release();
      }
      return true;
    }

    private boolean cancelled() {
      return state.get() == CANCELLED;
    }

    /** On PostgreSQL the rate is shared: one short journal transaction reserves this attempt's start. */
    private void sharedRate() {
      if (cancelled()) {
        return;
      }
      long at;
      try {
        long nowMicros = TimeUnit.MILLISECONDS.toMicros(options.clock().millis());
        long startMicros = slots.reserveRate(backend, nowMicros, rates.get(backend).spacingMicros());
        at = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(startMicros - nowMicros);
      } catch (RuntimeException e) {
        grant(failed(e));
        return;
      }
      waitUntil(at, this::local);
    }

    private void waitUntil(long atNanos, Runnable next) {
      long left = atNanos - System.nanoTime();
      if (left <= 0) {
        next.run();
      } else {
        scheduling.later(left, next);
      }
    }

    private void local() {
      if (cancelled()) {
        return;
      }
      Queue q = local.get(backend);
      if (q == null || q.take(this)) {
        localGranted(q);
      }
    }

    /** The local limit let this ticket through (at once, or later from a release on another thread). */
    private void localGranted(Queue q) {
      localHeld.set(q);
      if (cancelled()) {
        // cancelled between the queue handing the permit over and now: pass it on (unless cancel() did)
        if (q != null && localHeld.compareAndSet(q, null)) {
          q.release();
        }
        return;
      }
      if (options.sharedBackendLimits().containsKey(backend)) {
        scheduling.submit(this::shared);
      } else {
        grant(localPermit());
      }
    }

    private Permit localPermit() {
      Queue q = localHeld.get();
      return q == null ? NONE : q::release;
    }

    /** Tries the journal's permit rows once; when they are all held, tries again later from a timer. */
    private void shared() {
      if (cancelled()) {
        return;
      }
      if (holder == null) {
        holder = options.owner() + "#" + holders.incrementAndGet();
      }
      String holder = this.holder;
      Instant now = options.clock().instant();
      int slot;
      try {
        slot = slots.acquire(backend, holder, now.toEpochMilli(), now.plus(options.leaseDuration()).toEpochMilli());
      } catch (RuntimeException e) {
        grant(withLocal(failed(e)));
        return;
      }
      if (slot >= 0) {
        Permit sharedPermit = () -> {
          try {
            slots.release(backend, slot, holder);
          } catch (RuntimeException e) {
            LOG.warn("could not give back permit {} of {} ({}); its lease expires instead", slot, backend,
                e.getMessage());
          }
        };
        if (!grant(withLocal(sharedPermit))) {
          sharedPermit.close();
        }
        return;
      }
      long pause = ThreadLocalRandom.current().nextLong(sharedWait / 2, sharedWait + 1);
      sharedWait = Math.min(250, sharedWait * 2);
      scheduling.later(TimeUnit.MILLISECONDS.toNanos(pause), this::shared);
    }

    /** {@code inner}, then the local permit, given back together. */
    private Permit withLocal(Permit inner) {
      Permit outer = localPermit();
      return new Permit() {
        @Override
        public void check() {
          inner.check();
        }

        @Override
        public void close() {
          try {
            inner.close();
          } finally {
            outer.close();
          }
        }
      };
    }

    /** Hands the permit to the attempt, unless cancelled meanwhile; returns whether it was handed over. */
    private boolean grant(Permit permit) {
      if (!state.compareAndSet(WAITING, GRANTED)) {
        return false;
      }
      localHeld.set(null);
      granted.accept(permit);
      return true;
    }
  }

  /**
   * A permit that was not granted because asking for it failed: the journal (the attempt then fails as on any
   * journal outage) or anything else (an internal error of the step). Either way the step's attempt runs, sees the
   * failure and settles, so a failed limit never leaves a step waiting forever.
   */
  private static Permit failed(RuntimeException e) {
    return new Permit() {
      @Override
      public void check() {
        throw e instanceof JournalException j ? new RunExecution.JournalDown(j) : e;
      }

      @Override
      public void close() {}
    };
  }

  /**
   * An engine-local concurrency limit as a first-come queue of tickets: a release hands its permit straight to the
   * oldest waiting ticket, which then goes on (on a worker), so waiting holds no thread.
   */
  private final class Queue {
    private int free;
    private final ArrayDeque<Ticket> waiting = new ArrayDeque<>();

    Queue(int permits) {
      this.free = permits;
    }

    /** Takes a permit for {@code t} now, or queues it; true when taken. */
    synchronized boolean take(Ticket t) {
      if (free > 0 && waiting.isEmpty()) {
        free--;
        return true;
      }
      waiting.add(t);
      return false;
    }

    /** Gives a permit back: to the oldest ticket still waiting, else to the pool. */
    void release() {
      Ticket next;
      synchronized (this) {
        do {
          next = waiting.poll();
        } while (next != null && next.cancelled());
        if (next == null) {
          free++;
          return;
        }
      }
      Ticket t = next;
      scheduling.submit(() -> t.localGranted(this));
    }
  }
}
