package dev.tenantwright.plugin.frappe;

import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The host's configuration of the Frappe plugin, bound from its {@code pluginConfig("frappe", map)} section:
 * where {@code bench} runs and the database root credentials it needs to create and drop sites.
 *
 * <p>{@code transport} picks how {@code bench} is reached: {@code local} runs it as a process in
 * {@code benchDir}; {@code docker} runs {@code docker exec -i -w <benchDir> <container> bench ...};
 * {@code ssh} runs {@code ssh [-p port] [-i key] user@host -- <one quoted command string>}, with every argument
 * single-quoted for the remote POSIX shell. Over every transport, secrets are sent on stdin to a small
 * {@code sh -c} script that reads them, never in an argv or a command string; and unless {@code processGuards} is
 * false, bench runs under {@code timeout} and a per-site {@code flock} on the bench host. Immutable; validated on
 * construction with messages that name the field and never a secret.
 *
 * <pre>{@code
 * Tenantwright.builder().pluginConfig("frappe", Map.of(
 *     "transport", "docker",
 *     "container", "frappe-backend",
 *     "dbRootPassword", System.getenv("MARIADB_ROOT_PASSWORD")));
 * }</pre>
 *
 * @param transport {@code local} (default), {@code docker} or {@code ssh}
 * @param benchDir the bench directory (absolute); default {@code /home/frappe/frappe-bench}
 * @param benchCommand the {@code bench} program; default {@code bench}
 * @param container the container that holds the bench ({@code docker} transport; required there)
 * @param dockerCommand the docker program; default {@code docker}
 * @param sshHost the bench host ({@code ssh} transport; required there)
 * @param sshUser the remote user; default {@code frappe}. Its login shell must be a POSIX shell (sh, bash, dash)
 * @param sshPort the ssh port; default the client's (22)
 * @param sshKey the private key file ({@code -i}); default the client's
 * @param sshOptions extra {@code -o} options, e.g. {@code StrictHostKeyChecking=yes}; {@code BatchMode=yes} is
 *     always set so that ssh never waits for a password prompt
 * @param sshCommand the ssh program; default {@code ssh}
 * @param dbRootUsername the MariaDB account that creates and drops site databases; default {@code root}
 * @param dbRootPassword its password (required)
 * @param noMariadbSocket whether {@code new-site} gets {@code --no-mariadb-socket} (site users may log in from
 *     any host, needed when MariaDB runs in another container); default true
 * @param siteDomain the domain a site's name is built under when the spec names no site:
 *     {@code <resource name>.<siteDomain>}; default none (the resource name alone)
 * @param urlScheme the scheme of the site URL in the outputs; default {@code https}
 * @param commandTimeoutSeconds the most any one bench command may run (never past the step's deadline);
 *     default 1800, since {@code new-site} and {@code restore} take minutes
 * @param processGuards whether bench runs under {@code timeout} on the bench host — so it stops there before its
 *     client gives up, instead of running on after a killed {@code docker exec} or ssh client — and every command
 *     that changes a site under {@code flock} on {@code sites/.tenantwright-<site>.lock}, so that a retry waits for
 *     (and never drops) a site another bench process still works on; default true. Needs coreutils' {@code timeout}
 *     and util-linux' {@code flock} on the bench host (Debian, Ubuntu and the frappe_docker images have both); set
 *     false for a bench without them (e.g. macOS), giving up that protection
 */
public record FrappeConfig(
    @Nullable String transport,
    @Nullable String benchDir,
    @Nullable String benchCommand,
    @Nullable String container,
    @Nullable String dockerCommand,
    @Nullable String sshHost,
    @Nullable String sshUser,
    @Nullable Integer sshPort,
    @Nullable String sshKey,
    @Nullable List<String> sshOptions,
    @Nullable String sshCommand,
    @Nullable String dbRootUsername,
    Secret dbRootPassword,
    @Nullable Boolean noMariadbSocket,
    @Nullable String siteDomain,
    @Nullable String urlScheme,
    @Nullable Integer commandTimeoutSeconds,
    @Nullable Boolean processGuards) {

  /** Runs {@code bench} as a local process. */
  public static final String LOCAL = "local";
  /** Runs {@code bench} with {@code docker exec} in a container. */
  public static final String DOCKER = "docker";
  /** Runs {@code bench} on another host over ssh. */
  public static final String SSH = "ssh";

  private static final Pattern CONTAINER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern SSH_HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:-]*|\\[[0-9A-Fa-f:.]+]");
  private static final Pattern SSH_USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
  private static final Pattern SSH_OPTION = Pattern.compile("[A-Za-z][A-Za-z0-9]*=[^\\r\\n]+");
  private static final Pattern DB_USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@%-]*");

  /** Applies defaults and validates every field. */
  public FrappeConfig {
    transport = transport == null ? LOCAL : transport.strip().toLowerCase(Locale.ROOT);
    if (!List.of(LOCAL, DOCKER, SSH).contains(transport)) {
      throw invalid("transport", "must be one of local, docker, ssh");
    }
    benchDir = benchDir == null ? "/home/frappe/frappe-bench" : benchDir;
    if (!benchDir.startsWith("/") || hasControl(benchDir)) {
      throw invalid("benchDir", "must be an absolute path without control characters");
    }
    benchCommand = program("benchCommand", benchCommand, "bench");
    dockerCommand = program("dockerCommand", dockerCommand, "docker");
    sshCommand = program("sshCommand", sshCommand, "ssh");
    if (DOCKER.equals(transport) && container == null) {
      throw invalid("container", "missing: the docker transport needs the name of the container that holds the bench");
    }
    if (container != null && !CONTAINER.matcher(container).matches()) {
      throw invalid("container", "is not a valid container name or id");
    }
    if (SSH.equals(transport) && sshHost == null) {
      throw invalid("sshHost", "missing: the ssh transport needs the bench host");
    }
    if (sshHost != null && !SSH_HOST.matcher(sshHost).matches()) {
      throw invalid("sshHost", "must be a host name or IP address");
    }
    sshUser = sshUser == null ? "frappe" : sshUser;
    if (!SSH_USER.matcher(sshUser).matches()) {
      throw invalid("sshUser", "must be a user name of letters, digits, '_', '.' and '-'");
    }
    if (sshPort != null && (sshPort < 1 || sshPort > 65535)) {
      throw invalid("sshPort", "must be between 1 and 65535");
    }
    if (sshKey != null && (sshKey.isBlank() || sshKey.startsWith("-") || hasControl(sshKey))) {
      throw invalid("sshKey", "must be a file path");
    }
    sshOptions = sshOptions == null ? List.of() : List.copyOf(sshOptions);
    for (String o : sshOptions) {
      if (o == null || !SSH_OPTION.matcher(o).matches()) {
        throw invalid("sshOptions", "each entry must look like Name=value, e.g. StrictHostKeyChecking=yes");
      }
    }
    dbRootUsername = dbRootUsername == null ? "root" : dbRootUsername;
    if (!DB_USER.matcher(dbRootUsername).matches()) {
      throw invalid("dbRootUsername", "must be a MariaDB user name");
    }
    if (dbRootPassword == null) {
      throw invalid("dbRootPassword", "missing: bench needs the database root password to create and drop sites");
    }
    if (dbRootPassword.reveal().indexOf('\n') >= 0 || dbRootPassword.reveal().indexOf('\0') >= 0) {
      throw invalid("dbRootPassword", "must not contain a line break or NUL: secrets reach bench as lines on stdin");
    }
    noMariadbSocket = noMariadbSocket == null || noMariadbSocket;
    if (siteDomain != null) {
      Names.hostname("siteDomain", siteDomain);
    }
    urlScheme = urlScheme == null ? "https" : urlScheme.toLowerCase(Locale.ROOT);
    if (!urlScheme.equals("https") && !urlScheme.equals("http")) {
      throw invalid("urlScheme", "must be http or https");
    }
    commandTimeoutSeconds = commandTimeoutSeconds == null ? 1800 : commandTimeoutSeconds;
    if (commandTimeoutSeconds < 1) {
      throw invalid("commandTimeoutSeconds", "must be at least 1");
    }
    processGuards = processGuards == null || processGuards;
  }

  /** {@link #commandTimeoutSeconds()} as a duration. */
  public Duration commandTimeout() {
    return Duration.ofSeconds(commandTimeoutSeconds);
  }

  private static String program(String field, String value, String fallback) {
    if (value == null) {
      return fallback;
    }
    if (value.isBlank() || value.startsWith("-") || hasControl(value) || value.contains(" ")) {
      throw invalid(field, "must be a program name or path without spaces");
    }
    return value;
  }

  private static boolean hasControl(String s) {
    return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
  }

  private static PermanentException invalid(String field, String why) {
    return new PermanentException("frappe config, field '" + field + "': " + why);
  }
}
