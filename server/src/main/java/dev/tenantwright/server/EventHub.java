package dev.tenantwright.server;

import dev.tenantwright.core.EventLog;
import dev.tenantwright.core.EventLog.LoggedEvent;
import dev.tenantwright.core.EventType;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-sent event streams fed from the journal, so that a stream on any node follows what any node's engine
 * does. One thread tails {@link EventLog#after} every {@code poll}; a subscriber (a tenant's or a run's stream)
 * is caught up from the journal by that same thread before it joins the live set, so nothing falls between the
 * replay and the tail and nothing comes twice (every event goes out once, in id order, with its journal id as the
 * SSE id).
 *
 * <p>Streams hold no thread while they wait: a few writer threads send what is queued. A subscriber that does not
 * keep up (its queue full) is disconnected; it resumes from its last id when it reconnects.
 */
final class EventHub implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
  private static final int BATCH = 500;
  private static final int QUEUE_LIMIT = 2_000;
  static final Set<EventType> RUN_ENDS = Set.of(EventType.RUN_SUCCEEDED, EventType.RUN_ROLLED_BACK,
      EventType.RUN_FAILED);

  /** One open stream. */
  final class Subscriber {
    final String tenantId;
    final String runId;
    final SseClient client;
    final boolean endsWithRun;
    private final Queue<Runnable> queue = new ArrayDeque<>();
    private long lastId;
    private boolean draining;
    private boolean closed;

    Subscriber(String tenantId, String runId, long afterId, SseClient client, boolean endsWithRun) {
      this.tenantId = tenantId;
      this.runId = runId;
      this.lastId = afterId;
      this.client = client;
      this.endsWithRun = endsWithRun;
    }

    /** Queues an event unless this stream already had it; ends a run's stream after the run's last event. */
    void offer(LoggedEvent e) {
      if (e.id() <= lastId) {
        return;
      }
      lastId = e.id();
      String data = Views.event(e.id(), e.event()).toString();
      String id = Long.toString(e.id());
      String name = e.event().type().name();
      enqueue(() -> client.sendEvent(name, data, id));
      if (endsWithRun && RUN_ENDS.contains(e.event().type())) {
        enqueue(client::close);
      }
    }

    void comment(String text) {
      enqueue(() -> client.sendComment(text));
    }

    private void enqueue(Runnable write) {
      synchronized (this) {
        if (closed) {
          return;
        }
        if (queue.size() >= QUEUE_LIMIT) {
          closed = true;
          queue.clear();
          LOG.info("event stream of {} does not keep up: disconnected (it resumes from its last id)", label());
          writers.execute(client::close);
          return;
        }
        queue.add(write);
        if (draining) {
          return;
        }
        draining = true;
      }
      writers.execute(this::drain);
    }

    private void drain() {
      while (true) {
        Runnable next;
        synchronized (this) {
          next = queue.poll();
          if (next == null) {
            draining = false;
            return;
          }
        }
        try {
          if (!client.terminated()) {
            next.run();
          }
        } catch (RuntimeException e) {
          LOG.debug("event stream of {} ended while writing: {}", label(), e.toString());
        }
      }
    }

    void detach() {
      synchronized (this) {
        if (closed && !live.contains(this) && !joining.contains(this)) {
          return;
        }
        closed = true;
        queue.clear();
      }
      joining.remove(this);
      live.remove(this);
      Set<Subscriber> set = runId != null ? byRun.get(runId) : byTenant.get(tenantId);
      if (set != null) {
        set.remove(this);
      }
      count.decrementAndGet();
    }

    String label() {
      return runId != null ? "run " + runId : "tenant " + tenantId;
    }
  }

  private final EventLog log;
  private final Duration poll;
  private final int maxSubscribers;
  private final Set<Subscriber> live = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<Subscriber>> byTenant = new ConcurrentHashMap<>();
  private final Map<String, Set<Subscriber>> byRun = new ConcurrentHashMap<>();
  private final Queue<Subscriber> joining = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();
  private final ExecutorService writers;
  private final ScheduledExecutorService ticker;
  private final Thread tail;
  private volatile long cursor;
  private volatile boolean stopped;

  EventHub(EventLog log, LongSupplier head, Duration poll, int maxSubscribers, int writerThreads) {
    this.log = log;
    this.poll = poll;
    this.maxSubscribers = maxSubscribers;
    this.cursor = head.getAsLong();
    AtomicInteger n = new AtomicInteger();
    this.writers = Executors.newFixedThreadPool(writerThreads, r -> daemon(r, "tw-sse-writer-" + n.incrementAndGet()));
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "tw-sse-keepalive"));
    this.ticker.scheduleAtFixedRate(this::keepAlive, 15, 15, TimeUnit.SECONDS);
    this.tail = daemon(this::tailLoop, "tw-event-tail");
    this.tail.start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Whether another stream may open on this node. */
  boolean full() {
    return count.get() >= maxSubscribers;
  }

  /** The id up to which the tail has read (what a stream without a {@code Last-Event-ID} starts after). */
  long cursor() {
    return cursor;
  }

  int subscribers() {
    return count.get();
  }

  /**
   * Opens a stream of a tenant's events, or of one run's (then {@code runId} is set and the stream ends after the
   * run's last event), sending first the events after {@code afterId} already in the journal.
   */
  Subscriber subscribe(String tenantId, String runId, long afterId, SseClient client) {
    Subscriber s = new Subscriber(tenantId, runId, afterId, client, runId != null);
    count.incrementAndGet();
    client.onClose(s::detach);
    joining.add(s);
    LockSupportWake.wake(tail);
    return s;
  }

  private void tailLoop() {
    while (!stopped) {
      try {
        admitJoining();
        List<LoggedEvent> batch = log.after(cursor, BATCH);
        for (LoggedEvent e : batch) {
          dispatch(e);
          cursor = e.id();
        }
        if (batch.size() < BATCH) {
          LockSupportWake.park(poll);
        }
      } catch (RuntimeException e) {
        LOG.warn("event tail: {} (retrying)", e.toString());
        LockSupportWake.park(Duration.ofSeconds(1));
      }
    }
  }

  /** Catches new streams up from the journal to the tail's cursor, then lets them follow live. */
  private void admitJoining() {
    for (Subscriber s; (s = joining.poll()) != null; ) {
      long upTo = cursor;
      while (true) {
        List<LoggedEvent> page = s.runId != null
            ? log.ofRun(s.runId, s.lastId, upTo, BATCH)
            : log.ofTenant(s.tenantId, s.lastId, upTo, BATCH);
        page.forEach(s::offer);
        if (page.size() < BATCH) {
          break;
        }
      }
      live.add(s);
      (s.runId != null ? byRun.computeIfAbsent(s.runId, k -> ConcurrentHashMap.newKeySet())
          : byTenant.computeIfAbsent(s.tenantId, k -> ConcurrentHashMap.newKeySet())).add(s);
      if (s.client.terminated()) {
        s.detach(); // closed while it was caught up
      }
    }
  }

  private void dispatch(LoggedEvent e) {
    Set<Subscriber> tenants = byTenant.get(e.event().tenantId());
    if (tenants != null) {
      tenants.forEach(s -> s.offer(e));
    }
    String run = e.event().runId();
    if (run != null) {
      Set<Subscriber> runs = byRun.get(run);
      if (runs != null) {
        runs.forEach(s -> s.offer(e));
      }
    }
  }

  private void keepAlive() {
    live.forEach(s -> s.comment("keep-alive"));
  }

  @Override
  public void close() {
    stopped = true;
    LockSupportWake.wake(tail);
    ticker.shutdownNow();
    live.forEach(s -> s.enqueue(s.client::close));
    writers.shutdown();
    try {
      writers.awaitTermination(2, TimeUnit.SECONDS);
      tail.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writers.shutdownNow();
  }

  /** Parking with a wake-up, so a new stream is caught up at once rather than at the next poll. */
  private static final class LockSupportWake {
    static void park(Duration d) {
      java.util.concurrent.locks.LockSupport.parkNanos(d.toNanos());
    }

    static void wake(Thread t) {
      java.util.concurrent.locks.LockSupport.unpark(t);
    }
  }
}
