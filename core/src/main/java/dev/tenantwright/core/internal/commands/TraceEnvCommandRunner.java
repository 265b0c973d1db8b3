package dev.tenantwright.core.internal.commands;

import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.CommandRunner;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The command runner of one step attempt whose trace is observed: every command gets the attempt's trace context as
 * environment variables, then runs on the host's runner.
 *
 * <p>The variables follow OpenTelemetry's "environment variables as context propagation carriers": each propagation
 * header's name is normalised to an environment variable name — ASCII letters upper-cased, any character other than
 * a letter, digit or underscore replaced by an underscore, an underscore put first when it would start with a digit —
 * so W3C Trace Context's {@code traceparent} and {@code tracestate} become {@code TRACEPARENT} and
 * {@code TRACESTATE}, which OpenTelemetry SDKs and tools such as {@code otel-cli} read. The context goes in the
 * environment, never in argv, and a variable the plugin set itself is left as it is. Thread-safe as its delegate is.
 */
public final class TraceEnvCommandRunner implements CommandRunner {

  private final CommandRunner delegate;
  private final Map<String, String> variables;

  /**
   * A runner adding {@code headers} (propagation header names and values) as environment variables.
   *
   * @param delegate the host's runner
   * @param headers e.g. {@code traceparent → 00-…-01}
   */
  public TraceEnvCommandRunner(CommandRunner delegate, Map<String, String> headers) {
    this.delegate = delegate;
    Map<String, String> vars = new LinkedHashMap<>();
    headers.forEach((name, value) -> vars.putIfAbsent(variableName(name), value));
    this.variables = Map.copyOf(vars);
  }

  /** A propagation key as an environment variable name, e.g. {@code traceparent → TRACEPARENT}. */
  static String variableName(String key) {
    if (key.isEmpty()) {
      return "_";
    }
    StringBuilder sb = new StringBuilder(key.length() + 1);
    for (char c : key.toCharArray()) {
      boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
      boolean digit = c >= '0' && c <= '9';
      sb.append(letter ? Character.toUpperCase(c) : digit || c == '_' ? c : '_');
    }
    if (Character.isDigit(sb.charAt(0))) {
      sb.insert(0, '_');
    }
    return sb.toString().toUpperCase(Locale.ROOT);
  }

  @Override
  public CommandResult run(Command command) {
    Map<String, String> own = command.redactedEnvironment();
    Command.Builder b = null;
    for (Map.Entry<String, String> v : variables.entrySet()) {
      if (!own.containsKey(v.getKey())) {
        if (b == null) {
          b = command.toBuilder();
        }
        b.env(v.getKey(), v.getValue());
      }
    }
    return delegate.run(b == null ? command : b.build());
  }
}
