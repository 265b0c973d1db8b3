package dev.tenantwright.testkit.compose;

import dev.tenantwright.spi.Command;
import dev.tenantwright.testkit.ProgramFake;
import dev.tenantwright.testkit.ProgramResult;
import dev.tenantwright.testkit.compose.internal.ComposeCommands;
import dev.tenantwright.testkit.compose.internal.ContainerState;
import dev.tenantwright.testkit.compose.internal.ProjectState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * A stateful fake of the Docker Compose v2 CLI for the {@link dev.tenantwright.testkit.CommandRunnerFake}:
 * {@code up}, {@code ps}, {@code down}, {@code pull}, {@code build}, {@code config} and {@code version}, with
 * projects, containers, named volumes and networks kept in memory and Compose's own output and messages.
 *
 * <p>It reads the compose file named with {@code -f} (or found, as Compose does, in the project directory
 * or the nearest parent folder that has one) from disk, reads the {@code .env} with compose-go's own parser
 * rules (quotes, escapes, comments, {@code export}, multi-line values — see
 * {@link dev.tenantwright.testkit.compose.internal.DotEnv}) and interpolates the file with compose-go's
 * template rules ({@code ${VAR}}, {@code $VAR}, {@code $$}, {@code :-}, {@code -}, {@code :?}, {@code ?},
 * {@code :+}, {@code +}). The process environment — the {@linkplain #processEnvironment inherited} one plus
 * the command's own variables — takes precedence over {@code .env}, as in Compose. So a plugin's rendered
 * files and secrets are exercised for real:
 * <ul>
 *   <li>{@code up -d [--wait]} creates one container per service ({@code <project>-<service>-1}), the project's
 *       networks and named volumes; on an unchanged service it is a no-op, a changed service definition or
 *       a rebuilt image recreates that container and those of the services that depend on it, as Compose does
 *       (its {@linkplain ContainerView#generation() generation} goes up); {@code --force-recreate} recreates
 *       all; orphans stay (with Compose's warning) unless {@code --remove-orphans}. A build service's image is
 *       built by {@code up} only when it is missing (or with {@code --build}); {@code build} rebuilds it.
 *   <li>{@code ps --format json [-a]} prints JSON Lines with docker-ps fields (comma-joined {@code Labels}),
 *       or, when the fake plays a Compose older than 2.21 ({@link #version(String)}), one JSON array without
 *       labels.
 *   <li>{@code down [-v] [--remove-orphans]} is idempotent: with nothing left it prints
 *       {@code Warning: No resource found to remove for project "x".} and exits 0.
 *   <li>an invalid {@code -p} name is refused with Compose's message and exit 1; a missing {@code -f} file
 *       exits 14; {@code up --wait-timeout} is an unknown flag before Compose 2.17.
 * </ul>
 * Failures are configurable per service: {@link #unhealthy(String)} ({@code container X is unhealthy}),
 * {@link #exits(String, int)} ({@code container X exited (N)}), {@link #slowToBecomeHealthy(String)}
 * ({@code application not healthy after Ns}, or a timeout without {@code --wait-timeout}) and
 * {@link #failPull(String)}. Timeouts and arbitrary exits on any invocation come from the runner's
 * {@link dev.tenantwright.testkit.CommandFault}s.
 *
 * <p>Register it with {@code runner.on(fake)}; it plays {@code docker} (argv {@code docker compose ...}) or,
 * made with {@link #standalone()}, {@code docker-compose}. Thread-safe: the runner serialises invocations
 * on this object's monitor and every public reader is synchronized.
 *
 * <pre>{@code
 * DockerComposeFake compose = new DockerComposeFake();
 * CommandRunnerFake runner = new CommandRunnerFake().on(compose);
 * compose.unhealthy("web");                    // the next up --wait fails: container acme-web-1 is unhealthy
 * ...
 * assertThat(compose.liveObjects()).isEmpty(); // after delete: no container, volume or network
 * }</pre>
 */
public final class DockerComposeFake extends ProgramFake {

  /** The Compose version played by default. */
  public static final String DEFAULT_VERSION = "2.26.1";

  private final boolean plugin;
  private final ComposeCommands daemon = new ComposeCommands(DEFAULT_VERSION);
  private IntConsumer afterCall;
  private int calls;

  /** A fake of {@code docker compose} (the CLI plugin), played under the program name {@code docker}. */
  public DockerComposeFake() {
    this(true);
  }

  private DockerComposeFake(boolean plugin) {
    super(plugin ? "docker" : "docker-compose");
    this.plugin = plugin;
  }

  /** A fake of the standalone binary, played under {@code docker-compose} (argv without {@code compose}). */
  public static DockerComposeFake standalone() {
    return new DockerComposeFake(false);
  }

  /**
   * Plays this Compose version (default {@value #DEFAULT_VERSION}): before 2.21.0 {@code ps --format json}
   * prints one JSON array without labels instead of JSON Lines, and before 2.17.0 {@code up} has no
   * {@code --wait-timeout}. {@code version --short} prints it as given (e.g. {@code 2.26.1-4} for a
   * distribution build).
   */
  public synchronized DockerComposeFake version(String composeVersion) {
    ComposeCommands.parseVersion(composeVersion);
    daemon.version = composeVersion;
    return this;
  }

  /**
   * The environment the fake behaves as if it had inherited from its parent process, under the command's own
   * variables (default empty). Compose lets these win over {@code .env}: a test puts a host variable here to
   * see whether it can reach a project (what the command runner passes on decides that for real).
   */
  public synchronized DockerComposeFake processEnvironment(Map<String, String> environment) {
    daemon.processEnvironment.clear();
    daemon.processEnvironment.putAll(Objects.requireNonNull(environment, "environment"));
    return this;
  }

  /** Containers of this service (in any project) fail their healthcheck: {@code up --wait} exits 1. */
  public synchronized DockerComposeFake unhealthy(String service) {
    daemon.unhealthy.add(Objects.requireNonNull(service, "service"));
    return this;
  }

  /** Containers of this service exit with {@code code} right after starting: {@code up --wait} exits 1. */
  public synchronized DockerComposeFake exits(String service, int code) {
    daemon.exiting.put(Objects.requireNonNull(service, "service"), code);
    return this;
  }

  /**
   * Containers of this service stay "starting": {@code up --wait --wait-timeout N} exits 1 with
   * {@code application not healthy after Ns}; without a wait timeout the command times out.
   */
  public synchronized DockerComposeFake slowToBecomeHealthy(String service) {
    daemon.slow.add(Objects.requireNonNull(service, "service"));
    return this;
  }

  /** Pulling this image fails as for an image that is not in any reachable registry. */
  public synchronized DockerComposeFake failPull(String image) {
    daemon.failingPulls.add(Objects.requireNonNull(image, "image"));
    return this;
  }

  /** Declares a network that exists outside any project (e.g. Traefik's), for {@code external: true}. */
  public synchronized DockerComposeFake externalNetwork(String name) {
    daemon.externalNetworks.add(Objects.requireNonNull(name, "name"));
    return this;
  }

  /** Forgets every configured failure (unhealthy, exits, slow, failing pulls). */
  public synchronized void clearFailures() {
    daemon.unhealthy.clear();
    daemon.slow.clear();
    daemon.exiting.clear();
    daemon.failingPulls.clear();
  }

  /**
   * Checks every compose file the fake reads with {@code validator} (text in, problems out), as Compose checks
   * files against its schema: a file with problems fails the command with exit 15 and
   * {@code validating <file>: <problems>}. Tests attach the plugin's schema validator here so that every file
   * a plugin makes Compose read is checked.
   */
  public synchronized DockerComposeFake validateWith(Function<String, List<String>> fileValidator) {
    daemon.validator = Objects.requireNonNull(fileValidator, "fileValidator");
    return this;
  }

  /** The compose files checked by the {@linkplain #validateWith validator} so far, one entry per read. */
  public synchronized List<String> validatedFiles() {
    return List.copyOf(daemon.validated);
  }

  /**
   * Calls {@code listener} with the running invocation count after every invocation has taken effect, just
   * before its answer goes back to the caller; replaces an earlier listener. An exception thrown by the
   * listener reaches the caller instead of the answer (the conformance kit crashes the engine this way).
   */
  public synchronized void afterEachCall(IntConsumer listener) {
    this.afterCall = listener;
  }

  /** How many invocations the fake has handled. */
  public synchronized int calls() {
    return calls;
  }

  /** The subcommands handled so far, e.g. {@code "acme-web up"}, oldest first. */
  public synchronized List<String> history() {
    return List.copyOf(daemon.history);
  }

  /** How often images were pulled with {@code pull}, by image. */
  public synchronized Map<String, Integer> pulls() {
    return Map.copyOf(daemon.pulls);
  }

  /** How often services were built (by {@code build}, or by {@code up} for a missing image), by {@code project/service}. */
  public synchronized Map<String, Integer> builds() {
    return Map.copyOf(daemon.builds);
  }

  /** The names of the projects that hold anything. */
  public synchronized Set<String> projects() {
    return Set.copyOf(daemon.projects.keySet());
  }

  /** The containers of a project, by service name; empty when the project does not exist. */
  public synchronized Map<String, ContainerView> containers(String project) {
    ProjectState p = daemon.projects.get(project);
    Map<String, ContainerView> out = new TreeMap<>();
    if (p != null) {
      p.containers.forEach((service, c) -> out.put(service, c.view()));
    }
    return out;
  }

  /** The named volumes of a project (their Docker names, e.g. {@code acme_data}). */
  public synchronized Set<String> volumes(String project) {
    ProjectState p = daemon.projects.get(project);
    return p == null ? Set.of() : Set.copyOf(p.volumes);
  }

  /** The networks of a project (their Docker names, e.g. {@code acme_default}). */
  public synchronized Set<String> networks(String project) {
    ProjectState p = daemon.projects.get(project);
    return p == null ? Set.of() : Set.copyOf(p.networks);
  }

  /**
   * Puts a running project into the fake as if someone had started it: one container per service carrying
   * {@code labels}, and the project's default network. Use it to plant owned or foreign objects.
   */
  public synchronized void plantProject(String project, Map<String, String> labels, String... services) {
    daemon.plant(project, labels, services);
  }

  /**
   * Removes a project's containers, volumes and networks behind the plugin's back, as an operator running
   * {@code docker compose -p PROJECT down --volumes} by hand does (docs.docker.com/reference/cli/docker/compose/down/).
   * The project's folder on disk is not the fake's:
   * delete it as well to take a site away completely.
   */
  public synchronized void removeProject(String project) {
    if (daemon.projects.remove(project) == null) {
      throw new IllegalArgumentException("no project " + project + " in the fake");
    }
  }

  /**
   * Stops a service's container behind the plugin's back, as {@code docker stop} does
   * (docs.docker.com/reference/cli/docker/container/stop/): the container stays, exited with code 0 and no health,
   * and {@code ps -a} still lists it; the next {@code up} brings the service back.
   */
  public synchronized void stop(String project, String service) {
    ProjectState p = daemon.projects.get(project);
    ContainerState c = p == null ? null : p.containers.get(service);
    if (c == null) {
      throw new IllegalArgumentException("no container of service " + service + " in project " + project + " in the fake");
    }
    c.state = "exited";
    c.exitCode = 0;
    c.health = "";
  }

  /** Every container, volume and network still held, one line each, e.g. {@code container acme-web-1}. */
  @Override
  public synchronized Collection<String> liveObjects() {
    List<String> out = new ArrayList<>();
    for (ProjectState p : daemon.projects.values()) {
      p.containers.values().forEach(c -> out.add("container " + c.name));
      p.volumes.forEach(v -> out.add("volume " + v));
      p.networks.forEach(n -> out.add("network " + n));
    }
    return out;
  }

  /** Forgets projects, images, counters and configured failures; keeps the version, environment and external networks. */
  @Override
  public synchronized void reset() {
    daemon.projects.clear();
    daemon.pulls.clear();
    daemon.builds.clear();
    daemon.builtImages.clear();
    daemon.history.clear();
    calls = 0;
    clearFailures();
  }

  @Override
  public ProgramResult handle(Command command) {
    ProgramResult result = daemon.run(command, args(command), plugin);
    calls++;
    if (afterCall != null) {
      afterCall.accept(calls);
    }
    return result;
  }

  /**
   * A published port as {@code ps --format json} reports it.
   *
   * @param url the host address it listens on, e.g. {@code 127.0.0.1}
   * @param targetPort the container port
   * @param publishedPort the host port
   * @param protocol {@code tcp} or {@code udp}
   */
  public record Publisher(String url, int targetPort, int publishedPort, String protocol) {}

  /**
   * What a test may inspect about one container.
   *
   * @param id the container id
   * @param name {@code <project>-<service>-1}
   * @param service the service name
   * @param image the image
   * @param state {@code running} or {@code exited}
   * @param health {@code healthy}, {@code unhealthy}, {@code starting}, or empty without a healthcheck
   * @param labels every label, Compose's own included
   * @param environment the container's environment after interpolation (secrets from {@code .env} included)
   * @param publishers the published ports
   * @param mounts the named volumes mounted (Docker names)
   * @param networks the networks joined (Docker names)
   * @param generation 1 for the first container of the service, +1 on every recreation
   * @param command the command after interpolation, or null for the image's own
   * @param builtFrom the build context the container's image was built from (null for a pulled image): a
   *     stale build shows the old context
   */
  public record ContainerView(String id, String name, String service, String image, String state, String health,
      Map<String, String> labels, Map<String, String> environment, List<Publisher> publishers, List<String> mounts,
      List<String> networks, int generation, List<String> command, String builtFrom) {}
}
