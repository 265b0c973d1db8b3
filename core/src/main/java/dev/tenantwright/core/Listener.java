package dev.tenantwright.core;

/**
 * Receives every {@link Event} as it happens: progress bars, server-sent event streams, metrics.
 *
 * <p>Called synchronously on engine threads after the event is committed; keep it fast and never throw
 * (an exception is logged and ignored). Events of one run arrive in order.
 *
 * <pre>{@code
 * Tenantwright tw = Tenantwright.builder().embedded(dir).listener(e -> log.info("{}", e)).build();
 * }</pre>
 */
@FunctionalInterface
public interface Listener {

  /** Handles one event. */
  void onEvent(Event event);
}
