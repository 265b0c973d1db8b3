package dev.tenantwright.examples.portal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.Tenantwright;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioning page's live feed: one {@code text/event-stream} per open page, fed by
 * {@code tw.subscribe(listener)}.
 *
 * <p>The listener runs on engine threads, so it only queues the event; the HTTP thread that owns the stream
 * writes it. Each stream sends, in order: a {@code environment} snapshot of every environment of the
 * tenant, then one {@code progress} event per engine event (step n of m, percent, message), and a fresh
 * {@code environment} snapshot whenever a run starts or ends (with the links, or the error and whether a
 * retry is allowed). A comment line every 15 seconds keeps the connection open and notices a closed page.
 *
 * <p>Each open stream holds an HTTP thread, so streams are capped: in all, below the thread pool's size so
 * that pages always get a thread, and per client address, so that one client's idle connections cannot
 * take every stream (security finding SEC5). Thread-safe.
 */
final class ProgressStreams implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProgressStreams.class);
  private static final Set<EventType> SNAPSHOT_AFTER = EnumSet.of(EventType.RUN_QUEUED, EventType.RUN_STARTED,
      EventType.RUN_SUCCEEDED, EventType.RUN_ROLLED_BACK, EventType.RUN_FAILED);
  private static final int QUEUE_LIMIT = 10_000;
  private static final long KEEP_ALIVE_SECONDS = 15;
  /** Tells a stream's writer to stop. */
  private static final Event CLOSE = new Event(EventType.RUN_FAILED, "", null, null, null, 0, 0, 0, "", null, null);

  private final Tenantwright tw;
  private final ObjectMapper json;
  private final int maxProvisionAttempts;
  private final int maxStreams;
  private final int maxStreamsPerClient;
  private final Set<BlockingQueue<Event>> open = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> perClient = new HashMap<>();
  private int reserved;
  private volatile boolean closed;

  ProgressStreams(Tenantwright tw, ObjectMapper json, int maxProvisionAttempts, int maxStreams,
      int maxStreamsPerClient) {
    this.tw = tw;
    this.json = json;
    this.maxProvisionAttempts = maxProvisionAttempts;
    this.maxStreams = maxStreams;
    this.maxStreamsPerClient = maxStreamsPerClient;
  }

  /**
   * Streams the tenant's events to the exchange until the page goes away or the portal stops; blocks the
   * calling HTTP thread for that long. {@code pagePath} is the page's address (for the links in the views),
   * {@code client} the client's address; a client over its share gets 429, everyone when all streams are
   * taken 503, both with {@code Retry-After}.
   */
  void stream(HttpExchange exchange, String tenantId, String pagePath, String client) throws IOException {
    int refused = reserve(client);
    if (refused != 0) {
      exchange.getResponseHeaders().set("Retry-After", "5");
      exchange.sendResponseHeaders(refused, -1);
      return;
    }
    try {
      stream(exchange, tenantId, pagePath);
    } finally {
      release(client);
    }
  }

  /** Takes a stream for the client: 0, or the status to refuse with. */
  private synchronized int reserve(String client) {
    if (closed || reserved >= maxStreams) {
      return 503;
    }
    int mine = perClient.getOrDefault(client, 0);
    if (mine >= maxStreamsPerClient) {
      return 429;
    }
    perClient.put(client, mine + 1);
    reserved++;
    return 0;
  }

  private synchronized void release(String client) {
    perClient.computeIfPresent(client, (c, n) -> n <= 1 ? null : n - 1);
    reserved--;
  }

  private void stream(HttpExchange exchange, String tenantId, String pagePath) throws IOException {
    BlockingQueue<Event> queue = new LinkedBlockingQueue<>(QUEUE_LIMIT);
    AtomicBoolean lagging = new AtomicBoolean();
    open.add(queue);
    // Subscribe before the first snapshot, so that nothing happening in between is lost; what the snapshot
    // already shows is not sent again.
    AutoCloseable subscription = tw.subscribe(event -> {
      if (tenantId.equals(event.tenantId()) && event.environment() != null && !queue.offer(event)) {
        lagging.set(true);
      }
    });
    try {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      write(out, "retry: 2000\n\n");
      Map<String, Set<String>> shown = new HashMap<>();
      snapshots(out, tenantId, pagePath, shown);
      while (!closed) {
        Event event = queue.poll(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
        if (event == CLOSE) {
          break;
        }
        if (lagging.getAndSet(false)) {
          // The page fell more than QUEUE_LIMIT events behind: drop them and send where things stand now.
          queue.clear();
          snapshots(out, tenantId, pagePath, shown);
        } else if (event == null) {
          write(out, ": keep-alive\n\n");
        } else if (!shown.getOrDefault(event.environment(), Set.of()).contains(key(event))) {
          send(out, "progress", progress(event));
          if (SNAPSHOT_AFTER.contains(event.type())) {
            snapshot(out, tenantId, pagePath, event.environment(), shown);
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("event stream of {} ended: {}", tenantId, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(queue);
      try {
        subscription.close();
      } catch (Exception e) {
        LOG.warn("could not unsubscribe the event stream of {}: {}", tenantId, e.toString());
      }
      exchange.close();
    }
  }

  private void snapshots(OutputStream out, String tenantId, String pagePath, Map<String, Set<String>> shown)
      throws IOException {
    for (Environment env : tw.environments().list(tenantId)) {
      snapshot(out, tenantId, pagePath, env.name(), shown);
    }
  }

  /**
   * Sends where the environment stands, remembering which events the snapshot already contains: events
   * queued while it was taken are then not shown twice.
   */
  private void snapshot(OutputStream out, String tenantId, String pagePath, String environment,
      Map<String, Set<String>> shown) throws IOException {
    EnvironmentView view = EnvironmentView.of(tw, tenantId, pagePath, environment, maxProvisionAttempts,
        events -> shown.put(environment, events.stream().map(ProgressStreams::key).collect(Collectors.toSet())));
    send(out, "environment", view);
  }

  /** Identifies an event both as published and as read back from the journal (which keeps milliseconds). */
  private static String key(Event e) {
    return e.runId() + '|' + e.type() + '|' + e.step() + '|' + e.percent() + '|' + e.message() + '|'
        + (e.at() == null ? 0 : e.at().toEpochMilli());
  }

  private static Map<String, Object> progress(Event e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("environment", e.environment());
    m.put("runId", e.runId());
    m.put("type", e.type().name());
    m.put("step", e.step());
    m.put("stepIndex", e.stepIndex());
    m.put("stepCount", e.stepCount());
    m.put("percent", e.percent());
    m.put("message", e.message());
    return m;
  }

  private void send(OutputStream out, String name, Object data) throws IOException {
    String text;
    try {
      text = json.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IOException("cannot write the " + name + " event", e);
    }
    // JSON written by Jackson has no raw line breaks, so the data fits one "data:" line.
    write(out, "event: " + name + "\ndata: " + text + "\n\n");
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Ends every open stream. */
  @Override
  public void close() {
    closed = true;
    open.forEach(q -> {
      q.clear();
      q.offer(CLOSE);
    });
  }
}
