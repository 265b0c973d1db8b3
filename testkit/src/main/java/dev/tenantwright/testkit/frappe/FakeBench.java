package dev.tenantwright.testkit.frappe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.testkit.FakeCommandRunner;
import dev.tenantwright.testkit.FakeProgram;
import dev.tenantwright.testkit.ProgramResult;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * A stateful fake of Frappe's {@code bench} CLI for the {@link FakeCommandRunner}: sites with their config, apps,
 * users and API keys, and database backups, kept in memory, with bench's own answers and quirks.
 *
 * <p>What it plays (see BACKENDS.md §3):
 * <ul>
 *   <li>{@code new-site SITE} with bench's options; a second {@code new-site} for the same site exits 1 with
 *       {@code Site X already exists, use `--force` to proceed anyway}; missing database root or Administrator
 *       passwords make it "prompt" and abort (no terminal); wrong root credentials give MariaDB's error 1045.
 *   <li>{@code --site S install-app APP...}: an installed app prints {@code App X already installed} and exits 0;
 *       an app not in {@code sites/apps.txt} ({@link #appsTxt}) exits 1. {@code uninstall-app APP --yes}.
 *   <li>{@code add-system-manager} / {@code add-user} on an existing user fail with {@code DuplicateEntryError};
 *       {@code set-password}, {@code set-admin-password}, {@code disable-user}.
 *   <li>{@code drop-site SITE} on a missing site fails ({@code IncorrectSitePath}); otherwise the site moves to
 *       {@code archived/sites/SITE[N]} (after a backup unless {@code --no-backup}).
 *   <li>{@code --site S backup} writes {@code ./S/private/backups/<timestamp>-<s_with_underscores>-database.sql.gz}
 *       (tracked, printed in bench's summary); {@code --site S restore FILE} brings the database back to it.
 *       {@code reinstall --yes} wipes users and keys.
 *   <li>{@code set-config KEY VALUE [--parse]} (with bench's coercion: {@code 0/1} to numbers, {@code true/false}
 *       to booleans, {@code None} deletes), {@code show-config [--format json]}, {@code list-apps}.
 *   <li>{@code execute} of {@code frappe.get_installed_apps}, {@code frappe.db.exists}, {@code frappe.db.get_value},
 *       {@code frappe.client.set_value} (User fields, password fields stored and printed masked) and
 *       {@code frappe.core.doctype.user.user.generate_keys}; its {@code --args}/{@code --kwargs} must be Python
 *       literals (a name or a call is a {@code SyntaxError}, so an injected expression is caught).
 *   <li>A site left half-made by an interrupted {@code new-site} ({@link #hangMidwayNext}) has a config but no
 *       tables: every database command on it fails with MariaDB error 1146.
 * </ul>
 * Every site command on a missing site fails with frappe's {@code IncorrectSitePath} traceback.
 *
 * <p>Where bench runs: the same fake understands the three wrappings a plugin may use, and checks them —
 * {@code bench ...} with the working directory {@link #benchDir}; {@code docker exec [-i] -w DIR CONTAINER bench ...}
 * for the {@link #container}; and {@code ssh [options] USER@HOST [--] COMMAND} for the {@link #sshDestination},
 * whose command string is parsed by a small POSIX-shell interpreter ({@code '...'} and {@code "$var"} words,
 * {@code &&}, {@code read -r}, {@code cd}, {@code exec}; anything else such as {@code ;}, {@code $(...)}, backticks or
 * unquoted globs fails loudly), with ssh's stdin available to {@code read}. {@link #received()} shows exactly what
 * arrived, secrets included, for assertions about how they travelled.
 *
 * <p>Failures: {@link #failNext}, {@link #failNth}, {@link #failAlways} make a subcommand exit non-zero before it
 * does anything; {@link #hangNext}/{@link #hangAlways} make it hang until the runner kills it (a
 * {@link RetryableException} with an unknown outcome, as the real runner throws), and {@link #hangMidwayNext}
 * lets it do part of its work first ({@code new-site}: a half-made site). The runner's own
 * {@link dev.tenantwright.testkit.CommandFault}s work too, for the local argv.
 *
 * <p>Register it with {@link #attachTo(FakeCommandRunner)} (as {@code bench}, {@code docker} and {@code ssh}).
 * Thread-safe: the runner serialises invocations on this object's monitor and every public method is
 * synchronized.
 *
 * <pre>{@code
 * FakeBench bench = new FakeBench().rootCredentials("root", "s3cret");
 * FakeCommandRunner runner = bench.attachTo(new FakeCommandRunner());
 * bench.failNext("install-app", 1, "App erpnext not in apps.txt");
 * ...
 * assertThat(bench.liveObjects()).isEmpty();   // no site left behind
 * }</pre>
 */
public final class FakeBench extends FakeProgram {

  /** The bench directory the fake expects by default. */
  public static final String DEFAULT_BENCH_DIR = "/home/frappe/frappe-bench";
  /** The container the fake plays by default. */
  public static final String DEFAULT_CONTAINER = "frappe-backend";
  /** The ssh destination the fake plays by default. */
  public static final String DEFAULT_SSH_DESTINATION = "frappe@bench.example.test";

  private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private static final ObjectMapper JSON_LINE = JsonMapper.builder().build();
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
  private static final DateTimeFormatter NOW = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
  private static final LocalDateTime EPOCH = LocalDateTime.of(2024, 1, 1, 9, 0, 0);

  /** How one invocation reached bench. */
  public enum Transport {
    /** {@code bench ...} as a local process. */
    LOCAL,
    /** {@code docker exec ... bench ...}. */
    DOCKER,
    /** {@code ssh ... 'command string'}. */
    SSH
  }

  /**
   * One invocation as it arrived, <b>secrets revealed</b>: for asserting how secrets travelled, never for printing.
   *
   * @param transport how it arrived
   * @param argv the process's argv
   * @param stdin what the process got on stdin, or null
   * @param remoteCommand the command string ssh received, or null for the other transports
   * @param benchArgv bench's argv after unwrapping (after shell expansion for ssh), or an empty list when bench
   *     never ran (a refused wrapping)
   * @param benchDir the directory bench ran in, or null when it never ran
   */
  public record Invocation(Transport transport, List<String> argv, String stdin, String remoteCommand,
      List<String> benchArgv, String benchDir) {

    /** Copies the lists. */
    public Invocation {
      argv = List.copyOf(argv);
      benchArgv = List.copyOf(benchArgv);
    }

    /** Masked on purpose: the fields hold secrets. */
    @Override
    public String toString() {
      return "Invocation[" + transport + ", " + benchArgv.size() + " bench arguments]";
    }
  }

  /**
   * A site as the fake holds it.
   *
   * @param name the site name
   * @param config its site config ({@code db_name}, {@code db_password}, {@code tenantwright_owner}, ...)
   * @param apps installed apps, frappe first
   * @param users users by name (e-mail, {@code Administrator}, {@code Guest})
   * @param complete false for a site whose {@code new-site} was interrupted
   */
  public record SiteView(String name, Map<String, Object> config, List<String> apps, Map<String, UserView> users,
      boolean complete) {

    /** The {@code tenantwright_owner} config entry, or null. */
    public String owner() {
      return config.get("tenantwright_owner") instanceof String s ? s : null;
    }

    /** The site's database name. */
    public String dbName() {
      return (String) config.get("db_name");
    }
  }

  /**
   * A user of a site, <b>secrets revealed</b>.
   *
   * @param name the user name (the e-mail)
   * @param firstName first name or null
   * @param lastName last name or null
   * @param systemManager whether the user has the System Manager role
   * @param enabled whether the user is enabled
   * @param password the login password or null
   * @param apiKey the API key or null
   * @param apiSecret the API secret or null
   */
  public record UserView(String name, String firstName, String lastName, boolean systemManager, boolean enabled,
      String password, String apiKey, String apiSecret) {

    /** Masked on purpose. */
    @Override
    public String toString() {
      return "UserView[" + name + "]";
    }
  }

  private static final class User {
    final String name;
    String firstName;
    String lastName;
    boolean systemManager;
    boolean enabled = true;
    String password;
    String apiKey;
    String apiSecret;

    User(String name) {
      this.name = name;
    }

    User copy() {
      User u = new User(name);
      u.firstName = firstName;
      u.lastName = lastName;
      u.systemManager = systemManager;
      u.enabled = enabled;
      u.password = password;
      u.apiKey = apiKey;
      u.apiSecret = apiSecret;
      return u;
    }

    UserView view() {
      return new UserView(name, firstName, lastName, systemManager, enabled, password, apiKey, apiSecret);
    }
  }

  private static final class Site {
    final String name;
    final Map<String, Object> config = new LinkedHashMap<>();
    final List<String> apps = new ArrayList<>();
    final Map<String, User> users = new LinkedHashMap<>();
    boolean complete;

    Site(String name) {
      this.name = name;
    }

    void installDefaults(String adminPassword) {
      apps.clear();
      apps.add("frappe");
      users.clear();
      User admin = new User("Administrator");
      admin.firstName = "Administrator";
      admin.systemManager = true;
      admin.password = adminPassword;
      users.put(admin.name, admin);
      User guest = new User("Guest");
      guest.firstName = "Guest";
      users.put(guest.name, guest);
      complete = true;
    }

    SiteView view() {
      Map<String, UserView> u = new LinkedHashMap<>();
      users.forEach((k, v) -> u.put(k, v.view()));
      return new SiteView(name, Collections.unmodifiableMap(new LinkedHashMap<>(config)), List.copyOf(apps),
          Collections.unmodifiableMap(u), complete);
    }
  }

  /** What a database backup holds: the tables, not the site config. */
  private record Snapshot(String site, List<String> apps, Map<String, User> users) {}

  private enum FaultKind { EXIT, HANG, HANG_MIDWAY }

  private static final class Fault {
    final String subcommand;
    final FaultKind kind;
    final int exitCode;
    final String stderr;
    final int nth;
    final boolean always;
    int seen;

    Fault(String subcommand, FaultKind kind, int exitCode, String stderr, int nth, boolean always) {
      this.subcommand = subcommand;
      this.kind = kind;
      this.exitCode = exitCode;
      this.stderr = stderr;
      this.nth = nth;
      this.always = always;
    }
  }

  private String benchDir = DEFAULT_BENCH_DIR;
  private String container = DEFAULT_CONTAINER;
  private String sshDestination = DEFAULT_SSH_DESTINATION;
  private String rootUser = "root";
  private String rootPassword = "root";
  private final Set<String> appsTxt = new LinkedHashSet<>(List.of("frappe", "erpnext", "hrms", "payments"));
  private final Map<String, Site> sites = new TreeMap<>();
  private final Map<String, Snapshot> backups = new LinkedHashMap<>();
  private final List<String> archived = new ArrayList<>();
  private final List<Fault> faults = new ArrayList<>();
  private final List<Invocation> received = new ArrayList<>();
  private final List<String> history = new ArrayList<>();
  private Random random = new Random(0);
  private IntConsumer afterCall;
  private int calls;
  private int clock;

  /** A fake bench in {@value #DEFAULT_BENCH_DIR} with apps frappe, erpnext, hrms and payments, root password "root". */
  public FakeBench() {
    super("bench");
  }

  // ------------------------------------------------------------------------------------------------ set-up

  /** Registers this fake with the runner as {@code bench}, {@code docker} and {@code ssh}; returns the runner. */
  public FakeCommandRunner attachTo(FakeCommandRunner runner) {
    return runner.on(this).on("docker", this).on("ssh", this);
  }

  /** The bench directory: the local working directory, docker's {@code -w} and the ssh {@code cd} must name it. */
  public synchronized FakeBench benchDir(String dir) {
    this.benchDir = Objects.requireNonNull(dir, "dir");
    return this;
  }

  /** The container name {@code docker exec} must use. */
  public synchronized FakeBench container(String name) {
    this.container = Objects.requireNonNull(name, "name");
    return this;
  }

  /** The {@code user@host} ssh must connect to. */
  public synchronized FakeBench sshDestination(String destination) {
    this.sshDestination = Objects.requireNonNull(destination, "destination");
    return this;
  }

  /** The MariaDB root credentials {@code new-site}, {@code drop-site}, {@code restore} and {@code reinstall} accept. */
  public synchronized FakeBench rootCredentials(String user, String password) {
    this.rootUser = Objects.requireNonNull(user, "user");
    this.rootPassword = Objects.requireNonNull(password, "password");
    return this;
  }

  /** Replaces the apps in {@code sites/apps.txt} (frappe is always there). */
  public synchronized FakeBench appsTxt(String... apps) {
    appsTxt.clear();
    appsTxt.add("frappe");
    appsTxt.addAll(List.of(apps));
    return this;
  }

  /**
   * Puts a complete site into the fake as if someone had made it: frappe plus {@code apps} installed, an
   * Administrator (password {@code admin}) and a Guest, and {@code tenantwright_owner} set to {@code owner}
   * unless it is null.
   */
  public synchronized void plantSite(String site, String owner, String... apps) {
    Site s = new Site(site);
    s.config.put("db_name", "_" + hex(16));
    s.config.put("db_password", hex(16));
    s.config.put("db_type", "mariadb");
    if (owner != null) {
      s.config.put("tenantwright_owner", owner);
    }
    s.installDefaults("admin");
    for (String a : apps) {
      if (!s.apps.contains(a)) {
        s.apps.add(a);
      }
    }
    sites.put(site, s);
  }

  /**
   * Calls {@code listener} with the running invocation count after every invocation has taken effect, just before
   * its answer goes back to the caller (an exception it throws reaches the caller instead of the answer; the
   * conformance kit crashes the engine this way). Replaces an earlier listener.
   */
  public synchronized void afterEachCall(IntConsumer listener) {
    this.afterCall = listener;
  }

  // ------------------------------------------------------------------------------------------------ faults

  /** The next invocation of {@code subcommand} (e.g. {@code install-app}; {@code *} for any) exits with this code. */
  public synchronized FakeBench failNext(String subcommand, int exitCode, String stderr) {
    return addFault(subcommand, FaultKind.EXIT, exitCode, stderr, 1, false);
  }

  /** The n-th invocation of {@code subcommand} from now (1-based) exits with this code. */
  public synchronized FakeBench failNth(String subcommand, int n, int exitCode, String stderr) {
    return addFault(subcommand, FaultKind.EXIT, exitCode, stderr, n, false);
  }

  /** Every invocation of {@code subcommand} exits with this code, until {@link #clearFailures()}. */
  public synchronized FakeBench failAlways(String subcommand, int exitCode, String stderr) {
    return addFault(subcommand, FaultKind.EXIT, exitCode, stderr, 1, true);
  }

  /** The next invocation of {@code subcommand} hangs before doing anything and is killed by the runner's timeout. */
  public synchronized FakeBench hangNext(String subcommand) {
    return addFault(subcommand, FaultKind.HANG, 0, "", 1, false);
  }

  /** Every invocation of {@code subcommand} hangs before doing anything, until {@link #clearFailures()}. */
  public synchronized FakeBench hangAlways(String subcommand) {
    return addFault(subcommand, FaultKind.HANG, 0, "", 1, true);
  }

  /**
   * The next invocation of {@code subcommand} does part of its work, then hangs and is killed: {@code new-site}
   * leaves a half-made site (config written, no tables), any other command does all of its work.
   */
  public synchronized FakeBench hangMidwayNext(String subcommand) {
    return addFault(subcommand, FaultKind.HANG_MIDWAY, 0, "", 1, false);
  }

  /** Removes every configured failure. */
  public synchronized void clearFailures() {
    faults.clear();
  }

  private FakeBench addFault(String subcommand, FaultKind kind, int exitCode, String stderr, int nth, boolean always) {
    Objects.requireNonNull(subcommand, "subcommand");
    if (kind == FaultKind.EXIT && exitCode == 0) {
      throw new IllegalArgumentException("a failure needs a non-zero exit code");
    }
    if (nth < 1) {
      throw new IllegalArgumentException("n is 1-based");
    }
    faults.add(new Fault(subcommand, kind, exitCode, stderr == null ? "" : stderr, nth, always));
    return this;
  }

  // ------------------------------------------------------------------------------------------------ views

  /** The site, if it exists. */
  public synchronized Optional<SiteView> site(String name) {
    Site s = sites.get(name);
    return s == null ? Optional.empty() : Optional.of(s.view());
  }

  /** The names of the existing sites. */
  public synchronized Set<String> sites() {
    return Set.copyOf(sites.keySet());
  }

  /** The backup files written so far, oldest first (paths as bench prints them). */
  public synchronized List<String> backups() {
    return List.copyOf(backups.keySet());
  }

  /** Where dropped sites went, oldest first, e.g. {@code archived/sites/a.example}. */
  public synchronized List<String> archived() {
    return List.copyOf(archived);
  }

  /** Every invocation as it arrived, oldest first, <b>secrets revealed</b>. */
  public synchronized List<Invocation> received() {
    return List.copyOf(received);
  }

  /** The bench subcommands run so far, e.g. {@code "a.example install-app"}, oldest first. */
  public synchronized List<String> history() {
    return List.copyOf(history);
  }

  /** How many invocations the fake has handled. */
  public synchronized int calls() {
    return calls;
  }

  /** One line per existing site, e.g. {@code site a.example}. */
  @Override
  public synchronized Collection<String> liveObjects() {
    List<String> out = new ArrayList<>();
    sites.keySet().forEach(s -> out.add("site " + s));
    return out;
  }

  /** Forgets sites, backups, archives, failures and records; keeps the directory, container, destination and credentials. */
  @Override
  public synchronized void reset() {
    sites.clear();
    backups.clear();
    archived.clear();
    faults.clear();
    received.clear();
    history.clear();
    calls = 0;
    clock = 0;
    random = new Random(0);
  }

  // ------------------------------------------------------------------------------------------------ dispatch

  @Override
  public ProgramResult handle(Command command) {
    ProgramResult result = null;
    RuntimeException thrown = null;
    try {
      result = dispatch(command);
    } catch (RuntimeException e) {
      thrown = e;
    }
    calls++;
    if (afterCall != null) {
      afterCall.accept(calls);
    }
    if (thrown != null) {
      throw thrown;
    }
    return result;
  }

  private ProgramResult dispatch(Command command) {
    List<String> argv = command.argv();
    String program = baseName(argv.get(0));
    if (program.equals("docker")) {
      return docker(command, argv);
    }
    if (program.equals("ssh")) {
      return ssh(command, argv);
    }
    String dir = command.workingDir() == null ? null : command.workingDir().toString();
    List<String> args = argv.subList(1, argv.size());
    received.add(new Invocation(Transport.LOCAL, argv, command.stdin(), null, args, dir));
    return bench(args, dir, command);
  }

  private ProgramResult docker(Command command, List<String> argv) {
    List<String> args = argv.subList(1, argv.size());
    if (args.isEmpty() || !args.get(0).equals("exec")) {
      received.add(new Invocation(Transport.DOCKER, argv, command.stdin(), null, List.of(), null));
      return ProgramResult.failure(1, "the fake bench plays only 'docker exec', not: docker "
          + (args.isEmpty() ? "" : args.get(0)) + "\n");
    }
    String workdir = null;
    int i = 1;
    while (i < args.size() && args.get(i).startsWith("-")) {
      String o = args.get(i);
      switch (o) {
        case "-i", "--interactive", "-t", "--tty", "-it", "-ti", "--privileged", "-d", "--detach" -> i++;
        case "-w", "--workdir", "-e", "--env", "-u", "--user" -> {
          if (i + 1 >= args.size()) {
            return ProgramResult.failure(125, "flag needs an argument: " + o + "\n");
          }
          if (o.equals("-w") || o.equals("--workdir")) {
            workdir = args.get(i + 1);
          }
          i += 2;
        }
        default -> {
          if (o.startsWith("--workdir=")) {
            workdir = o.substring("--workdir=".length());
            i++;
          } else if (o.startsWith("--env=") || o.startsWith("--user=")) {
            i++;
          } else {
            received.add(new Invocation(Transport.DOCKER, argv, command.stdin(), null, List.of(), null));
            return ProgramResult.failure(125, "unknown flag: " + o + "\nSee 'docker exec --help'.\n");
          }
        }
      }
    }
    if (i >= args.size()) {
      return ProgramResult.failure(1, "\"docker exec\" requires at least 2 arguments.\n");
    }
    String name = args.get(i++);
    List<String> inner = args.subList(i, args.size());
    received.add(new Invocation(Transport.DOCKER, argv, command.stdin(), null,
        inner.isEmpty() ? List.of() : inner.subList(1, inner.size()), workdir == null ? "/" : workdir));
    if (!name.equals(container)) {
      return ProgramResult.failure(1, "Error response from daemon: No such container: " + name + "\n");
    }
    if (inner.isEmpty()) {
      return ProgramResult.failure(1, "\"docker exec\" requires at least 2 arguments.\n");
    }
    if (!baseName(inner.get(0)).equals("bench")) {
      return ProgramResult.failure(127, "OCI runtime exec failed: exec failed: unable to start container process: exec: \""
          + inner.get(0) + "\": executable file not found in $PATH: unknown\n");
    }
    return bench(inner.subList(1, inner.size()), workdir == null ? "/" : workdir, command);
  }

  private ProgramResult ssh(Command command, List<String> argv) {
    List<String> args = argv.subList(1, argv.size());
    int i = 0;
    String destination = null;
    while (i < args.size()) {
      String a = args.get(i);
      if (a.equals("--")) {
        i++;
        if (destination != null) {
          break;
        }
        continue;
      }
      if (a.startsWith("-") && a.length() > 1) {
        char opt = a.charAt(1);
        if ("bcDEeFIiJLlmOopQRSWw".indexOf(opt) >= 0) {
          i += a.length() > 2 ? 1 : 2;
        } else {
          i++;
        }
        continue;
      }
      if (destination == null) {
        destination = a;
        i++;
        if (i < args.size() && args.get(i).equals("--")) {
          i++;
        }
        break;
      }
      break;
    }
    String remote = String.join(" ", args.subList(Math.min(i, args.size()), args.size()));
    if (destination == null) {
      received.add(new Invocation(Transport.SSH, argv, command.stdin(), remote, List.of(), null));
      return ProgramResult.failure(255, "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] destination [command [argument ...]]\n");
    }
    if (!destination.equals(sshDestination)) {
      received.add(new Invocation(Transport.SSH, argv, command.stdin(), remote, List.of(), null));
      String host = destination.contains("@") ? destination.substring(destination.indexOf('@') + 1) : destination;
      return ProgramResult.failure(255, "ssh: Could not resolve hostname " + host + ": Name or service not known\n");
    }
    if (remote.isBlank()) {
      received.add(new Invocation(Transport.SSH, argv, command.stdin(), remote, List.of(), null));
      return ProgramResult.failure(1, "the fake bench does not play an interactive ssh session\n");
    }
    List<RemoteShell.Invocation> ran = new ArrayList<>();
    String home = "/home/" + (destination.contains("@") ? destination.substring(0, destination.indexOf('@')) : "frappe");
    RemoteShell sh = new RemoteShell((inv, shell) -> {
      ran.add(inv);
      if (!baseName(inv.argv().get(0)).equals("bench")) {
        return ProgramResult.failure(127, "sh: 1: " + inv.argv().get(0) + ": not found\n");
      }
      received.add(new Invocation(Transport.SSH, argv, command.stdin(), remote,
          inv.argv().subList(1, inv.argv().size()), inv.cwd()));
      return bench(inv.argv().subList(1, inv.argv().size()), inv.cwd(), command);
    }, command.stdin(), home);
    ProgramResult r = sh.run(remote);
    if (ran.isEmpty()) {
      received.add(new Invocation(Transport.SSH, argv, command.stdin(), remote, List.of(), null));
    }
    return r;
  }

  // ------------------------------------------------------------------------------------------------ bench

  private ProgramResult bench(List<String> argv, String dir, Command command) {
    List<String> args = new ArrayList<>(argv);
    String site = null;
    boolean force = false;
    int i = 0;
    while (i < args.size() && args.get(i).startsWith("-")) {
      switch (args.get(i)) {
        case "--site" -> {
          if (i + 1 >= args.size()) {
            return usage("Option '--site' requires an argument.");
          }
          site = args.get(i + 1);
          i += 2;
        }
        case "--force" -> {
          force = true;
          i++;
        }
        case "--verbose", "--profile" -> i++;
        default -> {
          return usage("No such option: " + args.get(i));
        }
      }
    }
    if (i >= args.size()) {
      return ProgramResult.ok("Usage: bench [OPTIONS] COMMAND [ARGS]...\n");
    }
    String sub = args.get(i);
    List<String> rest = args.subList(i + 1, args.size());
    if (dir == null || !normalise(dir).equals(normalise(benchDir))) {
      return usage("No such command '" + sub + "'.");
    }
    history.add((site == null ? (rest.isEmpty() ? "-" : rest.get(0)) : site) + " " + sub);
    Fault fault = matchFault(sub);
    if (fault != null && fault.kind == FaultKind.EXIT) {
      return new ProgramResult(fault.exitCode, "", fault.stderr);
    }
    if (fault != null && fault.kind == FaultKind.HANG) {
      throw killed(command);
    }
    boolean midway = fault != null && fault.kind == FaultKind.HANG_MIDWAY;
    ProgramResult result = switch (sub) {
      case "new-site" -> newSite(rest, midway, command);
      case "drop-site" -> dropSite(rest);
      default -> siteCommand(sub, site, force, rest);
    };
    if (midway) {
      throw killed(command);
    }
    return result;
  }

  private ProgramResult siteCommand(String sub, String siteName, boolean force, List<String> rest) {
    if (!List.of("install-app", "uninstall-app", "set-config", "show-config", "list-apps", "execute",
        "add-system-manager", "add-user", "set-password", "set-admin-password", "disable-user", "backup", "restore",
        "reinstall").contains(sub)) {
      return usage("No such command '" + sub + "'.");
    }
    if (siteName == null) {
      return traceback("frappe.exceptions.SiteNotSpecifiedError: Please specify --site sitename");
    }
    Site site = sites.get(siteName);
    if (site == null) {
      return traceback("frappe.exceptions.IncorrectSitePath: 404 Not Found: " + siteName + " does not exist");
    }
    boolean needsTables = !List.of("set-config", "show-config", "restore", "reinstall").contains(sub);
    if (needsTables && !site.complete) {
      return traceback("pymysql.err.ProgrammingError: (1146, \"Table '" + site.config.get("db_name")
          + ".tabInstalled Application' doesn't exist\")");
    }
    return switch (sub) {
      case "install-app" -> installApp(site, rest);
      case "uninstall-app" -> uninstallApp(site, rest);
      case "set-config" -> setConfig(site, rest);
      case "show-config" -> showConfig(site, rest);
      case "list-apps" -> listApps(site, rest);
      case "execute" -> execute(site, rest);
      case "add-system-manager" -> addUser(site, rest, true);
      case "add-user" -> addUser(site, rest, false);
      case "set-password" -> setPassword(site, rest);
      case "set-admin-password" -> setAdminPassword(site, rest);
      case "disable-user" -> disableUser(site, rest);
      case "backup" -> backup(site);
      case "restore" -> restore(site, rest, force);
      default -> reinstall(site, rest);
    };
  }

  private ProgramResult newSite(List<String> rest, boolean midway, Command command) {
    Options o = Options.parse(rest, Set.of("--db-name", "--db-password", "--db-type", "--db-host", "--db-port",
        "--db-root-username", "--mariadb-root-username", "--db-root-password", "--mariadb-root-password",
        "--db-socket", "--mariadb-db-socket", "--mariadb-user-host-login-scope", "--admin-password", "--install-app",
        "--source-sql", "--source_sql", "--db-user"),
        Set.of("--no-mariadb-socket", "--force", "--set-default", "--verbose", "--setup-db", "--no-setup-db"));
    if (o.error != null) {
      return usage(o.error);
    }
    if (o.positional.size() != 1) {
      return usage(o.positional.isEmpty() ? "Missing argument 'SITE'." : "Got unexpected extra argument ("
          + o.positional.get(1) + ")");
    }
    String name = o.positional.get(0);
    ProgramResult denied = checkRoot(o.last("--db-root-username", "--mariadb-root-username"),
        o.last("--db-root-password", "--mariadb-root-password"));
    if (denied != null) {
      return denied;
    }
    String admin = o.last("--admin-password");
    if (admin == null) {
      return ProgramResult.failure(1, "Set Administrator password: \nAborted!\n");
    }
    if (sites.containsKey(name) && !o.flags.contains("--force")) {
      return ProgramResult.failure(1, "Site " + name + " already exists, use `--force` to proceed anyway\n");
    }
    if (appsTxt.contains(name)) {
      return ProgramResult.failure(1, "Your site name cannot be the same as an app name (" + name + ")\n");
    }
    Site s = new Site(name);
    String db = o.last("--db-name");
    s.config.put("db_name", db == null ? "_" + hex(16) : db);
    s.config.put("db_password", o.last("--db-password") == null ? hex(16) : o.last("--db-password"));
    s.config.put("db_type", o.last("--db-type") == null ? "mariadb" : o.last("--db-type"));
    sites.put(name, s);
    if (midway) {
      return ProgramResult.ok("Installing frappe...\n");
    }
    s.installDefaults(admin);
    StringBuilder out = new StringBuilder("Installing frappe...\n"
        + "Updating DocTypes for frappe        : [========================================] 100%\n"
        + "Updating Dashboard for frappe\n");
    for (String app : o.all("--install-app")) {
      if (!appsTxt.contains(app)) {
        return new ProgramResult(1, out.toString(), "App " + app + " not in apps.txt\n");
      }
      if (!s.apps.contains(app)) {
        s.apps.add(app);
        out.append("Installing ").append(app).append("...\n");
      }
    }
    out.append("*** Scheduler is disabled ***\nCurrent Site set to ").append(name).append('\n');
    return ProgramResult.ok(out.toString());
  }

  private ProgramResult dropSite(List<String> rest) {
    Options o = Options.parse(rest, Set.of("--root-login", "--db-root-username", "--mariadb-root-username",
        "--root-password", "--db-root-password", "--mariadb-root-password", "--archived-sites-path"),
        Set.of("--no-backup", "--force"));
    if (o.error != null) {
      return usage(o.error);
    }
    if (o.positional.size() != 1) {
      return usage("Missing argument 'SITE'.");
    }
    String name = o.positional.get(0);
    Site s = sites.get(name);
    if (s == null) {
      return traceback("frappe.exceptions.IncorrectSitePath: 404 Not Found: " + name + " does not exist");
    }
    ProgramResult denied = checkRoot(o.last("--root-login", "--db-root-username", "--mariadb-root-username"),
        o.last("--root-password", "--db-root-password", "--mariadb-root-password"));
    if (denied != null) {
      return denied;
    }
    StringBuilder out = new StringBuilder();
    if (!o.flags.contains("--no-backup")) {
      if (!s.complete && !o.flags.contains("--force")) {
        return ProgramResult.failure(1, "Error: Couldn't backup the database of " + name
            + "; use --force to drop it anyway\n");
      }
      if (s.complete) {
        out.append(backup(s).stdout());
      }
    }
    String base = o.last("--archived-sites-path") == null ? "archived/sites" : o.last("--archived-sites-path");
    String target = base + "/" + name;
    int n = 1;
    while (archived.contains(target)) {
      target = base + "/" + name + n++;
    }
    archived.add(target);
    sites.remove(name);
    out.append("Moving site to archive...\n");
    return ProgramResult.ok(out.toString());
  }

  private ProgramResult installApp(Site site, List<String> rest) {
    Options o = Options.parse(rest, Set.of(), Set.of("--force"));
    if (o.error != null) {
      return usage(o.error);
    }
    if (o.positional.isEmpty()) {
      return usage("Missing argument 'APPS...'.");
    }
    StringBuilder out = new StringBuilder();
    for (String app : o.positional) {
      if (!appsTxt.contains(app)) {
        return new ProgramResult(1, out.toString(), "App " + app + " not in apps.txt\n");
      }
      if (site.apps.contains(app) && !o.flags.contains("--force")) {
        out.append("App ").append(app).append(" already installed\n");
        continue;
      }
      if (!site.apps.contains(app)) {
        site.apps.add(app);
      }
      out.append("Installing ").append(app).append("...\n");
    }
    return ProgramResult.ok(out.toString());
  }

  private ProgramResult uninstallApp(Site site, List<String> rest) {
    Options o = Options.parse(rest, Set.of(), Set.of("--yes", "-y", "--no-backup", "--force", "--dry-run"));
    if (o.error != null) {
      return usage(o.error);
    }
    if (o.positional.size() != 1) {
      return usage("Missing argument 'APP'.");
    }
    String app = o.positional.get(0);
    if (app.equals("frappe")) {
      return ProgramResult.failure(1, "You cannot uninstall the app `frappe` as it is a core app\n");
    }
    if (!site.apps.contains(app)) {
      return ProgramResult.ok("App " + app + " not installed on Site " + site.name + "\n");
    }
    if (!o.flags.contains("--yes") && !o.flags.contains("-y")) {
      return ProgramResult.failure(1, "All doctypes (including custom), modules related to this app will be deleted. "
          + "Are you sure you want to continue? [y/N]: \nAborted!\n");
    }
    if (!o.flags.contains("--dry-run")) {
      site.apps.remove(app);
    }
    return ProgramResult.ok("Uninstalling App " + app + " from Site " + site.name + "...\n");
  }

  private ProgramResult setConfig(Site site, List<String> rest) {
    Options o = Options.parse(rest, Set.of(), Set.of("-g", "--global", "-p", "--parse", "--as-dict"));
    if (o.error != null) {
      return usage(o.error);
    }
    if (o.positional.size() != 2) {
      return usage(o.positional.size() < 2 ? "Missing argument 'VALUE'." : "Got unexpected extra argument ("
          + o.positional.get(2) + ")");
    }
    String key = o.positional.get(0);
    String raw = o.positional.get(1);
    Object value = raw;
    if (o.flags.contains("-p") || o.flags.contains("--parse")) {
      try {
        value = PythonLiteral.parse(raw);
      } catch (IllegalArgumentException e) {
        return traceback("  File \"<unknown>\", line 1\n    " + raw + "\nSyntaxError: invalid syntax");
      }
    } else if (raw.equals("0") || raw.equals("1")) {
      value = Long.parseLong(raw);
    } else if (raw.equals("true")) {
      value = Boolean.TRUE;
    } else if (raw.equals("false")) {
      value = Boolean.FALSE;
    }
    if ("None".equals(raw) || (value == null)) {
      site.config.remove(key);
    } else {
      site.config.put(key, value);
    }
    return ProgramResult.ok("");
  }

  private ProgramResult showConfig(Site site, List<String> rest) {
    Options o = Options.parse(rest, Set.of("--format", "-f"), Set.of());
    if (o.error != null) {
      return usage(o.error);
    }
    String format = o.last("--format", "-f") == null ? "text" : o.last("--format", "-f");
    Map<String, Object> merged = new LinkedHashMap<>();
    merged.put("background_workers", 1);
    merged.put("redis_cache", "redis://127.0.0.1:13000");
    merged.putAll(site.config);
    if (format.equals("json")) {
      return ProgramResult.ok(json(Map.of(site.name, merged)) + "\n");
    }
    if (!format.equals("text")) {
      return usage("Invalid value for '--format' / '-f': '" + format + "' is not one of 'text', 'json'.");
    }
    StringBuilder out = new StringBuilder("Config              Value\n");
    merged.forEach((k, v) -> out.append(String.format("%-20s%s%n", k, v)));
    return ProgramResult.ok(out.toString());
  }

  private ProgramResult listApps(Site site, List<String> rest) {
    Options o = Options.parse(rest, Set.of("--format", "-f"), Set.of());
    if (o.error != null) {
      return usage(o.error);
    }
    if ("json".equals(o.last("--format", "-f"))) {
      return ProgramResult.ok(json(Map.of(site.name, site.apps)) + "\n");
    }
    StringBuilder out = new StringBuilder();
    site.apps.forEach(a -> out.append(String.format("%-10s 15.0.0 version-15%n", a)));
    return ProgramResult.ok(out.toString());
  }

  private ProgramResult execute(Site site, List<String> rest) {
    Options o = Options.parse(rest, Set.of("--args", "--kwargs"), Set.of("--profile"));
    if (o.error != null) {
      return usage(o.error);
    }
    if (o.positional.size() != 1) {
      return usage("Missing argument 'METHOD'.");
    }
    String method = o.positional.get(0);
    List<Object> args = new ArrayList<>();
    Map<Object, Object> kwargs = new LinkedHashMap<>();
    try {
      if (o.last("--args") != null) {
        Object a = PythonLiteral.parse(o.last("--args"));
        if (a instanceof List<?> l) {
          args.addAll(l);
        } else {
          args.add(a);
        }
      }
      if (o.last("--kwargs") != null) {
        Object k = PythonLiteral.parse(o.last("--kwargs"));
        if (!(k instanceof Map<?, ?> m)) {
          return traceback("TypeError: frappe.execute() argument after ** must be a mapping");
        }
        m.forEach(kwargs::put);
      }
    } catch (IllegalArgumentException e) {
      return traceback("  File \"<string>\", line 1\n" + e.getMessage());
    }
    return switch (method) {
      case "frappe.get_installed_apps" -> ProgramResult.ok(jsonLine(site.apps) + "\n");
      case "frappe.db.exists" -> {
        String doctype = String.valueOf(arg(args, kwargs, 0, "dt"));
        Object name = arg(args, kwargs, 1, "dn");
        yield ProgramResult.ok(doctype.equals("User") && site.users.containsKey(String.valueOf(name))
            ? jsonLine(name) + "\n" : "");
      }
      case "frappe.db.get_value" -> {
        String doctype = String.valueOf(arg(args, kwargs, 0, "doctype"));
        User u = doctype.equals("User") ? site.users.get(String.valueOf(arg(args, kwargs, 1, "filters"))) : null;
        Object field = arg(args, kwargs, 2, "fieldname");
        Object value = u == null ? null : userField(u, String.valueOf(field));
        yield ProgramResult.ok(value == null ? "" : jsonLine(value) + "\n");
      }
      case "frappe.client.set_value" -> setValue(site, args, kwargs);
      case "frappe.core.doctype.user.user.generate_keys" -> {
        User u = site.users.get(String.valueOf(arg(args, kwargs, 0, "user")));
        if (u == null) {
          yield traceback("frappe.exceptions.DoesNotExistError: User " + arg(args, kwargs, 0, "user") + " not found");
        }
        if (u.apiKey == null) {
          u.apiKey = hex(15);
        }
        u.apiSecret = hex(15);
        Map<String, Object> ret = new LinkedHashMap<>();
        ret.put("api_key", u.apiKey);
        ret.put("api_secret", u.apiSecret);
        yield ProgramResult.ok(jsonLine(ret) + "\n");
      }
      default -> traceback("AttributeError: module '" + (method.contains(".")
          ? method.substring(0, method.lastIndexOf('.')) : method) + "' has no attribute '"
          + method.substring(method.lastIndexOf('.') + 1) + "'");
    };
  }

  private ProgramResult setValue(Site site, List<Object> args, Map<Object, Object> kwargs) {
    String doctype = String.valueOf(arg(args, kwargs, 0, "doctype"));
    String name = String.valueOf(arg(args, kwargs, 1, "name"));
    Object fieldname = arg(args, kwargs, 2, "fieldname");
    Object value = arg(args, kwargs, 3, "value");
    if (!doctype.equals("User")) {
      return traceback("frappe.exceptions.ValidationError: the fake bench sets values on User documents only");
    }
    User u = site.users.get(name);
    if (u == null) {
      return traceback("frappe.exceptions.DoesNotExistError: User " + name + " not found");
    }
    Map<Object, Object> values = new LinkedHashMap<>();
    if (fieldname instanceof Map<?, ?> m) {
      m.forEach(values::put);
    } else {
      values.put(fieldname, value);
    }
    for (Map.Entry<Object, Object> e : values.entrySet()) {
      String v = e.getValue() == null ? null : String.valueOf(e.getValue());
      switch (String.valueOf(e.getKey())) {
        case "api_key" -> u.apiKey = v;
        case "api_secret" -> u.apiSecret = v;
        case "first_name" -> u.firstName = v;
        case "last_name" -> u.lastName = v;
        case "enabled" -> u.enabled = !"0".equals(v) && !"False".equals(v) && v != null;
        default -> {
          return traceback("frappe.exceptions.ValidationError: the fake bench does not know User field " + e.getKey());
        }
      }
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", u.name);
    doc.put("doctype", "User");
    doc.put("email", u.name);
    doc.put("first_name", u.firstName);
    doc.put("last_name", u.lastName);
    doc.put("enabled", u.enabled ? 1 : 0);
    doc.put("api_key", u.apiKey);
    doc.put("api_secret", u.apiSecret == null ? null : "*".repeat(u.apiSecret.length()));
    return ProgramResult.ok(jsonLine(doc) + "\n");
  }

  private ProgramResult addUser(Site site, List<String> rest, boolean systemManager) {
    Options o = systemManager
        ? Options.parse(rest, Set.of("--first-name", "--last-name", "--password"), Set.of("--send-welcome-email"))
        : Options.parse(rest, Set.of("--first-name", "--last-name", "--password", "--user-type", "--add-role"),
            Set.of("--send-welcome-email"));
    if (o.error != null) {
      return usage(o.error);
    }
    if (o.positional.size() != 1) {
      return usage("Missing argument 'EMAIL'.");
    }
    String email = o.positional.get(0);
    if (site.users.containsKey(email)) {
      return traceback("frappe.exceptions.DuplicateEntryError: ('User', '" + email + "', IntegrityError(1062, "
          + "\"Duplicate entry '" + email + "' for key 'PRIMARY'\"))");
    }
    User u = new User(email);
    u.firstName = o.last("--first-name") == null ? email : o.last("--first-name");
    u.lastName = o.last("--last-name");
    u.password = o.last("--password");
    u.systemManager = systemManager || o.all("--add-role").contains("System Manager");
    site.users.put(email, u);
    return ProgramResult.ok("");
  }

  private ProgramResult setPassword(Site site, List<String> rest) {
    Options o = Options.parse(rest, Set.of(), Set.of("--logout-all-sessions"));
    if (o.error != null) {
      return usage(o.error);
    }
    if (o.positional.size() != 2) {
      return usage("Missing argument 'PASSWORD'.");
    }
    User u = site.users.get(o.positional.get(0));
    if (u == null) {
      return ProgramResult.failure(1, "User " + o.positional.get(0) + " does not exist\n");
    }
    u.password = o.positional.get(1);
    return ProgramResult.ok("");
  }

  private ProgramResult setAdminPassword(Site site, List<String> rest) {
    Options o = Options.parse(rest, Set.of(), Set.of("--logout-all-sessions"));
    if (o.error != null) {
      return usage(o.error);
    }
    if (o.positional.size() != 1) {
      return ProgramResult.failure(1, "Administrator's password: \nAborted!\n");
    }
    site.users.get("Administrator").password = o.positional.get(0);
    return ProgramResult.ok("");
  }

  private ProgramResult disableUser(Site site, List<String> rest) {
    if (rest.size() != 1) {
      return usage("Missing argument 'EMAIL'.");
    }
    User u = site.users.get(rest.get(0));
    if (u == null) {
      return traceback("frappe.exceptions.DoesNotExistError: User " + rest.get(0) + " not found");
    }
    u.enabled = false;
    return ProgramResult.ok("");
  }

  private ProgramResult backup(Site site) {
    LocalDateTime at = EPOCH.plusSeconds(clock++);
    String prefix = "./" + site.name + "/private/backups/" + at.format(STAMP) + "-" + site.name.replace('.', '_');
    String db = prefix + "-database.sql.gz";
    Map<String, User> users = new LinkedHashMap<>();
    site.users.forEach((k, v) -> users.put(k, v.copy()));
    backups.put(db, new Snapshot(site.name, List.copyOf(site.apps), users));
    String conf = prefix + "-site_config_backup.json";
    int width = Math.max(conf.length(), db.length());
    return ProgramResult.ok("Backup Summary for " + site.name + " at " + at.format(NOW) + "\n"
        + String.format("Config  : %-" + width + "s 94.0B%n", conf)
        + String.format("Database: %-" + width + "s 1.1MiB%n", db));
  }

  private ProgramResult restore(Site site, List<String> rest, boolean globalForce) {
    Options o = Options.parse(rest, Set.of("--db-root-username", "--mariadb-root-username", "--db-root-password",
        "--mariadb-root-password", "--db-name", "--admin-password", "--install-app", "--with-public-files",
        "--with-private-files", "--encryption-key"), Set.of("--force"));
    if (o.error != null) {
      return usage(o.error);
    }
    if (o.positional.size() != 1) {
      return usage("Missing argument 'SQL_FILE_PATH'.");
    }
    String file = o.positional.get(0);
    Snapshot snap = backups.get(file);
    if (snap == null && !file.startsWith("./")) {
      snap = backups.get("./" + file);
    }
    if (snap == null) {
      return ProgramResult.failure(1, "Invalid path " + file + "\n");
    }
    ProgramResult denied = checkRoot(o.last("--db-root-username", "--mariadb-root-username"),
        o.last("--db-root-password", "--mariadb-root-password"));
    if (denied != null) {
      return denied;
    }
    site.apps.clear();
    site.apps.addAll(snap.apps());
    site.users.clear();
    snap.users().forEach((k, v) -> site.users.put(k, v.copy()));
    site.complete = true;
    String admin = o.last("--admin-password");
    if (admin != null) {
      site.users.get("Administrator").password = admin;
    }
    return ProgramResult.ok("Site " + site.name + " has been restored with files\n");
  }

  private ProgramResult reinstall(Site site, List<String> rest) {
    Options o = Options.parse(rest, Set.of("--admin-password", "--db-root-username", "--mariadb-root-username",
        "--db-root-password", "--mariadb-root-password"), Set.of("--yes", "-y"));
    if (o.error != null) {
      return usage(o.error);
    }
    if (!o.flags.contains("--yes") && !o.flags.contains("-y")) {
      return ProgramResult.failure(1, "This will wipe your database. Are you sure you want to reinstall? [y/N]: \nAborted!\n");
    }
    ProgramResult denied = checkRoot(o.last("--db-root-username", "--mariadb-root-username"),
        o.last("--db-root-password", "--mariadb-root-password"));
    if (denied != null) {
      return denied;
    }
    String admin = o.last("--admin-password");
    if (admin == null) {
      return ProgramResult.failure(1, "Set Administrator password: \nAborted!\n");
    }
    List<String> apps = List.copyOf(site.apps);
    site.installDefaults(admin);
    for (String a : apps) {
      if (!site.apps.contains(a)) {
        site.apps.add(a);
      }
    }
    return ProgramResult.ok("Reinstalled " + site.name + "\n");
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private ProgramResult checkRoot(String user, String password) {
    if (password == null) {
      return ProgramResult.failure(1, "MySQL root password: \nAborted!\n");
    }
    String u = user == null ? "root" : user;
    if (!u.equals(rootUser) || !password.equals(rootPassword)) {
      return traceback("pymysql.err.OperationalError: (1045, \"Access denied for user '" + u
          + "'@'localhost' (using password: YES)\")");
    }
    return null;
  }

  private Fault matchFault(String sub) {
    for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
      Fault f = it.next();
      if (!(f.subcommand.equals("*") || f.subcommand.equals(sub))) {
        continue;
      }
      f.seen++;
      if (f.always) {
        return f;
      }
      if (f.seen == f.nth) {
        it.remove();
        return f;
      }
    }
    return null;
  }

  private static Object arg(List<Object> args, Map<Object, Object> kwargs, int index, String name) {
    if (index < args.size()) {
      return args.get(index);
    }
    return kwargs.get(name);
  }

  private static Object userField(User u, String field) {
    return switch (field) {
      case "api_key" -> u.apiKey;
      case "email", "name" -> u.name;
      case "first_name" -> u.firstName;
      case "last_name" -> u.lastName;
      case "enabled" -> u.enabled ? 1 : 0;
      default -> null;
    };
  }

  private static RetryableException killed(Command command) {
    return new RetryableException("command '" + command + "' timed out after " + command.timeout()
        + " and was killed; its effect is unknown");
  }

  private static ProgramResult traceback(String exception) {
    return ProgramResult.failure(1, "Traceback (most recent call last):\n"
        + "  File \"/home/frappe/frappe-bench/apps/frappe/frappe/utils/bench_helper.py\", line 114, in <module>\n"
        + "    main()\n" + exception + "\n");
  }

  private static ProgramResult usage(String error) {
    return ProgramResult.failure(2, "Usage: bench [OPTIONS] COMMAND [ARGS]...\nTry 'bench --help' for help.\n\nError: "
        + error + "\n");
  }

  private String hex(int n) {
    byte[] b = new byte[(n + 1) / 2];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b).substring(0, n);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String jsonLine(Object value) {
    try {
      return JSON_LINE.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String normalise(String dir) {
    String d = Path.of(dir).normalize().toString();
    return d.length() > 1 && d.endsWith("/") ? d.substring(0, d.length() - 1) : d;
  }

  private static String baseName(String program) {
    int slash = program.lastIndexOf('/');
    return slash < 0 ? program : program.substring(slash + 1);
  }

  /** A click-style command line: options with values, flags and positional arguments. */
  private static final class Options {
    final Map<String, List<String>> values = new LinkedHashMap<>();
    final Set<String> flags = new LinkedHashSet<>();
    final List<String> positional = new ArrayList<>();
    String error;

    static Options parse(List<String> args, Set<String> withValue, Set<String> flagNames) {
      Options o = new Options();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (a.startsWith("-") && a.length() > 1 && !isNumber(a)) {
          String name = a;
          String inline = null;
          int eq = a.indexOf('=');
          if (a.startsWith("--") && eq > 0) {
            name = a.substring(0, eq);
            inline = a.substring(eq + 1);
          }
          if (withValue.contains(name)) {
            String v = inline;
            if (v == null) {
              if (i + 1 >= args.size()) {
                o.error = "Option '" + name + "' requires an argument.";
                return o;
              }
              v = args.get(++i);
            }
            o.values.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
          } else if (flagNames.contains(name) && inline == null) {
            o.flags.add(name);
          } else {
            o.error = "No such option: " + name;
            return o;
          }
        } else {
          o.positional.add(a);
        }
      }
      return o;
    }

    String last(String... names) {
      String found = null;
      for (String n : names) {
        List<String> v = values.get(n);
        if (v != null && !v.isEmpty()) {
          found = v.get(v.size() - 1);
        }
      }
      return found;
    }

    List<String> all(String name) {
      return values.getOrDefault(name, List.of());
    }

    private static boolean isNumber(String a) {
      return a.matches("-[0-9][0-9.]*");
    }
  }
}
