package dev.tenantwright.core;

/**
 * The life of a {@link FleetOperation}.
 *
 * <pre>
 * RUNNING → PAUSED → RUNNING          (pause and resume; runs in flight finish, no new one starts)
 * RUNNING → HALTED → RUNNING          (the failure threshold or a wave gate stopped it; resume accepts the wave)
 * RUNNING | PAUSED | HALTED → ABORTED (environments not started are skipped)
 * RUNNING → COMPLETED                 (every wave done)
 * </pre>
 */
public enum FleetState {
  RUNNING,
  PAUSED,
  HALTED,
  ABORTED,
  COMPLETED;

  /** Whether the operation is over and will not change again. */
  public boolean isTerminal() {
    return this == ABORTED || this == COMPLETED;
  }
}
