package dev.tenantwright.plugin.traefik.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.RestClient;
import dev.tenantwright.plugin.support.RestRequest;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.plugin.traefik.TraefikConfig;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls Traefik's read-only API until routers are live: {@code GET /api/http/routers/<name>@file} answers
 * 200 with the rule, service, middlewares and entry points just written, and a status of {@code enabled} or
 * {@code warning}.
 *
 * <p>A 404 means Traefik has not loaded the file yet, and a router that still shows other definitions is the
 * previous version: Traefik publishes a provider's change at most every {@code providersThrottleDuration}
 * (2 s by default; traefik {@code pkg/server/configurationwatcher.go}), so right after an update the old router
 * is still served and must not be judged (finding T1). Polling waits with {@link StepContext#pause} and
 * doubling intervals up to 4 s, until the configured timeout or the step's deadline. Once the new definition
 * shows, {@code enabled} passes, {@code warning} passes with its errors logged (the router serves — Traefik sets
 * it for non-critical errors such as one of several entry points missing, finding T3), and {@code disabled} is
 * a {@link PermanentException} naming the errors; a router that never showed the new definition is a
 * {@link RetryableException}.
 * HTTP failures are classified by the shared {@link RestClient}; retryable ones are polled through until the
 * deadline. Thread-safe; clients are built once per configuration, and each wait calls through its step's view of
 * one, so the polls join the host's trace of the step.
 */
public final class RouterCheck {

  private static final Logger LOG = LoggerFactory.getLogger(RouterCheck.class);
  private static final Duration MAX_INTERVAL = Duration.ofSeconds(4);
  private static final Map<TraefikConfig, RestClient> CLIENTS = new ConcurrentHashMap<>();

  private RouterCheck() {}

  /**
   * Waits until every router in {@code routers} (API-qualified {@code x@file} to its rendered definition) shows
   * that definition and serves. Every poll carries the step attempt's trace context ({@link RestClient#forStep}).
   */
  public static void awaitEnabled(TraefikConfig config, Map<String, Map<String, Object>> routers, StepContext ctx) {
    RestClient api = client(config).forStep(ctx);
    Instant start = ctx.clock().instant();
    Instant until = start.plus(config.verifyTimeout());
    if (until.isAfter(ctx.deadline())) {
      until = ctx.deadline();
    }
    Duration wait = config.pollInterval();
    List<String> pending = new ArrayList<>(routers.keySet());
    String lastProblem = null;
    boolean misconfigured = false;
    RetryableException lastFailure = null;
    int polls = 0;
    while (true) {
      ctx.checkCancelled();
      lastFailure = null;
      for (int i = 0; i < pending.size(); ) {
        String router = pending.get(i);
        Problem problem;
        try {
          problem = problem(api, router, routers.get(router));
        } catch (RetryableException e) {
          lastFailure = e;
          problem = new Problem(router + ": " + e.getMessage(), false);
        }
        if (problem == null) {
          pending.remove(i);
          continue;
        }
        lastProblem = problem.text();
        misconfigured = problem.loaded();
        break;
      }
      polls++;
      if (pending.isEmpty()) {
        LOG.debug("traefik routers {} enabled after {} poll(s)", routers.keySet(), polls);
        return;
      }
      ctx.progress().report(Math.min(95, 60 + polls * 5), "waiting for Traefik: " + lastProblem);
      Instant now = ctx.clock().instant();
      if (!now.plus(wait).isBefore(until)) {
        break;
      }
      ctx.pause(wait);
      wait = wait.multipliedBy(2);
      if (wait.compareTo(MAX_INTERVAL) > 0) {
        wait = MAX_INTERVAL;
      }
    }
    Duration waited = Duration.between(start, ctx.clock().instant());
    if (lastFailure != null) {
      throw new RetryableException("traefik: could not confirm router " + pending.get(0) + " within " + waited.toMillis()
          + " ms: " + lastFailure.getMessage(), lastFailure.retryAfter().orElse(null), true, lastFailure);
    }
    if (misconfigured) {
      throw new PermanentException("traefik: " + lastProblem);
    }
    throw new RetryableException("traefik: " + lastProblem + " after " + waited.toMillis() + " ms ("
        + polls + " polls); is the file provider watching " + config.directory() + "?");
  }

  /** What keeps a router from being live, and whether Traefik has loaded it (so the problem is its config). */
  private record Problem(String text, boolean loaded) {}

  /** Null when the router shows {@code expected} and serves, else what keeps it from that. */
  private static Problem problem(RestClient api, String router, Map<String, Object> expected) {
    RestResponse r = api.call(RestRequest.get("/api/http/routers/" + router).expect(404));
    if (r.status() == 404) {
      return new Problem("router " + router + " is not loaded yet", false);
    }
    JsonNode j = r.json();
    String stale = difference(j, expected);
    if (stale != null) {
      return new Problem("router " + router + " still shows the previous configuration (" + stale + ")", false);
    }
    String status = j.path("status").asText("");
    List<String> errors = new ArrayList<>();
    j.path("error").forEach(e -> errors.add(e.asText()));
    if (status.equals("enabled")) {
      return null;
    }
    if (status.equals("warning")) {
      LOG.warn("traefik router {} serves with warnings: {}", router, String.join("; ", errors));
      return null;
    }
    return new Problem("router " + router + " is " + (status.isEmpty() ? "in an unknown state" : status)
        + (errors.isEmpty() ? "" : ": " + String.join("; ", errors)), true);
  }

  /** The first field in which the API's router differs from the rendered one, or null. */
  private static String difference(JsonNode shown, Map<String, Object> expected) {
    for (String field : List.of("rule", "service")) {
      String want = String.valueOf(expected.get(field));
      String have = shown.path(field).asText("");
      if (!want.equals(have)) {
        return field + " " + have + ", expected " + want;
      }
    }
    for (String field : List.of("middlewares", "entryPoints")) {
      List<String> want = new ArrayList<>();
      if (expected.get(field) instanceof List<?> l) {
        l.forEach(x -> want.add(String.valueOf(x)));
      }
      List<String> have = new ArrayList<>();
      shown.path(field).forEach(x -> have.add(x.asText()));
      if (!want.equals(have)) {
        return field + " " + have + ", expected " + want;
      }
    }
    return null;
  }

  private static RestClient client(TraefikConfig config) {
    return CLIENTS.computeIfAbsent(config, k -> {
      RestClient.Builder b = RestClient.builder().name("traefik").baseUrl(config.apiUrl())
          .readTimeout(Duration.ofSeconds(10));
      if (config.apiUser() != null) {
        String basic = Base64.getEncoder().encodeToString(
            (config.apiUser() + ":" + config.apiPassword().reveal()).getBytes(StandardCharsets.UTF_8));
        b.authHeader("Authorization", Secret.of("Basic " + basic));
      }
      return b.build();
    });
  }
}
