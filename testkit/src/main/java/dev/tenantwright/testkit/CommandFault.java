package dev.tenantwright.testkit;

import dev.tenantwright.testkit.internal.CommandFaultSpec;
import dev.tenantwright.testkit.internal.Trigger;
import java.util.List;

/**
 * A failure to inject into a {@link CommandRunnerFake}: a timeout or a non-zero exit, on chosen
 * invocations.
 *
 * <p>Built like {@link Fault}: <b>what</b> ({@link #timeout()}, {@link #exit(int, String)}), <b>which
 * invocations</b> ({@link #on(String...)} an argv prefix; default all), <b>when</b> (always by default,
 * {@link #nth}, {@link #times}, {@link #rate}), and <b>before or after</b> the program's handler
 * ({@link #afterHandler()}: the program did its work, then the run failed — the outcome is unknown to the
 * caller). Immutable and thread-safe.
 *
 * <pre>{@code
 * runner.inject(CommandFault.timeout().on("bench", "new-site").afterHandler().nth(1));
 * runner.inject(CommandFault.exit(1, "Error: no such option: --force").on("bench", "--site", "a.example", "install-app"));
 * }</pre>
 */
public final class CommandFault {

  private final CommandFaultSpec spec;

  private CommandFault(CommandFaultSpec spec) {
    this.spec = spec;
  }

  /**
   * The run times out: {@code run} throws a {@link dev.tenantwright.spi.RetryableException} whose outcome is
   * unknown, as the real runner does after killing the process.
   */
  public static CommandFault timeout() {
    return new CommandFault(new CommandFaultSpec(true, 0, "", Trigger.ALWAYS, List.of(), false));
  }

  /** The process exits with this code and error output (before the handler: with no output at all). */
  public static CommandFault exit(int exitCode, String stderr) {
    return new CommandFault(new CommandFaultSpec(false, exitCode, stderr, Trigger.ALWAYS, List.of(), false));
  }

  /** Limits the fault to invocations whose argv starts with these elements (program by name or path). */
  public CommandFault on(String... argvPrefix) {
    return new CommandFault(spec.onPrefix(List.of(argvPrefix)));
  }

  /** Only the n-th matching invocation (1-based) — or, with {@link #times}, that many from the n-th on. */
  public CommandFault nth(int n) {
    return new CommandFault(spec.withTrigger(spec.trigger().nth(n)));
  }

  /** At most n invocations. */
  public CommandFault times(int n) {
    return new CommandFault(spec.withTrigger(spec.trigger().times(n)));
  }

  /** Each eligible invocation fails with this probability, drawn from the runner's seeded random. */
  public CommandFault rate(double probability) {
    return new CommandFault(spec.withTrigger(spec.trigger().rate(probability)));
  }

  /** Lets the handler run first (its side effect happens), then the run times out or fails. */
  public CommandFault afterHandler() {
    return new CommandFault(spec.after());
  }

  CommandFaultSpec spec() {
    return spec;
  }

  /** Describes the fault, e.g. {@code "timeout after handler on 'bench new-site' once"}. */
  @Override
  public String toString() {
    return spec.describe();
  }
}
