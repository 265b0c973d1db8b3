package dev.tenantwright.testkit;

import java.util.Objects;

/**
 * What a faked program did: its exit code and output, before the runner redacts secrets from it.
 *
 * @param exitCode the exit code; 0 is success
 * @param stdout the standard output
 * @param stderr the standard error
 */
public record ProgramResult(int exitCode, String stdout, String stderr) {

  /** Validates presence. */
  public ProgramResult {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  /** Exit 0 with this output and no error output. */
  public static ProgramResult ok(String stdout) {
    return new ProgramResult(0, stdout, "");
  }

  /** A non-zero exit with this error output and no standard output. */
  public static ProgramResult failure(int exitCode, String stderr) {
    if (exitCode == 0) {
      throw new IllegalArgumentException("a failure needs a non-zero exit code");
    }
    return new ProgramResult(exitCode, "", stderr);
  }
}
