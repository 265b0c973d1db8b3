package dev.tenantwright.testkit;

import dev.tenantwright.core.testing.TestSupport;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.internal.CommandFaultSpec;
import dev.tenantwright.testkit.internal.FaultBook;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CommandRunner} for tests: programs are played by Java handlers instead of processes, every
 * invocation is recorded with its secrets masked, and timeouts and failures can be injected.
 *
 * <p>Answers come, in this order of precedence, from scripted answers for an argv prefix
 * ({@link #when(String...)}; the longest matching prefix wins, then the latest), from a handler per program
 * ({@link #on(String, ProgramHandler)}), or from a stateful {@link ProgramFake} ({@link #on(ProgramFake)}).
 * It behaves like the real runner where a test would notice: a program nobody plays cannot start
 * ({@link PermanentException}); an injected timeout throws a {@link RetryableException} whose outcome is
 * unknown; the output returned has the command's secrets replaced by {@link Secret#MASK}. It is stricter
 * in one way: it refuses to run a shell with a command string ({@code sh -c}, {@code bash -lc}, also behind
 * {@code env}, {@code sudo}, {@code flock} or {@code busybox} and inside {@code docker exec}) by throwing an
 * {@link AssertionError}, because commands must be argv lists — except the stdin-arguments script the real runner
 * allows too ({@link TestSupport#shellRefusal}). An argument that merely contains {@code &&}, {@code ;} or {@code |} is passed on literally,
 * as a real process would receive it.
 *
 * <p>Thread-safe; a handler serves one invocation at a time (the runner holds the handler's monitor).
 *
 * <pre>{@code
 * CommandRunnerFake runner = new CommandRunnerFake()
 *     .on("docker", cmd -> ProgramResult.ok("[]"));
 * runner.when("docker", "compose", "version").thenReturn(0, "Docker Compose version v2.26.1", "");
 * runner.inject(CommandFault.timeout().on("docker", "compose", "-p", "acme", "up").nth(1));
 * }</pre>
 */
public final class CommandRunnerFake implements CommandRunner {

  private static final Logger LOG = LoggerFactory.getLogger(CommandRunnerFake.class);
  private static final int LOG_CAPACITY = 10_000;

  private record Script(List<String> prefix, ProgramHandler handler, int order) {}

  private final Map<String, ProgramHandler> programs = new LinkedHashMap<>();
  private final List<Script> scripts = new CopyOnWriteArrayList<>();
  private final FaultBook<CommandFaultSpec> faults = new FaultBook<>();
  private final Deque<RecordedCommand> log = new ArrayDeque<>();

  /** Creates a runner that plays no program yet. */
  public CommandRunnerFake() {}

  /**
   * Plays a program with a handler; {@code program} is a bare name matched against the last path element
   * of {@code argv[0]}, or a path matched exactly. Replaces an earlier handler for the same name.
   */
  public CommandRunnerFake on(String program, ProgramHandler handler) {
    Objects.requireNonNull(program, "program");
    Objects.requireNonNull(handler, "handler");
    if (program.isEmpty()) {
      throw new IllegalArgumentException("program must not be empty");
    }
    synchronized (programs) {
      programs.put(program, handler);
    }
    return this;
  }

  /** Plays a program with a stateful fake, under its {@link ProgramFake#name()}. */
  public CommandRunnerFake on(ProgramFake program) {
    return on(program.name(), program);
  }

  /** Starts a scripted answer for invocations whose argv starts with these elements. */
  public When when(String... argvPrefix) {
    if (argvPrefix.length == 0) {
      throw new IllegalArgumentException("when() needs at least the program");
    }
    return new When(List.of(argvPrefix));
  }

  /** A scripted answer being defined by {@link #when(String...)}. */
  public final class When {
    private final List<String> prefix;

    private When(List<String> prefix) {
      this.prefix = prefix;
    }

    /** Answers every matching invocation with this exit code and output. */
    public CommandRunnerFake thenReturn(int exitCode, String stdout, String stderr) {
      ProgramResult result = new ProgramResult(exitCode, stdout, stderr);
      return thenAnswer(command -> result);
    }

    /** Answers every matching invocation with a handler. */
    public CommandRunnerFake thenAnswer(ProgramHandler handler) {
      scripts.add(new Script(prefix, Objects.requireNonNull(handler, "handler"), scripts.size()));
      return CommandRunnerFake.this;
    }
  }

  /** Injects a fault; the first one (in injection order) that fires for an invocation decides it. */
  public void inject(CommandFault fault) {
    faults.add(Objects.requireNonNull(fault, "fault").spec());
  }

  /** Restarts the random source of rate faults from a seed (the default seed is 0). */
  public void seedFaults(long seed) {
    faults.seed(seed);
  }

  /** Removes every injected fault. */
  public void clearFaults() {
    faults.clear();
  }

  @Override
  public CommandResult run(Command command) {
    Objects.requireNonNull(command, "command");
    long start = System.nanoTime();
    List<String> argv = command.argv();
    String shown = String.join(" ", command.redactedArgv());

    String shell = shellWithCommandString(argv);
    if (shell != null) {
      String msg = "CommandRunnerFake refuses to run a shell with a command string: '" + shown + "' (" + shell
          + " -c re-parses its input, so quoting mistakes become injection). Pass the program and its "
          + "arguments as an argv list instead.";
      record(command, null, msg, null, false);
      throw new AssertionError(msg);
    }

    ProgramHandler handler = resolve(argv);
    if (handler == null) {
      String msg = "cannot start '" + command.program() + "': no such program (CommandRunnerFake plays "
          + playedPrograms() + "; register it with on(...) or when(...))";
      record(command, null, msg, null, false);
      throw new PermanentException(msg);
    }

    List<FaultBook.Fired<CommandFaultSpec>> fired =
        faults.decide(spec -> startsWith(argv, spec.argvPrefix()), System.nanoTime());
    CommandFaultSpec fault = fired.isEmpty() ? null : fired.get(0).spec();
    String faultText = fault == null ? null : fault.describe();

    ProgramResult result = null;
    boolean handled = false;
    if (fault == null || fault.afterHandler()) {
      handled = true;
      try {
        synchronized (handler) {
          result = handler.handle(command);
        }
      } catch (RuntimeException e) {
        record(command, null, command.redact(String.valueOf(e.getMessage())), faultText, true);
        throw e;
      }
      if (result == null) {
        throw new IllegalStateException("the handler for '" + command.program() + "' returned null");
      }
    }
    if (fault != null && fault.timeout()) {
      String msg = "command '" + shown + "' timed out after " + command.timeout()
          + " and was killed; its effect is unknown";
      record(command, null, msg, faultText, handled);
      LOG.debug("fake command: {} [{}]", msg, faultText);
      throw new RetryableException(msg);
    }
    if (fault != null) {
      result = new ProgramResult(fault.exitCode(), result == null ? "" : result.stdout(), fault.stderr());
    }
    String out = command.redact(result.stdout());
    String err = command.redact(result.stderr());
    CommandResult commandResult = new CommandResult(command.redactedArgv(), result.exitCode(), out, err,
        Duration.ofNanos(System.nanoTime() - start));
    record(command, commandResult, null, faultText, handled);
    LOG.debug("fake command: {} -> exit {}{}", shown, result.exitCode(), faultText == null ? "" : " [" + faultText + "]");
    return commandResult;
  }

  /** Every invocation so far (the latest 10,000), oldest first, secrets masked. */
  public synchronized List<RecordedCommand> invocations() {
    return List.copyOf(log);
  }

  /** The invocations whose masked argv starts with these elements (program by name or path). */
  public List<RecordedCommand> invocations(String... argvPrefix) {
    List<String> prefix = List.of(argvPrefix);
    List<RecordedCommand> out = new ArrayList<>();
    for (RecordedCommand c : invocations()) {
      if (startsWith(c.argv(), prefix)) {
        out.add(c);
      }
    }
    return out;
  }

  /** Fails with what the registered {@link ProgramFake}s still hold, if anything. */
  public void assertNothingLeaked() {
    List<String> live = new ArrayList<>();
    for (ProgramHandler h : handlers()) {
      if (h instanceof ProgramFake p) {
        for (String o : p.liveObjects()) {
          live.add(p.name() + ": " + o);
        }
      }
    }
    if (!live.isEmpty()) {
      throw new AssertionError("fake programs still hold " + live.size() + " object(s): " + String.join(", ", live));
    }
  }

  /**
   * Forgets recorded invocations and injected faults and resets every registered {@link ProgramFake};
   * handlers and scripted answers stay.
   */
  public void reset() {
    synchronized (this) {
      log.clear();
    }
    faults.clear();
    for (ProgramHandler h : handlers()) {
      if (h instanceof ProgramFake p) {
        synchronized (p) {
          p.reset();
        }
      }
    }
  }

  private List<ProgramHandler> handlers() {
    synchronized (programs) {
      return new ArrayList<>(programs.values());
    }
  }

  private List<String> playedPrograms() {
    List<String> out = new ArrayList<>();
    synchronized (programs) {
      out.addAll(programs.keySet());
    }
    for (Script s : scripts) {
      if (!out.contains(s.prefix().get(0))) {
        out.add(s.prefix().get(0));
      }
    }
    return out;
  }

  private ProgramHandler resolve(List<String> argv) {
    Script best = null;
    for (Script s : scripts) {
      if (startsWith(argv, s.prefix())
          && (best == null || s.prefix().size() > best.prefix().size()
              || (s.prefix().size() == best.prefix().size() && s.order() > best.order()))) {
        best = s;
      }
    }
    if (best != null) {
      return best.handler();
    }
    String program = argv.get(0);
    synchronized (programs) {
      ProgramHandler exact = programs.get(program);
      return exact != null ? exact : programs.get(baseName(program));
    }
  }

  private synchronized void record(Command command, CommandResult result, String failure, String fault,
      boolean handled) {
    if (log.size() == LOG_CAPACITY) {
      log.removeFirst();
    }
    String stdin = command.stdin() == null ? null
        : command.stdinIsSecret() ? Secret.MASK : command.redact(command.stdin());
    Map<String, String> env = new LinkedHashMap<>();
    command.redactedEnvironment().forEach((k, v) -> env.put(k, command.redact(v)));
    log.addLast(new RecordedCommand(
        command.redactedArgv(),
        env,
        stdin,
        command.workingDir(),
        command.timeout(),
        result == null ? null : result.exitCode(),
        result == null ? "" : result.stdout(),
        result == null ? "" : result.stderr(),
        failure,
        fault,
        handled));
  }

  /** The shell's name when argv runs a shell with a command string, else null. */
  private static String shellWithCommandString(List<String> argv) {
    String refused = TestSupport.shellRefusal(argv);
    return refused == null ? null : refused.substring(0, refused.indexOf(' '));
  }

  private static boolean startsWith(List<String> argv, List<String> prefix) {
    if (prefix.size() > argv.size()) {
      return false;
    }
    for (int i = 0; i < prefix.size(); i++) {
      String want = prefix.get(i);
      String have = argv.get(i);
      boolean same = want.equals(have) || (i == 0 && !want.contains("/") && want.equals(baseName(have)));
      if (!same) {
        return false;
      }
    }
    return true;
  }

  private static String baseName(String program) {
    int slash = program.lastIndexOf('/');
    return slash < 0 ? program : program.substring(slash + 1);
  }
}
