package dev.tenantwright.core;

/**
 * The five status names a sign-up or activation page shows, derived from an environment's state and its run's
 * ({@link EnvironmentStatus#activation()}):
 *
 * <table>
 *   <caption>From states to status names</caption>
 *   <tr><th>run</th><th>environment</th><th>status</th></tr>
 *   <tr><td>{@code QUEUED}</td><td>any</td><td>{@link #PENDING}</td></tr>
 *   <tr><td>{@code RUNNING}</td><td>any</td><td>{@link #IN_PROGRESS}</td></tr>
 *   <tr><td>{@code ROLLING_BACK}, {@code CANCELLING}</td><td>any</td><td>{@link #ROLLBACK}</td></tr>
 *   <tr><td>none active</td><td>{@code READY}</td><td>{@link #COMPLETED}</td></tr>
 *   <tr><td>none active</td><td>{@code FAILED}</td><td>{@link #FAILED}</td></tr>
 *   <tr><td>none active</td><td>{@code PROVISIONING}, {@code UPDATING}, {@code DESTROYING} (a run waits for another
 *   engine to take it over after a crash)</td><td>{@link #IN_PROGRESS}</td></tr>
 *   <tr><td>none active</td><td>{@code DESTROYED}</td><td>{@link #PENDING} (nothing exists; provisioning again starts
 *   afresh)</td></tr>
 * </table>
 *
 * A run that rolled back leaves its environment FAILED when it was provisioning (so {@link #FAILED}) and READY when it
 * was an update (so {@link #COMPLETED}: the previous configuration still runs; {@link EnvironmentStatus#lastError()}
 * says why the change did not).
 */
public enum ActivationStatus {
  /** Accepted, not started. */
  PENDING,
  /** Being provisioned or changed. */
  IN_PROGRESS,
  /** Ready to use. */
  COMPLETED,
  /** Provisioning failed and was rolled back; can be retried. */
  FAILED,
  /** A failure or a cancel is being undone right now. */
  ROLLBACK;

  /** The status of an environment in {@code state} whose latest run is in {@code runState} (null: no run). */
  public static ActivationStatus of(EnvironmentState state, RunState runState) {
    if (runState != null) {
      switch (runState) {
        case QUEUED -> {
          return PENDING;
        }
        case RUNNING -> {
          return IN_PROGRESS;
        }
        case ROLLING_BACK, CANCELLING -> {
          return ROLLBACK;
        }
        default -> { }
      }
    }
    return switch (state) {
      case READY -> COMPLETED;
      case FAILED -> FAILED;
      case PROVISIONING, UPDATING, DESTROYING -> IN_PROGRESS;
      case DESTROYED -> PENDING;
    };
  }
}
