package dev.tenantwright.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of an {@link Environment}.
 *
 * <pre>
 * PROVISIONING → READY | FAILED
 * READY → UPDATING → READY | FAILED   (a run that rolled back cleanly returns to READY)
 * READY | FAILED → DESTROYING → DESTROYED | FAILED
 * FAILED → PROVISIONING               (a retried provisioning)
 * DESTROYED → PROVISIONING            (provisioned again)
 * </pre>
 * A run that needs attention (a compensation failed, or a change that cannot be undone was rolled back)
 * leaves its environment FAILED. Only a READY environment is updated, reset, promoted or redeployed.
 */
public enum EnvironmentState {
  PROVISIONING,
  READY,
  FAILED,
  UPDATING,
  DESTROYING,
  DESTROYED;

  /** The states this state may move to. */
  public Set<EnvironmentState> next() {
    return switch (this) {
      case PROVISIONING -> EnumSet.of(READY, FAILED);
      case READY -> EnumSet.of(UPDATING, DESTROYING);
      case UPDATING -> EnumSet.of(READY, FAILED);
      case FAILED -> EnumSet.of(PROVISIONING, DESTROYING);
      case DESTROYING -> EnumSet.of(DESTROYED, FAILED);
      case DESTROYED -> EnumSet.of(PROVISIONING);
    };
  }

  /** Whether moving to {@code target} is a legal transition. */
  public boolean canMoveTo(EnvironmentState target) {
    return next().contains(target);
  }
}
