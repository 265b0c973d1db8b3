package dev.tenantwright.core;

import dev.tenantwright.spi.TenantwrightException;

/**
 * Bad input from the host: a company name without letters, a malformed e-mail, an invalid environment name.
 * Nothing was created.
 */
public class ValidationException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  private final String field;

  /** Creates the exception for {@code field} with a message that names it. */
  public ValidationException(String field, String message) {
    super("field '" + field + "': " + message);
    this.field = field;
  }

  /** The offending field, e.g. {@code email}. */
  public String field() {
    return field;
  }
}
