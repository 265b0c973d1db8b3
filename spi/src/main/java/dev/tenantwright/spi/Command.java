package dev.tenantwright.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One process to run: an argv list, never a shell string.
 *
 * <p>Secrets may travel in the environment, on stdin, or — where a tool accepts them nowhere else — as an
 * argument marked secret; in every description, log line and recorded argv they appear as
 * {@link Secret#MASK}. Immutable; build with {@link #builder(String, String...)}.
 *
 * <pre>{@code
 * Command up = Command.builder("docker", "compose", "-p", project, "up", "-d", "--wait")
 *     .workingDir(siteDir)
 *     .timeout(Duration.ofMinutes(5))
 *     .build();
 * CommandResult result = ctx.commands().run(up).requireSuccess();
 * }</pre>
 */
public final class Command {

  private final List<Object> args;
  private final Map<String, Object> env;
  private final Object stdin;
  private final Path workingDir;
  private final Duration timeout;

  private Command(Builder b) {
    this.args = List.copyOf(b.args);
    this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
    this.stdin = b.stdin;
    this.workingDir = b.workingDir;
    this.timeout = b.timeout;
  }

  /** Starts a command with the program and its first plain arguments. */
  public static Builder builder(String program, String... args) {
    Builder b = new Builder();
    b.arg(program);
    for (String a : args) {
      b.arg(a);
    }
    return b;
  }

  /**
   * A builder holding this command — arguments, environment, stdin, working directory and timeout, secrets still
   * secret — to derive a variant, e.g. a runner that adds an environment variable the command did not set.
   *
   * @since SPI 1.2
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The argv to execute, secrets revealed. Only a {@link CommandRunner} should call this. */
  public List<String> argv() {
    List<String> out = new ArrayList<>(args.size());
    for (Object a : args) {
      out.add(a instanceof Secret s ? s.reveal() : (String) a);
    }
    return out;
  }

  /** The argv with every secret argument replaced by {@link Secret#MASK}: safe to log and record. */
  public List<String> redactedArgv() {
    List<String> out = new ArrayList<>(args.size());
    for (Object a : args) {
      out.add(a instanceof Secret ? Secret.MASK : (String) a);
    }
    return out;
  }

  /** The program, i.e. {@code argv().get(0)}. */
  public String program() {
    return (String) args.get(0);
  }

  /** Extra environment variables, secrets revealed. Only a {@link CommandRunner} should call this. */
  public Map<String, String> environment() {
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach((k, v) -> out.put(k, v instanceof Secret s ? s.reveal() : (String) v));
    return out;
  }

  /** Extra environment variables with secret values masked: safe to log and record. */
  public Map<String, String> redactedEnvironment() {
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach((k, v) -> out.put(k, v instanceof Secret ? Secret.MASK : (String) v));
    return out;
  }

  /** The bytes to write to the process's stdin, or null for none (stdin is then closed at once). */
  public String stdin() {
    return stdin instanceof Secret s ? s.reveal() : (String) stdin;
  }

  /** Whether stdin carries a secret (and must be recorded masked). */
  public boolean stdinIsSecret() {
    return stdin instanceof Secret;
  }

  /** The working directory, or null to inherit the host's. */
  public Path workingDir() {
    return workingDir;
  }

  /** How long the process may run before it is killed; never null. */
  public Duration timeout() {
    return timeout;
  }

  /** Every secret this command carries, for redacting its output. */
  public List<Secret> secrets() {
    List<Secret> out = new ArrayList<>();
    for (Object a : args) {
      if (a instanceof Secret s) {
        out.add(s);
      }
    }
    for (Object v : env.values()) {
      if (v instanceof Secret s) {
        out.add(s);
      }
    }
    if (stdin instanceof Secret s) {
      out.add(s);
    }
    return out;
  }

  /** Replaces every secret this command carries with {@link Secret#MASK} in {@code text}. */
  public String redact(String text) {
    String out = text;
    for (Secret s : secrets()) {
      out = s.redact(out);
    }
    return out;
  }

  /** The redacted argv joined with spaces, for messages; not a shell string. */
  @Override
  public String toString() {
    return String.join(" ", redactedArgv());
  }

  /** Builds a {@link Command}. Not thread-safe. */
  public static final class Builder {
    private final List<Object> args = new ArrayList<>();
    private final Map<String, Object> env = new LinkedHashMap<>();
    private Object stdin;
    private Path workingDir;
    private Duration timeout = Duration.ofMinutes(10);

    private Builder() {}

    private Builder(Command c) {
      args.addAll(c.args);
      env.putAll(c.env);
      stdin = c.stdin;
      workingDir = c.workingDir;
      timeout = c.timeout;
    }

    /** Appends a plain argument. */
    public Builder arg(String arg) {
      args.add(requireArg(arg));
      return this;
    }

    /** Appends plain arguments. */
    public Builder args(List<String> more) {
      for (String a : more) {
        arg(a);
      }
      return this;
    }

    /** Appends an argument whose value is secret; it is masked wherever the command is described. */
    public Builder secretArg(Secret secret) {
      args.add(Objects.requireNonNull(secret, "secret"));
      return this;
    }

    /** Sets an environment variable. */
    public Builder env(String name, String value) {
      env.put(requireEnvName(name), Objects.requireNonNull(value, "value of " + name));
      return this;
    }

    /** Sets an environment variable whose value is secret. */
    public Builder env(String name, Secret value) {
      env.put(requireEnvName(name), Objects.requireNonNull(value, "value of " + name));
      return this;
    }

    /** Writes {@code text} to the process's stdin, then closes it. */
    public Builder stdin(String text) {
      this.stdin = Objects.requireNonNull(text, "stdin");
      return this;
    }

    /** Writes a secret to the process's stdin, then closes it; recorded masked. */
    public Builder stdin(Secret secret) {
      this.stdin = Objects.requireNonNull(secret, "stdin");
      return this;
    }

    /** Runs the process in {@code dir}. */
    public Builder workingDir(Path dir) {
      this.workingDir = Objects.requireNonNull(dir, "workingDir");
      return this;
    }

    /** Kills the process after {@code timeout} (default 10 minutes). */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /** Builds the immutable command. */
    public Command build() {
      return new Command(this);
    }

    private static String requireArg(String arg) {
      Objects.requireNonNull(arg, "argument");
      if (arg.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("an argument must not contain a NUL character");
      }
      return arg;
    }

    private static String requireEnvName(String name) {
      Objects.requireNonNull(name, "environment variable name");
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("invalid environment variable name: " + name);
      }
      return name;
    }
  }
}
