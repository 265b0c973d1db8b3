package dev.tenantwright.plugin.incus.internal;

import dev.tenantwright.spi.PermanentException;
import java.util.Locale;

/**
 * An Incus operation that finished without success: its status code was 400 (failure) or the wait answered
 * with an error envelope, carrying the operation's own error text.
 *
 * <p>It is a {@link PermanentException} so that an unexpected failure fails the step with Incus's
 * explanation; callers catch it first to accept the outcomes that mean "already done" (an instance that is
 * already running or stopped, an instance or snapshot that already exists).
 */
public final class OperationFailedException extends PermanentException {
  private static final long serialVersionUID = 1L;

  private static final int MAX_MESSAGE = 500;

  private final String error;

  /**
   * Creates the failure.
   *
   * @param what the action, e.g. {@code start instance acme-demo-erp}
   * @param error the operation's error text
   */
  public OperationFailedException(String what, String error) {
    super("incus: " + what + " failed: " + shorten(error));
    this.error = error;
  }

  /** One line of at most {@value #MAX_MESSAGE} characters: Incus passes on whole tool outputs (rsync, lxc). */
  private static String shorten(String error) {
    String line = error.strip().replaceAll("\\s+", " ");
    return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE) + "...";
  }

  /** The operation's own error text. */
  public String error() {
    return error;
  }

  /** Whether the error text contains {@code fragment}, ignoring case. */
  public boolean says(String fragment) {
    return error.toLowerCase(Locale.ROOT).contains(fragment.toLowerCase(Locale.ROOT));
  }

  /**
   * Whether the operation failed because its object exists already: Incus says "already exists", or — when
   * two creates race into the database, as Incus 6.0 does for a repeated create — "UNIQUE constraint failed".
   */
  public boolean alreadyExists() {
    return says("already exists") || says("UNIQUE constraint failed");
  }
}
