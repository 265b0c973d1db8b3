package dev.tenantwright.plugin.compose;

import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.spi.HostName;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.Secret;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a {@code compose.project} resource runs: its services, the secrets that go into the site's
 * {@code .env}, and a revision that forces a redeploy when it changes.
 *
 * <p>The project's name is not part of the spec: it is the resource's deterministic name, so a retry finds
 * what the first attempt made. Secrets are written only to the {@code .env} file (mode 0600) and reach a
 * container as {@code ${TW_SECRET_NAME}} references the compose file leaves for Compose to interpolate; they never
 * appear in the compose file, an argv or a log line. Immutable; validated on construction with messages that
 * name the field.
 *
 * <pre>{@code
 * params:
 *   revision: ${vars.revision}
 *   secrets: {DB_PASSWORD: ${db-password.value}}
 *   services:
 *     web:
 *       image: local/busybox:1
 *       secretEnv: [DB_PASSWORD]
 *       route: {host: shop.example.com, port: 8080}
 *       healthcheck: {test: [wget, -q, -O, /dev/null, "http://127.0.0.1:8080/"], interval: 2s}
 * }</pre>
 *
 * @param services the services by name (lowercase letters, digits, '-' and '_'), at least one
 * @param secrets values for the {@code .env} file by variable name; services opt in with
 *     {@link Service#secretEnv()}. A value must be printable text without {@code '} and {@code \}: Compose
 *     reads anything else back differently (a trailing backslash would even swallow the next line)
 * @param revision a free-form revision (a git commit, a release tag) stored as a label on every service, so a
 *     new value recreates the containers; optional. No control characters, and no comma followed by a
 *     {@code name=value} piece (it would read as another label in {@code docker compose ps})
 */
public record ProjectSpec(
    Map<String, Service> services,
    @Nullable Map<String, Secret> secrets,
    @Nullable String revision) {

  private static final Pattern SERVICE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,39}");
  private static final Pattern VOLUME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
  /** A URL path without {@code $} (Compose would interpolate it) and {@code ,} (it splits Traefik label lists). */
  private static final Pattern PATH_PREFIX = Pattern.compile("/[A-Za-z0-9._~!&'()*+;=:@%/-]*");
  private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,254}");
  private static final String RESERVED_LABELS = "dev.tenantwright.";

  /** Copies the maps and validates every field. */
  public ProjectSpec {
    if (services == null || services.isEmpty()) {
      throw Checks.invalid("services", "must name at least one service");
    }
    services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
    secrets = secrets == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
    for (Map.Entry<String, Secret> s : secrets.entrySet()) {
      Names.envVarName("secrets", s.getKey());
      if (s.getValue() == null) {
        throw Checks.invalid("secrets." + s.getKey(), "missing value");
      }
      Checks.envFileValue("secrets." + s.getKey(), s.getValue().reveal());
    }
    if (revision != null) {
      Checks.labelValue("revision", revision);
    }
    for (Map.Entry<String, Service> e : services.entrySet()) {
      String name = e.getKey();
      if (name == null || !SERVICE.matcher(name).matches()) {
        throw Checks.invalid("services", "\"" + name
            + "\" is not a valid service name: 1 to 40 lowercase letters, digits, '-' and '_', starting with a letter or digit");
      }
      Service s = e.getValue();
      if (s == null) {
        throw Checks.invalid("services." + name, "missing definition");
      }
      for (String env : s.secretEnv()) {
        if (!secrets.containsKey(env)) {
          throw Checks.invalid("services." + name + ".secretEnv", "names secret '" + env
              + "', which is not in 'secrets'");
        }
        if (s.environment().containsKey(env)) {
          throw Checks.invalid("services." + name + ".secretEnv", "'" + env + "' is also set in 'environment'");
        }
      }
      for (String dep : s.dependsOn()) {
        if (!services.containsKey(dep) || dep.equals(name)) {
          throw Checks.invalid("services." + name + ".dependsOn", "'" + dep + "' is not another service of this project");
        }
      }
    }
  }

  /** The {@code .env} variable names, in order. */
  public List<String> secretNames() {
    return new ArrayList<>(secrets.keySet());
  }

  /**
   * One service of the project.
   *
   * @param image the image, e.g. {@code nginx:1.27}; required unless {@code build} is given
   * @param build a build context to build the image from; optional
   * @param command the command, as an argv list; optional (the image's default)
   * @param environment plain environment variables; values are passed literally ({@code $} is escaped)
   * @param secretEnv names from the project's {@code secrets} this service receives as environment
   *     variables
   * @param ports ports to publish on the host; optional
   * @param healthcheck how Compose decides the service is healthy ({@code up --wait} waits for it)
   * @param memory memory limit, e.g. {@code 256m}; default the plugin's {@code defaultMemory}
   * @param cpus CPU limit, e.g. {@code 0.5}; default the plugin's {@code defaultCpus}
   * @param volumes named volumes of the project by name, each mapped to a path in the container
   * @param route how Traefik routes to this service (labels); optional
   * @param init whether to run an init process as PID 1 (reaps zombies, forwards signals); default true
   * @param dependsOn services to start first (waiting for their health when they have a healthcheck)
   * @param stopGracePeriod how long {@code down} waits before killing, e.g. {@code 10s}; default Compose's
   * @param labels extra container labels; keys under {@code dev.tenantwright.} are reserved; a value may hold
   *     commas ({@code web,websecure}) but no comma followed by a {@code name=value} piece, which would read
   *     as another label in {@code docker compose ps}
   */
  public record Service(
      @Nullable String image,
      @Nullable Build build,
      @Nullable List<String> command,
      @Nullable Map<String, String> environment,
      @Nullable List<String> secretEnv,
      @Nullable List<Port> ports,
      @Nullable Healthcheck healthcheck,
      @Nullable String memory,
      @Nullable String cpus,
      @Nullable Map<String, String> volumes,
      @Nullable Route route,
      @Nullable Boolean init,
      @Nullable List<String> dependsOn,
      @Nullable String stopGracePeriod,
      @Nullable Map<String, String> labels) {

    /** Applies defaults and validates. */
    public Service {
      if ((image == null || image.isBlank()) && build == null) {
        throw Checks.invalid("image", "a service needs an image or a build context");
      }
      command = command == null ? null : List.copyOf(command);
      environment = environment == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(environment));
      environment.keySet().forEach(k -> Names.envVarName("environment", k));
      secretEnv = secretEnv == null ? List.of() : List.copyOf(secretEnv);
      ports = ports == null ? List.of() : List.copyOf(ports);
      if (memory != null) {
        Checks.memory("memory", memory);
      }
      if (cpus != null) {
        Checks.cpus("cpus", cpus);
      }
      volumes = volumes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(volumes));
      for (Map.Entry<String, String> v : volumes.entrySet()) {
        if (!VOLUME.matcher(v.getKey()).matches()) {
          throw Checks.invalid("volumes", "\"" + v.getKey()
              + "\" is not a valid volume name: lowercase letters, digits, '_', '.' and '-'");
        }
        if (v.getValue() == null || !v.getValue().startsWith("/")) {
          throw Checks.invalid("volumes." + v.getKey(), "must be an absolute path in the container");
        }
      }
      init = init == null ? Boolean.TRUE : init;
      dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
      if (stopGracePeriod != null) {
        Checks.duration("stopGracePeriod", stopGracePeriod);
      }
      labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
      for (Map.Entry<String, String> l : labels.entrySet()) {
        String key = l.getKey();
        if (key == null || !LABEL_KEY.matcher(key).matches()) {
          throw Checks.invalid("labels", "\"" + key + "\" is not a label key: letters, digits, '.', '_', '/' and '-'");
        }
        if (key.startsWith(RESERVED_LABELS)) {
          throw Checks.invalid("labels", "keys under '" + RESERVED_LABELS + "' are reserved: " + key);
        }
        if (l.getValue() != null) {
          Checks.labelValue("labels." + key, l.getValue());
        }
      }
    }
  }

  /**
   * A build context; every deploy rebuilds it (a cached build of an unchanged context is quick), so a new
   * revision in a git context is what runs afterwards.
   *
   * <p>The context is either a folder — relative, without {@code ..}, below the plugin's {@code buildRoot}
   * (default: the site folder, never the site folder itself, which holds the {@code .env}) — or a git
   * repository over HTTPS, {@code https://<host>/<path>.git#<ref>[:<subfolder>]}, on a host the plugin's
   * {@code gitHosts} allow; BuildKit fetches it. Pin the ref to the pushed commit for a redeploy
   * ({@code #${vars.revision}}).
   *
   * @param context the folder with the Dockerfile, or the git URL
   * @param dockerfile the Dockerfile's path within the context (relative, no {@code ..}); default
   *     {@code Dockerfile}
   */
  public record Build(String context, @Nullable String dockerfile) {

    /** Validates the shape of the context (where it may point is checked against the config at deploy). */
    public Build {
      if (context == null || context.isBlank()) {
        throw Checks.invalid("build.context", "missing");
      }
      if (Checks.isGitContext(context)) {
        Checks.gitContext("build.context", context);
      } else {
        Checks.relativePath("build.context", context);
      }
      if (dockerfile != null) {
        Checks.relativePath("build.dockerfile", dockerfile);
      }
    }
  }

  /**
   * A published port.
   *
   * @param target the container port
   * @param published the host port; optional (an ephemeral port is chosen and reported in the outputs)
   * @param hostIp the host address to listen on; default {@code 127.0.0.1} (never all interfaces by accident)
   * @param protocol {@code tcp} (default) or {@code udp}
   */
  public record Port(int target, @Nullable Integer published, @Nullable String hostIp, @Nullable String protocol) {

    /** Applies defaults and validates. */
    public Port {
      if (target < 1 || target > 65535) {
        throw Checks.invalid("ports.target", "must be between 1 and 65535, was " + target);
      }
      if (published != null && (published < 1 || published > 65535)) {
        throw Checks.invalid("ports.published", "must be between 1 and 65535, was " + published);
      }
      hostIp = hostIp == null ? "127.0.0.1" : hostIp;
      if (!hostIp.matches("[0-9.]+|[0-9a-fA-F:]+")) {
        throw Checks.invalid("ports.hostIp", "must be an IP address, was " + hostIp);
      }
      protocol = protocol == null ? "tcp" : protocol;
      if (!protocol.equals("tcp") && !protocol.equals("udp")) {
        throw Checks.invalid("ports.protocol", "must be tcp or udp");
      }
    }
  }

  /**
   * A container healthcheck.
   *
   * @param test the check as an argv list, e.g. {@code [wget, -q, -O, /dev/null, "http://127.0.0.1:8080/"]};
   *     {@code CMD} is prepended unless it starts with {@code CMD}, {@code CMD-SHELL} or {@code NONE}
   * @param interval time between checks, e.g. {@code 5s}; default Compose's (30s)
   * @param timeout how long one check may take; default Compose's
   * @param retries failures in a row before unhealthy; default Compose's (3)
   * @param startPeriod grace period after start; default Compose's
   */
  public record Healthcheck(
      List<String> test,
      @Nullable String interval,
      @Nullable String timeout,
      @Nullable Integer retries,
      @Nullable String startPeriod) {

    /** Validates. */
    public Healthcheck {
      if (test == null || test.isEmpty()) {
        throw Checks.invalid("healthcheck.test", "must be a non-empty argv list");
      }
      test = List.copyOf(test);
      if (interval != null) {
        Checks.duration("healthcheck.interval", interval);
      }
      if (timeout != null) {
        Checks.duration("healthcheck.timeout", timeout);
      }
      if (startPeriod != null) {
        Checks.duration("healthcheck.startPeriod", startPeriod);
      }
      if (retries != null && retries < 1) {
        throw Checks.invalid("healthcheck.retries", "must be at least 1");
      }
    }
  }

  /**
   * How Traefik routes requests to a service, rendered as Docker labels for Traefik's docker provider.
   *
   * @param host the host name, e.g. {@code shop.example.com}
   * @param pathPrefix only requests below this path, e.g. {@code /blog}; optional
   * @param port the container port Traefik forwards to
   * @param stripPrefix whether the path prefix is removed before forwarding; default false
   * @param tls whether the route is HTTPS on the secure entry point; default true
   * @param redirectToHttps whether plain HTTP redirects to HTTPS; default the plugin's setting
   */
  public record Route(
      @HostName String host,
      @Nullable String pathPrefix,
      int port,
      @Nullable Boolean stripPrefix,
      @Nullable Boolean tls,
      @Nullable Boolean redirectToHttps) {

    /** Applies defaults and validates. */
    public Route {
      Names.hostname("route.host", host);
      if (pathPrefix != null && (!PATH_PREFIX.matcher(pathPrefix).matches() || pathPrefix.length() > 200)) {
        throw Checks.invalid("route.pathPrefix", "must be a URL path starting with '/' (no '$' or ','), was "
            + pathPrefix);
      }
      if (port < 1 || port > 65535) {
        throw Checks.invalid("route.port", "must be between 1 and 65535, was " + port);
      }
      stripPrefix = stripPrefix == null ? Boolean.FALSE : stripPrefix;
      if (stripPrefix && pathPrefix == null) {
        throw Checks.invalid("route.stripPrefix", "needs a pathPrefix to strip");
      }
      tls = tls == null ? Boolean.TRUE : tls;
    }

    /** The Traefik v3 rule: {@code Host(`h`)} and, with a path prefix, {@code && PathPrefix(`/p`)}. */
    public String rule() {
      return "Host(`" + host + "`)" + (pathPrefix == null ? "" : " && PathPrefix(`" + pathPrefix + "`)");
    }

    /** The public URL of the route. */
    public String url() {
      return (tls ? "https://" : "http://") + host + (pathPrefix == null ? "/" : pathPrefix);
    }
  }
}
