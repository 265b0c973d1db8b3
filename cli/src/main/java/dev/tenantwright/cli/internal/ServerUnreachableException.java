package dev.tenantwright.cli.internal;

/**
 * The server could not be reached or stopped answering: the connection was refused, timed out or dropped. The
 * message says which, and where the client tried.
 */
public final class ServerUnreachableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ServerUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
