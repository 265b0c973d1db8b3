package dev.tenantwright.testkit;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One call a {@link BackendFake} received, as kept in its request log: what was asked, which route and
 * fault (if any) it met, and what was answered.
 *
 * @param method the method in upper case
 * @param path the raw path below the fake's base path
 * @param query the raw query string, empty when none
 * @param route the key of the matched route, e.g. {@code "POST /v11/projects"}; null when none matched
 * @param status the status answered; 0 when the connection was reset
 * @param handled whether the route's handler ran (so its side effect happened)
 * @param fault the injected faults that struck this call (latency included), null when none did
 * @param body the request body as text, empty when none
 * @param at when the call arrived
 * @param headers the request headers as received, names looked up ignoring case (so a test can check what every
 *     request carried, e.g. a step's {@code traceparent}); credentials included, so {@link #toString()} leaves
 *     them out
 */
public record RecordedCall(
    String method,
    String path,
    String query,
    String route,
    int status,
    boolean handled,
    String fault,
    String body,
    Instant at,
    Map<String, List<String>> headers) {

  /** Copies the headers into an immutable map whose look-ups ignore case. */
  public RecordedCall {
    Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    Objects.requireNonNull(headers, "headers").forEach((name, values) -> copy.put(name, List.copyOf(values)));
    headers = Collections.unmodifiableMap(copy);
  }

  /** A call recorded without its headers, as fakes recorded calls before they kept them. */
  public RecordedCall(String method, String path, String query, String route, int status, boolean handled,
      String fault, String body, Instant at) {
    this(method, path, query, route, status, handled, fault, body, at, Map.of());
  }

  /** The first value of a request header, matched case-insensitively; empty when the request did not carry it. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(Objects.requireNonNull(name, "name"));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The matched route's key, if any. */
  public Optional<String> routeKey() {
    return Optional.ofNullable(route);
  }

  /** Whether any injected fault struck this call. */
  public boolean faulted() {
    return fault != null;
  }

  /** {@code "POST /v11/projects?teamId=t -> 200"}, for messages; never the headers or the body. */
  @Override
  public String toString() {
    return method + " " + path + (query.isEmpty() ? "" : "?" + query) + " -> " + status
        + (fault == null ? "" : " [" + fault + "]");
  }
}
