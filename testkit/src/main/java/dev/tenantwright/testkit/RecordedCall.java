package dev.tenantwright.testkit;

import java.time.Instant;
import java.util.Optional;

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
    Instant at) {

  /** The matched route's key, if any. */
  public Optional<String> routeKey() {
    return Optional.ofNullable(route);
  }

  /** Whether any injected fault struck this call. */
  public boolean faulted() {
    return fault != null;
  }

  /** {@code "POST /v11/projects?teamId=t -> 200"}, for messages. */
  @Override
  public String toString() {
    return method + " " + path + (query.isEmpty() ? "" : "?" + query) + " -> " + status
        + (fault == null ? "" : " [" + fault + "]");
  }
}
