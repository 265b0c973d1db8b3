package dev.tenantwright.core.internal.journal;

import dev.tenantwright.spi.TenantwrightException;
import java.sql.SQLException;

/** A journal write that the database refused, or could not make, for a reason the caller can act on. */
public class JournalException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  /** Why the write did not happen. */
  public enum Reason {
    TENANT_ID_TAKEN,
    TENANT_EMAIL_TAKEN,
    ENVIRONMENT_EXISTS,
    /** The environment changed since the caller read it (a run was planned from an older version). */
    ENVIRONMENT_CHANGED,
    ACTIVE_RUN_EXISTS,
    IDEMPOTENCY_KEY_TAKEN,
    PORT_TAKEN,
    /** A host name belongs to another tenant or another environment. */
    HOSTNAME_TAKEN,
    /** A row was not in the state the change started from. */
    STALE_STATE,
    /** This engine no longer holds the run's lease. */
    STALE_LEASE,
    /** The journal could not be reached or kept failing transiently; nothing was written. */
    UNAVAILABLE,
    /** The connection failed while committing: the change may or may not have been recorded. */
    UNKNOWN_OUTCOME,
    /** Any other database error. */
    FAILED
  }

  private final Reason reason;

  public JournalException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** Whether the journal could not be written for a while (as opposed to refusing the change). */
  public boolean isOutage() {
    return reason == Reason.UNAVAILABLE || reason == Reason.UNKNOWN_OUTCOME || reason == Reason.FAILED;
  }

  /** The journal exception for a unique-constraint violation, or null for any other failure. */
  static JournalException translate(SQLException sql) {
    if (!"23505".equals(sql.getSQLState())) {
      return null;
    }
    String m = Sql.lower(sql);
    if (m.contains("tw_tenant_email_uk")) {
      return new JournalException(Reason.TENANT_EMAIL_TAKEN, "e-mail already owns a tenant", sql);
    }
    if (m.contains("tw_run_active_uk")) {
      return new JournalException(Reason.ACTIVE_RUN_EXISTS, "environment already has an active run", sql);
    }
    if (m.contains("tw_run_key_uk")) {
      return new JournalException(Reason.IDEMPOTENCY_KEY_TAKEN, "idempotency key already used", sql);
    }
    if (m.contains("tw_hostname")) {
      return new JournalException(Reason.HOSTNAME_TAKEN, "host name already belongs to another environment", sql);
    }
    if (m.contains("tw_port")) {
      return new JournalException(Reason.PORT_TAKEN, "port already allocated", sql);
    }
    if (m.contains("tw_environment")) {
      return new JournalException(Reason.ENVIRONMENT_EXISTS, "environment already exists", sql);
    }
    if (m.contains("tw_tenant")) {
      return new JournalException(Reason.TENANT_ID_TAKEN, "tenant id already taken", sql);
    }
    return null;
  }
}
