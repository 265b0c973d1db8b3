package dev.tenantwright.testkit.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.testkit.FakeProgram;
import dev.tenantwright.testkit.ProgramResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful fake of the Docker Compose v2 CLI for the {@link dev.tenantwright.testkit.FakeCommandRunner}:
 * {@code up}, {@code ps}, {@code down}, {@code pull}, {@code build}, {@code config} and {@code version}, with
 * projects, containers, named volumes and networks kept in memory and Compose's own output and messages.
 *
 * <p>It reads the compose file named with {@code -f} (or found in the project directory) from disk and
 * interpolates it from the project directory's {@code .env} and the command's environment, as Compose does,
 * so a plugin's rendered files and secrets are exercised for real:
 * <ul>
 *   <li>{@code up -d [--wait]} creates one container per service ({@code <project>-<service>-1}), the project's
 *       networks and named volumes; on an unchanged service it is a no-op, a changed service definition
 *       recreates that container and those of the services that depend on it, as Compose does (its
 *       {@linkplain ContainerView#generation() generation} goes up);
 *       {@code --force-recreate} recreates all; orphans stay (with Compose's warning) unless
 *       {@code --remove-orphans}.
 *   <li>{@code ps --format json [-a]} prints JSON Lines, or a single JSON array when the fake plays a Compose
 *       older than 2.21 ({@link #version(String)}), with Compose's field names ({@code Name, Service, State,
 *       Health, ExitCode, Publishers, Labels, ...}).
 *   <li>{@code down [-v] [--remove-orphans]} is idempotent: with nothing left it prints
 *       {@code Warning: No resource found to remove for project "x".} and exits 0.
 *   <li>an invalid {@code -p} name is refused with Compose's message and exit 1; a missing {@code -f} file
 *       exits 14.
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
 * FakeDockerCompose compose = new FakeDockerCompose();
 * FakeCommandRunner runner = new FakeCommandRunner().on(compose);
 * compose.unhealthy("web");                    // the next up --wait fails: container acme-web-1 is unhealthy
 * ...
 * assertThat(compose.liveObjects()).isEmpty(); // after delete: no container, volume or network
 * }</pre>
 */
public final class FakeDockerCompose extends FakeProgram {

  /** The Compose version played by default. */
  public static final String DEFAULT_VERSION = "2.26.1";

  private static final Pattern PROJECT_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  private static final Pattern VAR = Pattern.compile("\\$(\\$|\\{([^}]*)}|([A-Za-z_][A-Za-z0-9_]*))");
  private static final List<String> DEFAULT_FILES =
      List.of("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml");
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  private final boolean plugin;
  private String version = DEFAULT_VERSION;
  private final Map<String, ProjectState> projects = new TreeMap<>();
  private final Set<String> unhealthy = new TreeSet<>();
  private final Set<String> slow = new TreeSet<>();
  private final Map<String, Integer> exiting = new TreeMap<>();
  private final Set<String> failingPulls = new TreeSet<>();
  private final Set<String> externalNetworks = new TreeSet<>();
  private final Map<String, Integer> pulls = new TreeMap<>();
  private final Map<String, Integer> builds = new TreeMap<>();
  private final List<String> history = new ArrayList<>();
  private IntConsumer afterCall;
  private Function<String, List<String>> validator;
  private final List<String> validated = new ArrayList<>();
  private int calls;
  private int nextId = 1;
  private int nextPort = 32768;

  /** A fake of {@code docker compose} (the CLI plugin), played under the program name {@code docker}. */
  public FakeDockerCompose() {
    this(true);
  }

  private FakeDockerCompose(boolean plugin) {
    super(plugin ? "docker" : "docker-compose");
    this.plugin = plugin;
  }

  /** A fake of the standalone binary, played under {@code docker-compose} (argv without {@code compose}). */
  public static FakeDockerCompose standalone() {
    return new FakeDockerCompose(false);
  }

  /**
   * Plays this Compose version (default {@value #DEFAULT_VERSION}); before 2.21.0 {@code ps --format json}
   * prints one JSON array instead of JSON Lines.
   */
  public synchronized FakeDockerCompose version(String composeVersion) {
    parseVersion(composeVersion);
    this.version = composeVersion;
    return this;
  }

  /** Containers of this service (in any project) fail their healthcheck: {@code up --wait} exits 1. */
  public synchronized FakeDockerCompose unhealthy(String service) {
    unhealthy.add(Objects.requireNonNull(service, "service"));
    return this;
  }

  /** Containers of this service exit with {@code code} right after starting: {@code up --wait} exits 1. */
  public synchronized FakeDockerCompose exits(String service, int code) {
    exiting.put(Objects.requireNonNull(service, "service"), code);
    return this;
  }

  /**
   * Containers of this service stay "starting": {@code up --wait --wait-timeout N} exits 1 with
   * {@code application not healthy after Ns}; without a wait timeout the command times out.
   */
  public synchronized FakeDockerCompose slowToBecomeHealthy(String service) {
    slow.add(Objects.requireNonNull(service, "service"));
    return this;
  }

  /** Pulling this image fails as for an image that is not in any reachable registry. */
  public synchronized FakeDockerCompose failPull(String image) {
    failingPulls.add(Objects.requireNonNull(image, "image"));
    return this;
  }

  /** Declares a network that exists outside any project (e.g. Traefik's), for {@code external: true}. */
  public synchronized FakeDockerCompose externalNetwork(String name) {
    externalNetworks.add(Objects.requireNonNull(name, "name"));
    return this;
  }

  /** Forgets every configured failure (unhealthy, exits, slow, failing pulls). */
  public synchronized void clearFailures() {
    unhealthy.clear();
    slow.clear();
    exiting.clear();
    failingPulls.clear();
  }

  /**
   * Checks every compose file the fake reads with {@code validator} (text in, problems out), as Compose checks
   * files against its schema: a file with problems fails the command with exit 15 and
   * {@code validating <file>: <problems>}. Tests attach the plugin's schema validator here so that every file
   * a plugin makes Compose read is checked.
   */
  public synchronized FakeDockerCompose validateWith(Function<String, List<String>> fileValidator) {
    this.validator = Objects.requireNonNull(fileValidator, "fileValidator");
    return this;
  }

  /** The compose files checked by the {@linkplain #validateWith validator} so far, one entry per read. */
  public synchronized List<String> validatedFiles() {
    return List.copyOf(validated);
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
    return List.copyOf(history);
  }

  /** How often images were pulled, by image. */
  public synchronized Map<String, Integer> pulls() {
    return Map.copyOf(pulls);
  }

  /** How often services were built, by {@code project/service}. */
  public synchronized Map<String, Integer> builds() {
    return Map.copyOf(builds);
  }

  /** The names of the projects that hold anything. */
  public synchronized Set<String> projects() {
    return Set.copyOf(projects.keySet());
  }

  /** The containers of a project, by service name; empty when the project does not exist. */
  public synchronized Map<String, ContainerView> containers(String project) {
    ProjectState p = projects.get(project);
    Map<String, ContainerView> out = new TreeMap<>();
    if (p != null) {
      p.containers.forEach((service, c) -> out.put(service, c.view()));
    }
    return out;
  }

  /** The named volumes of a project (their Docker names, e.g. {@code acme_data}). */
  public synchronized Set<String> volumes(String project) {
    ProjectState p = projects.get(project);
    return p == null ? Set.of() : Set.copyOf(p.volumes);
  }

  /** The networks of a project (their Docker names, e.g. {@code acme_default}). */
  public synchronized Set<String> networks(String project) {
    ProjectState p = projects.get(project);
    return p == null ? Set.of() : Set.copyOf(p.networks);
  }

  /**
   * Puts a running project into the fake as if someone had started it: one container per service carrying
   * {@code labels}, and the project's default network. Use it to plant owned or foreign objects.
   */
  public synchronized void plantProject(String project, Map<String, String> labels, String... services) {
    if (!PROJECT_NAME.matcher(project).matches()) {
      throw new IllegalArgumentException("invalid project name " + project);
    }
    ProjectState p = projects.computeIfAbsent(project, ProjectState::new);
    p.networks.add(project + "_default");
    for (String service : services) {
      ContainerState c = new ContainerState(newId(), project + "-" + service + "-1", service, "local/planted:1");
      c.labels.putAll(composeLabels(p, service, "planted"));
      c.labels.putAll(labels);
      c.state = "running";
      c.health = "";
      c.networks.add(project + "_default");
      p.containers.put(service, c);
    }
  }

  /** Every container, volume and network still held, one line each, e.g. {@code container acme-web-1}. */
  @Override
  public synchronized Collection<String> liveObjects() {
    List<String> out = new ArrayList<>();
    for (ProjectState p : projects.values()) {
      p.containers.values().forEach(c -> out.add("container " + c.name));
      p.volumes.forEach(v -> out.add("volume " + v));
      p.networks.forEach(n -> out.add("network " + n));
    }
    return out;
  }

  /** Forgets projects, counters and configured failures; keeps the version and external networks. */
  @Override
  public synchronized void reset() {
    projects.clear();
    pulls.clear();
    builds.clear();
    history.clear();
    calls = 0;
    clearFailures();
  }

  // ------------------------------------------------------------------------------------------------ dispatch

  @Override
  public ProgramResult handle(Command command) {
    ProgramResult result = dispatch(command);
    calls++;
    if (afterCall != null) {
      afterCall.accept(calls);
    }
    return result;
  }

  private ProgramResult dispatch(Command command) {
    List<String> args = new ArrayList<>(args(command));
    if (plugin) {
      if (args.isEmpty() || !args.get(0).equals("compose")) {
        String what = args.isEmpty() ? "" : args.get(0);
        return ProgramResult.failure(1, "docker: '" + what + "' is not a docker command.\nSee 'docker --help'\n");
      }
      args.remove(0);
    }
    Globals g = new Globals();
    int i = 0;
    while (i < args.size() && args.get(i).startsWith("-")) {
      String flag = args.get(i);
      String value = null;
      int eq = flag.indexOf('=');
      if (flag.startsWith("--") && eq > 0) {
        value = flag.substring(eq + 1);
        flag = flag.substring(0, eq);
      }
      switch (flag) {
        case "-p", "--project-name", "-f", "--file", "--project-directory", "--env-file", "--ansi", "--progress",
            "--profile", "--parallel" -> {
          if (value == null) {
            if (i + 1 >= args.size()) {
              return ProgramResult.failure(1, "flag needs an argument: " + flag + "\n");
            }
            value = args.get(++i);
          }
          switch (flag) {
            case "-p", "--project-name" -> g.project = value;
            case "-f", "--file" -> g.files.add(value);
            case "--project-directory" -> g.projectDir = value;
            case "--env-file" -> g.envFiles.add(value);
            default -> { }
          }
        }
        case "--dry-run", "--compatibility" -> { }
        default -> {
          return ProgramResult.failure(1, "unknown flag: " + flag + "\n");
        }
      }
      i++;
    }
    if (i >= args.size()) {
      return ProgramResult.ok("Usage:  docker compose [OPTIONS] COMMAND\n");
    }
    String sub = args.get(i);
    List<String> rest = args.subList(i + 1, args.size());
    if (sub.equals("version")) {
      return rest.contains("--short") ? ProgramResult.ok(version + "\n")
          : ProgramResult.ok("Docker Compose version v" + version + "\n");
    }
    Invocation inv;
    try {
      inv = resolve(command, g, sub);
    } catch (ComposeError e) {
      return ProgramResult.failure(e.exitCode, e.getMessage() + "\n");
    }
    history.add(inv.project + " " + sub);
    try {
      return switch (sub) {
        case "up" -> up(inv, rest);
        case "ps" -> ps(inv, rest);
        case "down" -> down(inv, rest);
        case "pull" -> pull(inv, rest);
        case "build" -> build(inv, rest);
        case "config" -> config(inv, rest);
        default -> ProgramResult.failure(1, "docker: 'compose " + sub + "' is not a docker command.\n");
      };
    } catch (ComposeError e) {
      return new ProgramResult(e.exitCode, "", e.stderr + e.getMessage() + "\n");
    }
  }

  // ------------------------------------------------------------------------------------------------ up

  private ProgramResult up(Invocation inv, List<String> rest) {
    Flags f = Flags.parse(rest, Set.of("-d", "--detach", "--wait", "--remove-orphans", "--force-recreate",
        "--no-recreate", "--build", "--no-build", "--quiet-pull", "-y", "--no-deps", "--always-recreate-deps",
        "--renew-anon-volumes", "-V", "--no-start", "--no-color"), Set.of("--wait-timeout", "--pull", "-t", "--timeout"));
    Model model = inv.requireModel();
    StringBuilder err = new StringBuilder(inv.warnings);
    ProjectState p = projects.computeIfAbsent(inv.project, ProjectState::new);
    p.workingDir = inv.projectDir;
    p.configFiles = inv.fileNames();

    for (Map.Entry<String, JsonNode> n : model.networks.entrySet()) {
      JsonNode def = n.getValue();
      if (def.path("external").asBoolean(false)) {
        String name = def.path("name").asText(n.getKey());
        if (!externalNetworks.contains(name)) {
          throw new ComposeError(1, err.toString(), "network " + name + " declared as external, but could not be found");
        }
        continue;
      }
      String name = def.path("name").asText(inv.project + "_" + n.getKey());
      if (p.networks.add(name)) {
        err.append(" Network ").append(name).append("  Created\n");
      }
    }
    for (Map.Entry<String, JsonNode> v : model.volumes.entrySet()) {
      JsonNode def = v.getValue();
      if (def.path("external").asBoolean(false)) {
        continue;
      }
      String name = def.path("name").asText(inv.project + "_" + v.getKey());
      if (p.volumes.add(name)) {
        err.append(" Volume \"").append(name).append("\"  Created\n");
      }
    }

    Set<String> orphans = new TreeSet<>(p.containers.keySet());
    orphans.removeAll(model.services.keySet());
    if (!orphans.isEmpty()) {
      if (f.has("--remove-orphans")) {
        for (String o : orphans) {
          ContainerState c = p.containers.remove(o);
          err.append(" Container ").append(c.name).append("  Removed\n");
        }
      } else {
        List<String> names = orphans.stream().map(o -> p.containers.get(o).name).toList();
        err.append("time=\"2026-01-01T00:00:00Z\" level=warning msg=\"Found orphan containers (")
            .append(names).append(") for this project. If you removed or renamed this service in your compose file,")
            .append(" you can run this command with the --remove-orphans flag to clean it up.\"\n");
      }
    }

    boolean force = f.has("--force-recreate");
    boolean noRecreate = f.has("--no-recreate");
    Set<String> recreate = new TreeSet<>();
    for (Map.Entry<String, JsonNode> s : model.services.entrySet()) {
      ContainerState existing = p.containers.get(s.getKey());
      if (existing == null || force || !existing.state.equals("running")
          || (!noRecreate && !hash(s.getValue()).equals(existing.configHash))) {
        recreate.add(s.getKey());
      }
    }
    // Compose recreates the dependents of a recreated service as well.
    boolean grew = !noRecreate;
    while (grew) {
      grew = false;
      for (Map.Entry<String, JsonNode> s : model.services.entrySet()) {
        if (!recreate.contains(s.getKey()) && dependencies(s.getValue()).stream().anyMatch(recreate::contains)) {
          grew = recreate.add(s.getKey());
        }
      }
    }
    for (Map.Entry<String, JsonNode> s : model.services.entrySet()) {
      String service = s.getKey();
      JsonNode def = s.getValue();
      String hash = hash(def);
      ContainerState existing = p.containers.get(service);
      if (existing != null && !recreate.contains(service)) {
        if (!existing.health.isEmpty()) {
          // time has passed: the healthcheck now answers as currently configured
          existing.health = healthOf(service);
        }
        err.append(" Container ").append(existing.name).append("  Running\n");
        continue;
      }
      if (f.has("--build") && def.has("build")) {
        builds.merge(inv.project + "/" + service, 1, Integer::sum);
      }
      ContainerState c = create(inv, p, model, service, def, hash);
      if (existing != null) {
        c.generation = existing.generation + 1;
        err.append(" Container ").append(c.name).append("  Recreate\n");
        reusePorts(existing, c);
      } else {
        err.append(" Container ").append(c.name).append("  Created\n");
      }
      allocatePorts(p, c);
      p.containers.put(service, c);
      err.append(" Container ").append(c.name).append("  Started\n");
    }

    boolean wait = f.has("--wait");
    if (!wait) {
      return new ProgramResult(0, "", err.toString());
    }
    for (ContainerState c : p.containers.values()) {
      if (!model.services.containsKey(c.service)) {
        continue;
      }
      err.append(" Container ").append(c.name).append("  Waiting\n");
      if (c.state.equals("exited")) {
        throw new ComposeError(1, err.toString(), "container " + c.name + " exited (" + c.exitCode + ")");
      }
      if (c.health.equals("unhealthy")) {
        throw new ComposeError(1, err.toString(), "container " + c.name + " is unhealthy");
      }
      if (c.health.equals("starting")) {
        String timeout = f.value("--wait-timeout");
        if (timeout == null) {
          throw new RetryableException("command 'docker compose up' timed out while waiting for " + c.name
              + " to become healthy and was killed; its effect is unknown");
        }
        throw new ComposeError(1, err.toString(), "application not healthy after " + timeout + "s");
      }
      err.append(" Container ").append(c.name).append("  Healthy\n");
    }
    return new ProgramResult(0, "", err.toString());
  }

  private ContainerState create(Invocation inv, ProjectState p, Model model, String service, JsonNode def,
      String hash) {
    String image = def.hasNonNull("image") ? def.get("image").asText() : inv.project + "-" + service;
    ContainerState c = new ContainerState(newId(), inv.project + "-" + service + "-1", service, image);
    c.configHash = hash;
    c.labels.putAll(composeLabels(p, service, hash));
    c.labels.putAll(stringMap(def.get("labels")));
    c.environment.putAll(stringMap(def.get("environment")));
    for (String n : serviceNetworks(def)) {
      JsonNode nd = model.networks.getOrDefault(n, JsonNodeFactory.instance.objectNode());
      c.networks.add(nd.path("name").asText(nd.path("external").asBoolean(false) ? n : inv.project + "_" + n));
    }
    for (String v : namedVolumes(def)) {
      JsonNode vd = model.volumes.getOrDefault(v, JsonNodeFactory.instance.objectNode());
      c.mounts.add(vd.path("name").asText(vd.path("external").asBoolean(false) ? v : inv.project + "_" + v));
    }
    c.ports.addAll(portRequests(def.get("ports")));
    boolean healthcheck = def.has("healthcheck") && !def.get("healthcheck").path("disable").asBoolean(false)
        && def.get("healthcheck").has("test");
    if (exiting.containsKey(service)) {
      c.state = "exited";
      c.exitCode = exiting.get(service);
      c.health = "";
    } else {
      c.state = "running";
      c.health = healthcheck ? healthOf(service) : "";
    }
    return c;
  }

  private String healthOf(String service) {
    return unhealthy.contains(service) ? "unhealthy" : slow.contains(service) ? "starting" : "healthy";
  }

  private static void reusePorts(ContainerState old, ContainerState c) {
    for (Publisher want : c.ports) {
      for (Publisher had : old.publishers) {
        if (want.targetPort() == had.targetPort() && want.publishedPort() == 0 && want.url().equals(had.url())) {
          c.reused.put(want.targetPort(), had.publishedPort());
        }
      }
    }
  }

  private void allocatePorts(ProjectState project, ContainerState c) {
    for (Publisher want : c.ports) {
      int port = want.publishedPort();
      if (port == 0) {
        port = c.reused.getOrDefault(want.targetPort(), nextPort++);
      } else {
        for (ProjectState other : projects.values()) {
          for (ContainerState oc : other.containers.values()) {
            if (oc.service.equals(c.service) && other == project) {
              continue;
            }
            for (Publisher taken : oc.publishers) {
              if (taken.publishedPort() == port) {
                throw new ComposeError(1, "", "Error response from daemon: driver failed programming external "
                    + "connectivity on endpoint " + c.name + ": Bind for " + want.url() + ":" + port
                    + " failed: port is already allocated");
              }
            }
          }
        }
      }
      c.publishers.add(new Publisher(want.url(), want.targetPort(), port, want.protocol()));
    }
  }

  // ------------------------------------------------------------------------------------------------ ps

  private ProgramResult ps(Invocation inv, List<String> rest) {
    Flags f = Flags.parse(rest, Set.of("-a", "--all", "-q", "--quiet", "--services", "--no-trunc", "--orphans"),
        Set.of("--format", "--status", "--filter"));
    ProjectState p = projects.get(inv.project);
    List<ContainerState> shown = new ArrayList<>();
    if (p != null) {
      for (ContainerState c : p.containers.values()) {
        if (f.has("-a") || f.has("--all") || c.state.equals("running")) {
          String status = f.value("--status");
          if (status == null || status.equals(c.state)) {
            shown.add(c);
          }
        }
      }
    }
    if (f.has("-q") || f.has("--quiet")) {
      StringBuilder sb = new StringBuilder();
      shown.forEach(c -> sb.append(c.id).append('\n'));
      return ProgramResult.ok(sb.toString());
    }
    if (f.has("--services")) {
      StringBuilder sb = new StringBuilder();
      shown.forEach(c -> sb.append(c.service).append('\n'));
      return ProgramResult.ok(sb.toString());
    }
    String format = f.value("--format");
    if (format == null || format.equals("table")) {
      StringBuilder sb = new StringBuilder("NAME      IMAGE     COMMAND   SERVICE   CREATED   STATUS    PORTS\n");
      shown.forEach(c -> sb.append(c.name).append("   ").append(c.image).append("   ").append(c.service)
          .append("   ").append(status(c)).append('\n'));
      return ProgramResult.ok(sb.toString());
    }
    if (!format.equals("json")) {
      return ProgramResult.failure(1, "unsupported format in this fake: " + format + "\n");
    }
    List<ObjectNode> rows = new ArrayList<>();
    for (ContainerState c : shown) {
      rows.add(psJson(inv.project, c));
    }
    if (compare(version, "2.21.0") < 0) {
      ArrayNode array = JSON.createArrayNode();
      rows.forEach(array::add);
      return ProgramResult.ok(write(array) + "\n");
    }
    StringBuilder sb = new StringBuilder();
    rows.forEach(r -> sb.append(write(r)).append('\n'));
    return ProgramResult.ok(sb.toString());
  }

  private ObjectNode psJson(String project, ContainerState c) {
    ObjectNode o = JSON.createObjectNode();
    o.put("Command", "\"/bin/serve\"");
    o.put("CreatedAt", "2026-01-01 00:00:00 +0000 UTC");
    o.put("ExitCode", c.exitCode);
    o.put("Health", c.health);
    o.put("ID", c.id);
    o.put("Image", c.image);
    List<String> labels = new ArrayList<>();
    c.labels.forEach((k, v) -> labels.add(k + "=" + v));
    o.put("Labels", String.join(",", labels));
    o.put("LocalVolumes", Integer.toString(c.mounts.size()));
    o.put("Mounts", String.join(",", c.mounts));
    o.put("Name", c.name);
    o.put("Names", c.name);
    o.put("Networks", String.join(",", c.networks));
    List<String> ports = new ArrayList<>();
    ArrayNode publishers = o.putArray("Publishers");
    for (Publisher pub : c.publishers) {
      ports.add(pub.url() + ":" + pub.publishedPort() + "->" + pub.targetPort() + "/" + pub.protocol());
      publishers.addObject().put("URL", pub.url()).put("TargetPort", pub.targetPort())
          .put("PublishedPort", pub.publishedPort()).put("Protocol", pub.protocol());
    }
    o.put("Ports", String.join(", ", ports));
    o.put("Project", project);
    o.put("RunningFor", "1 second ago");
    o.put("Service", c.service);
    o.put("Size", "0B");
    o.put("State", c.state);
    o.put("Status", status(c));
    return o;
  }

  private static String status(ContainerState c) {
    if (c.state.equals("exited")) {
      return "Exited (" + c.exitCode + ") 1 second ago";
    }
    return "Up 1 second" + (c.health.isEmpty() ? "" : " (" + (c.health.equals("starting") ? "health: starting" : c.health) + ")");
  }

  // ------------------------------------------------------------------------------------------------ down

  private ProgramResult down(Invocation inv, List<String> rest) {
    Flags f = Flags.parse(rest, Set.of("-v", "--volumes", "--remove-orphans"), Set.of("-t", "--timeout", "--rmi"));
    ProjectState p = projects.get(inv.project);
    if (p == null || p.isEmpty()) {
      projects.remove(inv.project);
      return new ProgramResult(0, "", inv.warnings
          + "Warning: No resource found to remove for project \"" + inv.project + "\".\n");
    }
    StringBuilder err = new StringBuilder(inv.warnings);
    Set<String> services = inv.model == null ? null : inv.model.services.keySet();
    boolean orphans = f.has("--remove-orphans");
    for (Iterator<ContainerState> it = p.containers.values().iterator(); it.hasNext(); ) {
      ContainerState c = it.next();
      if (services == null || orphans || services.contains(c.service)) {
        err.append(" Container ").append(c.name).append("  Stopped\n");
        err.append(" Container ").append(c.name).append("  Removed\n");
        it.remove();
      }
    }
    if (f.has("-v") || f.has("--volumes")) {
      for (String v : p.volumes) {
        err.append(" Volume ").append(v).append("  Removed\n");
      }
      p.volumes.clear();
    }
    if (p.containers.isEmpty()) {
      for (String n : p.networks) {
        err.append(" Network ").append(n).append("  Removed\n");
      }
      p.networks.clear();
    }
    if (p.isEmpty()) {
      projects.remove(inv.project);
    }
    return new ProgramResult(0, "", err.toString());
  }

  // ------------------------------------------------------------------------------------------------ pull, build, config

  private ProgramResult pull(Invocation inv, List<String> rest) {
    Flags f = Flags.parse(rest, Set.of("-q", "--quiet", "--ignore-pull-failures", "--include-deps",
        "--ignore-buildable"), Set.of("--policy"));
    Model model = inv.requireModel();
    StringBuilder err = new StringBuilder(inv.warnings);
    for (Map.Entry<String, JsonNode> s : model.services.entrySet()) {
      JsonNode def = s.getValue();
      if (!def.hasNonNull("image")) {
        continue;
      }
      String image = def.get("image").asText();
      if (failingPulls.contains(image)) {
        String why = "Error response from daemon: pull access denied for " + image
            + ", repository does not exist or may require 'docker login'";
        if (!f.has("--ignore-pull-failures")) {
          throw new ComposeError(18, err.toString(), why);
        }
        err.append(" ").append(s.getKey()).append(" Warning ").append(why).append('\n');
        continue;
      }
      pulls.merge(image, 1, Integer::sum);
      err.append(" ").append(s.getKey()).append(" Pulled \n");
    }
    return new ProgramResult(0, "", err.toString());
  }

  private ProgramResult build(Invocation inv, List<String> rest) {
    Flags.parse(rest, Set.of("-q", "--quiet", "--pull", "--no-cache"), Set.of("--build-arg", "--progress"));
    Model model = inv.requireModel();
    for (Map.Entry<String, JsonNode> s : model.services.entrySet()) {
      if (s.getValue().has("build")) {
        builds.merge(inv.project + "/" + s.getKey(), 1, Integer::sum);
      }
    }
    return new ProgramResult(0, "", inv.warnings);
  }

  private ProgramResult config(Invocation inv, List<String> rest) {
    Flags f = Flags.parse(rest, Set.of("-q", "--quiet", "--services", "--volumes", "--no-interpolate"),
        Set.of("--format", "-o", "--output"));
    Model model = inv.requireModel();
    if (f.has("-q") || f.has("--quiet")) {
      return new ProgramResult(0, "", inv.warnings);
    }
    if (f.has("--services")) {
      return new ProgramResult(0, String.join("\n", model.services.keySet()) + "\n", inv.warnings);
    }
    return new ProgramResult(0, write(model.document), inv.warnings);
  }

  // ------------------------------------------------------------------------------------------------ model

  private Invocation resolve(Command command, Globals g, String sub) {
    Path cwd = command.workingDir() != null ? command.workingDir() : Path.of("").toAbsolutePath();
    List<Path> files = new ArrayList<>();
    for (String f : g.files) {
      Path p = Path.of(f);
      files.add(p.isAbsolute() ? p : cwd.resolve(p));
    }
    Path projectDir = g.projectDir != null ? cwd.resolve(g.projectDir)
        : !files.isEmpty() ? files.get(0).toAbsolutePath().getParent() : cwd;
    if (files.isEmpty()) {
      for (String candidate : DEFAULT_FILES) {
        Path p = projectDir.resolve(candidate);
        if (Files.isRegularFile(p)) {
          files.add(p);
          break;
        }
      }
    }
    Map<String, String> vars = new LinkedHashMap<>();
    if (g.envFiles.isEmpty()) {
      Path dotEnv = projectDir.resolve(".env");
      if (Files.isRegularFile(dotEnv)) {
        vars.putAll(readEnvFile(dotEnv));
      }
    } else {
      for (String e : g.envFiles) {
        Path p = cwd.resolve(e);
        if (!Files.isRegularFile(p)) {
          throw new ComposeError(1, "", "couldn't find env file: " + p);
        }
        vars.putAll(readEnvFile(p));
      }
    }
    vars.putAll(command.environment());

    Invocation inv = new Invocation();
    inv.projectDir = projectDir;
    inv.files = files;
    StringBuilder warnings = new StringBuilder();
    if (!files.isEmpty()) {
      ObjectNode merged = JSON.createObjectNode();
      for (Path file : files) {
        if (!Files.isRegularFile(file)) {
          throw new ComposeError(14, "", "open " + file + ": no such file or directory");
        }
        JsonNode doc;
        try {
          String text = Files.readString(file, StandardCharsets.UTF_8);
          if (validator != null) {
            List<String> problems = validator.apply(text);
            validated.add(file.toString());
            if (!problems.isEmpty()) {
              throw new ComposeError(15, "", "validating " + file + ": " + String.join("; ", problems));
            }
          }
          doc = YAML.readTree(text);
        } catch (IOException e) {
          throw new ComposeError(15, "", "yaml: " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (doc == null || !doc.isObject()) {
          throw new ComposeError(15, "", "Top-level object must be a mapping");
        }
        merge(merged, (ObjectNode) doc);
      }
      Set<String> unset = new LinkedHashSet<>();
      JsonNode interpolated = interpolate(merged, vars, unset);
      for (String u : unset) {
        warnings.append("time=\"2026-01-01T00:00:00Z\" level=warning msg=\"The \\\"").append(u)
            .append("\\\" variable is not set. Defaulting to a blank string.\"\n");
      }
      inv.model = Model.of((ObjectNode) interpolated);
    } else if (sub.equals("up") || sub.equals("pull") || sub.equals("build") || sub.equals("config")) {
      throw new ComposeError(1, "", "no configuration file provided: not found");
    }
    inv.warnings = warnings.toString();

    String project = g.project;
    if (project == null) {
      project = vars.get("COMPOSE_PROJECT_NAME");
    }
    if (project == null && inv.model != null && inv.model.document.hasNonNull("name")) {
      project = inv.model.document.get("name").asText();
    }
    if (project == null) {
      Path base = projectDir.getFileName();
      project = normalize(base == null ? "" : base.toString());
    }
    if (!PROJECT_NAME.matcher(project).matches()) {
      throw new ComposeError(1, "", "invalid project name \"" + project + "\": must consist only of lowercase "
          + "alphanumeric characters, hyphens, and underscores as well as start with a letter or number");
    }
    inv.project = project;
    if (inv.model != null) {
      inv.model.check();
    }
    return inv;
  }

  private static void merge(ObjectNode into, ObjectNode from) {
    from.properties().forEach(e -> {
      JsonNode existing = into.get(e.getKey());
      if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode fo) {
        merge(eo, fo);
      } else {
        into.set(e.getKey(), e.getValue().deepCopy());
      }
    });
  }

  private static JsonNode interpolate(JsonNode node, Map<String, String> vars, Set<String> unset) {
    if (node.isTextual()) {
      return TextNode.valueOf(interpolate(node.asText(), vars, unset));
    }
    if (node.isObject()) {
      ObjectNode out = JSON.createObjectNode();
      node.properties().forEach(e -> out.set(e.getKey(), interpolate(e.getValue(), vars, unset)));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JSON.createArrayNode();
      node.forEach(n -> out.add(interpolate(n, vars, unset)));
      return out;
    }
    return node;
  }

  private static String interpolate(String text, Map<String, String> vars, Set<String> unset) {
    Matcher m = VAR.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group(1).equals("$")) {
        replacement = "$";
      } else {
        String expr = m.group(2) != null ? m.group(2) : m.group(3);
        replacement = resolveVar(expr, vars, unset);
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static String resolveVar(String expr, Map<String, String> vars, Set<String> unset) {
    for (String op : List.of(":-", ":?", "-", "?")) {
      int at = expr.indexOf(op);
      if (at > 0) {
        String name = expr.substring(0, at);
        String arg = expr.substring(at + op.length());
        String value = vars.get(name);
        boolean missing = op.startsWith(":") ? value == null || value.isEmpty() : value == null;
        if (!missing) {
          return value;
        }
        if (op.endsWith("?")) {
          throw new ComposeError(1, "", "required variable " + name + " is missing a value: " + arg);
        }
        return arg;
      }
    }
    String value = vars.get(expr);
    if (value == null) {
      unset.add(expr);
      return "";
    }
    return value;
  }

  private static Map<String, String> readEnvFile(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ComposeError(1, "", "failed to read " + file + ": " + e.getMessage());
    }
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring(7).strip();
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new ComposeError(1, "", "failed to read " + file + ": unexpected character in variable name \""
            + line + "\"");
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
        value = value.substring(1, value.length() - 1);
      } else if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
      } else {
        int hash = value.indexOf(" #");
        if (hash >= 0) {
          value = value.substring(0, hash).strip();
        }
      }
      out.put(key, value);
    }
    return out;
  }

  private static String normalize(String name) {
    String lower = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_-]", "");
    return lower.replaceFirst("^[_-]+", "");
  }

  private Map<String, String> composeLabels(ProjectState p, String service, String hash) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("com.docker.compose.config-hash", hash);
    labels.put("com.docker.compose.container-number", "1");
    labels.put("com.docker.compose.oneoff", "False");
    labels.put("com.docker.compose.project", p.name);
    labels.put("com.docker.compose.project.config_files", String.join(",", p.configFiles));
    labels.put("com.docker.compose.project.working_dir", p.workingDir == null ? "" : p.workingDir.toString());
    labels.put("com.docker.compose.service", service);
    labels.put("com.docker.compose.version", version);
    return labels;
  }

  private String newId() {
    return String.format("%012x", 0xc0ffee000000L + nextId++);
  }

  private static String hash(JsonNode def) {
    try {
      Object plain = CANONICAL.treeToValue(def, Object.class);
      byte[] bytes = CANONICAL.writeValueAsBytes(plain);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> out = new TreeMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (node.isObject()) {
      node.properties().forEach(e -> out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        String s = item.asText();
        int eq = s.indexOf('=');
        out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
      }
    }
    return out;
  }

  private static List<String> dependencies(JsonNode def) {
    List<String> out = new ArrayList<>();
    JsonNode d = def.get("depends_on");
    if (d != null && d.isArray()) {
      d.forEach(x -> out.add(x.asText()));
    } else if (d != null && d.isObject()) {
      d.fieldNames().forEachRemaining(out::add);
    }
    return out;
  }

  private static List<String> serviceNetworks(JsonNode def) {
    JsonNode n = def.get("networks");
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      if (!def.path("network_mode").isMissingNode()) {
        return out;
      }
      out.add("default");
    } else if (n.isArray()) {
      n.forEach(x -> out.add(x.asText()));
    } else {
      n.fieldNames().forEachRemaining(out::add);
    }
    return out;
  }

  private static List<String> namedVolumes(JsonNode def) {
    List<String> out = new ArrayList<>();
    JsonNode v = def.get("volumes");
    if (v == null || !v.isArray()) {
      return out;
    }
    for (JsonNode item : v) {
      String source;
      if (item.isTextual()) {
        String s = item.asText();
        int colon = s.indexOf(':');
        source = colon < 0 ? null : s.substring(0, colon);
      } else {
        String type = item.path("type").asText("volume");
        source = type.equals("volume") ? item.path("source").asText(null) : null;
      }
      if (source != null && !source.isEmpty() && !source.startsWith("/") && !source.startsWith(".")
          && !source.startsWith("~") && !source.startsWith("$")) {
        out.add(source);
      }
    }
    return out;
  }

  private static List<Publisher> portRequests(JsonNode ports) {
    List<Publisher> out = new ArrayList<>();
    if (ports == null || !ports.isArray()) {
      return out;
    }
    for (JsonNode p : ports) {
      if (p.isObject()) {
        String published = p.path("published").asText("");
        out.add(new Publisher(p.path("host_ip").asText("0.0.0.0"), p.path("target").asInt(),
            published.isEmpty() ? 0 : Integer.parseInt(published), p.path("protocol").asText("tcp")));
        continue;
      }
      String s = p.asText();
      String protocol = "tcp";
      int slash = s.indexOf('/');
      if (slash >= 0) {
        protocol = s.substring(slash + 1);
        s = s.substring(0, slash);
      }
      String[] parts = s.split(":", -1);
      String ip = "0.0.0.0";
      String published = "";
      String target;
      if (parts.length == 1) {
        target = parts[0];
      } else if (parts.length == 2) {
        published = parts[0];
        target = parts[1];
      } else {
        ip = parts[0];
        published = parts[1];
        target = parts[2];
      }
      out.add(new Publisher(ip, Integer.parseInt(target), published.isEmpty() ? 0 : Integer.parseInt(published), protocol));
    }
    return out;
  }

  private static int compare(String a, String b) {
    int[] x = parseVersion(a);
    int[] y = parseVersion(b);
    for (int i = 0; i < 3; i++) {
      if (x[i] != y[i]) {
        return Integer.compare(x[i], y[i]);
      }
    }
    return 0;
  }

  private static int[] parseVersion(String v) {
    Matcher m = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+).*").matcher(Objects.requireNonNull(v, "version"));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a Compose version such as 2.26.1: " + v);
    }
    return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
  }

  // ------------------------------------------------------------------------------------------------ types

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
   */
  public record ContainerView(String id, String name, String service, String image, String state, String health,
      Map<String, String> labels, Map<String, String> environment, List<Publisher> publishers, List<String> mounts,
      List<String> networks, int generation) {}

  private static final class ComposeError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int exitCode;
    final String stderr;

    ComposeError(int exitCode, String stderr, String message) {
      super(message);
      this.exitCode = exitCode;
      this.stderr = stderr;
    }
  }

  private static final class Globals {
    String project;
    final List<String> files = new ArrayList<>();
    String projectDir;
    final List<String> envFiles = new ArrayList<>();
  }

  private static final class Invocation {
    String project;
    Path projectDir;
    List<Path> files;
    Model model;
    String warnings = "";

    Model requireModel() {
      if (model == null) {
        throw new ComposeError(1, "", "no configuration file provided: not found");
      }
      return model;
    }

    List<String> fileNames() {
      return files.stream().map(Path::toString).toList();
    }
  }

  private static final class Model {
    ObjectNode document;
    final Map<String, JsonNode> services = new TreeMap<>();
    final Map<String, JsonNode> networks = new TreeMap<>();
    final Map<String, JsonNode> volumes = new TreeMap<>();

    static Model of(ObjectNode doc) {
      Model m = new Model();
      m.document = doc;
      JsonNode services = doc.get("services");
      if (services != null && services.isObject()) {
        services.properties().forEach(e -> m.services.put(e.getKey(),
            e.getValue().isNull() ? JSON.createObjectNode() : e.getValue()));
      }
      JsonNode networks = doc.get("networks");
      if (networks != null && networks.isObject()) {
        networks.properties().forEach(e -> m.networks.put(e.getKey(),
            e.getValue().isNull() ? JSON.createObjectNode() : e.getValue()));
      }
      JsonNode volumes = doc.get("volumes");
      if (volumes != null && volumes.isObject()) {
        volumes.properties().forEach(e -> m.volumes.put(e.getKey(),
            e.getValue().isNull() ? JSON.createObjectNode() : e.getValue()));
      }
      return m;
    }

    void check() {
      if (services.isEmpty()) {
        throw new ComposeError(1, "", "no service selected");
      }
      boolean needsDefault = false;
      for (Map.Entry<String, JsonNode> s : services.entrySet()) {
        JsonNode def = s.getValue();
        if (!def.hasNonNull("image") && !def.has("build")) {
          throw new ComposeError(15, "", "service \"" + s.getKey()
              + "\" has neither an image nor a build context specified: invalid compose project");
        }
        for (String n : serviceNetworks(def)) {
          if (n.equals("default") && !networks.containsKey("default")) {
            needsDefault = true;
          } else if (!networks.containsKey(n)) {
            throw new ComposeError(15, "", "service \"" + s.getKey() + "\" refers to undefined network " + n
                + ": invalid compose project");
          }
        }
        for (String v : namedVolumes(def)) {
          if (!volumes.containsKey(v)) {
            throw new ComposeError(15, "", "service \"" + s.getKey() + "\" refers to undefined volume " + v
                + ": invalid compose project");
          }
        }
      }
      if (needsDefault) {
        networks.put("default", JSON.createObjectNode());
      }
    }
  }

  private static final class ProjectState {
    final String name;
    Path workingDir;
    List<String> configFiles = List.of();
    final Map<String, ContainerState> containers = new TreeMap<>();
    final Set<String> volumes = new TreeSet<>();
    final Set<String> networks = new TreeSet<>();

    ProjectState(String name) {
      this.name = name;
    }

    boolean isEmpty() {
      return containers.isEmpty() && volumes.isEmpty() && networks.isEmpty();
    }
  }

  private static final class ContainerState {
    final String id;
    final String name;
    final String service;
    final String image;
    String state = "created";
    String health = "";
    int exitCode;
    String configHash = "";
    int generation = 1;
    final Map<String, String> labels = new TreeMap<>();
    final Map<String, String> environment = new TreeMap<>();
    final List<Publisher> ports = new ArrayList<>();
    final List<Publisher> publishers = new ArrayList<>();
    final Map<Integer, Integer> reused = new LinkedHashMap<>();
    final List<String> mounts = new ArrayList<>();
    final List<String> networks = new ArrayList<>();

    ContainerState(String id, String name, String service, String image) {
      this.id = id;
      this.name = name;
      this.service = service;
      this.image = image;
    }

    ContainerView view() {
      return new ContainerView(id, name, service, image, state, health, Map.copyOf(labels), Map.copyOf(environment),
          List.copyOf(publishers), List.copyOf(mounts), List.copyOf(networks), generation);
    }
  }

  private static final class Flags {
    final Set<String> switches = new LinkedHashSet<>();
    final Map<String, String> values = new LinkedHashMap<>();

    static Flags parse(List<String> args, Set<String> switches, Set<String> valued) {
      Flags f = new Flags();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (!a.startsWith("-")) {
          continue;
        }
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0 && valued.contains(a.substring(0, eq))) {
          f.values.put(a.substring(0, eq), a.substring(eq + 1));
        } else if (valued.contains(a)) {
          if (i + 1 >= args.size()) {
            throw new ComposeError(1, "", "flag needs an argument: " + a);
          }
          f.values.put(a, args.get(++i));
        } else if (switches.contains(a)) {
          f.switches.add(a);
        } else if (a.length() > 2 && !a.startsWith("--") && allSwitches(a, switches)) {
          for (char ch : a.substring(1).toCharArray()) {
            f.switches.add("-" + ch);
          }
        } else {
          throw new ComposeError(1, "", "unknown flag: " + a);
        }
      }
      return f;
    }

    private static boolean allSwitches(String combined, Set<String> switches) {
      for (char ch : combined.substring(1).toCharArray()) {
        if (!switches.contains("-" + ch)) {
          return false;
        }
      }
      return true;
    }

    boolean has(String flag) {
      return switches.contains(flag);
    }

    String value(String flag) {
      return values.get(flag);
    }
  }
}
