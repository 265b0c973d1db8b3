package dev.tenantwright.benchmarks;

import dev.tenantwright.core.Event;
import dev.tenantwright.core.Listener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A listener that notes when each run ended ({@link System#nanoTime()} at its {@code RUN_SUCCEEDED},
 * {@code RUN_ROLLED_BACK} or {@code RUN_FAILED} event), so that a figure can take one run's wall time from its
 * start to its end without reading the journal. Listeners are called after the event is committed.
 *
 * <p>Thread-safe; keeps every run's end for the engine's life, so use one per figure.
 */
final class RunEnds implements Listener {

  private final Map<String, Long> ends = new ConcurrentHashMap<>();

  @Override
  public void onEvent(Event e) {
    switch (e.type()) {
      case RUN_SUCCEEDED, RUN_ROLLED_BACK, RUN_FAILED -> {
        if (e.runId() != null) {
          ends.putIfAbsent(e.runId(), System.nanoTime());
        }
      }
      default -> { }
    }
  }

  /**
   * When {@code runId} ended.
   *
   * @throws IllegalStateException when it has not ended
   */
  long endOf(String runId) {
    Long end = ends.get(runId);
    if (end == null) {
      throw new IllegalStateException("run " + runId + " has not ended");
    }
    return end;
  }
}
