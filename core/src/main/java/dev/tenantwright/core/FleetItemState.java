package dev.tenantwright.core;

/** Where one environment of a {@link FleetOperation} stands. */
public enum FleetItemState {
  /** Not started yet (its wave has not come, or no slot was free). */
  PENDING,
  /** Its run is in flight. */
  RUNNING,
  /** Its run succeeded: updated (or read, for a scan). */
  SUCCEEDED,
  /** Not touched: pinned to another version, already on it, not READY, busy, gone, or the operation was aborted. */
  SKIPPED,
  /** Its run failed and needs attention, or it could not start. */
  FAILED,
  /** Its run failed and was rolled back cleanly: the environment is as it was. */
  ROLLED_BACK;

  /** Whether the item is done. */
  public boolean isTerminal() {
    return this != PENDING && this != RUNNING;
  }
}
