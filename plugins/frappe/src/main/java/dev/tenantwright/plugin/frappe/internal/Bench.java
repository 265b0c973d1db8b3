package dev.tenantwright.plugin.frappe.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantwright.plugin.frappe.FrappeConfig;
import dev.tenantwright.plugin.frappe.SiteUser;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bench operations the {@code frappe.site} type needs, each one {@code bench} invocation through the
 * configured {@link Transport} and the step's {@link dev.tenantwright.spi.CommandRunner}.
 *
 * <p>Every method either succeeds or throws a classified exception ({@link BenchFailures}); the answers bench
 * gives for "already done" ({@code App X already installed}, a duplicate user, a missing site on drop) are
 * success. Output is parsed in memory and never logged: {@code show-config} prints the site's database
 * password. One instance per step call; not thread-safe.
 */
public final class Bench {

  private static final Logger LOG = LoggerFactory.getLogger(Bench.class);
  private static final ObjectMapper JSON = SupportJson.mapper();
  private static final Pattern DATABASE_LINE = Pattern.compile("(?m)^\\s*Database\\s*:\\s*(\\S+)");
  private static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);

  private final FrappeConfig config;
  private final Transport transport;
  private final StepContext ctx;
  private Duration lastTimeout = Duration.ZERO;

  /** Bench as {@code config} says it is reached, for the step behind {@code ctx}. */
  public Bench(FrappeConfig config, StepContext ctx) {
    this.config = config;
    this.transport = Transport.of(config);
    this.ctx = ctx;
  }

  // ------------------------------------------------------------------------------------------------ reading

  /** The site's configuration, or empty when the site does not exist. */
  public Optional<SiteConfig> siteConfig(String site) {
    BenchCommand cmd = BenchCommand.builder("show-config of " + site)
        .site(site).args("show-config", "--format", "json").build();
    CommandResult r = run(cmd);
    if (!r.succeeded()) {
      if (BenchFailures.siteMissing(r, site)) {
        return Optional.empty();
      }
      throw fail(cmd, r);
    }
    JsonNode root = parseJson(r.stdout(), '{', "show-config of " + site);
    JsonNode node = root.get(site);
    if (node == null || !node.isObject()) {
      throw new PermanentException("bench show-config of " + site + " printed no configuration for the site");
    }
    return Optional.of(new SiteConfig(JSON.convertValue(node, new TypeReference<Map<String, Object>>() {})));
  }

  /** The apps installed on the site, in installation order. */
  public List<String> installedApps(String site) {
    CommandResult r = require(BenchCommand.builder("listing the apps of " + site)
        .site(site).args("execute", "frappe.get_installed_apps").build());
    return parseApps(r, site);
  }

  /**
   * The apps installed on the site, or empty when bench cannot list them: a site whose {@code new-site} was
   * interrupted has no tables to list them from. Asked under the site's lock, so the answer is never about a site
   * that another bench process — an earlier attempt whose client was lost — is still installing: that one is
   * waited for, and when it runs on too long the answer is a {@link SiteBusyException}.
   */
  public Optional<List<String>> installedAppsIfComplete(String site) {
    BenchCommand cmd = BenchCommand.builder("listing the apps of " + site).locked(site)
        .site(site).args("execute", "frappe.get_installed_apps").build();
    CommandResult r = run(cmd);
    if (!r.succeeded()) {
      if (lockBusy(cmd, r) || timedOutOnHost(r) || BenchFailures.retryable(r, isSsh())) {
        throw fail(cmd, r);
      }
      return Optional.empty();
    }
    List<String> apps = parseApps(r, site);
    return apps.contains("frappe") ? Optional.of(apps) : Optional.empty();
  }

  /** Whether a user with this name exists on the site. */
  public boolean userExists(String site, String user) {
    CommandResult r = require(BenchCommand.builder("looking up user " + user + " on " + site)
        .site(site).args("execute", "frappe.db.exists", "--args", "['User', " + PyLiteral.str(user) + "]").build());
    String out = lastLine(r.stdout());
    return !out.isEmpty() && !out.equals("null");
  }

  /** The user's API key, or empty when it has none. */
  public Optional<String> apiKey(String site, String user) {
    CommandResult r = require(BenchCommand.builder("reading the API key of " + user + " on " + site)
        .site(site).args("execute", "frappe.db.get_value", "--args",
            "['User', " + PyLiteral.str(user) + ", 'api_key']").build());
    String out = lastLine(r.stdout());
    if (out.isEmpty() || out.equals("null")) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(out);
      return n.isTextual() && !n.asText().isEmpty() ? Optional.of(n.asText()) : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  // ------------------------------------------------------------------------------------------------ changing

  /** {@code bench new-site}: creates the site and its database, with frappe installed. */
  public void newSite(String site, String dbName, Secret adminPassword) {
    BenchCommand.Builder b = BenchCommand.builder("new-site " + site).mutating().locked(site)
        .args("new-site", site, "--db-name", dbName);
    if (config.noMariadbSocket()) {
      b.arg("--no-mariadb-socket");
    }
    rootCredentials(b).arg("--admin-password").secret("the Administrator password", adminPassword);
    BenchCommand cmd = b.build();
    LOG.info("Creating Frappe site {} (database {}) over {}", site, dbName, transport.name());
    require(cmd);
  }

  /**
   * Sets one site config entry; strings are passed as they are (bench stores {@code "0"}, {@code "1"},
   * {@code "true"} and {@code "false"} as numbers and booleans: {@link #asStored}), numbers and booleans as Python
   * literals. The value comes after {@code --}, so one that starts with {@code -} is never taken for an option.
   */
  public void setConfig(String site, String key, Object value) {
    BenchCommand.Builder b = BenchCommand.builder("set-config " + key + " on " + site).mutating().locked(site)
        .site(site).arg("set-config");
    String literal;
    if (value instanceof String s) {
      literal = s;
    } else if (value instanceof Boolean bool) {
      b.arg("--parse");
      literal = bool ? "True" : "False";
    } else if (value instanceof Number n) {
      b.arg("--parse");
      literal = new BigDecimal(n.toString()).toPlainString();
    } else {
      throw new IllegalArgumentException("unsupported config value type " + value.getClass().getName());
    }
    require(b.args("--", key, literal).build());
  }

  /**
   * The value bench stores for {@code value}: frappe's {@code _update_config_file} turns the strings {@code "0"} and
   * {@code "1"} into ints and {@code "true"}/{@code "false"} into booleans (frappe/installer.py); anything else as
   * it is.
   */
  public static Object asStored(Object value) {
    if ("0".equals(value) || "1".equals(value)) {
      return Integer.parseInt((String) value);
    }
    if ("true".equals(value)) {
      return Boolean.TRUE;
    }
    if ("false".equals(value)) {
      return Boolean.FALSE;
    }
    return value;
  }

  /** Removes one site config entry ({@code set-config -- KEY None}); a missing entry is fine. */
  public void removeConfig(String site, String key) {
    require(BenchCommand.builder("removing config " + key + " from " + site).mutating().locked(site)
        .site(site).args("set-config", "--", key, "None").build());
  }

  /** Installs an app; returns false when bench says it was installed already. */
  public boolean installApp(String site, String app) {
    CommandResult r = require(BenchCommand.builder("install-app " + app + " on " + site).mutating().locked(site)
        .site(site).args("install-app", app).build());
    boolean already = (r.stdout() + r.stderr()).contains("already installed");
    LOG.debug("App {} on site {}: {}", app, site, already ? "already installed" : "installed");
    return !already;
  }

  /** Uninstalls an app without a backup; returns false when it was not installed. */
  public boolean uninstallApp(String site, String app) {
    CommandResult r = require(BenchCommand.builder("uninstall-app " + app + " on " + site).mutating().locked(site)
        .site(site).args("uninstall-app", app, "--yes", "--no-backup").build());
    return !(r.stdout() + r.stderr()).contains("not installed");
  }

  /**
   * Creates the user as a System Manager; returns false when it existed already (bench's
   * {@code DuplicateEntryError}). The e-mail comes after {@code --}: one that starts with {@code -} is a value.
   */
  public boolean addSystemManager(String site, SiteUser user) {
    BenchCommand.Builder b = BenchCommand.builder("add-system-manager " + user.email() + " on " + site).mutating()
        .locked(site).site(site).arg("add-system-manager");
    if (user.firstName() != null) {
      b.args("--first-name", user.firstName());
    }
    if (user.lastName() != null) {
      b.args("--last-name", user.lastName());
    }
    if (user.password() != null) {
      b.arg("--password").secret("the password of " + user.email(), user.password());
    }
    BenchCommand cmd = b.args("--", user.email()).build();
    CommandResult r = run(cmd);
    if (r.succeeded()) {
      return true;
    }
    String text = r.stdout() + r.stderr();
    if (text.contains("DuplicateEntryError") || text.contains("Duplicate entry")) {
      return false;
    }
    throw fail(cmd, r);
  }

  /** Sets a user's password ({@code set-password -- USER PASSWORD}). */
  public void setPassword(String site, String user, Secret password) {
    require(BenchCommand.builder("set-password of " + user + " on " + site).mutating().locked(site)
        .site(site).args("set-password", "--", user).secret("the password of " + user, password).build());
  }

  /** Sets the Administrator password ({@code set-admin-password -- PASSWORD}). */
  public void setAdminPassword(String site, Secret password) {
    require(BenchCommand.builder("set-admin-password on " + site).mutating().locked(site)
        .site(site).args("set-admin-password", "--").secret("the Administrator password", password).build());
  }

  /**
   * Enables the site's scheduler ({@code scheduler enable}: System Settings' {@code enable_scheduler}), which
   * {@code new-site} leaves disabled — frappe's installer computes {@code _is_scheduler_enabled(site)}, which
   * cannot connect for a new site, and applies it with {@code toggle_scheduler} ("*** Scheduler is disabled ***").
   * Without it no background job runs: the e-mail queue is never flushed, no auto-repeat, reminder or scheduled
   * report. The Frappe Press agent runs the same command after installing the apps. Idempotent.
   */
  public void enableScheduler(String site) {
    require(BenchCommand.builder("scheduler enable on " + site).mutating().locked(site)
        .site(site).args("scheduler", "enable").build());
  }

  /**
   * Gives the user this API key and secret ({@code frappe.client.set_value} on the User; frappe encrypts the
   * secret on save). The secret is made here, so it never appears in any output; the whole keyword-argument
   * literal that carries it is a secret argument.
   */
  public void setApiKeys(String site, String user, String apiKey, Secret apiSecret) {
    String kwargs = "{'doctype': 'User', 'name': " + PyLiteral.str(user) + ", 'fieldname': {'api_key': "
        + PyLiteral.str(apiKey) + ", 'api_secret': " + PyLiteral.str(apiSecret.reveal()) + "}}";
    require(BenchCommand.builder("issuing API keys for " + user + " on " + site).mutating().locked(site)
        .site(site).args("execute", "frappe.client.set_value", "--kwargs")
        .secret("the API secret", Secret.of(kwargs)).build());
  }

  /**
   * Takes a database backup into {@code file} ({@code backup --backup-path-db FILE}, a path relative to the bench's
   * {@code sites} directory) and returns the path bench printed.
   *
   * <p>Not into {@code private/backups}: every backup frappe takes — the nightly {@code bench --site all backup},
   * Press' and the scheduler's, this plugin's own — first runs {@code delete_temp_backups()}, which deletes every
   * file in that folder older than {@code keep_backups_for_hours} (24 by default; frappe/utils/backups.py), so a
   * baseline kept there is gone a day later.
   */
  public String backup(String site, String file) {
    CommandResult r = require(BenchCommand.builder("backup of " + site).mutating().locked(site)
        .site(site).args("backup", "--backup-path-db", file).build());
    Matcher m = DATABASE_LINE.matcher(r.stdout());
    if (!m.find()) {
      throw new PermanentException("bench backup of " + site + " did not print the database file it wrote");
    }
    LOG.debug("Backup of site {}: {}", site, m.group(1));
    return m.group(1);
  }

  /**
   * Restores the site's database from a backup ({@code --force}: also over a newer schema).
   *
   * @return false when bench says the backup file does not exist — {@code File <path> not found.} since frappe
   *     v15 (commands/site.py {@code restore_backup}), {@code Invalid path <path>} before; nothing was changed
   */
  public boolean restore(String site, String file, Secret adminPassword) {
    BenchCommand cmd = rootCredentials(BenchCommand.builder("restore of " + site + " from " + file).mutating()
        .locked(site).site(site).args("--force", "restore"))
        .arg("--admin-password").secret("the Administrator password", adminPassword).args("--", file).build();
    LOG.info("Restoring Frappe site {} from {}", site, file);
    CommandResult r = run(cmd);
    if (r.succeeded()) {
      return true;
    }
    if (backupMissing(r, file)) {
      return false;
    }
    throw fail(cmd, r);
  }

  /**
   * Whether a failed restore says its file does not exist. v15 first prints {@code File X not found. Trying to check
   * in alternative directories.}, then, when the file is in none of them, {@code File X not found.} on a line of its
   * own; v12–v14 print {@code Invalid path X}.
   */
  static boolean backupMissing(CommandResult r, String file) {
    String text = r.stdout() + "\n" + r.stderr();
    return text.contains("Invalid path")
        || Pattern.compile("(?m)^File " + Pattern.quote(file) + " not found\\.\\s*$").matcher(text).find();
  }

  /** Wipes the site's database and installs its apps afresh. */
  public void reinstall(String site, Secret adminPassword) {
    BenchCommand cmd = rootCredentials(BenchCommand.builder("reinstall of " + site).mutating().locked(site)
        .site(site).args("reinstall", "--yes"))
        .arg("--admin-password").secret("the Administrator password", adminPassword).build();
    LOG.info("Reinstalling Frappe site {}", site);
    require(cmd);
  }

  /**
   * Drops the site and its database without a backup ({@code drop-site --force --no-backup}); returns false
   * when the site did not exist. Callers check that the site is theirs first.
   *
   * <p>The root credentials go as {@code --root-login/--root-password}: frappe v15 accepts them beside
   * {@code --db-root-*} and {@code --mariadb-root-*} (commands/site.py @ c3bfb57), and v12–v14 accept only them; the
   * Press agent uses them too. The site directory moves to {@code <bench>/archived/sites/SITE[N]}, which nothing
   * cleans up (see the README).
   */
  public boolean dropSite(String site) {
    BenchCommand cmd = BenchCommand.builder("drop-site " + site).mutating().locked(site)
        .args("drop-site", site, "--force", "--no-backup", "--root-login", config.dbRootUsername(), "--root-password")
        .secret("the database root password", config.dbRootPassword()).build();
    LOG.info("Dropping Frappe site {} over {}", site, transport.name());
    CommandResult r = run(cmd);
    if (r.succeeded()) {
      return true;
    }
    if (BenchFailures.siteMissing(r, site)) {
      return false;
    }
    throw fail(cmd, r);
  }

  // ------------------------------------------------------------------------------------------------ running

  /**
   * Runs the command; a non-zero exit is returned, a timeout or an unstartable program throws. What the runner
   * throws is thrown again with each of the command's secrets masked on its own: the runner knows secrets sent on
   * stdin only as one value, so a single one that bench echoed (in a timeout's last words) would show.
   */
  CommandResult run(BenchCommand cmd) {
    ctx.checkCancelled();
    Duration timeout = config.commandTimeout();
    Duration left = ctx.remaining();
    if (left.compareTo(timeout) < 0) {
      timeout = left.compareTo(MIN_TIMEOUT) < 0 ? MIN_TIMEOUT : left;
    }
    lastTimeout = timeout;
    CommandResult r;
    try {
      r = ctx.commands().run(transport.command(cmd, timeout));
    } catch (RetryableException e) {
      throw new RetryableException(mask(e.getMessage(), cmd), e.retryAfter().orElse(null), e.outcomeUnknown(), null);
    } catch (PermanentException e) {
      throw new PermanentException(mask(e.getMessage(), cmd));
    }
    LOG.debug("bench {}: exit {}", cmd.what(), r.exitCode());
    return r;
  }

  private CommandResult require(BenchCommand cmd) {
    CommandResult r = run(cmd);
    if (!r.succeeded()) {
      throw fail(cmd, r);
    }
    return r;
  }

  /**
   * The classified failure, its output with every secret masked. The guards' own exit codes come first: a busy
   * site lock ({@link HostProcess#LOCK_BUSY}: bench never ran) and a bench stopped on the bench host after its time
   * limit ({@link HostProcess#TIMED_OUT}, {@link HostProcess#KILLED}); then {@link BenchFailures}.
   */
  private RuntimeException fail(BenchCommand cmd, CommandResult r) {
    CommandResult masked = new CommandResult(r.command(), r.exitCode(), mask(r.stdout(), cmd), mask(r.stderr(), cmd),
        r.duration());
    RuntimeException e;
    if (lockBusy(cmd, r)) {
      e = new SiteBusyException("bench " + cmd.what() + " did not run: another bench process still holds the lock of "
          + cmd.lockedSite() + " on the bench host (an earlier attempt whose client was lost?); trying again later");
    } else if (timedOutOnHost(r)) {
      e = new RetryableException("bench " + cmd.what() + " ran past its time limit of "
          + HostProcess.limit(lastTimeout).getSeconds() + "s and was stopped on the bench host", null,
          cmd.mutating(), null);
    } else {
      e = BenchFailures.of(cmd.what(), masked, cmd.mutating(), isSsh());
    }
    LOG.debug("{}", e.getMessage());
    return e;
  }

  private boolean lockBusy(BenchCommand cmd, CommandResult r) {
    return config.processGuards() && cmd.lockedSite() != null && r.exitCode() == HostProcess.LOCK_BUSY;
  }

  private boolean timedOutOnHost(CommandResult r) {
    return config.processGuards() && (r.exitCode() == HostProcess.TIMED_OUT || r.exitCode() == HostProcess.KILLED);
  }

  private String mask(String text, BenchCommand cmd) {
    if (text == null) {
      return null;
    }
    String out = config.dbRootPassword().redact(text);
    for (BenchCommand.SecretArg s : cmd.secrets()) {
      out = s.value().redact(out);
    }
    return out;
  }

  /** Appends the database root credentials, the password as a secret argument. */
  private BenchCommand.Builder rootCredentials(BenchCommand.Builder b) {
    return b.args("--mariadb-root-username", config.dbRootUsername())
        .arg("--mariadb-root-password").secret("the database root password", config.dbRootPassword());
  }

  private boolean isSsh() {
    return FrappeConfig.SSH.equals(config.transport());
  }

  private static List<String> parseApps(CommandResult r, String site) {
    JsonNode apps = parseJson(r.stdout(), '[', "listing the apps of " + site);
    List<String> out = new ArrayList<>();
    apps.forEach(a -> out.add(a.asText()));
    return out;
  }

  /** Parses the JSON value that starts at the last line beginning with {@code open}; bench may print warnings first. */
  private static JsonNode parseJson(String stdout, char open, String what) {
    String[] lines = stdout.split("\n", -1);
    for (int i = lines.length - 1; i >= 0; i--) {
      if (!lines[i].isEmpty() && lines[i].charAt(0) == open) {
        StringBuilder rest = new StringBuilder();
        for (int j = i; j < lines.length; j++) {
          rest.append(lines[j]).append('\n');
        }
        try {
          JsonNode n = JSON.readTree(rest.toString());
          if (n != null && (open == '{' ? n.isObject() : n.isArray())) {
            return n;
          }
        } catch (JsonProcessingException e) {
          // an earlier line may start the value (indented JSON spans several lines); keep looking
        }
      }
    }
    throw new PermanentException("bench " + what + " printed no JSON " + (open == '{' ? "object" : "array"));
  }

  private static String lastLine(String stdout) {
    String s = stdout.strip();
    int nl = s.lastIndexOf('\n');
    return nl < 0 ? s : s.substring(nl + 1).strip();
  }
}
