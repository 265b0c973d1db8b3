package dev.tenantwright.core;

import dev.tenantwright.spi.TenantwrightException;
import java.time.Duration;

/**
 * A wait for a run ended before the run did. The run goes on; wait again, or {@link Run#cancel()} it. Thrown by
 * {@link Run#await(Duration)} and {@link Run#awaitSuccess(Duration)}.
 */
public class RunTimeoutException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  private final String runId;
  private final RunState state;

  /** Creates the exception for a run still in {@code state} after {@code waited}. */
  public RunTimeoutException(String runId, RunState state, Duration waited) {
    super("run " + runId + " is still " + state + " after " + waited);
    this.runId = runId;
    this.state = state;
  }

  /** The run. */
  public String runId() {
    return runId;
  }

  /** Its state when the wait ended. */
  public RunState state() {
    return state;
  }
}
