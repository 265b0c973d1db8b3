package dev.tenantwright.plugin.compose;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The host's configuration of the Compose plugin, bound from its {@code pluginConfig("compose", map)}
 * section; every field but {@code rootDir} has a default.
 *
 * <p>It says where site folders live, which Compose binary to run, what happens to a folder on delete, and
 * how Traefik reaches the sites (entry points, certificate resolver, shared network). Immutable; validated on
 * construction with messages that name the field.
 *
 * <pre>{@code
 * Tenantwright.builder().pluginConfig("compose", Map.of(
 *     "rootDir", "/srv/sites",
 *     "certResolver", "le",
 *     "traefikNetwork", "traefik"));
 * }</pre>
 *
 * @param rootDir the folder that holds one folder per site ({@code <rootDir>/<project>}); created if missing
 * @param binary the argv prefix that runs Compose: {@code [docker, compose]} (default, the v2 CLI plugin) or
 *     {@code [docker-compose]} (the standalone binary); Compose 2.21.0 or later, checked once
 * @param onDelete {@code remove} (default) deletes the site folder after {@code down}; {@code archive} moves it
 *     to {@code archiveDir} (without its {@code .env}, so no secret outlives the site)
 * @param archiveDir where archived folders go; default {@code <rootDir>/.archive}
 * @param waitTimeoutSeconds how long {@code up --wait} waits for healthy services; default 120
 * @param commandTimeoutSeconds the most any one Compose command may run; default 600 (never past the step's
 *     deadline)
 * @param pullOnUpdate whether an update (redeploy) pulls images and rebuilds build contexts before
 *     {@code up}; default true
 * @param restart the restart policy of every service; default {@code unless-stopped}
 * @param webEntryPoint Traefik's plain-HTTP entry point; default {@code web}
 * @param secureEntryPoint Traefik's HTTPS entry point; default {@code websecure}
 * @param certResolver the Traefik certificate resolver for TLS routes, e.g. {@code le}; default none (TLS with
 *     Traefik's default certificate)
 * @param redirectToHttps whether a TLS route also gets a router on {@code webEntryPoint} that redirects to
 *     HTTPS; default true
 * @param traefikNetwork an existing external Docker network Traefik reaches the sites on; routed services join
 *     it and Traefik is told to use it. Required as soon as a service has a route (without it Traefik could
 *     not reach the service and every request would fail with 502). A Traefik on the host network reaches any
 *     bridge network, so name one here too. Every routed service of every tenant shares it (see the README's
 *     security notes)
 * @param defaultMemory the memory limit of services that set none, e.g. {@code 256m}; default unlimited
 * @param defaultCpus the CPU limit of services that set none, e.g. {@code 0.5}; default unlimited
 * @param dockerHost the daemon to talk to, passed to Compose as {@code DOCKER_HOST}, e.g.
 *     {@code unix:///var/run/docker.sock} or {@code ssh://deploy@web1}; default Docker's own (its environment and
 *     context)
 * @param buildRoot the folder that relative {@code build.context} folders are resolved in and confined to;
 *     default each site's own folder (a context must then be a subfolder of it)
 * @param gitHosts the hosts a git {@code build.context} ({@code https://<host>/...git#<ref>}) may name; default
 *     {@code github.com}, {@code gitlab.com}, {@code bitbucket.org}, {@code codeberg.org}; empty refuses git
 *     contexts
 */
public record ComposeConfig(
    String rootDir,
    @Nullable List<String> binary,
    @Nullable String onDelete,
    @Nullable String archiveDir,
    @Nullable Integer waitTimeoutSeconds,
    @Nullable Integer commandTimeoutSeconds,
    @Nullable Boolean pullOnUpdate,
    @Nullable String restart,
    @Nullable String webEntryPoint,
    @Nullable String secureEntryPoint,
    @Nullable String certResolver,
    @Nullable Boolean redirectToHttps,
    @Nullable String traefikNetwork,
    @Nullable String defaultMemory,
    @Nullable String defaultCpus,
    @Nullable String dockerHost,
    @Nullable String buildRoot,
    @Nullable List<String> gitHosts) {

  /** The git hosts allowed when {@code gitHosts} is not configured. */
  public static final List<String> DEFAULT_GIT_HOSTS = List.of("github.com", "gitlab.com", "bitbucket.org",
      "codeberg.org");

  private static final Pattern TRAEFIK_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern NETWORK = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  /** Applies defaults and validates every field. */
  public ComposeConfig {
    if (rootDir == null || rootDir.isBlank()) {
      throw invalid("rootDir", "missing: the folder that holds the site folders");
    }
    binary = binary == null ? List.of("docker", "compose") : List.copyOf(binary);
    if (binary.isEmpty() || binary.stream().anyMatch(a -> a == null || a.isBlank())) {
      throw invalid("binary", "must be a non-empty argv prefix such as [docker, compose] or [docker-compose]");
    }
    onDelete = onDelete == null ? "remove" : onDelete;
    if (!onDelete.equals("remove") && !onDelete.equals("archive")) {
      throw invalid("onDelete", "must be 'remove' or 'archive'");
    }
    archiveDir = archiveDir == null ? Path.of(rootDir).resolve(".archive").toString() : archiveDir;
    waitTimeoutSeconds = positive("waitTimeoutSeconds", waitTimeoutSeconds, 120);
    commandTimeoutSeconds = positive("commandTimeoutSeconds", commandTimeoutSeconds, 600);
    pullOnUpdate = pullOnUpdate == null ? Boolean.TRUE : pullOnUpdate;
    restart = restart == null ? "unless-stopped" : restart;
    if (!List.of("no", "always", "on-failure", "unless-stopped").contains(restart)) {
      throw invalid("restart", "must be one of no, always, on-failure, unless-stopped");
    }
    webEntryPoint = name("webEntryPoint", webEntryPoint, "web");
    secureEntryPoint = name("secureEntryPoint", secureEntryPoint, "websecure");
    if (certResolver != null && !TRAEFIK_NAME.matcher(certResolver).matches()) {
      throw invalid("certResolver", "must be a Traefik resolver name (letters, digits, '_', '.', '-')");
    }
    redirectToHttps = redirectToHttps == null ? Boolean.TRUE : redirectToHttps;
    if (traefikNetwork != null && !NETWORK.matcher(traefikNetwork).matches()) {
      throw invalid("traefikNetwork", "must be a Docker network name");
    }
    if (defaultMemory != null) {
      Checks.memory("defaultMemory", defaultMemory);
    }
    if (defaultCpus != null) {
      Checks.cpus("defaultCpus", defaultCpus);
    }
    if (dockerHost != null && !dockerHost.matches("(unix|tcp|ssh|npipe)://\\S+")) {
      throw invalid("dockerHost", "must be a Docker host URL such as unix:///var/run/docker.sock or ssh://user@host");
    }
    if (buildRoot != null && (buildRoot.isBlank() || !Path.of(buildRoot).isAbsolute())) {
      throw invalid("buildRoot", "must be an absolute folder");
    }
    gitHosts = gitHosts == null ? DEFAULT_GIT_HOSTS : List.copyOf(gitHosts);
    for (String h : gitHosts) {
      if (h == null || !h.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
        throw invalid("gitHosts", "must list lowercase host names such as github.com, was " + h);
      }
    }
  }

  /** A configuration with every default and site folders under {@code rootDir}. */
  public static ComposeConfig of(Path rootDir) {
    return new ComposeConfig(rootDir.toString(), null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null);
  }

  /** {@link #rootDir} as a path. */
  public Path root() {
    return Path.of(rootDir);
  }

  /** {@link #archiveDir} as a path. */
  public Path archive() {
    return Path.of(archiveDir);
  }

  /** Whether deleted sites are archived rather than removed. */
  public boolean archives() {
    return onDelete.equals("archive");
  }

  /** {@link #waitTimeoutSeconds} as a duration. */
  public Duration waitTimeout() {
    return Duration.ofSeconds(waitTimeoutSeconds);
  }

  /** {@link #commandTimeoutSeconds} as a duration. */
  public Duration commandTimeout() {
    return Duration.ofSeconds(commandTimeoutSeconds);
  }

  private static Integer positive(String field, Integer value, int dflt) {
    if (value == null) {
      return dflt;
    }
    if (value < 1) {
      throw invalid(field, "must be at least 1");
    }
    return value;
  }

  private static String name(String field, String value, String dflt) {
    if (value == null) {
      return dflt;
    }
    if (!TRAEFIK_NAME.matcher(value).matches()) {
      throw invalid(field, "must be a Traefik entry point name (letters, digits, '_', '.', '-')");
    }
    return value;
  }

  private static PermanentException invalid(String field, String why) {
    return new PermanentException("compose config, field '" + field + "': " + why);
  }
}
