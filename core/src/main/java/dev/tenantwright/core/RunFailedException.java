package dev.tenantwright.core;

import dev.tenantwright.spi.TenantwrightException;

/**
 * A run ended without succeeding: it {@linkplain RunState#ROLLED_BACK rolled back}, was
 * {@linkplain RunState#CANCELLED cancelled}, or {@linkplain RunState#FAILED failed}. Thrown by
 * {@link Run#awaitSuccess(java.time.Duration)}; {@link Run#await(java.time.Duration)} returns the final view instead.
 *
 * <p>When the rollback could not undo everything, the exception is a {@link CompensationFailedException} that lists
 * what was left behind. The message never contains a secret value.
 */
public class RunFailedException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  private final String runId;
  private final RunState state;
  private final String error;

  /** Creates the exception for a finished run that did not succeed. */
  public RunFailedException(String runId, RunState state, String error) {
    this(runId, state, error, "run " + runId + " ended " + state + (error == null ? "" : ": " + error));
  }

  RunFailedException(String runId, RunState state, String error, String message) {
    super(message);
    this.runId = runId;
    this.state = state;
    this.error = error;
  }

  /** The run. */
  public String runId() {
    return runId;
  }

  /** How it ended: {@code ROLLED_BACK}, {@code CANCELLED} or {@code FAILED}. */
  public RunState state() {
    return state;
  }

  /** Why, as {@link Run#error()} says it; may be null for a cancelled run. */
  public String error() {
    return error;
  }
}
