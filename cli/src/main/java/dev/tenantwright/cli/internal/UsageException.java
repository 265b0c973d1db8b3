package dev.tenantwright.cli.internal;

/** The command cannot be carried out as given (no token, a malformed URL): nothing was sent to the server. */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
