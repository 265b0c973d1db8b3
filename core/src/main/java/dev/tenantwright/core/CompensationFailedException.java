package dev.tenantwright.core;

import dev.tenantwright.spi.TenantwrightException;
import java.util.List;

/**
 * Rollback could not undo everything: the listed resources are left in their backends and need attention.
 *
 * <p>Every compensation failure of a run is collected into one exception (never only the first).
 */
public class CompensationFailedException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  private final List<String> leftBehind;

  /** Creates the exception; {@code leftBehind} holds one line per resource: name, type and why. */
  public CompensationFailedException(List<String> leftBehind) {
    super("rollback left " + leftBehind.size() + " resource(s) behind, needs attention: "
        + String.join("; ", leftBehind));
    this.leftBehind = List.copyOf(leftBehind);
  }

  /** One line per resource left behind. */
  public List<String> leftBehind() {
    return leftBehind;
  }
}
