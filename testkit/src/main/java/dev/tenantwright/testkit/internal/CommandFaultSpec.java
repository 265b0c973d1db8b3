package dev.tenantwright.testkit.internal;

import java.util.List;
import java.util.Objects;

/**
 * The immutable description behind a public {@code CommandFault}.
 *
 * @param timeout true for a timeout, false for an exit code
 * @param exitCode the exit code to report when not a timeout
 * @param stderr the error output to report when not a timeout
 * @param trigger when it fires among the matching invocations
 * @param argvPrefix the argv prefix it applies to; empty for every invocation
 * @param afterHandler whether the handler runs first (its side effect happens)
 */
public record CommandFaultSpec(
    boolean timeout, int exitCode, String stderr, Trigger trigger, List<String> argvPrefix, boolean afterHandler)
    implements FaultBook.Spec {

  /** Validates and copies. */
  public CommandFaultSpec {
    Objects.requireNonNull(trigger, "trigger");
    argvPrefix = List.copyOf(argvPrefix);
    stderr = stderr == null ? "" : stderr;
  }

  @Override
  public boolean terminal() {
    return true;
  }

  /** The same fault with another trigger. */
  public CommandFaultSpec withTrigger(Trigger t) {
    return new CommandFaultSpec(timeout, exitCode, stderr, t, argvPrefix, afterHandler);
  }

  /** The same fault, limited to an argv prefix. */
  public CommandFaultSpec onPrefix(List<String> prefix) {
    return new CommandFaultSpec(timeout, exitCode, stderr, trigger, prefix, afterHandler);
  }

  /** The same fault, applied after the handler ran. */
  public CommandFaultSpec after() {
    return new CommandFaultSpec(timeout, exitCode, stderr, trigger, argvPrefix, true);
  }

  /** A short description for logs and recorded invocations. */
  public String describe() {
    return (timeout ? "timeout" : "exit " + exitCode) + (afterHandler ? " after handler" : "")
        + (argvPrefix.isEmpty() ? "" : " on '" + String.join(" ", argvPrefix) + "'") + trigger.describe();
  }
}
