package dev.tenantwright.spring.demo;

import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.Listener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The demo application's listener: keeps every event, so a test can see what finished before the context closed. */
public final class RecordedEvents implements Listener {

  /** The events in the order they arrived. */
  public final List<Event> events = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(Event event) {
    events.add(event);
  }

  /** Whether the run's success was reported (only after it was committed). */
  public boolean succeeded(String runId) {
    return events.stream().anyMatch(e -> runId.equals(e.runId()) && e.type() == EventType.RUN_SUCCEEDED);
  }
}
