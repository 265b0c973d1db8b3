package dev.tenantwright.core;

import dev.tenantwright.spi.TenantwrightException;

/**
 * This engine was closed while a caller waited for one of its runs. The run is not lost: it stays in the journal
 * and resumes when an engine starts on it (or at once on another engine sharing the database). Thrown by
 * {@link Run#await(java.time.Duration)} and {@link Run#awaitSuccess(java.time.Duration)}.
 */
public class EngineStoppedException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  private final String runId;

  /** Creates the exception for the run that was being waited for. */
  public EngineStoppedException(String runId) {
    super("the engine stopped before run " + runId + " finished; it resumes when an engine starts on this journal");
    this.runId = runId;
  }

  /** The run that was being waited for. */
  public String runId() {
    return runId;
  }
}
