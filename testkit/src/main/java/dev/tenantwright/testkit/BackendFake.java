package dev.tenantwright.testkit;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.common.Slf4jNotifier;
import dev.tenantwright.testkit.internal.CallLog;
import dev.tenantwright.testkit.internal.ContractListener;
import dev.tenantwright.testkit.internal.ContractValidator;
import dev.tenantwright.testkit.internal.DispatchTransformer;
import dev.tenantwright.testkit.internal.FaultBook;
import dev.tenantwright.testkit.internal.HttpFaultSpec;
import dev.tenantwright.testkit.internal.Json;
import dev.tenantwright.testkit.internal.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stateful in-process fake of one HTTP backend, served by WireMock on {@code 127.0.0.1} with a free port:
 * subclasses register Java handlers per route and keep the backend's objects in memory, so a plugin talks
 * to it exactly as to the real API — creating, listing, reading and deleting objects, and meeting the
 * backend's real error shapes.
 *
 * <p>On top of the routes every fake offers: per-route and total call counters ({@link #calls(String)},
 * {@link #totalCalls()}) and a request log ({@link #requests()}), faulted calls included; a leak view
 * ({@link #liveObjects()}, {@link #assertNothingLeaked()}); deterministic fault injection
 * ({@link #inject(Fault)}); OpenAPI contract validation of every exchange
 * ({@link #validateAgainst(OpenApiContract)}, {@link #assertContractRespected()}); and a hook run after each
 * call took effect ({@link #afterEachCall(IntConsumer)}), the conformance kit's crash point.
 *
 * <p><b>Threading.</b> Requests arrive on WireMock's threads, but handlers run one at a time while holding
 * this object's monitor, so handlers may use plain collections; subclass methods that read the same state
 * from test threads — {@link #liveObjects()} at least — must be {@code synchronized}. Everything else here
 * is thread-safe. <b>Lifecycle.</b> The server starts on the first {@link #baseUrl()} or {@link #port()} call
 * and stops on {@link #close()}, which also releases calls held by latency or timeout faults.
 *
 * <pre>{@code
 * final class WidgetsFake extends BackendFake {
 *   private final Map<String, ObjectNode> widgets = new LinkedHashMap<>();
 *
 *   WidgetsFake() {
 *     super("widgets");
 *     on("POST", "/v1/widgets", req -> {
 *       ObjectNode w = newObject().put("id", "w" + (widgets.size() + 1)).put("name", req.json().path("name").asText());
 *       widgets.put(w.get("id").asText(), w);
 *       return RouteResponse.json(201, w);
 *     });
 *     on("GET", "/v1/widgets/{id}", req -> widgets.containsKey(req.pathParam("id"))
 *         ? RouteResponse.json(200, widgets.get(req.pathParam("id")))
 *         : errorResponse(404, "widget not found"));
 *   }
 *
 *   @Override
 *   public synchronized Collection<String> liveObjects() {
 *     return List.copyOf(widgets.keySet());
 *   }
 * }
 * }</pre>
 */
public abstract class BackendFake implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BackendFake.class);

  private final String name;
  private final String basePath;
  private final Router<RouteHandler> router = new Router<>();
  private final FaultBook<HttpFaultSpec> faults = new FaultBook<>();
  private final CallLog log = new CallLog();
  private final AtomicReference<OpenApiContract> contract = new AtomicReference<>();
  private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private WireMockServer server;
  private IntConsumer callListener = n -> {};
  private int handledCalls;

  /** A fake whose routes sit at the server's root. */
  protected BackendFake(String name) {
    this(name, "");
  }

  /**
   * A fake whose routes sit below a base path, as Cloudflare's below {@code /client/v4}: routes are
   * registered and faults scoped relative to it, and {@link #baseUrl()} includes it.
   */
  protected BackendFake(String name, String basePath) {
    this.name = Objects.requireNonNull(name, "name");
    Objects.requireNonNull(basePath, "basePath");
    if (!basePath.isEmpty() && (!basePath.startsWith("/") || basePath.endsWith("/"))) {
      throw new IllegalArgumentException("a base path starts with '/' and does not end with one: " + basePath);
    }
    this.basePath = basePath;
  }

  /** The fake's name, used in messages and logs. */
  public final String name() {
    return name;
  }

  /** {@code http://127.0.0.1:PORT} plus the base path: point the client under test here. */
  public final String baseUrl() {
    return "http://127.0.0.1:" + port() + basePath;
  }

  /** The port the fake listens on; starts the server on first use. */
  public final synchronized int port() {
    if (server == null) {
      if (closed.getCount() == 0) {
        throw new IllegalStateException("fake " + name + " is closed");
      }
      server = start();
    }
    return server.port();
  }

  /**
   * Registers a handler for a method and a path template relative to the base path, such as
   * {@code on("GET", "/v9/projects/{idOrName}", ...)}; the route's key is {@code "GET /v9/projects/{idOrName}"}.
   * When templates overlap, the one with more literal segments wins.
   *
   * @throws IllegalArgumentException if the template is malformed or the route exists
   */
  protected final void on(String method, String pathTemplate, RouteHandler handler) {
    router.add(method, pathTemplate, Objects.requireNonNull(handler, "handler"));
  }

  /**
   * The backend's error answer for a status and message; used for unknown routes (404), wrong methods
   * (405), bad JSON (400), failing handlers (500) and injected faults, and available to handlers. Override
   * it with the backend's real shape, e.g. Vercel's {@code {"error":{"code":..,"message":..}}}. Must be
   * thread-safe and free of side effects.
   */
  protected RouteResponse errorResponse(int status, String message) {
    return RouteResponse.json(status, Map.of("error", Map.of("code", codeFor(status), "message", message)));
  }

  /**
   * The backend's 429 answer for an injected rate limit; by default {@link #errorResponse} with a
   * {@code Retry-After} header in whole seconds, rounded up. Override to add the backend's rate-limit
   * headers or body fields.
   */
  protected RouteResponse rateLimitedResponse(Duration retryAfter) {
    long seconds = (retryAfter.toMillis() + 999) / 1000;
    return errorResponse(429, "rate limited: retry after " + seconds + " s")
        .withHeader("Retry-After", Long.toString(seconds));
  }

  /** The test kit's shared Jackson mapper, for building response bodies. */
  protected final ObjectMapper json() {
    return Json.mapper();
  }

  /** A new empty JSON object, for building response bodies. */
  protected final ObjectNode newObject() {
    return Json.mapper().createObjectNode();
  }

  /**
   * What still exists in the fake, one line per object (e.g. {@code "project prj_1 (acme-demo)"}), for
   * leak checks. Implementations must be {@code synchronized} (see the class comment).
   */
  public abstract Collection<String> liveObjects();

  /**
   * Calls {@code listener} with the running count of calls a handler answered, after each such call has taken
   * effect and before its answer is sent; replaces an earlier listener. It runs on the fake's monitor: it may
   * plant or read state, but must not wait for the client's next call. What it throws fails the call as a
   * throwing handler does (500; 400 for an {@code IllegalArgumentException}) — the conformance kit crashes the
   * engine this way. Calls a fault stops before the handler do not count; {@link #reset()} restarts the count.
   * Subclasses may override it only to return their own type.
   */
  public synchronized BackendFake afterEachCall(IntConsumer listener) {
    this.callListener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** Fails with the list of objects that still exist, if any do. */
  public final void assertNothingLeaked() {
    Collection<String> live = liveObjects();
    if (!live.isEmpty()) {
      throw new AssertionError("fake " + name + " still holds " + live.size() + " object(s): " + String.join(", ", live));
    }
  }

  /** Forgets the state a subclass keeps; called by {@link #reset()}. The default does nothing. */
  protected void resetState() {}

  /**
   * Returns the fake to a fresh state: objects ({@link #resetState()}), counters, request log, faults and
   * contract violations. Routes, the attached contract and the {@linkplain #afterEachCall after-call listener}
   * stay. Lets one fake serve many tests.
   */
  public final void reset() {
    synchronized (this) {
      resetState();
      handledCalls = 0;
    }
    log.clear();
    faults.clear();
    violations.clear();
  }

  /**
   * Calls received on a route, faulted ones included.
   *
   * @param routeKey {@code "METHOD /template"}, e.g. {@code "POST /v11/projects"}
   * @throws IllegalArgumentException if there is no such route (so a typo cannot pass as zero calls)
   */
  public final long calls(String routeKey) {
    requireRoute(routeKey);
    return log.calls(routeKey);
  }

  /** Calls received in total, faulted and unrouted ones included. */
  public final long totalCalls() {
    return log.total();
  }

  /** The most recent calls (up to 10,000), oldest first, each with the headers it carried. */
  public final List<RecordedCall> requests() {
    return log.calls();
  }

  /** The logged calls of one route, oldest first. */
  public final List<RecordedCall> requests(String routeKey) {
    requireRoute(routeKey);
    List<RecordedCall> out = new ArrayList<>();
    for (RecordedCall c : log.calls()) {
      if (routeKey.equals(c.route())) {
        out.add(c);
      }
    }
    return out;
  }

  /** The route keys, in registration order. */
  public final Set<String> routes() {
    return router.keys();
  }

  /**
   * Injects a fault; faults apply in the order injected, latencies add up, and the first terminal fault
   * that fires decides the answer.
   *
   * @throws IllegalArgumentException if the fault names a route this fake does not have
   */
  public final void inject(Fault fault) {
    HttpFaultSpec spec = Objects.requireNonNull(fault, "fault").spec();
    if (spec.routeKey() != null) {
      requireRoute(spec.routeKey());
    }
    faults.add(spec);
    LOG.debug("fake {}: injected {}", name, spec.describe());
  }

  /** Restarts the random source of rate and random-latency faults from a seed (the default seed is 0). */
  public final void seedFaults(long seed) {
    faults.seed(seed);
  }

  /** Removes every injected fault. */
  public final void clearFaults() {
    faults.clear();
  }

  /**
   * Validates every request this fake serves from now on — and its response, when a handler produced
   * it — against the contract; replaces any contract attached before.
   */
  public final void validateAgainst(OpenApiContract openApiContract) {
    contract.set(Objects.requireNonNull(openApiContract, "contract"));
  }

  /** The contract violations found so far, in order. */
  public final List<String> contractViolations() {
    return List.copyOf(violations);
  }

  /** Fails with the validator's messages if any exchange broke the attached contract. */
  public final void assertContractRespected() {
    List<String> found = contractViolations();
    if (!found.isEmpty()) {
      OpenApiContract c = contract.get();
      throw new AssertionError("fake " + name + ": " + found.size() + " violation(s) of "
          + (c == null ? "its contract" : c.name()) + ":\n  " + String.join("\n  ", found));
    }
  }

  /** Stops the server and releases calls held by faults; further use fails. Idempotent. */
  @Override
  public final void close() {
    WireMockServer s;
    synchronized (this) {
      closed.countDown();
      s = server;
      server = null;
    }
    if (s != null) {
      s.stop();
    }
  }

  @Override
  public String toString() {
    return "BackendFake[" + name + "]";
  }

  private WireMockServer start() {
    DispatchTransformer.Hooks hooks = new DispatchTransformer.Hooks() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public RouteResponse error(int status, String message) {
        return errorResponse(status, message);
      }

      @Override
      public RouteResponse rateLimited(Duration retryAfter) {
        return rateLimitedResponse(retryAfter);
      }

      @Override
      public Object lock() {
        return BackendFake.this;
      }

      @Override
      public void afterCall() {
        // Runs holding lock(), i.e. this fake's monitor, which guards both fields.
        callListener.accept(++handledCalls);
      }
    };
    DispatchTransformer dispatch = new DispatchTransformer(basePath, router, faults, log, hooks, closed);
    ContractListener listener = new ContractListener(this::currentValidator, violations::add);
    WireMockServer s = new WireMockServer(wireMockConfig()
        .bindAddress("127.0.0.1")
        .dynamicPort()
        .containerThreads(100)
        .jettyAcceptors(1)
        .disableRequestJournal()
        .notifier(new Slf4jNotifier(false))
        .extensions(dispatch, listener));
    s.start();
    s.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.aResponse()));
    LOG.debug("fake {} listening on port {}", name, s.port());
    return s;
  }

  private ContractValidator currentValidator() {
    OpenApiContract c = contract.get();
    return c == null ? null : c.validator();
  }

  private void requireRoute(String routeKey) {
    if (!router.has(routeKey)) {
      throw new IllegalArgumentException("fake " + name + " has no route '" + routeKey + "'; it has " + router.keys());
    }
  }

  private static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_unknown";
      case 409 -> "conflict";
      case 429 -> "rate_limited";
      case 500 -> "internal_server_error";
      case 502 -> "bad_gateway";
      case 503 -> "service_unavailable";
      case 504 -> "gateway_timeout";
      default -> "error_" + status;
    };
  }
}
