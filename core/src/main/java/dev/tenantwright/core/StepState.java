package dev.tenantwright.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of one step of a {@link Run}. Every transition is committed to the journal before the next side
 * effect.
 *
 * <pre>
 * PENDING → RUNNING → SUCCEEDED | FAILED
 * PENDING → FAILED               (its parameters could not be resolved: nothing was called)
 * RUNNING → IN_DOUBT → RUNNING   (outcome unknown after a crash or timeout; resolved with read first)
 * IN_DOUBT → SUCCEEDED | FAILED
 * SUCCEEDED → COMPENSATING → COMPENSATED | COMPENSATION_FAILED
 * FAILED → COMPENSATING          (a failed step whose call may have left an object behind or changed it)
 * PENDING → SKIPPED
 * </pre>
 *
 * <p>A succeeded step that cannot be undone (a replace, reset or delete, or an update its type cannot reverse)
 * stays SUCCEEDED when its run rolls back; the run then ends {@link RunState#FAILED} and names it.
 */
public enum StepState {
  PENDING,
  RUNNING,
  IN_DOUBT,
  SUCCEEDED,
  FAILED,
  SKIPPED,
  COMPENSATING,
  COMPENSATED,
  COMPENSATION_FAILED;

  /** The states this state may move to. */
  public Set<StepState> next() {
    return switch (this) {
      case PENDING -> EnumSet.of(RUNNING, SKIPPED, FAILED);
      case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, IN_DOUBT, RUNNING);
      case IN_DOUBT -> EnumSet.of(RUNNING, SUCCEEDED, FAILED);
      case SUCCEEDED -> EnumSet.of(COMPENSATING);
      case FAILED -> EnumSet.of(COMPENSATING);
      case COMPENSATING -> EnumSet.of(COMPENSATED, COMPENSATION_FAILED, COMPENSATING);
      case SKIPPED, COMPENSATED, COMPENSATION_FAILED -> EnumSet.noneOf(StepState.class);
    };
  }

  /** Whether moving to {@code target} is a legal transition. */
  public boolean canMoveTo(StepState target) {
    return next().contains(target);
  }

  /** Whether a step in this state will not change again within its run. */
  public boolean isSettled() {
    return this == SUCCEEDED || this == SKIPPED || this == COMPENSATED || this == COMPENSATION_FAILED
        || this == FAILED;
  }
}
