package dev.tenantwright.testkit.compose.internal;

/**
 * A Compose command that fails: its exit code, what it had written to stderr before failing, and the final
 * error line Compose prints.
 */
public final class ComposeError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The process exit code. */
  public final int exitCode;
  /** Progress lines written before the failure. */
  public final String stderr;

  /** A failure with exit code {@code exitCode}, earlier output {@code stderr} and the error line {@code message}. */
  public ComposeError(int exitCode, String stderr, String message) {
    super(message);
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}
