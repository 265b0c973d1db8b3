package dev.tenantwright.testkit;

import dev.tenantwright.testkit.internal.HttpFaultSpec;
import dev.tenantwright.testkit.internal.HttpFaultSpec.Kind;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A failure to inject into a {@link BackendFake}: an error status, a rate limit, latency, a timeout or a
 * reset connection, on chosen calls.
 *
 * <p>A fault is built in three independent parts. <b>What</b>: one of the static factories. <b>Which
 * calls</b>: {@link #on(String)} a route key or {@link #on(String, String)} a method and path pattern
 * (default: every call). <b>When</b>: always (default), {@link #rate}, {@link #nth}, {@link #times},
 * {@link #during}. By default a fault strikes <em>before</em> the fake's handler runs, so the call has no
 * side effect; {@link #afterHandler()} lets the handler run first, so the backend changed but the client
 * sees a failure — the case that leaves an outcome unknown. Random choices come from the fake's seed
 * ({@link BackendFake#seedFaults(long)}), so a run repeats exactly for a given call order.
 *
 * <p>Immutable and thread-safe; each method returns a new fault.
 *
 * <pre>{@code
 * fake.inject(Fault.status(503).rate(0.10));                                  // 10 % of all calls
 * fake.inject(Fault.rateLimited(Duration.ofSeconds(2)).on("POST /v11/projects").times(3));
 * fake.inject(Fault.timeout(Duration.ofSeconds(30)).on("POST /v11/projects").afterHandler().nth(1));
 * }</pre>
 */
public final class Fault {

  private final HttpFaultSpec spec;

  private Fault(HttpFaultSpec spec) {
    this.spec = spec;
  }

  /** Answers with this status and the backend's error shape ({@link BackendFake#errorResponse}). */
  public static Fault status(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    return new Fault(HttpFaultSpec.of(Kind.STATUS, status, null, null, null));
  }

  /**
   * Answers 429 with a {@code Retry-After} header of {@code retryAfter} (whole seconds, rounded up); the
   * body comes from {@link BackendFake#rateLimitedResponse(Duration)}. Combine with {@link #times} for N
   * refusals or {@link #during} for a storm.
   */
  public static Fault rateLimited(Duration retryAfter) {
    requireNotNegative(retryAfter, "retryAfter");
    return new Fault(HttpFaultSpec.of(Kind.RATE_LIMITED, 429, retryAfter, null, null));
  }

  /** Delays the answer by a fixed time; the call otherwise proceeds (several latencies add up). */
  public static Fault latency(Duration delay) {
    requireNotNegative(delay, "delay");
    return new Fault(HttpFaultSpec.of(Kind.LATENCY, 0, null, delay, delay));
  }

  /** Delays the answer by a time drawn uniformly from {@code [min, max]} with the fake's seeded random. */
  public static Fault latency(Duration min, Duration max) {
    requireNotNegative(min, "min");
    requireNotNegative(max, "max");
    if (max.compareTo(min) < 0) {
      throw new IllegalArgumentException("max latency " + max + " is below min " + min);
    }
    return new Fault(HttpFaultSpec.of(Kind.LATENCY, 0, null, min, max));
  }

  /**
   * Holds the answer for {@code delay}, which should exceed the client's timeout. Before the handler, the
   * call never reaches it and ends (if anyone still waits) with a 504; after the handler, the object was
   * made and the answer arrives too late. Closing the fake releases held calls at once.
   */
  public static Fault timeout(Duration delay) {
    requireNotNegative(delay, "delay");
    return new Fault(HttpFaultSpec.of(Kind.TIMEOUT, 504, null, delay, delay));
  }

  /** Resets the connection (WireMock's {@code CONNECTION_RESET_BY_PEER}) instead of answering. */
  public static Fault connectionReset() {
    return new Fault(HttpFaultSpec.of(Kind.CONNECTION_RESET, 0, null, null, null));
  }

  /** Limits the fault to one route, by its key such as {@code "POST /v11/projects"}. */
  public Fault on(String routeKey) {
    return new Fault(spec.onRoute(routeKey));
  }

  /**
   * Limits the fault to calls whose method is {@code method} ({@code "*"} for any) and whose path below the
   * fake's base path matches the regular expression {@code pathRegex} entirely.
   */
  public Fault on(String method, String pathRegex) {
    return new Fault(spec.onPattern(method, Pattern.compile(Objects.requireNonNull(pathRegex, "pathRegex"))));
  }

  /** Each eligible call fails with this probability, drawn from the fake's seeded random. */
  public Fault rate(double probability) {
    return new Fault(spec.withTrigger(spec.trigger().rate(probability)));
  }

  /** Only the n-th matching call (1-based) — or, with {@link #times}, that many calls from the n-th on. */
  public Fault nth(int n) {
    return new Fault(spec.withTrigger(spec.trigger().nth(n)));
  }

  /** At most n calls. */
  public Fault times(int n) {
    return new Fault(spec.withTrigger(spec.trigger().times(n)));
  }

  /** Only during this window, which opens at the first eligible call: a storm. */
  public Fault during(Duration window) {
    return new Fault(spec.withTrigger(spec.trigger().during(window)));
  }

  /** Lets the handler run first (its side effect happens), then the fault spoils or delays the answer. */
  public Fault afterHandler() {
    return new Fault(spec.after());
  }

  HttpFaultSpec spec() {
    return spec;
  }

  /** Describes the fault, e.g. {@code "status 503 on POST /v11/projects at rate 0.1"}. */
  @Override
  public String toString() {
    return spec.describe();
  }

  private static void requireNotNegative(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative");
    }
  }
}
