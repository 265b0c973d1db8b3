package dev.tenantwright.core.internal.types;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Resettable;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.core.internal.net.EgressPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The {@code http.health-check} type: waits until a URL answers healthy — the last step of most
 * provisioning runs, after deploy, DNS and certificate.
 *
 * <p>{@code create} polls with GET, waiting between tries through {@link StepContext#pause} with exponential
 * backoff (the spec's interval doubling up to 10 seconds) and reporting progress, until the answer has an
 * expected status (and text), or until the spec's timeout or the step's deadline — whichever comes first —
 * when it fails with a {@link PermanentException} naming the URL and the last status or error. {@code read}
 * is a single GET: present if healthy now. {@code delete} has nothing to remove. Stateless and thread-safe.
 */
public final class HealthCheckType implements ResourceType<HealthCheckSpec, HealthCheckOutputs>,
    Resettable<HealthCheckSpec, HealthCheckOutputs> {

  /** The blueprint type name. */
  public static final String TYPE = "http.health-check";

  /** The longest wait between tries (unless the spec's first interval is longer). */
  static final Duration MAX_INTERVAL = Duration.ofSeconds(10);

  /** The longest a single request may take. */
  static final Duration MAX_REQUEST = Duration.ofSeconds(10);

  /** The shortest a single request is given, even when the deadline is closer. */
  static final Duration MIN_REQUEST = Duration.ofMillis(500);

  /** How much of the body is searched for the expected text. */
  static final int BODY_LIMIT = 64 * 1024;

  private final OkHttpClient http;
  private final EgressPolicy egress;

  /**
   * Creates the type. Requests go through {@code http} (it should not follow redirects, so that a 3xx is seen as
   * such), connecting only to addresses {@code egress} allows: a tenant cannot make the engine probe loopback,
   * link-local or private addresses unless the host allowed them.
   */
  public HealthCheckType(OkHttpClient http, EgressPolicy egress) {
    this.egress = Objects.requireNonNull(egress, "egress");
    this.http = Objects.requireNonNull(http, "http").newBuilder()
        .dns(egress::resolve)
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .build();
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<HealthCheckSpec> specType() {
    return HealthCheckSpec.class;
  }

  @Override
  public Class<HealthCheckOutputs> outputType() {
    return HealthCheckOutputs.class;
  }

  @Override
  public CreateResult<HealthCheckOutputs> create(HealthCheckSpec spec, StepContext ctx) {
    Instant start = ctx.clock().instant();
    Duration budget = spec.timeoutDuration();
    Instant deadline = start.plus(budget);
    if (ctx.deadline().isBefore(deadline)) {
      deadline = ctx.deadline();
      budget = Duration.between(start, deadline);
    }
    Duration wait = spec.intervalDuration();
    Duration cap = wait.compareTo(MAX_INTERVAL) > 0 ? wait : MAX_INTERVAL;
    String target = spec.describeUrl();
    for (int attempt = 1; ; attempt++) {
      ctx.checkCancelled();
      Instant now = ctx.clock().instant();
      Probe probe = probe(spec, Duration.between(now, deadline));
      if (probe.healthy()) {
        ctx.progress().report(100, target + " is healthy (status " + probe.status() + ")");
        return CreateResult.created(new HealthCheckOutputs(spec.url(), probe.status()));
      }
      now = ctx.clock().instant();
      Duration left = Duration.between(now, deadline);
      if (left.isNegative() || left.isZero()) {
        throw new PermanentException("health check of " + target + " did not pass within "
            + describe(budget) + " (" + attempt + " tries): last " + probe.describe());
      }
      ctx.progress().report(percent(start, now, budget),
          "waiting for " + target + ": " + probe.describe() + " (try " + attempt + ")");
      try {
        ctx.pause(wait.compareTo(left) < 0 ? wait : left);
      } catch (RetryableException e) {
        throw new PermanentException("health check of " + target + " did not pass before the step's deadline ("
            + attempt + " tries): last " + probe.describe(), e);
      }
      Duration doubled = wait.multipliedBy(2);
      wait = doubled.compareTo(cap) > 0 ? cap : doubled;
    }
  }

  @Override
  public Optional<HealthCheckOutputs> read(HealthCheckSpec spec, HealthCheckOutputs outputs, StepContext ctx) {
    Probe probe = probe(spec, ctx.remaining());
    return probe.healthy() ? Optional.of(new HealthCheckOutputs(spec.url(), probe.status())) : Optional.empty();
  }

  @Override
  public void delete(HealthCheckSpec spec, HealthCheckOutputs outputs, StepContext ctx) {
    // A health check creates nothing.
  }

  /** One GET; never throws for an unhealthy or unreachable target, only when interrupted or refused by policy. */
  private Probe probe(HealthCheckSpec spec, Duration left) {
    Duration timeout = left.compareTo(MAX_REQUEST) > 0 ? MAX_REQUEST : left;
    if (timeout.compareTo(MIN_REQUEST) < 0) {
      timeout = MIN_REQUEST;
    }
    HttpUrl url = HttpUrl.get(spec.uri().toString());
    if (url.host().indexOf(':') >= 0 || url.host().matches("[0-9.]+")) {
      // an address literal is not looked up, so the client's resolver never sees it: check it here
      try {
        egress.resolve(url.host());
      } catch (UnknownHostException e) {
        return new Probe(-1, "unknown host");
      }
    }
    OkHttpClient client = http.newBuilder().callTimeout(timeout).build();
    Request request = new Request.Builder().url(url).get().header("User-Agent", "tenantwright-health-check").build();
    try (Response response = client.newCall(request).execute()) {
      int status = response.code();
      if (!spec.accepts(status)) {
        return new Probe(status, "status " + status);
      }
      if (spec.contains() != null && !BoundedBody.read(response, BODY_LIMIT).contains(spec.contains())) {
        return new Probe(status, "status " + status + " without the expected text");
      }
      return new Probe(status, null);
    } catch (InterruptedIOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new CancellationException("interrupted while checking " + spec.describeUrl());
      }
      return new Probe(-1, "no answer within " + describe(timeout));
    } catch (PermanentException refused) {
      throw refused;
    } catch (IOException e) {
      return new Probe(-1, describeError(e));
    }
  }

  private static String describeError(IOException error) {
    if (error instanceof ConnectException) {
      return "connection refused";
    }
    if (error instanceof UnknownHostException) {
      return "unknown host";
    }
    return "error " + error.getClass().getSimpleName();
  }

  private static int percent(Instant start, Instant now, Duration budget) {
    long total = Math.max(1, budget.toMillis());
    long spent = Duration.between(start, now).toMillis();
    return (int) Math.max(0, Math.min(99, spent * 100 / total));
  }

  private static String describe(Duration d) {
    if (d.toMillis() < 1000) {
      return d.toMillis() + "ms";
    }
    if (d.toMillis() % 1000 != 0) {
      return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
    long s = d.toSeconds();
    return s % 60 == 0 ? (s / 60) + "m" : s + "s";
  }

  /** The result of one GET: the status (-1 for none) and, when unhealthy, why. */
  private record Probe(int status, String problem) {
    boolean healthy() {
      return problem == null;
    }

    String describe() {
      return problem == null ? "status " + status : problem;
    }
  }

  /** After a reset the check runs again: the environment is only back when it is healthy. */
  @Override
  public HealthCheckOutputs reset(HealthCheckSpec spec, HealthCheckOutputs outputs, StepContext ctx) {
    return create(spec, ctx).outputs();
  }
}
