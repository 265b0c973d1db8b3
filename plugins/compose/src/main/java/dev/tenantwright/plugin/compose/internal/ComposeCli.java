package dev.tenantwright.plugin.compose.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.JsonLines;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code docker compose} command line for one project: builds argv lists (global flags before the
 * subcommand, never a shell string), runs them through the engine's {@link CommandRunner}, parses
 * {@code ps --format json} in both of its shapes, and turns failures into the SPI's exceptions.
 *
 * <p>No secret ever travels on these command lines: secrets reach Compose only through the site's
 * {@code .env} file. A call by project name only ({@code ps}, {@code down} after the folder is gone) runs in
 * an empty folder, because Compose would otherwise look for a compose file in the working directory and every
 * parent of it and use that model (finding C4). Before the first command through a runner, the Compose
 * version is checked once ({@value #MINIMUM_VERSION} or later, finding C5). Immutable; thread-safe if the
 * runner is.
 */
public final class ComposeCli {

  private static final Logger LOG = LoggerFactory.getLogger(ComposeCli.class);

  /**
   * The oldest Compose this plugin runs with. {@code up --wait-timeout} needs 2.17.0 (docker/compose v2.17.0
   * {@code cmd/compose/up.go}); {@code ps --format json} reports container labels — which is how a project
   * whose folder is gone is recognised as ours — only since 2.21.0 (docker/compose 41682acc7; the
   * {@code api.ContainerSummary} of 2.20 has no labels).
   */
  public static final String MINIMUM_VERSION = "2.21.0";

  private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)\\S*");
  /** compose-go {@code cli.DefaultFileNames}: what Compose looks for in a folder and its parents. */
  private static final List<String> DEFAULT_FILES =
      List.of("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml");
  /** A piece of the comma-joined labels text that starts a new {@code key=value} pair. */
  private static final Pattern LABEL_PAIR = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._/-]*)=");
  /** Runners whose Compose was found recent enough, with the binary and daemon they were checked for. */
  private static final Map<CommandRunner, Set<String>> CHECKED = Collections.synchronizedMap(new WeakHashMap<>());

  /** Messages after which the same command may well succeed: the daemon or the network was in the way. */
  private static final List<String> TRANSIENT = List.of(
      "cannot connect to the docker daemon", "error during connect", "connection refused", "connection reset",
      "i/o timeout", "tls handshake timeout", "context deadline exceeded", "toomanyrequests",
      "503 service unavailable", "502 bad gateway", "application not healthy after", "is already in progress",
      "temporary failure in name resolution", "no space left on device",
      // an image tagged with the pushed revision that CI has not published yet (finding C2)
      "manifest unknown");

  private final List<String> binary;
  private final CommandRunner runner;
  private final String project;
  private final Path file;
  private final Path dir;
  private final String dockerHost;
  private final Path emptyDir;

  /**
   * A command line for {@code project}.
   *
   * @param binary the argv prefix, e.g. {@code [docker, compose]}
   * @param file the compose file, or null to address the project by name only (as {@code down} and {@code ps}
   *     can)
   * @param dir the project directory, or null
   * @param dockerHost the {@code DOCKER_HOST} to set, or null to leave Docker's default
   * @param emptyDir an empty folder for calls by project name only (created if missing)
   */
  public ComposeCli(List<String> binary, CommandRunner runner, String project, @Nullable Path file, @Nullable Path dir,
      @Nullable String dockerHost, Path emptyDir) {
    this.binary = List.copyOf(binary);
    this.runner = runner;
    this.project = project;
    this.file = file;
    this.dir = dir;
    this.dockerHost = dockerHost;
    this.emptyDir = emptyDir;
  }

  /** The same project without a compose file (for {@code ps} and {@code down} after the folder is gone). */
  public ComposeCli byNameOnly() {
    return new ComposeCli(binary, runner, project, null, null, dockerHost, emptyDir);
  }

  /** {@code up -d --wait --wait-timeout N --remove-orphans}: a no-op for unchanged services. */
  public void up(Duration waitTimeout, Duration timeout) {
    List<String> args = List.of("up", "-d", "--wait", "--wait-timeout",
        Long.toString(Math.max(1, waitTimeout.toSeconds())), "--remove-orphans");
    require("up", run(args, timeout));
  }

  /** {@code pull --ignore-pull-failures}: refreshes images; an image no registry has is kept as it is. */
  public void pull(Duration timeout) {
    require("pull", run(List.of("pull", "--ignore-pull-failures"), timeout));
  }

  /** {@code build}: rebuilds the services that have a build context. */
  public void build(Duration timeout) {
    require("build", run(List.of("build"), timeout));
  }

  /** {@code down -v --remove-orphans}: containers, networks and volumes; nothing left is success. */
  public void down(Duration timeout) {
    require("down", run(List.of("down", "-v", "--remove-orphans"), timeout));
  }

  /** {@code ps --format json -a}: every container of the project, running or not. */
  public List<Container> ps(Duration timeout) {
    CommandResult r = run(List.of("ps", "--format", "json", "-a"), timeout);
    require("ps", r);
    return JsonLines.parse(r.stdout(), Container.class);
  }

  private CommandResult run(List<String> subcommand, Duration timeout) {
    requireSupportedVersion(timeout);
    Command.Builder b = Command.builder(binary.get(0)).args(binary.subList(1, binary.size()));
    b.arg("-p").arg(project);
    if (file != null) {
      b.arg("-f").arg(file.toString());
    }
    if (dir != null) {
      b.arg("--project-directory").arg(dir.toString());
      if (Files.isDirectory(dir)) {
        b.workingDir(dir);
      }
    }
    if (file == null && dir == null) {
      b.workingDir(emptyFolder());
    }
    if (dockerHost != null) {
      b.env("DOCKER_HOST", dockerHost);
    }
    b.args(subcommand).timeout(timeout);
    Command command = b.build();
    LOG.debug("compose project {}: {}", project, command);
    return runner.run(command);
  }

  /**
   * The empty folder by-name calls run in; refuses when a compose file sits in it or in a parent folder, which
   * Compose would load (compose-go {@code cli/options.go WithDefaultConfigPath} walks up to the root).
   */
  private Path emptyFolder() {
    try {
      Files.createDirectories(emptyDir);
      try (Stream<Path> files = Files.list(emptyDir)) {
        if (files.findAny().isPresent()) {
          throw new PermanentException("compose project " + project + ": " + emptyDir
              + " must stay empty (compose commands by project name run there); remove what is in it");
        }
      }
    } catch (IOException e) {
      throw new RetryableException("compose project " + project + ": cannot prepare " + emptyDir + ": " + e, null,
          false, e);
    }
    for (Path d = emptyDir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
      for (String name : DEFAULT_FILES) {
        Path candidate = d.resolve(name);
        if (Files.exists(candidate)) {
          throw new PermanentException("compose project " + project + ": " + candidate + " would be read by compose "
              + "commands that address the project by name (Compose looks for a compose file in every parent "
              + "folder); move it, or move rootDir elsewhere");
        }
      }
    }
    return emptyDir;
  }

  /**
   * Checks once per runner, binary and daemon that Compose is {@value #MINIMUM_VERSION} or later
   * ({@code version --short}), so an old Compose fails with a clear message rather than an unknown flag or a
   * project it cannot recognise.
   */
  private void requireSupportedVersion(Duration timeout) {
    String key = binary + " " + dockerHost;
    Set<String> done = CHECKED.computeIfAbsent(runner, r -> ConcurrentHashMap.newKeySet());
    if (done.contains(key)) {
      return;
    }
    Command.Builder b = Command.builder(binary.get(0)).args(binary.subList(1, binary.size()))
        .args(List.of("version", "--short")).timeout(timeout);
    if (dockerHost != null) {
      b.env("DOCKER_HOST", dockerHost);
    }
    CommandResult r = runner.run(b.build());
    require("version", r);
    String said = r.stdout().strip();
    Matcher m = VERSION.matcher(said);
    if (!m.matches()) {
      throw new PermanentException("compose: cannot tell the Compose version from '" + said + "' (" + String.join(" ",
          binary) + " version --short); the plugin needs Compose v2 " + MINIMUM_VERSION + " or later");
    }
    int[] have = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    String[] need = MINIMUM_VERSION.split("\\.");
    for (int i = 0; i < 3; i++) {
      int n = Integer.parseInt(need[i]);
      if (have[i] != n) {
        if (have[i] < n) {
          throw new PermanentException("compose: Compose " + said + " is too old; the plugin needs " + MINIMUM_VERSION
              + " or later (for up --wait-timeout and labels in ps --format json); upgrade the Compose plugin");
        }
        break;
      }
    }
    done.add(key);
  }

  private void require(String action, CommandResult r) {
    if (r.succeeded()) {
      return;
    }
    String said = (r.stderr() + "\n" + r.stdout()).toLowerCase(Locale.ROOT);
    String message = "compose project " + project + ": " + action + " failed: " + r.describeFailure();
    for (String t : TRANSIENT) {
      if (said.contains(t)) {
        throw new RetryableException(message);
      }
    }
    throw new PermanentException(message);
  }

  /**
   * One line of {@code docker compose ps --format json}.
   *
   * @param id the container id
   * @param name the container name
   * @param service the service
   * @param state {@code running}, {@code exited}, ...
   * @param health {@code healthy}, {@code unhealthy}, {@code starting} or empty
   * @param exitCode the exit code of an exited container
   * @param publishers ports (published port 0 means exposed but not published)
   * @param labels {@code k=v,k=v} text in Compose v2 (a map in some versions)
   */
  public record Container(
      @JsonProperty("ID") String id,
      @JsonProperty("Name") String name,
      @JsonProperty("Service") String service,
      @JsonProperty("State") String state,
      @JsonProperty("Health") String health,
      @JsonProperty("ExitCode") Integer exitCode,
      @JsonProperty("Publishers") List<Publisher> publishers,
      @JsonProperty("Labels") JsonNode labels) {

    /** Fills absent fields. */
    public Container {
      publishers = publishers == null ? List.of() : publishers;
      health = health == null ? "" : health;
      state = state == null ? "" : state;
    }

    /**
     * The container's labels as a map, from either shape. Compose joins the pairs with commas
     * ({@code k=v,k=v}, docker/compose {@code cmd/formatter/container.go Labels()}) without escaping, so a
     * comma-separated piece starts a new pair only when it reads {@code key=...}; any other piece belongs to
     * the value before it ({@code entrypoints=web,websecure}, finding C8).
     */
    public Map<String, String> labelMap() {
      Map<String, String> out = new LinkedHashMap<>();
      pairs().forEach(p -> out.put(p[0], p[1]));
      return out;
    }

    /**
     * The value of the ownership label, or null — also when the label text names it more than once: only a
     * label value forged to read as {@code ,dev.tenantwright.owner=...} can do that, and such a container is
     * nobody's to adopt (security finding SEC12).
     */
    public @Nullable String owner() {
      String owner = null;
      int seen = 0;
      for (String[] p : pairs()) {
        if (p[0].equals(ComposeFile.OWNER_LABEL)) {
          owner = p[1];
          seen++;
        }
      }
      return seen == 1 ? owner : null;
    }

    private List<String[]> pairs() {
      List<String[]> out = new ArrayList<>();
      if (labels == null || labels.isNull()) {
        return out;
      }
      if (labels.isObject()) {
        labels.properties().forEach(e -> out.add(new String[] {e.getKey(), e.getValue().asText()}));
        return out;
      }
      for (String piece : labels.asText().split(",", -1)) {
        Matcher m = LABEL_PAIR.matcher(piece);
        if (m.lookingAt()) {
          out.add(new String[] {m.group(1), piece.substring(m.end())});
        } else if (!out.isEmpty()) {
          String[] last = out.get(out.size() - 1);
          last[1] = last[1] + "," + piece;
        }
      }
      return out;
    }
  }

  /**
   * One port entry of a container.
   *
   * @param url the host address
   * @param targetPort the container port
   * @param publishedPort the host port, 0 when not published
   * @param protocol {@code tcp} or {@code udp}
   */
  public record Publisher(
      @JsonProperty("URL") String url,
      @JsonProperty("TargetPort") int targetPort,
      @JsonProperty("PublishedPort") int publishedPort,
      @JsonProperty("Protocol") String protocol) {}
}
