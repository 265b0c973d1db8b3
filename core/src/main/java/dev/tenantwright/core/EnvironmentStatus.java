package dev.tenantwright.core;

import dev.tenantwright.spi.EnvironmentKind;
import java.util.List;

/**
 * Where an environment stands now: its state, the run working on it, which steps are running and how far it
 * is — what a status page shows.
 *
 * @param tenantId the tenant
 * @param name the environment name
 * @param kind the kind
 * @param state the environment's state
 * @param runId the active run, or the last run when none is active, or null
 * @param runState that run's state, or null
 * @param currentSteps the steps running now (empty when idle)
 * @param percent the run's completion
 * @param lastError the last failure, or null
 * @param failedAttempts provisioning attempts that failed since the environment was last ready
 */
public record EnvironmentStatus(
    String tenantId, String name, EnvironmentKind kind, EnvironmentState state, String runId, RunState runState,
    List<String> currentSteps, int percent, String lastError, int failedAttempts) {

  /** Copies the steps. */
  public EnvironmentStatus {
    currentSteps = List.copyOf(currentSteps);
  }

  /** The environment's status under the five names a sign-up page shows (PENDING … ROLLBACK): see there. */
  public ActivationStatus activation() {
    return ActivationStatus.of(state, runState);
  }
}
