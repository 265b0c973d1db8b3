package dev.tenantwright.core;

import java.util.List;

/**
 * A run's rollback could not undo everything: the listed resources are left in their backends and need an
 * operator. The run is {@link RunState#FAILED} and its environment FAILED (destroy or retry it).
 *
 * <p>Every compensation failure of a run is collected into one exception, never only the first (as a saga's
 * compensations are). The same lines are {@link Run#leftBehind()}, read from the journal on any engine.
 */
public class CompensationFailedException extends RunFailedException {
  private static final long serialVersionUID = 1L;

  private final List<String> leftBehind;

  /** Creates the exception; {@code leftBehind} holds one line per resource: name, type and why. */
  public CompensationFailedException(String runId, String error, List<String> leftBehind) {
    super(runId, RunState.FAILED, error, "run " + runId + " failed and " + describe(leftBehind));
    this.leftBehind = List.copyOf(leftBehind);
  }

  /** One line per resource left behind: {@code name (type): why}. */
  public List<String> leftBehind() {
    return leftBehind;
  }

  /** The sentence that says what a rollback left behind, as runs' errors carry it. */
  public static String describe(List<String> leftBehind) {
    return "rollback left " + leftBehind.size() + " resource(s) behind, needs attention: "
        + String.join("; ", leftBehind);
  }
}
