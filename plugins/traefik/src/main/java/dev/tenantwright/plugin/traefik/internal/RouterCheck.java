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
 * 200 with {@code status == "enabled"} and no {@code error}.
 *
 * <p>A 404 means Traefik has not loaded the file yet (the file provider throttles reloads); polling waits
 * with {@link StepContext#pause} and doubling intervals up to 4 s, until the configured timeout or the step's
 * deadline. At the end, a router Traefik reports disabled or with errors is a {@link PermanentException}
 * naming its errors (the configuration is wrong); one that never appeared is a {@link RetryableException}.
 * HTTP failures are classified by the shared {@link RestClient}; retryable ones are polled through until the
 * deadline. Thread-safe; clients are built once per configuration.
 */
public final class RouterCheck {

  private static final Logger LOG = LoggerFactory.getLogger(RouterCheck.class);
  private static final Duration MAX_INTERVAL = Duration.ofSeconds(4);
  private static final Map<TraefikConfig, RestClient> CLIENTS = new ConcurrentHashMap<>();

  private RouterCheck() {}

  /** Waits until every router in {@code routers} (API-qualified, {@code x@file}) is enabled without errors. */
  public static void awaitEnabled(TraefikConfig config, List<String> routers, StepContext ctx) {
    RestClient api = client(config);
    Instant start = ctx.clock().instant();
    Instant until = start.plus(config.verifyTimeout());
    if (until.isAfter(ctx.deadline())) {
      until = ctx.deadline();
    }
    Duration wait = config.pollInterval();
    List<String> pending = new ArrayList<>(routers);
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
          problem = problem(api, router);
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
        LOG.debug("traefik routers {} enabled after {} poll(s)", routers, polls);
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

  /** Null when the router is enabled without errors, else what is wrong with it. */
  private static Problem problem(RestClient api, String router) {
    RestResponse r = api.call(RestRequest.get("/api/http/routers/" + router).expect(404));
    if (r.status() == 404) {
      return new Problem("router " + router + " is not loaded yet", false);
    }
    JsonNode j = r.json();
    String status = j.path("status").asText("");
    List<String> errors = new ArrayList<>();
    j.path("error").forEach(e -> errors.add(e.asText()));
    if (status.equals("enabled") && errors.isEmpty()) {
      return null;
    }
    return new Problem("router " + router + " is " + (status.isEmpty() ? "in an unknown state" : status)
        + (errors.isEmpty() ? "" : ": " + String.join("; ", errors)), true);
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
