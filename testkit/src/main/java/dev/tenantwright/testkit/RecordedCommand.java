package dev.tenantwright.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One invocation a {@link CommandRunnerFake} received, with every secret masked: safe to assert on, print
 * and log.
 *
 * @param argv the argv, secret arguments replaced by {@link dev.tenantwright.spi.Secret#MASK}
 * @param environment the extra environment, secret values masked
 * @param stdin what went to stdin (masked when it was a secret), or null for none
 * @param workingDir the working directory, or null when inherited
 * @param timeout the command's timeout
 * @param exitCode the exit code returned, or null when {@code run} threw
 * @param stdout the standard output returned (redacted), empty when {@code run} threw
 * @param stderr the standard error returned (redacted), empty when {@code run} threw
 * @param failure the message of the exception {@code run} threw (timeout, cannot start, shell refused),
 *     or null
 * @param fault the injected fault that struck, or null
 * @param handled whether a handler ran (so its side effect happened)
 */
public record RecordedCommand(
    List<String> argv,
    Map<String, String> environment,
    String stdin,
    Path workingDir,
    Duration timeout,
    Integer exitCode,
    String stdout,
    String stderr,
    String failure,
    String fault,
    boolean handled) {

  /** Copies the collections. */
  public RecordedCommand {
    argv = List.copyOf(argv);
    environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
  }

  /** The program, {@code argv.get(0)}. */
  public String program() {
    return argv.get(0);
  }

  /** Whether the run returned exit code 0. */
  public boolean succeeded() {
    return exitCode != null && exitCode == 0;
  }

  /** The redacted argv joined with spaces, for messages. */
  @Override
  public String toString() {
    return String.join(" ", argv) + " -> " + (exitCode != null ? "exit " + exitCode : failure)
        + (fault == null ? "" : " [" + fault + "]");
  }
}
