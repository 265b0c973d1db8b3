package dev.tenantwright.plugin.frappe.internal;

import dev.tenantwright.spi.RetryableException;

/**
 * A bench command did not run because another bench process still holds the site's lock on the bench host —
 * usually an earlier attempt of the same step whose client was lost while bench ran on. Retryable; the outcome is
 * unknown, since that other process may still make or change the site. Whoever gets it must not try to clean up the
 * site: the clean-up would wait for the same lock.
 */
public final class SiteBusyException extends RetryableException {

  private static final long serialVersionUID = 1L;

  /** A busy site, explained by {@code message}. */
  public SiteBusyException(String message) {
    super(message, null, true, null);
  }
}
