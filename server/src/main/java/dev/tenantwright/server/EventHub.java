package dev.tenantwright.server;

import dev.tenantwright.core.EventLog;
import dev.tenantwright.core.EventLog.LoggedEvent;
import dev.tenantwright.core.EventType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-sent event streams fed from the journal, so that a stream on any node follows what any node's engine
 * does. One thread tails {@link EventLog#after} every {@code poll}; a new stream (a tenant's or a run's) is caught up
 * from the journal by that same thread before it joins the live set, so nothing falls between the replay and the
 * tail and nothing comes twice: every event goes out once, in id order, with its journal id as the SSE id.
 *
 * <p>Writes never block ({@link SseSink}): the tail thread only queues frames, and a stream that does not keep up
 * is cut and resumes from its last id. Streams hold no thread while they wait.
 */
final class EventHub implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
  private static final int BATCH = 500;
  static final Set<EventType> RUN_ENDS = Set.of(EventType.RUN_SUCCEEDED, EventType.RUN_ROLLED_BACK,
      EventType.RUN_FAILED);

  /** One open stream. */
  private final class Subscriber {
    final String tenantId;
    final String runId;
    final SseSink sink;
    long lastId;

    Subscriber(String tenantId, String runId, long afterId, SseSink sink) {
      this.tenantId = tenantId;
      this.runId = runId;
      this.lastId = afterId;
      this.sink = sink;
    }

    /** Sends an event unless this stream had it; ends a run's stream after the run's last event. */
    void offer(LoggedEvent e) {
      if (e.id() <= lastId) {
        return;
      }
      lastId = e.id();
      sink.event(Long.toString(e.id()), e.event().type().name(), Views.event(e.id(), e.event()).toString());
      if (runId != null && RUN_ENDS.contains(e.event().type())) {
        sink.end();
      }
    }

    Set<Subscriber> set() {
      return runId != null ? byRun.computeIfAbsent(runId, k -> ConcurrentHashMap.newKeySet())
          : byTenant.computeIfAbsent(tenantId, k -> ConcurrentHashMap.newKeySet());
    }

    void detach() {
      joining.remove(this);
      Map<String, Set<Subscriber>> index = runId != null ? byRun : byTenant;
      String key = runId != null ? runId : tenantId;
      index.computeIfPresent(key, (k, set) -> {
        set.remove(this);
        return set.isEmpty() ? null : set;
      });
      count.decrementAndGet();
    }
  }

  private final EventLog log;
  private final Duration poll;
  private final int maxSubscribers;
  private final Map<String, Set<Subscriber>> byTenant = new ConcurrentHashMap<>();
  private final Map<String, Set<Subscriber>> byRun = new ConcurrentHashMap<>();
  private final Queue<Subscriber> joining = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();
  private final ScheduledExecutorService ticker;
  private final Thread tail;
  private volatile long cursor;
  private volatile boolean stopped;

  EventHub(EventLog log, LongSupplier head, Duration poll, int maxSubscribers) {
    this.log = log;
    this.poll = poll;
    this.maxSubscribers = maxSubscribers;
    this.cursor = head.getAsLong();
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

  /** The id up to which the tail has read: where a stream without a {@code Last-Event-ID} starts. */
  long cursor() {
    return cursor;
  }

  int subscribers() {
    return count.get();
  }

  /**
   * Follows a tenant's events, or one run's (then {@code runId} is set and the stream ends after the run's last
   * event), sending first the events after {@code afterId} that are already in the journal.
   */
  void subscribe(String tenantId, String runId, long afterId, SseSink sink) {
    Subscriber s = new Subscriber(tenantId, runId, afterId, sink);
    count.incrementAndGet();
    sink.onClose(s::detach);
    joining.add(s);
    LockSupport.unpark(tail);
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
          LockSupport.parkNanos(poll.toNanos());
        }
      } catch (RuntimeException e) {
        LOG.warn("event tail: {} (retrying in a second)", e.toString());
        LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
      }
    }
  }

  /** Catches new streams up from the journal to the tail's cursor, then lets them follow live. */
  private void admitJoining() {
    for (Subscriber s; (s = joining.poll()) != null; ) {
      if (s.sink.closed()) {
        continue;
      }
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
      s.set().add(s);
      if (s.sink.closed()) {
        s.set().remove(s); // closed while it was caught up: detach ran before it was in the set
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
    byTenant.values().forEach(set -> set.forEach(s -> s.sink.comment("keep-alive")));
    byRun.values().forEach(set -> set.forEach(s -> s.sink.comment("keep-alive")));
  }

  @Override
  public void close() {
    stopped = true;
    LockSupport.unpark(tail);
    ticker.shutdownNow();
    byTenant.values().forEach(set -> set.forEach(s -> s.sink.end()));
    byRun.values().forEach(set -> set.forEach(s -> s.sink.end()));
    try {
      tail.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
