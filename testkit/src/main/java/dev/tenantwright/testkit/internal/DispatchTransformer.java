package dev.tenantwright.testkit.internal;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tenantwright.testkit.RouteResponse;
import dev.tenantwright.testkit.RecordedCall;
import dev.tenantwright.testkit.RouteHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WireMock extension that turns every request a fake receives into a call of its Java router: it
 * counts the call, applies the injected faults before and after the handler, runs the handler (and the
 * fake's after-call hook) and renders its {@code RouteResponse}.
 *
 * <p>One instance per fake; thread-safe (handlers are serialised on the fake's lock, faults on the fault
 * book's). Delays wait on the fake's close latch, so closing the fake releases every held call at once.
 */
public final class DispatchTransformer implements ResponseDefinitionTransformerV2 {

  /** Transformer parameter telling the contract listener the handler's own answer was sent. */
  public static final String VALIDATE_RESPONSE = "tenantwright.validateResponse";

  private static final Logger LOG = LoggerFactory.getLogger(DispatchTransformer.class);

  /** What the dispatcher needs from the fake that owns it. */
  public interface Hooks {
    /** The fake's name, for logs. */
    String name();

    /** The backend's error body for a status. */
    RouteResponse error(int status, String message);

    /** The backend's 429 answer, {@code Retry-After} included. */
    RouteResponse rateLimited(Duration retryAfter);

    /** The monitor handlers run under. */
    Object lock();

    /**
     * Called under {@link #lock()} right after a handler returned, before its answer is sent; what it throws
     * fails the call as if the handler had thrown it.
     */
    void afterCall();
  }

  private final String basePath;
  private final Router<RouteHandler> router;
  private final FaultBook<HttpFaultSpec> faults;
  private final CallLog log;
  private final Hooks hooks;
  private final CountDownLatch closed;

  /** Creates the dispatcher of one fake. */
  public DispatchTransformer(String basePath, Router<RouteHandler> router, FaultBook<HttpFaultSpec> faults,
      CallLog log, Hooks hooks, CountDownLatch closed) {
    this.basePath = basePath;
    this.router = router;
    this.faults = faults;
    this.log = log;
    this.hooks = hooks;
    this.closed = closed;
  }

  @Override
  public String getName() {
    return "tenantwright-dispatch";
  }

  @Override
  public boolean applyGlobally() {
    return true;
  }

  @Override
  public ResponseDefinition transform(ServeEvent serveEvent) {
    Instant at = Instant.now();
    LoggedRequest req = serveEvent.getRequest();
    String method = req.getMethod().getName();
    String url = req.getUrl();
    int q = url.indexOf('?');
    String fullPath = q < 0 ? url : url.substring(0, q);
    String rawQuery = q < 0 ? "" : url.substring(q + 1);
    String path = relative(fullPath);
    Optional<Router.Match<RouteHandler>> match =
        path == null ? Optional.empty() : router.find(method, path);
    String routeKey = match.map(m -> m.route().key()).orElse(null);
    String shownPath = path == null ? fullPath : path;
    log.count(routeKey);

    List<FaultBook.Fired<HttpFaultSpec>> fired =
        faults.decide(s -> s.appliesTo(routeKey, method, shownPath), System.nanoTime());
    FaultBook.Fired<HttpFaultSpec> terminal = null;
    long delayBefore = 0;
    long delayAfter = 0;
    for (FaultBook.Fired<HttpFaultSpec> f : fired) {
      HttpFaultSpec s = f.spec();
      if (s.terminal()) {
        terminal = f;
      } else if (s.afterHandler()) {
        delayAfter += latencyMillis(f);
      } else {
        delayBefore += latencyMillis(f);
      }
    }
    String faultText = fired.isEmpty()
        ? null
        : fired.stream().map(f -> f.spec().describe()).collect(Collectors.joining("; "));

    pause(delayBefore);
    String body = req.getBodyAsString();
    Outcome outcome;
    boolean handled = false;
    if (terminal != null && !terminal.spec().afterHandler()) {
      outcome = strike(terminal.spec(), null);
    } else {
      RouteResponse answer;
      boolean own = false;
      if (match.isPresent()) {
        HttpFakeRequest request = new HttpFakeRequest(method, path, match.get().params(),
            QueryString.parse(rawQuery), headers(req), body);
        handled = true;
        answer = invoke(match.get(), request);
        own = answer != null;
        if (answer == null) {
          answer = hooks.error(500, "the fake's handler for " + routeKey + " failed");
        }
      } else if (path != null && router.pathKnown(path)) {
        answer = hooks.error(405, "method " + method + " is not allowed on " + path);
      } else {
        LOG.warn("fake {}: no route for {} {}; routes are {}", hooks.name(), method, fullPath, router.keys());
        answer = hooks.error(404, "no route for " + method + " " + fullPath);
      }
      outcome = terminal == null ? new Outcome(answer, false, own) : strike(terminal.spec(), answer);
    }
    pause(delayAfter);

    int status = outcome.reset ? 0 : outcome.response.status();
    log.record(new RecordedCall(method, shownPath, rawQuery, routeKey, status, handled, faultText,
        body == null ? "" : body, at, headers(req)));
    LOG.debug("fake {}: {} {} -> {}{}", hooks.name(), method, url, outcome.reset ? "connection reset" : status,
        faultText == null ? "" : " [" + faultText + "]");
    return render(outcome);
  }

  private record Outcome(RouteResponse response, boolean reset, boolean validateResponse) {}

  /** Applies a terminal fault; {@code answer} is the handler's answer when it already ran. */
  private Outcome strike(HttpFaultSpec fault, RouteResponse answer) {
    return switch (fault.kind()) {
      case STATUS -> new Outcome(hooks.error(fault.status(), "injected fault: status " + fault.status()), false, false);
      case RATE_LIMITED -> new Outcome(hooks.rateLimited(fault.retryAfter()), false, false);
      case CONNECTION_RESET -> new Outcome(null, true, false);
      case TIMEOUT -> {
        pause(fault.delayMin().toMillis());
        yield answer != null
            ? new Outcome(answer, false, false)
            : new Outcome(hooks.error(504, "injected fault: timeout"), false, false);
      }
      case LATENCY -> throw new IllegalStateException("latency is not terminal");
    };
  }

  private RouteResponse invoke(Router.Match<RouteHandler> match, HttpFakeRequest request) {
    try {
      RouteResponse r;
      synchronized (hooks.lock()) {
        r = match.route().handler().handle(request);
        hooks.afterCall();
      }
      if (r == null) {
        LOG.error("fake {}: the handler of {} returned null", hooks.name(), match.route().key());
      }
      return r;
    } catch (IllegalArgumentException e) {
      return hooks.error(400, e.getMessage() == null ? "bad request" : e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("fake {}: the handler of {} failed", hooks.name(), match.route().key(), e);
      return null;
    }
  }

  private ResponseDefinition render(Outcome outcome) {
    if (outcome.reset) {
      return ResponseDefinitionBuilder.responseDefinition()
          .withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)
          .withTransformerParameter(VALIDATE_RESPONSE, false)
          .build();
    }
    RouteResponse r = outcome.response;
    ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition().withStatus(r.status());
    r.headers().forEach((name, values) -> b.withHeader(name, values.toArray(new String[0])));
    b.withBody(r.body().getBytes(StandardCharsets.UTF_8));
    b.withTransformerParameter(VALIDATE_RESPONSE, outcome.validateResponse);
    return b.build();
  }

  private String relative(String fullPath) {
    if (basePath.isEmpty()) {
      return fullPath;
    }
    if (fullPath.equals(basePath)) {
      return "/";
    }
    return fullPath.startsWith(basePath + "/") ? fullPath.substring(basePath.length()) : null;
  }

  private static Map<String, List<String>> headers(LoggedRequest req) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (HttpHeader h : req.getHeaders().all()) {
      out.put(h.key(), new ArrayList<>(h.values()));
    }
    return out;
  }

  private static long latencyMillis(FaultBook.Fired<HttpFaultSpec> f) {
    long min = f.spec().delayMin().toMillis();
    long max = f.spec().delayMax().toMillis();
    return min + (long) Math.floor(f.draw() * (max - min + 1));
  }

  private void pause(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      closed.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
