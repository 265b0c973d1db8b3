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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code docker compose} command line for one project: builds argv lists (global flags before the
 * subcommand, never a shell string), runs them through the engine's {@link CommandRunner}, parses
 * {@code ps --format json} in both of its shapes, and turns failures into the SPI's exceptions.
 *
 * <p>No secret ever travels on these command lines: secrets reach Compose only through the site's
 * {@code .env} file. Immutable; thread-safe if the runner is.
 */
public final class ComposeCli {

  private static final Logger LOG = LoggerFactory.getLogger(ComposeCli.class);

  /** Messages after which the same command may well succeed: the daemon or the network was in the way. */
  private static final List<String> TRANSIENT = List.of(
      "cannot connect to the docker daemon", "error during connect", "connection refused", "connection reset",
      "i/o timeout", "tls handshake timeout", "context deadline exceeded", "toomanyrequests",
      "503 service unavailable", "502 bad gateway", "application not healthy after", "is already in progress",
      "temporary failure in name resolution", "no space left on device");

  private final List<String> binary;
  private final CommandRunner runner;
  private final String project;
  private final Path file;
  private final Path dir;
  private final String dockerHost;

  /**
   * A command line for {@code project}.
   *
   * @param binary the argv prefix, e.g. {@code [docker, compose]}
   * @param file the compose file, or null to address the project by name only (as {@code down} and {@code ps}
   *     can)
   * @param dir the project directory, or null
   * @param dockerHost the {@code DOCKER_HOST} to set, or null to leave Docker's default
   */
  public ComposeCli(List<String> binary, CommandRunner runner, String project, @Nullable Path file, @Nullable Path dir,
      @Nullable String dockerHost) {
    this.binary = List.copyOf(binary);
    this.runner = runner;
    this.project = project;
    this.file = file;
    this.dir = dir;
    this.dockerHost = dockerHost;
  }

  /** The same project without a compose file (for {@code ps} and {@code down} after the folder is gone). */
  public ComposeCli byNameOnly() {
    return new ComposeCli(binary, runner, project, null, null, dockerHost);
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
    if (dockerHost != null) {
      b.env("DOCKER_HOST", dockerHost);
    }
    b.args(subcommand).timeout(timeout);
    Command command = b.build();
    LOG.debug("compose project {}: {}", project, command);
    return runner.run(command);
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

    /** The container's labels as a map, from either shape. */
    public Map<String, String> labelMap() {
      Map<String, String> out = new LinkedHashMap<>();
      if (labels == null || labels.isNull()) {
        return out;
      }
      if (labels.isObject()) {
        labels.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
      }
      for (String pair : labels.asText().split(",")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
      return out;
    }

    /** The value of the ownership label, or null. */
    public @Nullable String owner() {
      return labelMap().get(ComposeFile.OWNER_LABEL);
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
