package dev.tenantwright.testkit.incus;

import java.util.Objects;

/**
 * What a command run by an {@link IncusFake} produced: an exit code and output, or a failure to start it at
 * all (which Incus reports as a failed operation, e.g. "Command not found").
 *
 * @param exitCode the exit code, reported as the operation's {@code metadata.return}
 * @param stdout what the command wrote to stdout (kept as the recorded {@code .stdout} log)
 * @param stderr what it wrote to stderr (kept as the recorded {@code .stderr} log)
 * @param failure when not null, the operation fails with this error instead and there is no exit code
 */
public record ExecResult(int exitCode, String stdout, String stderr, String failure) {

  /** Validates presence of the output. */
  public ExecResult {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  /** Exit code 0, no output. */
  public static ExecResult ok() {
    return new ExecResult(0, "", "", null);
  }

  /** The given exit code, no output. */
  public static ExecResult exit(int code) {
    return new ExecResult(code, "", "", null);
  }

  /** The given exit code and output. */
  public static ExecResult output(int code, String stdout, String stderr) {
    return new ExecResult(code, stdout, stderr, null);
  }

  /** The program does not exist: the operation fails with Incus's "Command not found". */
  public static ExecResult notFound() {
    return new ExecResult(-1, "", "", "Command not found");
  }
}
