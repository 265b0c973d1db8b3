package dev.tenantwright.testkit.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The immutable description behind a public {@code Fault}: what happens, to which calls, when, and
 * whether before or after the fake's handler runs.
 *
 * @param kind what happens
 * @param status the answered status for {@link Kind#STATUS}
 * @param retryAfter the {@code Retry-After} for {@link Kind#RATE_LIMITED}
 * @param delayMin the (minimum) delay for {@link Kind#LATENCY} and {@link Kind#TIMEOUT}
 * @param delayMax the maximum delay for {@link Kind#LATENCY}
 * @param trigger when it fires among the matching calls
 * @param routeKey the route it applies to, or null
 * @param method the method it applies to ({@code *} for any), or null when not scoped by pattern
 * @param pathPattern the path pattern it applies to, or null
 * @param afterHandler whether the handler runs first (its side effect happens) and the fault then
 *     replaces or delays the answer
 */
public record HttpFaultSpec(
    Kind kind,
    int status,
    Duration retryAfter,
    Duration delayMin,
    Duration delayMax,
    Trigger trigger,
    String routeKey,
    String method,
    Pattern pathPattern,
    boolean afterHandler)
    implements FaultBook.Spec {

  /** What an injected HTTP fault does. */
  public enum Kind {
    /** Answers with the backend's error shape and a status. */
    STATUS,
    /** Answers 429 with a {@code Retry-After} header. */
    RATE_LIMITED,
    /** Delays the answer; the call otherwise proceeds. */
    LATENCY,
    /** Holds the answer longer than a client waits. */
    TIMEOUT,
    /** Resets the connection instead of answering. */
    CONNECTION_RESET
  }

  /** Validates presence. */
  public HttpFaultSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(trigger, "trigger");
  }

  /** A fault of this kind applying to every call, always, before the handler. */
  public static HttpFaultSpec of(Kind kind, int status, Duration retryAfter, Duration min, Duration max) {
    return new HttpFaultSpec(kind, status, retryAfter, min, max, Trigger.ALWAYS, null, null, null, false);
  }

  @Override
  public boolean terminal() {
    return kind != Kind.LATENCY;
  }

  /** The same fault with another trigger. */
  public HttpFaultSpec withTrigger(Trigger t) {
    return new HttpFaultSpec(kind, status, retryAfter, delayMin, delayMax, t, routeKey, method, pathPattern,
        afterHandler);
  }

  /** The same fault, limited to one route. */
  public HttpFaultSpec onRoute(String key) {
    return new HttpFaultSpec(kind, status, retryAfter, delayMin, delayMax, trigger,
        Objects.requireNonNull(key, "routeKey"), null, null, afterHandler);
  }

  /** The same fault, limited to a method ({@code *} for any) and a path pattern. */
  public HttpFaultSpec onPattern(String httpMethod, Pattern pattern) {
    return new HttpFaultSpec(kind, status, retryAfter, delayMin, delayMax, trigger, null,
        Objects.requireNonNull(httpMethod, "method").toUpperCase(Locale.ROOT),
        Objects.requireNonNull(pattern, "pathPattern"), afterHandler);
  }

  /** The same fault, applied after the handler ran. */
  public HttpFaultSpec after() {
    return new HttpFaultSpec(kind, status, retryAfter, delayMin, delayMax, trigger, routeKey, method,
        pathPattern, true);
  }

  /** Whether the fault applies to a call. */
  public boolean appliesTo(String matchedRouteKey, String requestMethod, String relativePath) {
    if (routeKey != null) {
      return routeKey.equals(matchedRouteKey);
    }
    if (pathPattern != null) {
      return ("*".equals(method) || method.equalsIgnoreCase(requestMethod))
          && pathPattern.matcher(relativePath).matches();
    }
    return true;
  }

  /** A short description for logs and recorded calls. */
  public String describe() {
    String what = switch (kind) {
      case STATUS -> "status " + status;
      case RATE_LIMITED -> "429 retry-after " + retryAfter;
      case LATENCY -> delayMax == null || delayMax.equals(delayMin)
          ? "latency " + delayMin
          : "latency " + delayMin + ".." + delayMax;
      case TIMEOUT -> "timeout " + delayMin;
      case CONNECTION_RESET -> "connection reset";
    };
    String where = routeKey != null ? " on " + routeKey
        : pathPattern != null ? " on " + method + " " + pathPattern.pattern() : "";
    return what + (afterHandler ? " after handler" : "") + where + trigger.describe();
  }
}
