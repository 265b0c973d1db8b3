package dev.tenantwright.testkit.compose.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.testkit.ProgramResult;
import dev.tenantwright.testkit.compose.DockerComposeFake.Publisher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fake's daemon state and its subcommands ({@code up}, {@code ps}, {@code down}, {@code pull},
 * {@code build}, {@code config}, {@code version}); {@link dev.tenantwright.testkit.compose.DockerComposeFake}
 * is the public face and holds the lock. Not thread-safe on its own.
 */
public final class ComposeCommands {

  /** Compose learned {@code up --wait-timeout} in 2.17.0 (docker/compose v2.17.0 {@code cmd/compose/up.go}). */
  public static final String WAIT_TIMEOUT_SINCE = "2.17.0";
  /**
   * {@code ps --format json} prints JSON Lines with docker-ps fields ({@code Labels}, {@code Image}, ...) since
   * 2.21.0 (docker/compose 41682acc7 "add support for attributes exposed by docker ps"); before, one JSON array
   * of {@code api.ContainerSummary} without labels (docker/compose v2.20.0 {@code pkg/api/api.go}).
   */
  public static final String PS_LABELS_SINCE = "2.21.0";

  private static final Pattern PROJECT_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

  /** The Compose version played. */
  public String version;
  /** Projects by name. */
  public final Map<String, ProjectState> projects = new TreeMap<>();
  /** Services whose containers fail their healthcheck. */
  public final Set<String> unhealthy = new TreeSet<>();
  /** Services whose containers stay "starting". */
  public final Set<String> slow = new TreeSet<>();
  /** Services whose containers exit at once, with their exit code. */
  public final Map<String, Integer> exiting = new TreeMap<>();
  /** Images no registry has. */
  public final Set<String> failingPulls = new TreeSet<>();
  /** Networks that exist outside any project. */
  public final Set<String> externalNetworks = new TreeSet<>();
  /** Explicit pulls by image. */
  public final Map<String, Integer> pulls = new TreeMap<>();
  /** Builds by {@code project/service}. */
  public final Map<String, Integer> builds = new TreeMap<>();
  /** Local images built on this daemon: image name to the build context it was last built from. */
  public final Map<String, String> builtImages = new TreeMap<>();
  private final Map<String, Integer> imageGeneration = new TreeMap<>();
  /** {@code "<project> <subcommand>"} per call. */
  public final List<String> history = new ArrayList<>();
  /** The environment every process is started with, before the command's own variables. */
  public final Map<String, String> processEnvironment = new TreeMap<>();
  /** The schema check of every file read, or null. */
  public Function<String, List<String>> validator;
  /** The files the validator checked. */
  public final List<String> validated = new ArrayList<>();
  private int nextId = 1;
  private int nextPort = 32768;

  /** A daemon playing {@code version}. */
  public ComposeCommands(String version) {
    this.version = version;
  }

  /** Runs one invocation; {@code plugin} says whether argv starts with {@code compose} (the CLI plugin). */
  public ProgramResult run(Command command, List<String> argv, boolean plugin) {
    List<String> args = new ArrayList<>(argv);
    if (plugin) {
      if (args.isEmpty() || !args.get(0).equals("compose")) {
        String what = args.isEmpty() ? "" : args.get(0);
        return ProgramResult.failure(1, "docker: '" + what + "' is not a docker command.\nSee 'docker --help'\n");
      }
      args.remove(0);
    }
    ProjectLoader.Globals g = new ProjectLoader.Globals();
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
      Map<String, String> env = new LinkedHashMap<>(processEnvironment);
      env.putAll(command.environment());
      Path cwd = command.workingDir() != null ? command.workingDir() : Path.of("").toAbsolutePath();
      inv = ProjectLoader.load(cwd, env, g, sub, validator, validated);
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
    Set<String> valued = new TreeSet<>(Set.of("--pull", "-t", "--timeout"));
    if (compare(version, WAIT_TIMEOUT_SINCE) >= 0) {
      valued.add("--wait-timeout");
    }
    Flags f = Flags.parse(rest, Set.of("-d", "--detach", "--wait", "--remove-orphans", "--force-recreate",
        "--no-recreate", "--build", "--no-build", "--quiet-pull", "-y", "--no-deps", "--always-recreate-deps",
        "--renew-anon-volumes", "-V", "--no-start", "--no-color"), valued);
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

    // An image is built by `up` only when it is missing locally, or with --build (docker/compose
    // pkg/compose/build.go ensureImagesExists): a changed build context alone does not rebuild it.
    for (Map.Entry<String, JsonNode> s : model.services.entrySet()) {
      String context = Model.buildContext(s.getValue());
      if (context != null) {
        String image = imageOf(inv.project, s.getKey(), s.getValue());
        if (f.has("--build") || !builtImages.containsKey(image)) {
          buildImage(inv.project, s.getKey(), image, context);
        }
      }
    }

    boolean force = f.has("--force-recreate");
    boolean noRecreate = f.has("--no-recreate");
    Set<String> recreate = new TreeSet<>();
    for (Map.Entry<String, JsonNode> s : model.services.entrySet()) {
      ContainerState existing = p.containers.get(s.getKey());
      String image = imageOf(inv.project, s.getKey(), s.getValue());
      // pkg/compose/convergence.go mustRecreate: a changed config hash or a changed image recreates
      if (existing == null || force || !existing.state.equals("running")
          || (!noRecreate && (!Model.hash(s.getValue()).equals(existing.configHash)
              || !imageId(image).equals(existing.imageId)))) {
        recreate.add(s.getKey());
      }
    }
    // Compose recreates the dependents of a recreated service as well.
    boolean grew = !noRecreate;
    while (grew) {
      grew = false;
      for (Map.Entry<String, JsonNode> s : model.services.entrySet()) {
        if (!recreate.contains(s.getKey()) && Model.dependencies(s.getValue()).stream().anyMatch(recreate::contains)) {
          grew = recreate.add(s.getKey());
        }
      }
    }
    for (Map.Entry<String, JsonNode> s : model.services.entrySet()) {
      String service = s.getKey();
      JsonNode def = s.getValue();
      ContainerState existing = p.containers.get(service);
      if (existing != null && !recreate.contains(service)) {
        if (!existing.health.isEmpty()) {
          // time has passed: the healthcheck now answers as currently configured
          existing.health = healthOf(service);
        }
        err.append(" Container ").append(existing.name).append("  Running\n");
        continue;
      }
      ContainerState c = create(inv, p, model, service, def);
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

  private ContainerState create(Invocation inv, ProjectState p, Model model, String service, JsonNode def) {
    String image = imageOf(inv.project, service, def);
    ContainerState c = new ContainerState(newId(), inv.project + "-" + service + "-1", service, image);
    c.configHash = Model.hash(def);
    c.imageId = imageId(image);
    c.builtFrom = Model.buildContext(def) != null ? builtImages.get(image) : null;
    c.labels.putAll(composeLabels(p, service, c.configHash));
    c.labels.putAll(Model.stringMap(def.get("labels")));
    c.environment.putAll(Model.stringMap(def.get("environment")));
    JsonNode command = def.get("command");
    if (command != null && command.isArray()) {
      c.command = new ArrayList<>();
      command.forEach(a -> c.command.add(a.asText()));
    } else if (command != null && command.isTextual()) {
      c.command = List.of(command.asText());
    }
    for (String n : Model.serviceNetworks(def)) {
      JsonNode nd = model.networks.getOrDefault(n, JsonNodeFactory.instance.objectNode());
      c.networks.add(nd.path("name").asText(nd.path("external").asBoolean(false) ? n : inv.project + "_" + n));
    }
    for (String v : Model.namedVolumes(def)) {
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

  /** The image a service runs: its {@code image}, or {@code <project>-<service>} for a build without one. */
  private static String imageOf(String project, String service, JsonNode def) {
    return def.hasNonNull("image") ? def.get("image").asText() : project + "-" + service;
  }

  /** A local image's id: it changes only when a build uses another context (a cached build of the same is equal). */
  private String imageId(String image) {
    return image + "#" + imageGeneration.getOrDefault(image, 0);
  }

  private void buildImage(String project, String service, String image, String context) {
    builds.merge(project + "/" + service, 1, Integer::sum);
    String before = builtImages.put(image, context);
    if (!context.equals(before)) {
      imageGeneration.merge(image, 1, Integer::sum);
    }
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
    boolean modern = compare(version, PS_LABELS_SINCE) >= 0;
    List<ObjectNode> rows = new ArrayList<>();
    for (ContainerState c : shown) {
      rows.add(modern ? psJson(inv.project, c) : containerSummary(inv.project, c));
    }
    if (!modern) {
      ArrayNode array = Model.JSON.createArrayNode();
      rows.forEach(array::add);
      return ProgramResult.ok(write(array) + "\n");
    }
    StringBuilder sb = new StringBuilder();
    rows.forEach(r -> sb.append(write(r)).append('\n'));
    return ProgramResult.ok(sb.toString());
  }

  /**
   * A line of {@code ps --format json} since 2.21: docker/compose {@code cmd/formatter/container.go}
   * {@code ContainerContext}, whose {@code Labels()} joins {@code k=v} pairs with commas in Go map order.
   */
  private ObjectNode psJson(String project, ContainerState c) {
    ObjectNode o = Model.JSON.createObjectNode();
    o.put("Command", "\"/bin/serve\"");
    o.put("CreatedAt", "2026-01-01 00:00:00 +0000 UTC");
    o.put("ExitCode", c.exitCode);
    o.put("Health", c.health);
    o.put("ID", c.id);
    o.put("Image", c.image);
    List<String> labels = new ArrayList<>();
    c.labels.forEach((k, v) -> labels.add(k + "=" + v));
    // Go map iteration order is random; a rotation keeps tests deterministic without pretending to an order
    java.util.Collections.rotate(labels, c.id.hashCode() % Math.max(1, labels.size()));
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

  /** An element of the array {@code ps --format json} printed before 2.21: {@code api.ContainerSummary}, no labels. */
  private ObjectNode containerSummary(String project, ContainerState c) {
    ObjectNode o = Model.JSON.createObjectNode();
    o.put("ID", c.id);
    o.put("Name", c.name);
    o.put("Image", c.image);
    o.put("Command", "\"/bin/serve\"");
    o.put("Project", project);
    o.put("Service", c.service);
    o.put("Created", 1767225600L);
    o.put("State", c.state);
    o.put("Status", status(c));
    o.put("Health", c.health);
    o.put("ExitCode", c.exitCode);
    ArrayNode publishers = o.putArray("Publishers");
    for (Publisher pub : c.publishers) {
      publishers.addObject().put("URL", pub.url()).put("TargetPort", pub.targetPort())
          .put("PublishedPort", pub.publishedPort()).put("Protocol", pub.protocol());
    }
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
      String context = Model.buildContext(s.getValue());
      if (context != null) {
        buildImage(inv.project, s.getKey(), imageOf(inv.project, s.getKey(), s.getValue()), context);
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
    // `config` prints a model that can be loaded again, so the literal dollars interpolation left are escaped
    // as $$ (seen with docker compose 2.26.1: a .env value $x is printed as $$x)
    return new ProgramResult(0, write(escapeDollars(model.document)), inv.warnings);
  }

  private static JsonNode escapeDollars(JsonNode node) {
    if (node.isTextual()) {
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(node.asText().replace("$", "$$"));
    }
    if (node.isObject()) {
      ObjectNode out = Model.JSON.createObjectNode();
      node.properties().forEach(e -> out.set(e.getKey(), escapeDollars(e.getValue())));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = Model.JSON.createArrayNode();
      node.forEach(n -> out.add(escapeDollars(n)));
      return out;
    }
    return node;
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /** Puts a running project in as if someone had started it (see {@code DockerComposeFake.plantProject}). */
  public void plant(String project, Map<String, String> labels, String... services) {
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

  private static String write(JsonNode node) {
    try {
      return Model.JSON.writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
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

  /** Compares two Compose versions ({@code 2.26.1}, {@code v2.29.1}, {@code 2.26.1-4}) by their numbers. */
  public static int compare(String a, String b) {
    int[] x = parseVersion(a);
    int[] y = parseVersion(b);
    for (int i = 0; i < 3; i++) {
      if (x[i] != y[i]) {
        return Integer.compare(x[i], y[i]);
      }
    }
    return 0;
  }

  /** The three numbers of a version; refuses text that is not one. */
  public static int[] parseVersion(String v) {
    Matcher m = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+).*").matcher(Objects.requireNonNull(v, "version"));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a Compose version such as 2.26.1: " + v);
    }
    return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
  }
}
