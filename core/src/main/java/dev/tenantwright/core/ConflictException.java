package dev.tenantwright.core;

import dev.tenantwright.spi.TenantwrightException;

/**
 * A request that clashes with what exists: an e-mail that already owns a tenant, a second active run on an
 * environment, an idempotency key reused for a different operation. Nothing was changed.
 */
public class ConflictException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message a user can act on. */
  public ConflictException(String message) {
    super(message);
  }
}
