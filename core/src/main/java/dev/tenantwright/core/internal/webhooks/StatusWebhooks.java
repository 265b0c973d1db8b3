package dev.tenantwright.core.internal.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.core.ActivationStatus;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StatusWebhook;
import dev.tenantwright.core.WebhookDelivery;
import dev.tenantwright.core.WebhookSignature;
import dev.tenantwright.core.Webhooks;
import dev.tenantwright.core.internal.api.EnvironmentNames;
import dev.tenantwright.core.internal.engine.EventBus;
import dev.tenantwright.core.internal.journal.Sql;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns journal events into signed POSTs to the host's {@link StatusWebhook}s, durably.
 *
 * <p>Two halves, both driven by one background thread per engine (woken at once by a local event, and every
 * {@code poll} for what other engines wrote):
 *
 * <ol>
 *   <li><b>Relay.</b> Each endpoint has a cursor row: the last event id it has taken. In one transaction that locks
 *   the cursor (so engines take turns and no event is taken twice), the events after it become delivery rows and the
 *   cursor moves on. Event ids are handed out when a transaction inserts, not when it commits, so a lower id can
 *   still be invisible while a higher one is already read; the relay therefore stops before a gap in the ids unless
 *   the event after the gap is older than {@code gapGrace} — by then the missing id belongs to a transaction that
 *   rolled back (journal transactions take milliseconds), and it is skipped for good.
 *   <li><b>Sender.</b> Due deliveries are claimed with a conditional update (the claim pushes {@code next_at} a
 *   minute ahead, so an engine that dies mid-request leaves the delivery to be retried, never lost) and POSTed
 *   asynchronously; the answer is journaled: 2xx delivered, anything else (or none) waits {@code base · 2^n}
 *   with jitter, capped, or what {@code Retry-After} says, until the attempts run out.
 * </ol>
 *
 * Delivery is at least once; the {@code webhook-id} header is the delivery's id, the same on every retry.
 */
public final class StatusWebhooks implements Webhooks, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StatusWebhooks.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long CLAIM_MILLIS = 60_000;
  private static final int BATCH = 500;

  private final Sql sql;
  private final Map<String, StatusWebhook> hooks = new LinkedHashMap<>();
  private final Clock clock;
  private final Duration poll;
  private final Duration gapGrace;
  private final HttpClient http;
  private final ScheduledExecutorService thread;
  private final AtomicBoolean woken = new AtomicBoolean();
  private final Semaphore inFlight = new Semaphore(16);
  private volatile boolean closed;
  private volatile boolean released;

  public StatusWebhooks(Sql sql, List<StatusWebhook> hooks, Clock clock, Duration poll, Duration gapGrace) {
    this.sql = sql;
    for (StatusWebhook h : hooks) {
      if (this.hooks.put(h.name(), h) != null) {
        throw new dev.tenantwright.core.ValidationException("statusWebhooks", "two webhooks are named '" + h.name() + "'");
      }
    }
    this.clock = clock;
    this.poll = poll;
    this.gapGrace = gapGrace;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).build();
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tw-webhooks");
      t.setDaemon(true);
      return t;
    });
  }

  /** Creates missing cursors (a new endpoint starts at the newest event: it is not sent the past) and starts. */
  public void start(EventBus bus) {
    if (hooks.isEmpty()) {
      return;
    }
    createCursors();
    bus.add(event -> {
      if (event.type().name().startsWith("RUN_") || event.type().name().startsWith("TENANT_")) {
        wake();
      }
    });
    thread.scheduleWithFixedDelay(this::tick, 0, poll.toMillis(), TimeUnit.MILLISECONDS);
  }

  void createCursors() {
    sql.transaction(c -> {
      long newest = Sql.one(c, "SELECT COALESCE(MAX(id), 0) FROM tw_event", rs -> rs.getLong(1)).orElse(0L);
      for (String name : hooks.keySet()) {
        if (Sql.one(c, "SELECT endpoint FROM tw_webhook_cursor WHERE endpoint = ?", rs -> rs.getString(1), name)
            .isEmpty()) {
          Sql.update(c, "INSERT INTO tw_webhook_cursor (endpoint, last_event_id, updated_at) VALUES (?, ?, ?)", name,
              newest, clock.millis());
        }
      }
      return null;
    });
  }

  private void wake() {
    if (!closed && woken.compareAndSet(false, true)) {
      try {
        thread.execute(this::tick);
      } catch (java.util.concurrent.RejectedExecutionException ignored) {
        // closing
      }
    }
  }

  /** One round: relay new events, then send what is due. Never throws (a failed round is tried again). */
  void tick() {
    woken.set(false);
    if (closed) {
      return;
    }
    try {
      for (StatusWebhook h : hooks.values()) {
        while (relay(h) == BATCH) {
          // a full batch: more may be waiting
        }
      }
      sendDue();
    } catch (RuntimeException e) {
      LOG.warn("status webhooks: {}", e.toString());
    }
  }

  // ---------------------------------------------------------------------------------------------- relay

  private record Row(long id, String runId, String tenantId, String environmentId, EventType type, String message,
      String actor, long at, String runKind) {}

  /** Turns the events after the endpoint's cursor into deliveries; returns how many events it read. */
  int relay(StatusWebhook hook) {
    return sql.transaction(c -> {
      Sql.update(c, "UPDATE tw_webhook_cursor SET updated_at = updated_at WHERE endpoint = ?", hook.name());
      long cursor = Sql.one(c, "SELECT last_event_id FROM tw_webhook_cursor WHERE endpoint = ?", rs -> rs.getLong(1),
          hook.name()).orElseThrow();
      List<Row> rows = Sql.list(c, "SELECT e.id, e.run_id, e.tenant_id, e.environment_id, e.type, e.message, e.actor,"
          + " e.at, r.kind FROM tw_event e LEFT JOIN tw_run r ON r.id = e.run_id WHERE e.id > ? ORDER BY e.id"
          + " FETCH FIRST " + BATCH + " ROWS ONLY", StatusWebhooks::row, cursor);
      long now = clock.millis();
      long taken = cursor;
      for (Row r : rows) {
        if (r.id() != taken + 1 && now - r.at() < gapGrace.toMillis()) {
          break; // an id below this one may belong to a transaction that has not committed yet
        }
        if (r.type() != null && hook.events().contains(r.type())) {
          String payload = payload(c, r);
          Sql.update(c, "INSERT INTO tw_webhook_delivery (id, endpoint, event_id, tenant_id, event_type, payload, state,"
                  + " attempts, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?)",
              UUID.randomUUID().toString(), hook.name(), r.id(), r.tenantId(), r.type(), payload, now, now);
        }
        taken = r.id();
      }
      if (taken != cursor) {
        Sql.update(c, "UPDATE tw_webhook_cursor SET last_event_id = ?, updated_at = ? WHERE endpoint = ?", taken, now,
            hook.name());
      }
      return taken == cursor ? 0 : rows.size();
    });
  }

  private static Row row(ResultSet rs) throws SQLException {
    EventType type;
    try {
      type = EventType.valueOf(rs.getString("type"));
    } catch (IllegalArgumentException e) {
      type = null; // written by a newer version: no endpoint asks for it
    }
    return new Row(rs.getLong("id"), rs.getString("run_id"), rs.getString("tenant_id"), rs.getString("environment_id"),
        type, rs.getString("message"), rs.getString("actor"), rs.getLong("at"), rs.getString("kind"));
  }

  /** The JSON body: the event, the run's kind, and for a run's end the state it left its environment in. */
  private String payload(Connection c, Row r) throws SQLException {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", r.type().name().toLowerCase(Locale.ROOT).replace('_', '.'));
    o.put("eventId", r.id());
    o.put("tenant", r.tenantId());
    String environment = r.environmentId() == null ? null : r.environmentId().substring(r.environmentId().indexOf('/') + 1);
    o.put("environment", environment);
    o.put("site", environment == null ? null : siteOf(environment));
    o.put("run", r.runId());
    o.put("runKind", r.runKind());
    RunState runState = runState(r.type());
    EnvironmentState envState = null;
    if (r.runId() != null && runState != null && runState.isTerminal()) {
      envState = environmentStateLeftBy(c, r.environmentId(), r.runId());
    }
    o.put("environmentState", envState == null ? null : envState.name());
    ActivationStatus status = runState == null ? null
        : runState.isTerminal() ? (envState == null ? null : ActivationStatus.of(envState, runState))
        : ActivationStatus.of(EnvironmentState.PROVISIONING, runState);
    o.put("status", status == null ? null : status.name());
    o.put("message", r.message());
    o.put("actor", r.actor());
    o.put("at", Instant.ofEpochMilli(r.at()).toString());
    return o.toString();
  }

  private static String siteOf(String environment) {
    try {
      return EnvironmentNames.parse(environment).site();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static RunState runState(EventType type) {
    return switch (type) {
      case RUN_QUEUED -> RunState.QUEUED;
      case RUN_STARTED -> RunState.RUNNING;
      case RUN_ROLLING_BACK -> RunState.ROLLING_BACK;
      case RUN_CANCELLING -> RunState.CANCELLING;
      case RUN_SUCCEEDED -> RunState.SUCCEEDED;
      case RUN_ROLLED_BACK -> RunState.ROLLED_BACK;
      case RUN_FAILED -> RunState.FAILED;
      default -> null;
    };
  }

  /** The environment's state if this run is still its latest (a later run may have moved it since: then unknown). */
  private static EnvironmentState environmentStateLeftBy(Connection c, String environmentId, String runId)
      throws SQLException {
    return Sql.one(c, "SELECT e.state FROM tw_environment e WHERE e.id = ? AND ? = (SELECT r.id FROM tw_run r"
            + " WHERE r.environment_id = e.id ORDER BY r.created_at DESC, r.id FETCH FIRST 1 ROWS ONLY)",
        rs -> EnvironmentState.valueOf(rs.getString(1)), environmentId, runId).orElse(null);
  }

  // ---------------------------------------------------------------------------------------------- sender

  private record Due(String id, String endpoint, String payload, int attempts, long nextAt) {}

  private void sendDue() {
    long now = clock.millis();
    List<Due> due = sql.read(c -> Sql.list(c, "SELECT id, endpoint, payload, attempts, next_at FROM tw_webhook_delivery"
            + " WHERE state = 'PENDING' AND next_at <= ? ORDER BY next_at FETCH FIRST 50 ROWS ONLY",
        rs -> new Due(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getLong(5)), now));
    for (Due d : due) {
      if (closed) {
        return;
      }
      StatusWebhook hook = hooks.get(d.endpoint());
      if (hook == null || !inFlight.tryAcquire()) {
        continue; // another engine's endpoint, or enough requests in flight already: the next round takes it
      }
      boolean claimed = false;
      try {
        claimed = sql.transaction(c -> Sql.update(c, "UPDATE tw_webhook_delivery SET attempts = attempts + 1,"
            + " next_at = ? WHERE id = ? AND state = 'PENDING' AND next_at = ?", now + CLAIM_MILLIS, d.id(), d.nextAt())
            == 1);
      } finally {
        if (!claimed) {
          inFlight.release();
        }
      }
      if (claimed) {
        send(hook, d.id(), d.payload(), d.attempts() + 1);
      }
    }
  }

  private void send(StatusWebhook hook, String id, String payload, int attempt) {
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    long ts = clock.millis() / 1000;
    HttpRequest.Builder req = HttpRequest.newBuilder(hook.url()).timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    SignedHeaders.of(hook, id, ts, body).forEach(req::header);
    http.sendAsync(req.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((resp, error) -> {
      try {
        if (released) {
          return; // the journal is closing: the claim runs out and the next engine sends it again
        }
        answered(hook, id, attempt, resp, error);
      } catch (RuntimeException e) {
        LOG.warn("status webhook {}: recording delivery {} failed: {}", hook.name(), id, e.toString());
      } finally {
        inFlight.release();
      }
    });
  }

  private void answered(StatusWebhook hook, String id, int attempt, HttpResponse<Void> resp, Throwable error) {
    long now = clock.millis();
    if (resp != null && resp.statusCode() / 100 == 2) {
      sql.transaction(c -> Sql.update(c, "UPDATE tw_webhook_delivery SET state = 'DELIVERED', last_status = ?,"
          + " last_error = NULL, finished_at = ? WHERE id = ?", resp.statusCode(), now, id));
      return;
    }
    Integer status = resp == null ? null : resp.statusCode();
    String why = resp != null ? "HTTP " + resp.statusCode() : error.getClass().getSimpleName()
        + (error.getMessage() == null ? "" : ": " + error.getMessage());
    why = why.length() > 500 ? why.substring(0, 500) : why;
    if (attempt >= hook.maxAttempts()) {
      String last = why;
      sql.transaction(c -> Sql.update(c, "UPDATE tw_webhook_delivery SET state = 'FAILED', last_status = ?,"
          + " last_error = ?, finished_at = ? WHERE id = ?", status == null ? Sql.Null.INTEGER : status, last, now, id));
      LOG.warn("status webhook {}: delivery {} given up after {} attempts ({})", hook.name(), id, attempt, why);
      return;
    }
    long wait = backoff(hook, attempt, resp);
    String last = why;
    sql.transaction(c -> Sql.update(c, "UPDATE tw_webhook_delivery SET next_at = ?, last_status = ?, last_error = ?"
        + " WHERE id = ? AND state = 'PENDING'", now + wait, status == null ? Sql.Null.INTEGER : status, last, id));
    LOG.debug("status webhook {}: delivery {} attempt {} failed ({}); next in {} ms", hook.name(), id, attempt, why,
        wait);
  }

  /** base · 2^(attempt-1) with ±25 % jitter, capped; a Retry-After in seconds (429, 503) overrides, capped too. */
  static long backoff(StatusWebhook hook, int attempt, HttpResponse<?> resp) {
    long cap = hook.backoffCap().toMillis();
    if (resp != null) {
      Optional<String> after = resp.headers().firstValue("Retry-After");
      if (after.isPresent()) {
        try {
          return Math.min(cap, Math.max(0, Long.parseLong(after.get().trim())) * 1000);
        } catch (NumberFormatException ignored) {
          // an HTTP date: fall back to the backoff
        }
      }
    }
    long base = hook.backoffBase().toMillis();
    long exp = base << Math.min(attempt - 1, 30);
    long capped = exp <= 0 ? cap : Math.min(cap, exp);
    double jitter = 0.75 + ThreadLocalRandom.current().nextDouble() * 0.5;
    return Math.min(cap, (long) (capped * jitter));
  }

  // ---------------------------------------------------------------------------------------------- reading

  @Override
  public List<WebhookDelivery> deliveries(String tenantId, int limit) {
    checkLimit(limit);
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_webhook_delivery WHERE tenant_id = ?"
        + " ORDER BY created_at DESC, event_id DESC FETCH FIRST " + limit + " ROWS ONLY", StatusWebhooks::delivery,
        tenantId));
  }

  @Override
  public List<WebhookDelivery> failed(int limit) {
    checkLimit(limit);
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_webhook_delivery WHERE state = 'FAILED'"
        + " ORDER BY finished_at DESC FETCH FIRST " + limit + " ROWS ONLY", StatusWebhooks::delivery));
  }

  private static void checkLimit(int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive");
    }
  }

  private static WebhookDelivery delivery(ResultSet rs) throws SQLException {
    int status = rs.getInt("last_status");
    Integer lastStatus = rs.wasNull() ? null : status;
    long finished = rs.getLong("finished_at");
    Instant finishedAt = rs.wasNull() ? null : Instant.ofEpochMilli(finished);
    EventType type;
    try {
      type = EventType.valueOf(rs.getString("event_type"));
    } catch (IllegalArgumentException e) {
      type = null;
    }
    return new WebhookDelivery(rs.getString("id"), rs.getString("endpoint"), rs.getLong("event_id"),
        rs.getString("tenant_id"), type, rs.getString("state"), rs.getInt("attempts"), lastStatus,
        rs.getString("last_error"), Instant.ofEpochMilli(rs.getLong("created_at")), finishedAt);
  }

  /** The configured webhooks, in order (tests). */
  List<StatusWebhook> hooksForTest() {
    return List.copyOf(hooks.values());
  }

  /** Stops the background thread; deliveries in flight are journaled by the next engine to claim them. */
  @Override
  public void close() {
    closed = true;
    // let requests in flight record their answers while the journal is still open (a short wait: a delivery that is
    // not recorded stays claimed and is sent again by the next engine, at least once)
    try {
      if (inFlight.tryAcquire(16, 2, TimeUnit.SECONDS)) {
        inFlight.release(16);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    released = true;
    thread.shutdownNow();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs a round now and waits for it (tests). */
  public void drain() {
    try {
      thread.submit(this::tick).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("webhook round failed", e);
    }
  }
}
