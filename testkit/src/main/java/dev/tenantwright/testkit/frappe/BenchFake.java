package dev.tenantwright.testkit.frappe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.testkit.CommandRunnerFake;
import dev.tenantwright.testkit.ProgramFake;
import dev.tenantwright.testkit.ProgramResult;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
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
 * A stateful fake of Frappe's {@code bench} CLI for the {@link CommandRunnerFake}: sites with their config, apps,
 * users, API keys and scheduler flag, and backup files, kept in memory, with bench's own answers and quirks.
 *
 * <p><b>Which frappe.</b> It plays one version consistently: <b>frappe v15</b> (the {@code version-15} branch, the
 * release frappe_docker ships), as in {@code frappe/frappe} {@code frappe/commands/site.py} @ c3bfb57,
 * {@code frappe/commands/scheduler.py}, {@code frappe/installer.py} ({@code _new_site}, {@code _update_config_file})
 * and {@code frappe/utils/backups.py} ({@code new_backup}, {@code delete_temp_backups}). Older answers (v12–v14's
 * {@code Invalid path} for a missing backup, {@code drop-site} knowing only {@code --root-login/--root-password}) are
 * not played; a plugin that must also understand them tests that with scripted answers.
 *
 * <p>What it plays:
 * <ul>
 *   <li>{@code new-site SITE} with v15's options; a second {@code new-site} for the same site exits 1 with
 *       {@code Site X already exists, use `--force` to proceed anyway}; missing database root or Administrator
 *       passwords make it "prompt" and abort (no terminal); wrong root credentials give MariaDB's error 1045. A new
 *       site's scheduler is <b>disabled</b> ({@code *** Scheduler is disabled ***}), as frappe's installer leaves it.
 *   <li>{@code --site S install-app APP...}: an installed app prints {@code App X already installed} and exits 0;
 *       an app not in {@code sites/apps.txt} ({@link #appsTxt}) exits 1. {@code uninstall-app APP --yes}.
 *   <li>{@code add-system-manager} / {@code add-user} on an existing user fail with {@code DuplicateEntryError};
 *       {@code set-password}, {@code set-admin-password}, {@code disable-user}.
 *   <li>{@code --site S scheduler enable|disable|pause|resume|status [--format json]} and the older
 *       {@code enable-scheduler}/{@code disable-scheduler}.
 *   <li>{@code drop-site SITE} on a missing site fails ({@code IncorrectSitePath}); otherwise the whole site
 *       directory — backups inside it included — moves to {@code archived/sites/SITE[N]} (after a backup unless
 *       {@code --no-backup}). Root credentials under any of v15's three option names.
 *   <li>{@code --site S backup [--backup-path DIR] [--backup-path-db FILE] ...} writes
 *       {@code <dir>/<timestamp>-<s_with_underscores>-database.sql.gz} (default dir {@code ./S/private/backups}) and
 *       prints bench's summary. Every backup first deletes the files in {@code ./S/private/backups} older than
 *       {@code keep_backups_for_hours} (default 24) by the fake clock, as frappe's {@code delete_temp_backups} does;
 *       files elsewhere are never rotated. {@code --site S restore FILE} brings the database back (the scheduler
 *       flag stays as it was before the restore, as {@code _new_site} re-applies it); a missing file prints v15's
 *       {@code File <path> not found.} and exits 1. {@code reinstall --yes} wipes users and keys.
 *   <li>{@code set-config KEY VALUE [--parse]} with frappe's coercion ({@code "0"/"1"} to numbers,
 *       {@code "true"/"false"} to booleans, also after {@code --parse}; the string {@code None} deletes),
 *       {@code show-config [--format json]}, {@code list-apps}.
 *   <li>{@code execute} of {@code frappe.get_installed_apps}, {@code frappe.db.exists}, {@code frappe.db.get_value},
 *       {@code frappe.client.set_value} (User fields, password fields stored and printed masked) and
 *       {@code frappe.core.doctype.user.user.generate_keys}; its {@code --args}/{@code --kwargs} must be Python
 *       literals (a name or a call is a {@code SyntaxError}, so an injected expression is caught).
 *   <li>click's command-line rules: {@code --} ends the options, {@code --help} anywhere before it prints the help
 *       and exits 0 without doing anything, an unknown option exits 2.
 *   <li>A site left half-made by an interrupted {@code new-site} ({@link #hangMidwayNext}) has a config but no
 *       tables: every database command on it fails with MariaDB error 1146.
 * </ul>
 * Every site command on a missing site fails with frappe's {@code IncorrectSitePath} traceback.
 *
 * <p><b>Where bench runs.</b> The same fake understands the three wrappings a plugin may use, and checks them —
 * {@code bench ...} with the working directory {@link #benchDir}; {@code docker exec [-i] -w DIR CONTAINER ...}
 * for the {@link #container}; and {@code ssh [options] USER@HOST [--] COMMAND} for the {@link #sshDestination},
 * whose command string is parsed by a small POSIX-shell interpreter ({@code '...'} and {@code "$var"} words,
 * {@code &&}, {@code read -r}, {@code cd}, {@code exec}; anything else such as {@code ;}, {@code $(...)}, backticks or
 * unquoted globs fails loudly), with ssh's stdin available to {@code read}. Locally and in the container it also
 * plays {@code sh -c SCRIPT} with the same interpreter (secrets read from stdin), and on every transport the two
 * process guards a careful plugin wraps bench in: {@code flock [-E CODE] [-w SECONDS] FILE COMMAND...} (a per-site
 * lock; while another process holds it, flock waits up to {@code -w} and then exits with {@code CODE} without
 * running anything) and {@code timeout [-k DURATION] DURATION COMMAND...} (bench is stopped on the bench host after
 * {@code DURATION} and the exit code is 124). {@link #received()} shows exactly what arrived, secrets included, for
 * assertions about how they travelled.
 *
 * <p><b>Time and processes that outlive their client.</b> The fake has its own clock ({@link #now()},
 * {@link #advanceClock}); bench commands take no time unless a fault says so, a backup takes one second. A
 * {@code docker exec} or {@code ssh} client that is killed does not stop the process it started on the bench host
 * (moby/moby#9098 and #35703: an exec'd process cannot be killed through the API; an ssh session that drops leaves
 * its command running): the fake keeps such a process running as an <em>orphan</em> until its time is up, holding its
 * {@code flock} all the while, and applies its effect when it ends. A local process is killed with its client, as the
 * real runner kills the whole process tree. A command that changes a site while an orphan still works on that site
 * is recorded in {@link #races()} — what the lock is for.
 *
 * <p><b>Failures:</b> {@link #failNext}, {@link #failNth}, {@link #failAlways} make a subcommand exit non-zero before it
 * does anything; {@link #hangNext}/{@link #hangAlways} make it hang until it is killed (by {@code timeout} on the bench
 * host: exit 124; else by its client: a {@link RetryableException} with an unknown outcome, as the real runner
 * throws), {@link #hangMidwayNext} lets it do part of its work first ({@code new-site}: a half-made site),
 * {@link #slowNext} makes it take a given time, and {@link #detachNext} loses its client at once while bench keeps
 * running. The runner's own {@link dev.tenantwright.testkit.CommandFault}s work too, for the outermost argv.
 *
 * <p>Register it with {@link #attachTo(CommandRunnerFake)} (as {@code bench}, {@code docker}, {@code ssh},
 * {@code sh}, {@code flock} and {@code timeout}). Thread-safe: the runner serialises invocations on this object's
 * monitor and every public method is synchronized.
 *
 * <pre>{@code
 * BenchFake bench = new BenchFake().rootCredentials("root", "s3cret");
 * CommandRunnerFake runner = bench.attachTo(new CommandRunnerFake());
 * bench.failNext("install-app", 1, "App erpnext not in apps.txt");
 * ...
 * assertThat(bench.liveObjects()).isEmpty();   // no site left behind
 * assertThat(bench.races()).isEmpty();         // nothing changed a site another bench process still worked on
 * }</pre>
 */
public final class BenchFake extends ProgramFake {

  /** The bench directory the fake expects by default. */
  public static final String DEFAULT_BENCH_DIR = "/home/frappe/frappe-bench";
  /** The container the fake plays by default. */
  public static final String DEFAULT_CONTAINER = "frappe-backend";
  /** The ssh destination the fake plays by default. */
  public static final String DEFAULT_SSH_DESTINATION = "frappe@bench.example.test";
  /** The fake clock's time after construction and {@link #reset()}. */
  public static final Instant START = Instant.parse("2024-01-01T09:00:00Z");

  private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  private static final ObjectMapper JSON_LINE = JsonMapper.builder().build();
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
  private static final DateTimeFormatter NOW = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
  /** frappe's {@code get_backup_path()} default, relative to the site directory. */
  private static final String BACKUPS = "private/backups";
  private static final Set<String> READ_METHODS =
      Set.of("frappe.get_installed_apps", "frappe.db.exists", "frappe.db.get_value");

  /** How one invocation reached bench. */
  public enum Transport {
    /** {@code bench ...} (or {@code sh -c ...}) as a local process. */
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
   * @param argv the argv of the process the client started ({@code bench}, {@code sh}, {@code docker}, {@code ssh})
   * @param stdin what the process got on stdin, or null
   * @param remoteCommand the command string a shell parsed ({@code ssh}'s, or {@code sh -c}'s), or null
   * @param benchArgv bench's argv after unwrapping (after shell expansion), or an empty list when bench never ran (a
   *     refused wrapping, or a lock that stayed busy)
   * @param benchDir the directory bench ran in, or null when it never ran
   * @param lockFile the {@code flock} file bench ran under (normalised, relative to the bench directory when inside
   *     it), or null
   * @param timeLimit the {@code timeout} bench ran under on the bench host, or null
   */
  public record Invocation(Transport transport, List<String> argv, String stdin, String remoteCommand,
      List<String> benchArgv, String benchDir, String lockFile, Duration timeLimit) {

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
   * @param schedulerEnabled System Settings' {@code enable_scheduler}
   */
  public record SiteView(String name, Map<String, Object> config, List<String> apps, Map<String, UserView> users,
      boolean complete, boolean schedulerEnabled) {

    /** The {@code tenantwright_owner} config entry, or null. */
    public String owner() {
      return config.get("tenantwright_owner") instanceof String s ? s : null;
    }

    /** The site's database name. */
    public String dbName() {
      return (String) config.get("db_name");
    }

    /**
     * Whether background jobs run: frappe's {@code is_scheduler_inactive} is false (no maintenance mode, no
     * {@code pause_scheduler}, no {@code disable_scheduler}, and System Settings' flag set).
     */
    public boolean schedulerActive() {
      return !schedulerInactive(config, schedulerEnabled);
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
    boolean schedulerEnabled;

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
          Collections.unmodifiableMap(u), complete, schedulerEnabled);
    }
  }

  /** What a database backup holds: the tables, not the site config. */
  private record Snapshot(String site, List<String> apps, Map<String, User> users, boolean schedulerEnabled) {}

  /** A backup file: where bench printed it, what it holds, and its ctime by the fake clock. */
  private record BackupFile(String printed, Snapshot snapshot, Instant ctime) {}

  private enum FaultKind { EXIT, HANG, HANG_MIDWAY, SLOW, DETACH }

  private static final class Fault {
    final String subcommand;
    final FaultKind kind;
    final int exitCode;
    final String stderr;
    final int nth;
    final boolean always;
    final Duration takes;
    int seen;

    Fault(String subcommand, FaultKind kind, int exitCode, String stderr, int nth, boolean always, Duration takes) {
      this.subcommand = subcommand;
      this.kind = kind;
      this.exitCode = exitCode;
      this.stderr = stderr;
      this.nth = nth;
      this.always = always;
      this.takes = takes;
    }
  }

  /** How much of its work a command does. */
  private enum Phase { FULL, MIDWAY, NOTHING }

  /** A bench process on the bench host whose client is gone. */
  private static final class Orphan {
    final String site;
    final String sub;
    final Instant finishAt;
    final String lock;
    final Runnable complete;

    Orphan(String site, String sub, Instant finishAt, String lock, Runnable complete) {
      this.site = site;
      this.sub = sub;
      this.finishAt = finishAt;
      this.lock = lock;
      this.complete = complete;
    }
  }

  /** The process guards around one bench invocation: {@code flock} and {@code timeout}. */
  private static final class Guard {
    String lock;
    Duration lockWait;
    int conflictCode = 1;
    Duration limit;
  }

  /** How an invocation reached the fake: the client's process and, for a shell, its command string. */
  private record Launch(Transport transport, List<String> argv, Command command, String script) {}

  private String benchDir = DEFAULT_BENCH_DIR;
  private String container = DEFAULT_CONTAINER;
  private String sshDestination = DEFAULT_SSH_DESTINATION;
  private String rootUser = "root";
  private String rootPassword = "root";
  private final Set<String> appsTxt = new LinkedHashSet<>(List.of("frappe", "erpnext", "hrms", "payments"));
  private final Map<String, Site> sites = new TreeMap<>();
  private final Map<String, BackupFile> backups = new LinkedHashMap<>();
  private final List<String> archived = new ArrayList<>();
  private final List<Fault> faults = new ArrayList<>();
  private final List<Invocation> received = new ArrayList<>();
  private final List<String> history = new ArrayList<>();
  private final List<Orphan> orphans = new ArrayList<>();
  private final List<String> races = new ArrayList<>();
  private Random random = new Random(0);
  private IntConsumer afterCall;
  private int calls;
  private Instant now = START;
  private Runnable midwayRest;

  /** A fake bench in {@value #DEFAULT_BENCH_DIR} with apps frappe, erpnext, hrms and payments, root password "root". */
  public BenchFake() {
    super("bench");
  }

  // ------------------------------------------------------------------------------------------------ set-up

  /**
   * Registers this fake with the runner as {@code bench}, {@code docker}, {@code ssh}, {@code sh}, {@code flock} and
   * {@code timeout}; returns the runner.
   */
  public CommandRunnerFake attachTo(CommandRunnerFake runner) {
    return runner.on(this).on("docker", this).on("ssh", this).on("sh", this).on("flock", this).on("timeout", this);
  }

  /** The bench directory: the local working directory, docker's {@code -w} and the ssh {@code cd} must name it. */
  public synchronized BenchFake benchDir(String dir) {
    this.benchDir = Objects.requireNonNull(dir, "dir");
    return this;
  }

  /** The container name {@code docker exec} must use. */
  public synchronized BenchFake container(String name) {
    this.container = Objects.requireNonNull(name, "name");
    return this;
  }

  /** The {@code user@host} ssh must connect to. */
  public synchronized BenchFake sshDestination(String destination) {
    this.sshDestination = Objects.requireNonNull(destination, "destination");
    return this;
  }

  /** The MariaDB root credentials {@code new-site}, {@code drop-site}, {@code restore} and {@code reinstall} accept. */
  public synchronized BenchFake rootCredentials(String user, String password) {
    this.rootUser = Objects.requireNonNull(user, "user");
    this.rootPassword = Objects.requireNonNull(password, "password");
    return this;
  }

  /** Replaces the apps in {@code sites/apps.txt} (frappe is always there). */
  public synchronized BenchFake appsTxt(String... apps) {
    appsTxt.clear();
    appsTxt.add("frappe");
    appsTxt.addAll(List.of(apps));
    return this;
  }

  /**
   * Puts a complete site into the fake as if someone had made it: frappe plus {@code apps} installed, an
   * Administrator (password {@code admin}) and a Guest, the scheduler enabled, and {@code tenantwright_owner} set to
   * {@code owner} unless it is null.
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
    s.schedulerEnabled = true;
    for (String a : apps) {
      if (!s.apps.contains(a)) {
        s.apps.add(a);
      }
    }
    sites.put(site, s);
  }

  /**
   * Drops a site behind the plugin's back, as an operator running {@code bench drop-site SITE --no-backup} by hand
   * does: the site directory, its backups inside it, moves to {@code archived/sites}. Not an invocation: nothing is
   * recorded in {@link #received()} or counted.
   */
  public synchronized void removeSite(String site) {
    if (sites.remove(site) == null) {
      throw new IllegalArgumentException("no site " + site + " in the fake");
    }
    String target = "archived/sites/" + site;
    int n = 1;
    while (archived.contains(target)) {
      target = "archived/sites/" + site + n++;
    }
    archived.add(target);
    backups.keySet().removeIf(k -> k.startsWith("./" + site + "/"));
  }

  /**
   * Uninstalls an app from a site behind the plugin's back, as an operator running
   * {@code bench --site SITE uninstall-app APP --yes --no-backup} by hand does. Not an invocation.
   */
  public synchronized void removeApp(String site, String app) {
    Site s = sites.get(site);
    if (s == null || !s.apps.contains(app) || app.equals("frappe")) {
      throw new IllegalArgumentException("no app " + app + " that can be uninstalled on site " + site + " in the fake");
    }
    s.apps.remove(app);
  }

  /**
   * Calls {@code listener} with the running invocation count after every invocation has taken effect, just before
   * its answer goes back to the caller (an exception it throws reaches the caller instead of the answer; the
   * conformance kit crashes the engine this way). Replaces an earlier listener.
   */
  public synchronized void afterEachCall(IntConsumer listener) {
    this.afterCall = listener;
  }

  // ------------------------------------------------------------------------------------------------ time

  /** The fake clock. */
  public synchronized Instant now() {
    return now;
  }

  /**
   * Lets time pass on the bench host: backup files age (and are rotated away by the next backup once older than
   * {@code keep_backups_for_hours}), and processes that outlived their client finish when their time is up.
   */
  public synchronized void advanceClock(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("time does not run backwards");
    }
    now = now.plus(duration);
    settle();
  }

  // ------------------------------------------------------------------------------------------------ faults

  /** The next invocation of {@code subcommand} (e.g. {@code install-app}; {@code *} for any) exits with this code. */
  public synchronized BenchFake failNext(String subcommand, int exitCode, String stderr) {
    return addFault(subcommand, FaultKind.EXIT, exitCode, stderr, 1, false, null);
  }

  /** The n-th invocation of {@code subcommand} from now (1-based) exits with this code. */
  public synchronized BenchFake failNth(String subcommand, int n, int exitCode, String stderr) {
    return addFault(subcommand, FaultKind.EXIT, exitCode, stderr, n, false, null);
  }

  /** Every invocation of {@code subcommand} exits with this code, until {@link #clearFailures()}. */
  public synchronized BenchFake failAlways(String subcommand, int exitCode, String stderr) {
    return addFault(subcommand, FaultKind.EXIT, exitCode, stderr, 1, true, null);
  }

  /**
   * The next invocation of {@code subcommand} hangs before doing anything until it is killed: by {@code timeout} on
   * the bench host (exit 124), or else by its client's timeout (over docker and ssh it then hangs on as an orphan).
   */
  public synchronized BenchFake hangNext(String subcommand) {
    return addFault(subcommand, FaultKind.HANG, 0, "", 1, false, null);
  }

  /** Every invocation of {@code subcommand} hangs before doing anything, until {@link #clearFailures()}. */
  public synchronized BenchFake hangAlways(String subcommand) {
    return addFault(subcommand, FaultKind.HANG, 0, "", 1, true, null);
  }

  /**
   * The next invocation of {@code subcommand} does part of its work, then hangs until it is killed: {@code new-site}
   * leaves a half-made site (config written, no tables), any other command does all of its work.
   */
  public synchronized BenchFake hangMidwayNext(String subcommand) {
    return addFault(subcommand, FaultKind.HANG_MIDWAY, 0, "", 1, false, null);
  }

  /**
   * The next invocation of {@code subcommand} takes {@code takes} on the bench host ({@code new-site} has a half-made
   * site all that time) and then does its work — unless {@code timeout} stops it first (exit 124, half-made) or its
   * client gives up first (locally the process dies with it; over docker and ssh it finishes as an orphan).
   */
  public synchronized BenchFake slowNext(String subcommand, Duration takes) {
    return addFault(subcommand, FaultKind.SLOW, 0, "", 1, false, Objects.requireNonNull(takes, "takes"));
  }

  /**
   * The next invocation of {@code subcommand} loses its client at once — an ssh connection that drops, a
   * {@code docker} CLI or a Tenantwright host that dies — while bench keeps running on the bench host for
   * {@code takes} (or until its {@code timeout}), holding its lock, and then does its work. The caller gets a
   * {@link RetryableException} with an unknown outcome.
   */
  public synchronized BenchFake detachNext(String subcommand, Duration takes) {
    return addFault(subcommand, FaultKind.DETACH, 0, "", 1, false, Objects.requireNonNull(takes, "takes"));
  }

  /** Removes every configured failure (processes already running as orphans run on). */
  public synchronized void clearFailures() {
    faults.clear();
  }

  private BenchFake addFault(String subcommand, FaultKind kind, int exitCode, String stderr, int nth, boolean always,
      Duration takes) {
    Objects.requireNonNull(subcommand, "subcommand");
    if (kind == FaultKind.EXIT && exitCode == 0) {
      throw new IllegalArgumentException("a failure needs a non-zero exit code");
    }
    if (nth < 1) {
      throw new IllegalArgumentException("n is 1-based");
    }
    if (takes != null && takes.isNegative()) {
      throw new IllegalArgumentException("takes must not be negative");
    }
    faults.add(new Fault(subcommand, kind, exitCode, stderr == null ? "" : stderr, nth, always, takes));
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

  /** The database backup files that exist now, oldest first (paths as bench printed them). */
  public synchronized List<String> backups() {
    List<String> out = new ArrayList<>();
    backups.values().forEach(b -> out.add(b.printed()));
    return out;
  }

  /** Where dropped sites went, oldest first, e.g. {@code archived/sites/a.example}. */
  public synchronized List<String> archived() {
    return List.copyOf(archived);
  }

  /** Every invocation as it arrived, oldest first, <b>secrets revealed</b>. */
  public synchronized List<Invocation> received() {
    return List.copyOf(received);
  }

  /**
   * The invocations that reached bench with an argv starting with {@code benchArgvPrefix} (after unwrapping), e.g.
   * {@code received("--site", "a.example", "install-app")}, oldest first, <b>secrets revealed</b>.
   */
  public synchronized List<Invocation> received(String... benchArgvPrefix) {
    List<String> prefix = List.of(benchArgvPrefix);
    List<Invocation> out = new ArrayList<>();
    for (Invocation i : received) {
      if (i.benchArgv().size() >= prefix.size() && i.benchArgv().subList(0, prefix.size()).equals(prefix)) {
        out.add(i);
      }
    }
    return out;
  }

  /** The bench subcommands run so far, e.g. {@code "a.example install-app"}, oldest first. */
  public synchronized List<String> history() {
    return List.copyOf(history);
  }

  /**
   * Commands that changed a site while another bench process, whose client was gone, still worked on it — e.g.
   * {@code "drop-site of a.example ran while new-site of a.example was still running on the bench host"}.
   */
  public synchronized List<String> races() {
    return List.copyOf(races);
  }

  /** How many bench processes whose client is gone are still running on the bench host. */
  public synchronized int orphansRunning() {
    return orphans.size();
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

  /**
   * Forgets sites, backups, archives, failures, orphans, races and records and sets the clock back to
   * {@link #START}; keeps the directory, container, destination and credentials.
   */
  @Override
  public synchronized void reset() {
    sites.clear();
    backups.clear();
    archived.clear();
    faults.clear();
    received.clear();
    history.clear();
    orphans.clear();
    races.clear();
    calls = 0;
    now = START;
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
    String dir = command.workingDir() == null ? null : command.workingDir().toString();
    return switch (program) {
      case "docker" -> docker(command, argv);
      case "ssh" -> ssh(command, argv);
      case "sh" -> shell(new Launch(Transport.LOCAL, argv, command, null), argv.subList(1, argv.size()), dir);
      default -> process(new Launch(Transport.LOCAL, argv, command, null), argv, dir, new Guard());
    };
  }

  private ProgramResult docker(Command command, List<String> argv) {
    List<String> args = argv.subList(1, argv.size());
    if (args.isEmpty() || !args.get(0).equals("exec")) {
      notRun(new Launch(Transport.DOCKER, argv, command, null));
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
            notRun(new Launch(Transport.DOCKER, argv, command, null));
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
    Launch launch = new Launch(Transport.DOCKER, argv, command, null);
    if (!name.equals(container)) {
      notRun(launch);
      return ProgramResult.failure(1, "Error response from daemon: No such container: " + name + "\n");
    }
    if (inner.isEmpty()) {
      notRun(launch);
      return ProgramResult.failure(1, "\"docker exec\" requires at least 2 arguments.\n");
    }
    String cwd = workdir == null ? "/" : workdir;
    if (baseName(inner.get(0)).equals("sh")) {
      return shell(launch, inner.subList(1, inner.size()), cwd);
    }
    if (!List.of("bench", "flock", "timeout").contains(baseName(inner.get(0)))) {
      notRun(launch);
      return ProgramResult.failure(127, "OCI runtime exec failed: exec failed: unable to start container process: exec: \""
          + inner.get(0) + "\": executable file not found in $PATH: unknown\n");
    }
    return process(launch, inner, cwd, new Guard());
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
    Launch launch = new Launch(Transport.SSH, argv, command, remote);
    if (destination == null) {
      notRun(launch);
      return ProgramResult.failure(255, "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] destination [command [argument ...]]\n");
    }
    if (!destination.equals(sshDestination)) {
      notRun(launch);
      String host = destination.contains("@") ? destination.substring(destination.indexOf('@') + 1) : destination;
      return ProgramResult.failure(255, "ssh: Could not resolve hostname " + host + ": Name or service not known\n");
    }
    if (remote.isBlank()) {
      notRun(launch);
      return ProgramResult.failure(1, "the fake bench does not play an interactive ssh session\n");
    }
    String home = "/home/" + (destination.contains("@") ? destination.substring(0, destination.indexOf('@')) : "frappe");
    return script(launch, remote, home);
  }

  /** {@code sh -c SCRIPT}, locally or in the container: the same small interpreter as the ssh side. */
  private ProgramResult shell(Launch outer, List<String> shArgs, String cwd) {
    if (shArgs.size() != 2 || !shArgs.get(0).equals("-c")) {
      notRun(outer);
      return ProgramResult.failure(2, "the fake bench plays only 'sh -c SCRIPT', not: sh " + String.join(" ", shArgs)
          + "\n");
    }
    Launch launch = new Launch(outer.transport(), outer.argv(), outer.command(), shArgs.get(1));
    return script(launch, shArgs.get(1), cwd);
  }

  private ProgramResult script(Launch launch, String script, String cwd) {
    int before = received.size();
    RemoteShell sh = new RemoteShell((inv, shell) -> {
      String program = baseName(inv.argv().get(0));
      if (!List.of("bench", "flock", "timeout").contains(program)) {
        return ProgramResult.failure(127, "sh: 1: " + inv.argv().get(0) + ": not found\n");
      }
      return process(launch, inv.argv(), inv.cwd(), new Guard());
    }, launch.command().stdin(), cwd);
    ProgramResult r = sh.run(script);
    if (received.size() == before) {
      notRun(launch);
    }
    return r;
  }

  /** Unwraps {@code flock} and {@code timeout} around bench, as they run on the bench host. */
  private ProgramResult process(Launch launch, List<String> argv, String cwd, Guard guard) {
    String program = baseName(argv.get(0));
    List<String> rest = argv.subList(1, argv.size());
    switch (program) {
      case "flock" -> {
        // util-linux flock(1): [-E code] [-w seconds] [-n] [-x|-s] [-o] FILE COMMAND...
        int i = 0;
        Duration wait = null;
        int conflict = 1;
        while (i < rest.size() && rest.get(i).startsWith("-")) {
          String o = rest.get(i);
          switch (o) {
            case "-E", "--conflict-exit-code" -> {
              conflict = Integer.parseInt(rest.get(i + 1));
              i += 2;
            }
            case "-w", "--wait", "--timeout" -> {
              wait = Duration.ofMillis(Math.round(Double.parseDouble(rest.get(i + 1)) * 1000));
              i += 2;
            }
            case "-n", "--nb", "--nonblock" -> {
              wait = Duration.ZERO;
              i++;
            }
            case "-x", "-e", "--exclusive", "-o", "--close", "-F", "--no-fork" -> i++;
            default -> {
              notRun(launch);
              return ProgramResult.failure(64, "flock: the fake plays no option " + o + " (and never -c COMMAND)\n");
            }
          }
        }
        if (i + 1 >= rest.size()) {
          notRun(launch);
          return ProgramResult.failure(64, "flock: requires file descriptor, file or directory\n");
        }
        guard.lock = normaliseLock(cwd, rest.get(i));
        guard.lockWait = wait;
        guard.conflictCode = conflict;
        return process(launch, rest.subList(i + 1, rest.size()), cwd, guard);
      }
      case "timeout" -> {
        // coreutils timeout(1): [-k DURATION] [-s SIGNAL] [--foreground] [-v] DURATION COMMAND...
        int i = 0;
        while (i < rest.size() && rest.get(i).startsWith("-")) {
          String o = rest.get(i);
          i += (o.equals("-k") || o.equals("--kill-after") || o.equals("-s") || o.equals("--signal")) ? 2 : 1;
        }
        if (i + 1 >= rest.size()) {
          notRun(launch);
          return ProgramResult.failure(125, "timeout: missing operand\n");
        }
        guard.limit = duration(rest.get(i));
        return process(launch, rest.subList(i + 1, rest.size()), cwd, guard);
      }
      case "bench" -> {
        received.add(new Invocation(launch.transport(), launch.argv(), launch.command().stdin(), launch.script(),
            rest, cwd, guard.lock, guard.limit));
        return bench(launch, rest, cwd, guard);
      }
      default -> {
        notRun(launch);
        return ProgramResult.failure(127, program + ": not found\n");
      }
    }
  }

  private void notRun(Launch launch) {
    received.add(new Invocation(launch.transport(), launch.argv(), launch.command().stdin(), launch.script(), List.of(),
        null, null, null));
  }

  // ------------------------------------------------------------------------------------------------ bench

  private ProgramResult bench(Launch launch, List<String> argv, String dir, Guard guard) {
    settle();
    Command command = launch.command();
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
    List<String> rest = List.copyOf(args.subList(i + 1, args.size()));
    if (dir == null || !normalise(dir).equals(normalise(benchDir))) {
      return usage("No such command '" + sub + "'.");
    }
    String target = site != null ? site : firstPositional(rest);
    Instant start = now;
    if (guard.lock != null) {
      Orphan holder = holderOf(guard.lock);
      if (holder != null) {
        Instant giveUp = guard.lockWait == null ? null : start.plus(guard.lockWait);
        if (holder.finishAt != null && (giveUp == null || !holder.finishAt.isAfter(giveUp))) {
          now = holder.finishAt;
          settle();
        } else if (giveUp != null) {
          // flock(1) gives up after -w seconds, runs nothing and exits with its conflict code, printing nothing
          now = giveUp;
          received.set(received.size() - 1, withoutBench(received.get(received.size() - 1)));
          return new ProgramResult(guard.conflictCode, "", "");
        } else {
          // flock without -w waits for ever; the client gives up at its timeout (the waiting flock itself is not
          // kept as an orphan: a plugin that wants to be safe passes -w)
          now = start.plus(command.timeout());
          throw killed(command);
        }
      }
    }
    history.add((target == null ? "-" : target) + " " + sub);
    if (target != null && !isRead(sub, rest)) {
      for (Orphan o : orphans) {
        if (target.equals(o.site)) {
          races.add(sub + " of " + target + " ran while " + o.sub + " of " + target
              + " was still running on the bench host");
        }
      }
    }
    final String siteName = site;
    final boolean forced = force;
    Fault fault = matchFault(sub);
    if (fault == null) {
      return run(sub, siteName, forced, rest, Phase.FULL);
    }
    if (fault.kind == FaultKind.EXIT) {
      return new ProgramResult(fault.exitCode, "", fault.stderr);
    }
    Duration runtime = fault.takes;
    Duration limit = guard.limit;
    boolean killedOnHost = limit != null && (runtime == null || limit.compareTo(runtime) < 0);
    Duration ends = killedOnHost ? limit : runtime;
    Duration clientLeft = command.timeout().minus(Duration.between(start, now));
    boolean lost = fault.kind == FaultKind.DETACH;
    Phase partial = switch (fault.kind) {
      case HANG -> Phase.NOTHING;
      case HANG_MIDWAY -> Phase.MIDWAY;
      default -> sub.equals("new-site") ? Phase.MIDWAY : Phase.NOTHING;
    };
    if (!lost && ends != null && ends.compareTo(clientLeft) <= 0) {
      if (killedOnHost) {
        // timeout(1) stops bench on the bench host and exits 124; bench did only part of its work
        ProgramResult r = run(sub, siteName, forced, rest, partial);
        midwayRest = null;
        now = now.plus(limit);
        return new ProgramResult(124, r.stdout(), r.stderr());
      }
      ProgramResult r = run(sub, siteName, forced, rest, Phase.FULL);
      now = now.plus(runtime);
      return r;
    }
    run(sub, siteName, forced, rest, partial);
    Runnable rest2 = midwayRest;
    midwayRest = null;
    boolean survives = lost || launch.transport() != Transport.LOCAL;
    if (survives) {
      // moby/moby#9098, #35703: killing the docker exec (or ssh) client leaves the process running on the bench host
      Runnable complete = null;
      if (!killedOnHost && runtime != null) {
        complete = partial == Phase.MIDWAY && sub.equals("new-site") ? rest2
            : partial == Phase.NOTHING ? () -> run(sub, siteName, forced, rest, Phase.FULL) : null;
      }
      orphans.add(new Orphan(target, sub, ends == null ? null : now.plus(ends), guard.lock, complete));
    }
    if (lost) {
      throw lost(command);
    }
    now = now.plus(clientLeft.isNegative() ? Duration.ZERO : clientLeft);
    throw killed(command);
  }

  /** Runs one subcommand, doing {@code phase} of its work. */
  private ProgramResult run(String sub, String site, boolean force, List<String> rest, Phase phase) {
    if (phase == Phase.NOTHING) {
      return ProgramResult.ok("");
    }
    return switch (sub) {
      case "new-site" -> newSite(rest, phase == Phase.MIDWAY);
      case "drop-site" -> dropSite(rest);
      default -> siteCommand(sub, site, force, rest);
    };
  }

  /** Completes the orphans whose time is up, oldest first. */
  private void settle() {
    while (true) {
      Orphan next = null;
      for (Orphan o : orphans) {
        if (o.finishAt != null && !o.finishAt.isAfter(now) && (next == null || o.finishAt.isBefore(next.finishAt))) {
          next = o;
        }
      }
      if (next == null) {
        return;
      }
      orphans.remove(next);
      if (next.complete != null) {
        next.complete.run();
      }
    }
  }

  private Orphan holderOf(String lock) {
    for (Orphan o : orphans) {
      if (lock.equals(o.lock)) {
        return o;
      }
    }
    return null;
  }

  private static Invocation withoutBench(Invocation i) {
    return new Invocation(i.transport(), i.argv(), i.stdin(), i.remoteCommand(), List.of(), null, i.lockFile(),
        i.timeLimit());
  }

  private static boolean isRead(String sub, List<String> rest) {
    return switch (sub) {
      case "show-config", "list-apps" -> true;
      case "scheduler" -> rest.contains("status");
      case "execute" -> rest.stream().anyMatch(READ_METHODS::contains);
      default -> false;
    };
  }

  private static String firstPositional(List<String> rest) {
    for (String a : rest) {
      if (!a.startsWith("-")) {
        return a;
      }
    }
    return null;
  }

  private ProgramResult siteCommand(String sub, String siteName, boolean force, List<String> rest) {
    if (!List.of("install-app", "uninstall-app", "set-config", "show-config", "list-apps", "execute",
        "add-system-manager", "add-user", "set-password", "set-admin-password", "disable-user", "backup", "restore",
        "reinstall", "scheduler", "enable-scheduler", "disable-scheduler").contains(sub)) {
      return usage("No such command '" + sub + "'.");
    }
    if (siteName == null) {
      return traceback("frappe.exceptions.SiteNotSpecifiedError: Please specify --site sitename");
    }
    Site site = sites.get(siteName);
    if (site == null) {
      return traceback("frappe.exceptions.IncorrectSitePath: 404 Not Found: " + siteName + " does not exist");
    }
    boolean needsTables = !List.of("set-config", "show-config", "restore", "reinstall").contains(sub)
        && !(sub.equals("scheduler") && (rest.contains("pause") || rest.contains("resume")));
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
      case "backup" -> backup(site, rest);
      case "restore" -> restore(site, rest, force);
      case "scheduler" -> scheduler(site, rest);
      case "enable-scheduler", "disable-scheduler" -> {
        // frappe/commands/scheduler.py: the older per-site commands print "Enabled for S" / "Disabled for S"
        site.schedulerEnabled = sub.startsWith("enable");
        yield ProgramResult.ok((site.schedulerEnabled ? "Enabled" : "Disabled") + " for " + site.name + "\n");
      }
      default -> reinstall(site, rest);
    };
  }

  private ProgramResult newSite(List<String> rest, boolean midway) {
    Options o = Options.parse(rest, Set.of("--db-name", "--db-password", "--db-type", "--db-host", "--db-port",
        "--db-root-username", "--mariadb-root-username", "--db-root-password", "--mariadb-root-password",
        "--db-socket", "--mariadb-db-socket", "--mariadb-user-host-login-scope", "--admin-password", "--install-app",
        "--source-sql", "--source_sql", "--db-user"),
        Set.of("--no-mariadb-socket", "--force", "--set-default", "--verbose", "--setup-db", "--no-setup-db"));
    if (o.stop() != null) {
      return o.stop();
    }
    if (o.positional.size() != 1) {
      return usage(o.positional.isEmpty() ? "Missing argument 'SITE'." : "Got unexpected extra argument ("
          + o.positional.get(1) + ")");
    }
    String name = o.positional.get(0);
    if (appsTxt.contains(name)) {
      // commands/site.py new_site: checked before anything else
      return ProgramResult.failure(1, "Your bench has an app called " + name
          + ", please choose another name for the site.\n");
    }
    Site existing = sites.get(name);
    if (existing != null && !o.flags.contains("--force")) {
      // installer.py _new_site
      return ProgramResult.failure(1, "Site " + name + " already exists, use `--force` to proceed anyway\n");
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
    // installer.py _new_site: enable_scheduler = _is_scheduler_enabled(site), which cannot connect for a new site
    // (False); a forced new-site over a working site keeps its flag. toggle_scheduler(enable_scheduler) at the end.
    boolean scheduler = existing != null && existing.complete && existing.schedulerEnabled;
    Site s = new Site(name);
    String db = o.last("--db-name");
    s.config.put("db_name", db == null ? "_" + hex(16) : db);
    s.config.put("db_password", o.last("--db-password") == null ? hex(16) : o.last("--db-password"));
    s.config.put("db_type", o.last("--db-type") == null ? "mariadb" : o.last("--db-type"));
    sites.put(name, s);
    List<String> install = o.all("--install-app");
    if (midway) {
      midwayRest = () -> {
        if (sites.get(name) != s) {
          races.add("new-site of " + name + " finished after the site had been dropped or made again meanwhile");
          return;
        }
        finishNewSite(s, admin, install, scheduler);
      };
      return ProgramResult.ok("Installing frappe...\n");
    }
    return finishNewSite(s, admin, install, scheduler);
  }

  private ProgramResult finishNewSite(Site s, String admin, List<String> install, boolean scheduler) {
    s.installDefaults(admin);
    StringBuilder out = new StringBuilder("Installing frappe...\n"
        + "Updating DocTypes for frappe        : [========================================] 100%\n"
        + "Updating Dashboard for frappe\n");
    for (String app : install) {
      if (!appsTxt.contains(app)) {
        return new ProgramResult(1, out.toString(), "App " + app + " not in apps.txt\n");
      }
      if (!s.apps.contains(app)) {
        s.apps.add(app);
        out.append("Installing ").append(app).append("...\n");
      }
    }
    s.schedulerEnabled = scheduler;
    out.append("*** Scheduler is ").append(scheduler ? "enabled" : "disabled").append(" ***\n");
    return ProgramResult.ok(out.toString());
  }

  private ProgramResult dropSite(List<String> rest) {
    // commands/site.py drop_site @ c3bfb57: each root option has three names, --root-login/--root-password among
    // them (the only ones older releases know; frappe/agent agent/bench.py bench_archive_site uses them too)
    Options o = Options.parse(rest, Set.of("--root-login", "--db-root-username", "--mariadb-root-username",
        "--root-password", "--db-root-password", "--mariadb-root-password", "--archived-sites-path"),
        Set.of("--no-backup", "--force"));
    if (o.stop() != null) {
      return o.stop();
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
        return ProgramResult.failure(1, "=".repeat(80) + "\nError: The operation has stopped because backup of "
            + name + "'s database failed.\nReason: (1146, \"Table doesn't exist\")\n\nFix the issue and try again.\n"
            + "Hint: Use 'bench drop-site " + name + " --force' to force the removal of " + name + "\n");
      }
      if (s.complete) {
        out.append("Taking backup of ").append(name).append('\n').append(backup(s, List.of()).stdout());
      }
    }
    out.append("Dropping site database and user\n");
    String given = o.last("--archived-sites-path");
    String base = given == null ? "archived/sites" : given;
    String target = base + "/" + name;
    int n = 1;
    while (archived.contains(target)) {
      target = base + "/" + name + n++;
    }
    archived.add(target);
    sites.remove(name);
    // the whole site directory moves, backups inside it included
    backups.keySet().removeIf(k -> k.startsWith("./" + name + "/"));
    out.append("Moving site to archive under ")
        .append(given == null ? normalise(benchDir) + "/archived/sites" : given).append('\n');
    return ProgramResult.ok(out.toString());
  }

  private ProgramResult installApp(Site site, List<String> rest) {
    Options o = Options.parse(rest, Set.of(), Set.of("--force"));
    if (o.stop() != null) {
      return o.stop();
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
    if (o.stop() != null) {
      return o.stop();
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
      if (!o.flags.contains("--no-backup")) {
        // installer.py remove_app: a backup first unless --no-backup
        backup(site, List.of());
      }
      site.apps.remove(app);
    }
    return ProgramResult.ok("Uninstalling App " + app + " from Site " + site.name + "...\n");
  }

  private ProgramResult setConfig(Site site, List<String> rest) {
    Options o = Options.parse(rest, Set.of(), Set.of("-g", "--global", "-p", "--parse", "--as-dict"));
    if (o.stop() != null) {
      return o.stop();
    }
    if (o.positional.size() != 2) {
      return usage(o.positional.size() < 2 ? "Missing argument 'VALUE'." : "Got unexpected extra argument ("
          + o.positional.get(2) + ")");
    }
    String key = o.positional.get(0);
    String raw = o.positional.get(1);
    Object value = raw;
    if (o.flags.contains("-p") || o.flags.contains("--parse")) {
      // commands/utils.py set_config: value = ast.literal_eval(value)
      try {
        value = PythonLiteral.parse(raw);
      } catch (IllegalArgumentException e) {
        return traceback("  File \"<unknown>\", line 1\n    " + raw + "\nSyntaxError: invalid syntax");
      }
    }
    // installer.py _update_config_file, applied to the (possibly parsed) value: "0"/"1" become ints, "true"/"false"
    // booleans, the string "None" deletes the key (a parsed None is stored as null)
    if ("0".equals(value) || "1".equals(value)) {
      value = Long.parseLong((String) value);
    } else if ("true".equals(value)) {
      value = Boolean.TRUE;
    } else if ("false".equals(value)) {
      value = Boolean.FALSE;
    }
    if ("None".equals(value)) {
      site.config.remove(key);
    } else {
      site.config.put(key, value);
    }
    return ProgramResult.ok("");
  }

  private ProgramResult scheduler(Site site, List<String> rest) {
    // frappe/commands/scheduler.py `scheduler` (v15): state in pause|resume|disable|enable|status, --format text|json.
    // The Press agent runs `bench --site S scheduler enable` after install-app and the config update of every new
    // site (frappe/agent agent/bench.py new_site, agent/site.py enable_scheduler).
    Options o = Options.parse(rest, Set.of("--format", "-f"), Set.of("--verbose", "-v"));
    if (o.stop() != null) {
      return o.stop();
    }
    if (o.positional.size() != 1) {
      return usage(o.positional.isEmpty() ? "Missing argument 'STATE'." : "Got unexpected extra argument ("
          + o.positional.get(1) + ")");
    }
    String state = o.positional.get(0);
    if (!List.of("pause", "resume", "disable", "enable", "status").contains(state)) {
      return usage("Invalid value for 'STATE': '" + state + "' is not one of 'pause', 'resume', 'disable', "
          + "'enable', 'status'.");
    }
    String format = o.last("--format", "-f") == null ? "text" : o.last("--format", "-f");
    if (!format.equals("text") && !format.equals("json")) {
      return usage("Invalid value for '--format' / '-f': '" + format + "' is not one of 'json', 'text'.");
    }
    String status;
    switch (state) {
      case "status" -> status = schedulerInactive(site.config, site.schedulerEnabled) ? "disabled" : "enabled";
      case "pause", "resume" -> {
        // update_site_config("pause_scheduler", state == "pause"): a boolean, not 1/0
        site.config.put("pause_scheduler", state.equals("pause"));
        status = state + "d";
      }
      default -> {
        // toggle_scheduler: System Settings' enable_scheduler
        site.schedulerEnabled = state.equals("enable");
        status = state + "d";
      }
    }
    return ProgramResult.ok(format.equals("json")
        ? "{\"status\": \"" + status + "\", \"site\": \"" + site.name + "\"}\n"
        : "Scheduler is " + status + " for site " + site.name + "\n");
  }

  /** frappe/utils/scheduler.py is_scheduler_inactive: maintenance mode, pause_scheduler, disable_scheduler, flag. */
  private static boolean schedulerInactive(Map<String, Object> config, boolean enabled) {
    return truthy(config.get("maintenance_mode")) || truthy(config.get("pause_scheduler"))
        || truthy(config.get("disable_scheduler")) || !enabled;
  }

  private static boolean truthy(Object v) {
    if (v == null || Boolean.FALSE.equals(v) || "".equals(v)) {
      return false;
    }
    return !(v instanceof Number n) || new BigDecimal(n.toString()).signum() != 0;
  }

  private ProgramResult backup(Site site, List<String> rest) {
    Options o = Options.parse(rest, Set.of("--backup-path", "--backup-path-db", "--backup-path-files",
        "--backup-path-private-files", "--backup-path-conf", "--include", "--only", "-i", "--exclude", "-e"),
        Set.of("--with-files", "--ignore-backup-conf", "--verbose", "--compress", "--old-backup-metadata"));
    if (o.stop() != null) {
      return o.stop();
    }
    if (!o.positional.isEmpty()) {
      return usage("Got unexpected extra argument (" + o.positional.get(0) + ")");
    }
    // utils/backups.py new_backup: delete_temp_backups() first — every file in the site's private/backups older than
    // keep_backups_for_hours (default 24, by ctime) is deleted; --backup-path folders are never looked at
    String rotated = "./" + site.name + "/" + BACKUPS + "/";
    Object keep = site.config.get("keep_backups_for_hours");
    long hours = keep instanceof Number n && n.longValue() > 0 ? n.longValue() : 24;
    Instant cutoff = now.minus(Duration.ofHours(hours));
    backups.entrySet().removeIf(e -> e.getKey().startsWith(rotated) && !e.getValue().ctime().isAfter(cutoff));
    LocalDateTime at = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
    String slug = site.name.replace('.', '_');
    String dir = o.last("--backup-path") == null ? "./" + site.name + "/" + BACKUPS : o.last("--backup-path");
    String db = o.last("--backup-path-db") != null ? o.last("--backup-path-db")
        : join(dir, at.format(STAMP) + "-" + slug + "-database.sql.gz");
    String conf = o.last("--backup-path-conf") != null ? o.last("--backup-path-conf")
        : join(dir, at.format(STAMP) + "-" + slug + "-site_config_backup.json");
    Map<String, User> users = new LinkedHashMap<>();
    site.users.forEach((k, v) -> users.put(k, v.copy()));
    backups.remove(normaliseBackup(db));
    backups.put(normaliseBackup(db), new BackupFile(db,
        new Snapshot(site.name, List.copyOf(site.apps), users, site.schedulerEnabled), now));
    String printedAt = at.format(NOW);
    now = now.plusSeconds(1);
    // BackupGenerator.print_summary: "{type.title():{w}}: {path:{w}} {size}"
    int width = Math.max(conf.length(), db.length());
    return ProgramResult.ok("Backup Summary for " + site.name + " at " + printedAt + "\n"
        + String.format("Config  : %-" + width + "s 94.0B%n", conf)
        + String.format("Database: %-" + width + "s 1.1MiB%n", db)
        + "Backup for Site " + site.name + " has been successfully completed\n");
  }

  private ProgramResult restore(Site site, List<String> rest, boolean globalForce) {
    Options o = Options.parse(rest, Set.of("--db-root-username", "--mariadb-root-username", "--db-root-password",
        "--mariadb-root-password", "--db-name", "--admin-password", "--install-app", "--with-public-files",
        "--with-private-files", "--encryption-key"), Set.of("--force"));
    if (o.stop() != null) {
      return o.stop();
    }
    if (o.positional.size() != 1) {
      return usage("Missing argument 'SQL_FILE_PATH'.");
    }
    String file = o.positional.get(0);
    BackupFile found = backups.get(normaliseBackup(file));
    if (found == null) {
      // commands/site.py restore_backup @ c3bfb57: the file as given, then <site>/private/backups/<file> and ../<file>
      for (String alternative : List.of(site.name + "/" + BACKUPS + "/" + file, "../" + file)) {
        found = found != null ? found : backups.get(normaliseBackup(alternative));
      }
      if (found == null) {
        return new ProgramResult(1, "File " + file + " not found. Trying to check in alternative directories.\n"
            + "File " + file + " not found.\n", "");
      }
    }
    ProgramResult denied = checkRoot(o.last("--db-root-username", "--mariadb-root-username"),
        o.last("--db-root-password", "--mariadb-root-password"));
    if (denied != null) {
      return denied;
    }
    // _new_site(force=True, source_sql=...) re-applies the scheduler flag the site had before the restore
    boolean scheduler = site.complete && site.schedulerEnabled;
    Snapshot snap = found.snapshot();
    site.apps.clear();
    site.apps.addAll(snap.apps());
    site.users.clear();
    snap.users().forEach((k, v) -> site.users.put(k, v.copy()));
    site.complete = true;
    site.schedulerEnabled = scheduler;
    String admin = o.last("--admin-password");
    if (admin != null) {
      site.users.get("Administrator").password = admin;
    }
    return ProgramResult.ok("*** Scheduler is " + (scheduler ? "enabled" : "disabled") + " ***\nSite " + site.name
        + " has been restored\n");
  }

  private ProgramResult reinstall(Site site, List<String> rest) {
    Options o = Options.parse(rest, Set.of("--admin-password", "--db-root-username", "--mariadb-root-username",
        "--db-root-password", "--mariadb-root-password"), Set.of("--yes", "-y"));
    if (o.stop() != null) {
      return o.stop();
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
    boolean scheduler = site.complete && site.schedulerEnabled;
    List<String> apps = List.copyOf(site.apps);
    site.installDefaults(admin);
    for (String a : apps) {
      if (!site.apps.contains(a)) {
        site.apps.add(a);
      }
    }
    site.schedulerEnabled = scheduler;
    return ProgramResult.ok("*** Scheduler is " + (scheduler ? "enabled" : "disabled") + " ***\n");
  }

  private ProgramResult showConfig(Site site, List<String> rest) {
    Options o = Options.parse(rest, Set.of("--format", "-f"), Set.of());
    if (o.stop() != null) {
      return o.stop();
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
    if (o.stop() != null) {
      return o.stop();
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
    if (o.stop() != null) {
      return o.stop();
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
    if (o.stop() != null) {
      return o.stop();
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
    if (o.stop() != null) {
      return o.stop();
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
    if (o.stop() != null) {
      return o.stop();
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

  private static RetryableException lost(Command command) {
    return new RetryableException("command '" + command + "' lost its connection to the bench host and was killed; "
        + "its effect is unknown");
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

  /** A lock file as seen from the bench directory: relative when inside it. */
  private String normaliseLock(String cwd, String file) {
    Path p = Path.of(cwd == null ? "/" : cwd).resolve(file).normalize();
    Path bench = Path.of(normalise(benchDir));
    return p.startsWith(bench) ? bench.relativize(p).toString() : p.toString();
  }

  /** A backup path as seen from the {@code sites} directory, where bench runs: {@code ./site/...}. */
  private String normaliseBackup(String path) {
    String sitesDir = normalise(benchDir) + "/sites/";
    String p = path;
    if (p.startsWith(sitesDir)) {
      p = p.substring(sitesDir.length());
    } else if (p.startsWith("/")) {
      return Path.of(p).normalize().toString();
    }
    return "./" + Path.of(p).normalize();
  }

  private static String join(String dir, String name) {
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }

  /** A coreutils duration: a number with an optional s, m, h or d suffix. */
  private static Duration duration(String text) {
    char unit = text.isEmpty() ? 's' : text.charAt(text.length() - 1);
    String number = Character.isDigit(unit) ? text : text.substring(0, text.length() - 1);
    long seconds = switch (Character.isDigit(unit) ? 's' : unit) {
      case 'm' -> 60;
      case 'h' -> 3600;
      case 'd' -> 86400;
      default -> 1;
    };
    return Duration.ofMillis(Math.round(Double.parseDouble(number) * seconds * 1000));
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
    boolean help;

    /**
     * Parses like click: {@code --} ends the options; {@code --help} before it is eager (help, exit 0, nothing done);
     * an option that takes a value takes the next argument whatever it looks like.
     */
    static Options parse(List<String> args, Set<String> withValue, Set<String> flagNames) {
      Options o = new Options();
      boolean options = true;
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (options && a.equals("--")) {
          options = false;
        } else if (options && a.equals("--help")) {
          o.help = true;
          return o;
        } else if (options && a.startsWith("-") && a.length() > 1 && !isNumber(a)) {
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

    /** The answer when parsing stops the command (its help, or a usage error), else null. */
    ProgramResult stop() {
      if (help) {
        return ProgramResult.ok("Usage: bench [OPTIONS] COMMAND [ARGS]...\n\nOptions:\n  --help  Show this message and exit.\n");
      }
      return error == null ? null : usage(error);
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
