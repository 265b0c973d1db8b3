package dev.tenantwright.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a {@link Run}.
 *
 * <pre>
 * QUEUED → RUNNING → SUCCEEDED
 * RUNNING → ROLLING_BACK → ROLLED_BACK
 * ROLLING_BACK → FAILED          (a compensation failed: the run lists what is left and why)
 * QUEUED | RUNNING → CANCELLING → ROLLED_BACK
 * CANCELLING → FAILED            (as ROLLING_BACK → FAILED)
 * RUNNING → FAILED               (a destroy that could not finish: nothing to roll back to)
 * QUEUED → FAILED                (force-failed by an operator; any unfinished state may be force-failed)
 * </pre>
 * Any other transition is refused by the engine and by the journal, which writes a run's state only where
 * the row still holds the state the transition starts from.
 */
public enum RunState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  ROLLING_BACK,
  ROLLED_BACK,
  CANCELLING,
  FAILED;

  /** Whether a run in this state is finished and will not change again. */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == ROLLED_BACK || this == FAILED;
  }

  /** The states this state may move to. */
  public Set<RunState> next() {
    return switch (this) {
      case QUEUED -> EnumSet.of(RUNNING, CANCELLING, FAILED);
      case RUNNING -> EnumSet.of(SUCCEEDED, ROLLING_BACK, CANCELLING, FAILED);
      case ROLLING_BACK -> EnumSet.of(ROLLED_BACK, FAILED);
      case CANCELLING -> EnumSet.of(ROLLED_BACK, FAILED);
      case SUCCEEDED, ROLLED_BACK, FAILED -> EnumSet.noneOf(RunState.class);
    };
  }

  /** Whether moving to {@code target} is a legal transition. */
  public boolean canMoveTo(RunState target) {
    return next().contains(target);
  }
}
