package dev.tenantwright.spi;

/**
 * The one unchecked root of every exception Tenantwright throws, to hosts and to plugins alike.
 *
 * <p>Subtypes are named for their cause; catch this type to handle any Tenantwright failure.
 * Messages never contain secret values.
 */
public class TenantwrightException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that says what failed and, where known, which field or object. */
  public TenantwrightException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the failure that caused it. */
  public TenantwrightException(String message, Throwable cause) {
    super(message, cause);
  }
}
