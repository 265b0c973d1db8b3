package dev.tenantwright.testkit;

/**
 * Answers one route of a {@link BackendFake}: reads the request, changes the fake's state, returns the
 * response.
 *
 * <p>The fake runs its handlers one at a time while holding its own monitor, so a handler may use plain
 * collections; any other method that reads the same state must be {@code synchronized}. A handler that
 * throws {@link IllegalArgumentException} makes the fake answer 400; any other exception makes it answer
 * 500 and is logged.
 */
@FunctionalInterface
public interface RouteHandler {

  /** Handles the request. */
  RouteResponse handle(RouteRequest request);
}
