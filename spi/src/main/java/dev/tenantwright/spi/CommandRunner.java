package dev.tenantwright.spi;

/**
 * Runs processes from argv lists — never through a shell — with environment, stdin, working directory,
 * timeout and captured output.
 *
 * <p>The engine hands every step one through {@link StepContext#commands()}; tests swap it for the test
 * kit's fake. Implementations must be thread-safe, must never invoke {@code sh -c} or join arguments into
 * one string, and must redact the command's secrets from the captured output they return and log.
 *
 * <pre>{@code
 * CommandResult ps = ctx.commands().run(Command.builder("docker", "compose", "-p", p, "ps", "--format", "json").build());
 * }</pre>
 */
public interface CommandRunner {

  /**
   * Runs the command to completion.
   *
   * @return the exit code and redacted output; a non-zero exit is a result, not an exception
   * @throws RetryableException if the process timed out (it is killed; its effect is unknown)
   * @throws PermanentException if the program cannot be started (not installed, not executable)
   */
  CommandResult run(Command command);
}
