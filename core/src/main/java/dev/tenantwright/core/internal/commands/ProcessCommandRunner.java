package dev.tenantwright.core.internal.commands;

import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CommandRunner} that starts real processes with {@link ProcessBuilder}, straight from the
 * command's argv — never through a shell, so no argument is ever re-parsed.
 *
 * <p>The process gets an explicit environment, never the host's whole one: only the host variables named in
 * an allow-list ({@link #DEFAULT_INHERITED} unless the runner is built with another), then the command's own
 * variables on top. A host variable that happens to share a name with something a tool reads — a
 * {@code DB_PASSWORD} that Docker Compose would prefer to a site's generated {@code .env} value, a
 * {@code CLOUDFLARE_API_TOKEN} a tenant could have interpolated into its files — never reaches a child
 * (security finding SEC3). The process runs in the command's working directory, gets the command's stdin
 * (then end-of-file) or an immediately closed stdin, and has its stdout and stderr drained concurrently so a
 * chatty process never blocks on a full pipe. Each stream keeps at most {@code maxCapturedBytes} — the tail,
 * where errors are. On timeout the whole process tree is
 * terminated (descendants and the process, then forcibly after a grace period) and a
 * {@link RetryableException} is thrown. Output is returned and logged redacted; argv, environment and stdin
 * are never logged unredacted. Stateless and thread-safe.
 *
 * <p>A shell invoked with {@code -c} (e.g. {@code sh -c "..."}) is refused: it would turn arguments back into
 * a command line and reopen the injection hole that argv lists close. The one exception is a script that only
 * reads stdin into variables and execs one program with quoted arguments ({@link ShellStrings}), the way secrets
 * reach a program that accepts them only as arguments.
 */
public final class ProcessCommandRunner implements CommandRunner {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessCommandRunner.class);

  /** The default cap on captured bytes per stream: 1 MiB. */
  public static final int DEFAULT_MAX_CAPTURED_BYTES = 1 << 20;

  /** The default time the tree gets between the polite signal and the forcible kill. */
  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(2);

  /** How long to wait for the output readers after the process ended before giving up on them. */
  private static final Duration DRAIN_WAIT = Duration.ofSeconds(5);

  /**
   * The host variables a child inherits by default: what a CLI needs to find programs, its home and locale
   * ({@code PATH}, {@code HOME}, {@code USER}, {@code LOGNAME}, {@code LANG}, {@code LANGUAGE}, {@code LC_*},
   * {@code TZ}, {@code TMPDIR}), the Docker client's connection settings ({@code DOCKER_HOST},
   * {@code DOCKER_CONFIG}, {@code DOCKER_CONTEXT}, {@code DOCKER_CERT_PATH}, {@code DOCKER_TLS_VERIFY},
   * {@code DOCKER_API_VERSION}), the rootless runtime directory ({@code XDG_RUNTIME_DIR}) and the ssh agent
   * ({@code SSH_AUTH_SOCK}, for {@code ssh://} Docker hosts and remote benches). An entry ending in {@code *} is
   * a prefix. Deliberately absent: {@code COMPOSE_*} (a host {@code COMPOSE_FILE} or {@code COMPOSE_PROJECT_NAME}
   * would redirect every project) and anything secret-like.
   */
  public static final List<String> DEFAULT_INHERITED = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG",
      "LANGUAGE", "LC_*", "TZ", "TMPDIR", "DOCKER_HOST", "DOCKER_CONFIG", "DOCKER_CONTEXT", "DOCKER_CERT_PATH",
      "DOCKER_TLS_VERIFY", "DOCKER_API_VERSION", "XDG_RUNTIME_DIR", "SSH_AUTH_SOCK");

  private static final Pattern INHERITED_ENTRY =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\*?");

  private final int maxCapturedBytes;
  private final Duration killGrace;
  private final List<String> inherited;
  private final Supplier<Map<String, String>> hostEnvironment;

  /** A runner with a 1 MiB capture cap per stream, a 2-second kill grace and the default allow-list. */
  public ProcessCommandRunner() {
    this(DEFAULT_MAX_CAPTURED_BYTES, DEFAULT_KILL_GRACE);
  }

  /**
   * A runner with explicit limits.
   *
   * @param maxCapturedBytes how many trailing bytes of stdout and of stderr to keep, each
   * @param killGrace how long a timed-out process tree may take to exit after SIGTERM before SIGKILL
   */
  public ProcessCommandRunner(int maxCapturedBytes, Duration killGrace) {
    this(maxCapturedBytes, killGrace, DEFAULT_INHERITED);
  }

  /**
   * A runner with explicit limits and its own allow-list of inherited host variables.
   *
   * @param maxCapturedBytes how many trailing bytes of stdout and of stderr to keep, each
   * @param killGrace how long a timed-out process tree may take to exit after SIGTERM before SIGKILL
   * @param inheritedVariables the host variables a child gets (names, or prefixes ending in {@code *}),
   *     e.g. {@link #DEFAULT_INHERITED} plus {@code HTTPS_PROXY}
   */
  public ProcessCommandRunner(int maxCapturedBytes, Duration killGrace, Collection<String> inheritedVariables) {
    this(maxCapturedBytes, killGrace, inheritedVariables, System::getenv);
  }

  /** As above, reading the host environment from {@code hostEnvironment} (tests give a map of their own). */
  ProcessCommandRunner(int maxCapturedBytes, Duration killGrace, Collection<String> inheritedVariables,
      Supplier<Map<String, String>> hostEnvironment) {
    if (maxCapturedBytes <= 0) {
      throw new IllegalArgumentException("maxCapturedBytes must be positive");
    }
    if (killGrace == null || killGrace.isNegative()) {
      throw new IllegalArgumentException("killGrace must not be negative");
    }
    for (String name : inheritedVariables) {
      if (name == null || !INHERITED_ENTRY.matcher(name).matches()) {
        throw new IllegalArgumentException("an inherited variable is a name, or a prefix ending in '*': " + name);
      }
    }
    this.maxCapturedBytes = maxCapturedBytes;
    this.killGrace = killGrace;
    this.inherited = List.copyOf(inheritedVariables);
    this.hostEnvironment = hostEnvironment;
  }

  /** Whether a host variable called {@code name} is passed on under {@code allowList}. */
  static boolean inherits(Collection<String> allowList, String name) {
    for (String entry : allowList) {
      if (entry.endsWith("*") ? name.startsWith(entry.substring(0, entry.length() - 1)) : entry.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@inheritDoc}
   *
   * @throws CancellationException if the calling thread is interrupted while the process runs; the process
   *     tree is killed and the thread's interrupt flag stays set
   */
  @Override
  public CommandResult run(Command command) {
    refuseShellStrings(command);
    String program = command.program();
    Path dir = command.workingDir();
    if (dir != null && !Files.isDirectory(dir)) {
      throw new PermanentException("cannot start '" + program + "': working directory " + dir + " does not exist");
    }
    ProcessBuilder pb = new ProcessBuilder(command.argv());
    Map<String, String> env = pb.environment();
    env.clear();
    hostEnvironment.get().forEach((name, value) -> {
      if (inherits(inherited, name)) {
        env.put(name, value);
      }
    });
    env.putAll(command.environment());
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    long started = System.nanoTime();
    Process process;
    try {
      process = pb.start();
    } catch (IOException | RuntimeException e) {
      throw new PermanentException("cannot start '" + program + "': " + e.getMessage(), e);
    }
    TailBuffer out = new TailBuffer(maxCapturedBytes);
    TailBuffer err = new TailBuffer(maxCapturedBytes);
    long pid = process.pid();
    Thread outReader = drain(process.getInputStream(), out, "stdout", pid);
    Thread errReader = drain(process.getErrorStream(), err, "stderr", pid);
    feed(process, command.stdin(), pid);

    int exitCode;
    try {
      if (!process.waitFor(command.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
        killTree(process);
        await(outReader, errReader);
        Duration ran = Duration.ofNanos(System.nanoTime() - started);
        LOG.debug("Timed out after {} ms, killed: {}", ran.toMillis(), command);
        throw new RetryableException("command '" + command + "' timed out after " + format(command.timeout())
            + " and was killed" + lastWords(command, err, out));
      }
      exitCode = process.exitValue();
      await(outReader, errReader);
    } catch (InterruptedException e) {
      killTree(process);
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while running '" + command + "'; the process was killed");
    }
    Duration duration = Duration.ofNanos(System.nanoTime() - started);
    LOG.debug("Ran {} in {} ms: exit code {}", command, duration.toMillis(), exitCode);
    return new CommandResult(command.redactedArgv(), exitCode, redact(command, out), redact(command, err), duration);
  }

  /**
   * Refuses a shell given {@code -c} (or a flag cluster containing it, such as {@code -ec}), also behind
   * wrappers such as {@code env}, {@code sudo}, {@code timeout} or {@code flock} and inside {@code docker exec}; the
   * one shape allowed is a stdin-arguments script ({@link ShellStrings}).
   */
  static void refuseShellStrings(Command command) {
    String refused = ShellStrings.refusal(command.redactedArgv());
    if (refused != null) {
      throw new PermanentException("refusing to run '" + command + "': " + refused
          + " re-parses its argument as a command line; pass the program and its arguments as an argv list");
    }
  }

  private static Thread drain(InputStream in, TailBuffer into, String name, long pid) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          into.write(buf, 0, n);
        }
      } catch (IOException e) {
        LOG.debug("Reading {} of process {} ended: {}", name, pid, e.toString());
      }
    }, "tenantwright-process-" + pid + "-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void feed(Process process, String stdin, long pid) {
    OutputStream os = process.getOutputStream();
    if (stdin == null) {
      try {
        os.close();
      } catch (IOException e) {
        LOG.debug("Closing stdin of process {} failed: {}", pid, e.toString());
      }
      return;
    }
    byte[] bytes = stdin.getBytes(StandardCharsets.UTF_8);
    Thread t = new Thread(() -> {
      try (os) {
        os.write(bytes);
      } catch (IOException e) {
        // The process exited or closed its stdin without reading everything; its exit code tells the story.
        LOG.debug("Writing stdin of process {} stopped: {}", pid, e.toString());
      }
    }, "tenantwright-process-" + pid + "-stdin");
    t.setDaemon(true);
    t.start();
  }

  private void killTree(Process process) {
    Set<ProcessHandle> tree = new LinkedHashSet<>(process.descendants().toList());
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    List<CompletableFuture<?>> exits = new ArrayList<>();
    exits.add(process.onExit());
    tree.forEach(h -> exits.add(h.onExit()));
    try {
      CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new))
          .get(killGrace.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      LOG.debug("Process tree of {} outlived the grace period; killing it forcibly", process.pid());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (process.isAlive()) {
      tree.addAll(process.descendants().toList());
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static void await(Thread... readers) throws InterruptedException {
    long deadline = System.nanoTime() + DRAIN_WAIT.toNanos();
    for (Thread t : readers) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.timedJoin(t, left);
      }
      if (t.isAlive()) {
        LOG.warn("{} is still open after the process ended (a background process holds it); "
            + "returning the output captured so far", t.getName());
      }
    }
  }

  private static String redact(Command command, TailBuffer buffer) {
    String text = buffer.text();
    List<Secret> secrets = command.secrets();
    if (buffer.dropped() > 0 && !text.isEmpty()) {
      text = maskCutSecret(text, secrets);
    }
    return command.redact(text);
  }

  /**
   * When the front of the output was dropped, the kept text may begin with the end of a secret that was cut
   * in half; mask that remnant too.
   */
  private static String maskCutSecret(String text, List<Secret> secrets) {
    int cut = 0;
    for (Secret s : secrets) {
      String value = s.reveal();
      for (int k = Math.min(value.length() - 1, text.length()); k > cut; k--) {
        if (text.startsWith(value.substring(value.length() - k))) {
          cut = k;
          break;
        }
      }
    }
    return cut == 0 ? text : Secret.MASK + text.substring(cut);
  }

  private static String lastWords(Command command, TailBuffer err, TailBuffer out) {
    String said = redact(command, err.total() > 0 ? err : out).strip();
    if (said.isEmpty()) {
      return "";
    }
    int keep = 500;
    return ": " + (said.length() > keep ? "..." + said.substring(said.length() - keep) : said);
  }

  /** A duration as people write it: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h30m}. */
  static String format(Duration d) {
    if (d.toMillis() < 1000) {
      return d.toMillis() + "ms";
    }
    StringBuilder sb = new StringBuilder();
    long h = d.toHours();
    long m = d.toMinutesPart();
    long s = d.toSecondsPart();
    long ms = d.toMillisPart();
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (m > 0) {
      sb.append(m).append('m');
    }
    if (s > 0 || ms > 0) {
      sb.append(s);
      if (ms > 0) {
        sb.append('.').append(String.format(Locale.ROOT, "%03d", ms));
      }
      sb.append('s');
    }
    return sb.toString();
  }
}
