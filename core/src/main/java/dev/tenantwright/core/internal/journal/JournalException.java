package dev.tenantwright.core.internal.journal;

import dev.tenantwright.spi.TenantwrightException;

/** A journal write that the database refused for a reason the caller can act on. */
public class JournalException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  /** Which constraint refused the write. */
  public enum Reason {
    TENANT_ID_TAKEN,
    TENANT_EMAIL_TAKEN,
    ENVIRONMENT_EXISTS,
    ACTIVE_RUN_EXISTS,
    IDEMPOTENCY_KEY_TAKEN,
    PORT_TAKEN,
    STALE_STATE,
    STALE_LEASE
  }

  private final Reason reason;

  public JournalException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
