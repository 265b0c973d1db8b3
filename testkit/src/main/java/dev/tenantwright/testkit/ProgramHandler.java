package dev.tenantwright.testkit;

import dev.tenantwright.spi.Command;

/**
 * Plays one program for a {@link CommandRunnerFake}: it receives the full command — argv, environment and
 * stdin with secrets revealed, working directory, timeout — and returns exit code and output.
 *
 * <p>The runner calls a handler for one invocation at a time (it holds the handler's monitor), so a
 * stateful handler may use plain fields; its other methods that read them must be {@code synchronized}.
 * The runner redacts the command's secrets from the output before returning or recording it. A handler may
 * throw {@link dev.tenantwright.spi.PermanentException} or {@link dev.tenantwright.spi.RetryableException}
 * to act as the runner would.
 */
@FunctionalInterface
public interface ProgramHandler {

  /** Runs the program for this command. */
  ProgramResult handle(Command command);
}
