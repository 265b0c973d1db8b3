package dev.tenantwright.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a finished process: exit code and captured output, with the command's secrets already
 * replaced by {@link Secret#MASK}.
 *
 * @param command the redacted argv that ran
 * @param exitCode the process's exit code
 * @param stdout captured standard output, redacted
 * @param stderr captured standard error, redacted
 * @param duration how long the process ran
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr, Duration duration) {

  private static final int TAIL = 2000;

  /** Validates presence and copies the argv. */
  public CommandResult {
    command = List.copyOf(command);
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(duration, "duration");
  }

  /** Whether the process exited with code 0. */
  public boolean succeeded() {
    return exitCode == 0;
  }

  /**
   * Returns this result if the process exited 0, otherwise throws a {@link PermanentException} that names
   * the command, the exit code and the tail of its error output.
   */
  public CommandResult requireSuccess() {
    if (!succeeded()) {
      throw new PermanentException(describeFailure());
    }
    return this;
  }

  /** One line for an error message: which command, which exit code, and what it said last. */
  public String describeFailure() {
    String said = stderr.isBlank() ? stdout : stderr;
    said = said.strip();
    if (said.length() > TAIL) {
      said = "..." + said.substring(said.length() - TAIL);
    }
    return "command '" + String.join(" ", command) + "' exited with code " + exitCode
        + (said.isEmpty() ? "" : ": " + said);
  }
}
