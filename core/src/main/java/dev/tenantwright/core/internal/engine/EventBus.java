package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.Event;
import dev.tenantwright.core.Listener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers committed events to the host's listeners; a listener that throws is logged and skipped.
 * Thread-safe.
 */
public final class EventBus {

  private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  public EventBus(List<Listener> initial) {
    listeners.addAll(initial);
  }

  public void add(Listener listener) {
    listeners.add(listener);
  }

  public void remove(Listener listener) {
    listeners.remove(listener);
  }

  public void publish(Event event) {
    LOG.debug("{}", event);
    for (Listener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        LOG.warn("listener {} failed on {}: {}", l, event.type(), e.toString());
      }
    }
  }
}
