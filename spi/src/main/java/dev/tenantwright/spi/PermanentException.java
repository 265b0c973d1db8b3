package dev.tenantwright.spi;

/**
 * A failure that repeating the call cannot fix: a 4xx answer, invalid input, an exhausted quota, bad
 * credentials, a name held by someone else.
 *
 * <p>The engine does not retry it; it fails the step and rolls the run back. The message should name the
 * object and carry the backend's own explanation so a user can act on it.
 */
public class PermanentException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  /** Creates a permanent failure with a message a user can act on. */
  public PermanentException(String message) {
    super(message);
  }

  /** Creates a permanent failure with a message and its cause. */
  public PermanentException(String message, Throwable cause) {
    super(message, cause);
  }
}
