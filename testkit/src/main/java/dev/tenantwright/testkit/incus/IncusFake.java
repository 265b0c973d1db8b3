package dev.tenantwright.testkit.incus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.FakeBackend;
import dev.tenantwright.testkit.FakeRequest;
import dev.tenantwright.testkit.FakeResponse;
import dev.tenantwright.testkit.OpenApiContract;
import dev.tenantwright.testkit.RouteHandler;
import dev.tenantwright.testkit.SpecPatch;
import dev.tenantwright.testkit.SpecReducer;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * A stateful fake of the Incus REST API (the parts a provisioning plugin uses), answering with Incus's own
 * envelopes and quirks as Incus 6.0 shows them.
 *
 * <p><b>What it models.</b> Projects; instances with config, devices, profiles, status and an IPv4 address on
 * the bridge; proxy devices (a host port taken by another running instance makes start fail); exec with
 * recorded output files and exit codes; snapshots and restore of config, devices, profiles and a small file
 * system; operations. Every change is asynchronous as in Incus: the request answers 202 with a
 * {@code Location} header and an {@code async} envelope, and {@code GET /1.0/operations/{id}/wait} tells the
 * outcome. The change itself happens when the request is handled, so a client that never waits still
 * changed the backend.
 *
 * <p><b>Quirks, on by default.</b> Creating an existing instance answers a synchronous 500 "Instance "x"
 * already exists" ({@link #duplicateCreateFailsInOperation(boolean)} switches to Incus 6.0's actual
 * behaviour: 202, then the operation fails with "UNIQUE constraint failed"). Deleting a running instance is a
 * synchronous 400 "Instance is running"; a missing one a 404. Starting a running instance or stopping a
 * stopped one fails the operation ("The instance is already running" / "already stopped"). A failed
 * operation's wait answers HTTP 200 with an {@code error} envelope, as Incus 6.0 does
 * ({@link #failedWaitsAsErrorEnvelope(boolean)} switches to the documented sync envelope with status code
 * 400). Finished operations are forgotten after {@link #operationRetention(Duration) five seconds}.
 *
 * <p><b>Test hooks.</b> {@link #onExec(ExecHandler)} decides what commands do (the {@link #BUILT_IN} handler
 * understands {@code touch}, {@code rm}, {@code test -e}, {@code cat}, {@code true} and {@code false});
 * {@link #failNextOperation(String, String)} fails the operation of the next call on a route;
 * {@link #operationsRunFor(int)} keeps operations running for a number of waits;
 * {@link #afterEachCall(IntConsumer)} is told after each call took effect; the inherited HTTP
 * {@linkplain #inject faults}, counters and leak view work as for every fake. Every request and every answer
 * the handlers give is validated against {@link #contract()}, a reduced copy of Incus's
 * {@code doc/rest-api.yaml} shipped with the test kit.
 *
 * <pre>{@code
 * try (IncusFake incus = new IncusFake()) {
 *   Map<String, Object> config = Map.of("url", incus.baseUrl());
 *   // run the plugin with pluginConfig("incus", config) ...
 *   assertThat(incus.instance("default", "acme-demo-erp")).get().extracting(FakeInstance::status).isEqualTo("Running");
 *   incus.assertNothingLeaked();
 *   incus.assertContractRespected();
 * }
 * }</pre>
 *
 * <p>Thread-safe: handlers run one at a time under the fake's monitor and every public method is
 * synchronized.
 */
public final class IncusFake extends FakeBackend {

  /** The class-path location of the reduced Incus REST document the fake validates against. */
  public static final String SPEC_RESOURCE = "/dev/tenantwright/testkit/specs/incus/incus-rest-api.json";

  /**
   * The path keys of Incus's {@code doc/rest-api.yaml} kept in {@link #SPEC_RESOURCE} (recursion variants
   * under {@code /recursion1}).
   */
  public static final List<String> SPEC_PATHS = List.of(
      "/1.0/instances", "/recursion1/1.0/instances", "/1.0/instances/{name}", "/1.0/instances/{name}/state",
      "/1.0/instances/{name}/exec", "/1.0/instances/{name}/logs/exec-output/{filename}",
      "/1.0/instances/{name}/snapshots", "/recursion1/1.0/instances/{name}/snapshots",
      "/1.0/instances/{name}/snapshots/{snapshot}", "/1.0/operations/{id}", "/1.0/operations/{id}/wait",
      "/1.0/projects", "/1.0/projects/{name}");

  /**
   * Repairs of Incus's document beyond {@link SpecPatch#incusNullable()}, applied when {@link #SPEC_RESOURCE}
   * is made: free-form maps ({@code additionalProperties: {}}, e.g. an operation's {@code metadata}) become
   * {@code additionalProperties: true} — the validator's Swagger 2 conversion otherwise reads {@code {}} as
   * "objects only" and rejects an exec's integer {@code return} — and the exec-output download declares its
   * raw body ({@code type: file}), which the document leaves without a schema.
   */
  public static final SpecPatch SPEC_FIXES = SpecPatch.of("incus-fake-fixes", IncusFake::fixSpec);

  /** Route key: list instances. */
  public static final String LIST_INSTANCES = "GET /1.0/instances";
  /** Route key: create an instance. */
  public static final String CREATE_INSTANCE = "POST /1.0/instances";
  /** Route key: read an instance. */
  public static final String GET_INSTANCE = "GET /1.0/instances/{name}";
  /** Route key: replace an instance's configuration, or restore a snapshot. */
  public static final String PUT_INSTANCE = "PUT /1.0/instances/{name}";
  /** Route key: change some configuration keys or devices. */
  public static final String PATCH_INSTANCE = "PATCH /1.0/instances/{name}";
  /** Route key: delete an instance. */
  public static final String DELETE_INSTANCE = "DELETE /1.0/instances/{name}";
  /** Route key: read an instance's runtime state. */
  public static final String GET_STATE = "GET /1.0/instances/{name}/state";
  /** Route key: start, stop, restart, freeze, unfreeze. */
  public static final String PUT_STATE = "PUT /1.0/instances/{name}/state";
  /** Route key: run a command. */
  public static final String EXEC = "POST /1.0/instances/{name}/exec";
  /** Route key: read a recorded exec output. */
  public static final String GET_EXEC_OUTPUT = "GET /1.0/instances/{name}/logs/exec-output/{filename}";
  /** Route key: delete a recorded exec output. */
  public static final String DELETE_EXEC_OUTPUT = "DELETE /1.0/instances/{name}/logs/exec-output/{filename}";
  /** Route key: list snapshots. */
  public static final String LIST_SNAPSHOTS = "GET /1.0/instances/{name}/snapshots";
  /** Route key: take a snapshot. */
  public static final String CREATE_SNAPSHOT = "POST /1.0/instances/{name}/snapshots";
  /** Route key: read a snapshot. */
  public static final String GET_SNAPSHOT = "GET /1.0/instances/{name}/snapshots/{snapshot}";
  /** Route key: delete a snapshot. */
  public static final String DELETE_SNAPSHOT = "DELETE /1.0/instances/{name}/snapshots/{snapshot}";
  /** Route key: read an operation. */
  public static final String GET_OPERATION = "GET /1.0/operations/{id}";
  /** Route key: wait for an operation. */
  public static final String WAIT_OPERATION = "GET /1.0/operations/{id}/wait";
  /** Route key: create a project. */
  public static final String CREATE_PROJECT = "POST /1.0/projects";
  /** Route key: read a project. */
  public static final String GET_PROJECT = "GET /1.0/projects/{name}";
  /** Route key: delete a project. */
  public static final String DELETE_PROJECT = "DELETE /1.0/projects/{name}";

  /** The image every fake knows: alias {@code test-image}, as the CI's busybox image. */
  public static final String DEFAULT_IMAGE = "test-image";
  /** The fingerprint of {@link #DEFAULT_IMAGE}. */
  public static final String DEFAULT_IMAGE_FINGERPRINT =
      "abe2ce11c7e0c6d9111a857b7089c30d5dcdede02e317f37461e100684423091";

  /**
   * The default exec behaviour: {@code touch P} / {@code rm [-f] P} / {@code test -e P} / {@code cat P} on the
   * modelled files, {@code true} and {@code false}; any other program exits 0 without output. Programs are
   * matched by file name, so {@code /bin/touch} is {@code touch}.
   */
  public static final ExecHandler BUILT_IN = IncusFake::builtIn;

  private static final Pattern INSTANCE_NAME = Pattern.compile("[A-Za-z0-9-]+");
  private static final Pattern MEMORY =
      Pattern.compile("[0-9]+(\\.[0-9]+)?(B|kB|MB|GB|TB|PB|EB|KiB|MiB|GiB|TiB|PiB|EiB)?|[0-9]{1,3}%");
  private static final Pattern CPU = Pattern.compile("[0-9]+|[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*");
  private static final Pattern PROXY_ADDRESS = Pattern.compile("(tcp|udp):(\\[[0-9A-Fa-f:.]+\\]|[0-9.]+):[0-9]{1,5}");
  private static final Set<String> CONFIG_PREFIXES = Set.of("environment.", "user.", "limits.", "security.", "boot.",
      "raw.", "linux.", "snapshots.", "cloud-init.", "image.", "volatile.", "migration.", "nvidia.", "cluster.");
  private static final Set<String> INSTANCE_ACTIONS = Set.of("start", "stop", "restart", "freeze", "unfreeze");

  // ------------------------------------------------------------------------------------------ state

  private final Map<String, ObjectNode> projects = new LinkedHashMap<>();
  private final Map<String, Inst> instances = new LinkedHashMap<>();
  private final Map<String, Op> operations = new LinkedHashMap<>();
  private final Map<String, String> images = new LinkedHashMap<>();
  private final Map<String, Map<String, Map<String, String>>> profiles = new LinkedHashMap<>();
  private final List<ExecCall> execs = new ArrayList<>();
  private final List<OpFault> opFaults = new ArrayList<>();
  private ExecHandler execHandler = BUILT_IN;
  private int runningPolls;
  private Duration retention = Duration.ofSeconds(5);
  private boolean errorEnvelopeWaits = true;
  private boolean duplicateInOperation;
  private int nextAddress = 10;

  /** A fake with the default project, profile and image, validating against {@link #contract()}. */
  public IncusFake() {
    super("incus");
    defaults();
    validateAgainst(contract());

    route("GET", "/1.0/instances", this::listInstances);
    route("POST", "/1.0/instances", this::createInstance);
    route("GET", "/1.0/instances/{name}", req -> sync(instanceJson(require(req))));
    route("PUT", "/1.0/instances/{name}", this::putInstance);
    route("PATCH", "/1.0/instances/{name}", this::patchInstance);
    route("DELETE", "/1.0/instances/{name}", this::deleteInstance);
    route("GET", "/1.0/instances/{name}/state", req -> sync(stateJson(require(req))));
    route("PUT", "/1.0/instances/{name}/state", this::changeState);
    route("POST", "/1.0/instances/{name}/exec", this::exec);
    route("GET", "/1.0/instances/{name}/logs/exec-output/{filename}", this::readLog);
    route("DELETE", "/1.0/instances/{name}/logs/exec-output/{filename}", this::deleteLog);
    route("GET", "/1.0/instances/{name}/snapshots", this::listSnapshots);
    route("POST", "/1.0/instances/{name}/snapshots", this::createSnapshot);
    route("GET", "/1.0/instances/{name}/snapshots/{snapshot}", req -> {
      Inst inst = require(req);
      Snap s = inst.snapshots.get(req.pathParam("snapshot"));
      return s == null ? snapshotNotFound(inst, req.pathParam("snapshot")) : sync(snapshotJson(inst, s));
    });
    route("DELETE", "/1.0/instances/{name}/snapshots/{snapshot}", this::deleteSnapshot);
    route("GET", "/1.0/operations/{id}", req -> {
      Op op = findOperation(req.pathParam("id"));
      return op == null ? errorResponse(404, "Operation not found") : sync(opJson(op, op.finished()));
    });
    route("GET", "/1.0/operations/{id}/wait", this::waitOperation);
    route("POST", "/1.0/projects", this::createProject);
    route("GET", "/1.0/projects/{name}", req -> {
      ObjectNode p = projects.get(req.pathParam("name"));
      return p == null ? errorResponse(404, "Project not found") : sync(p);
    });
    route("DELETE", "/1.0/projects/{name}", this::deleteProject);
  }

  /**
   * The reduced Incus REST document (Swagger 2.0) this fake validates against, loaded from the class path
   * once per JVM.
   */
  public static OpenApiContract contract() {
    URL spec = IncusFake.class.getResource(SPEC_RESOURCE);
    return OpenApiContract.load(Objects.requireNonNull(spec, "missing test-kit resource " + SPEC_RESOURCE),
        SpecReducer.incus());
  }

  // ------------------------------------------------------------------------------------------ configuration

  /** Adds a local image the fake can create instances from. */
  public synchronized IncusFake image(String alias, String fingerprint) {
    images.put(Objects.requireNonNull(alias, "alias"), Objects.requireNonNull(fingerprint, "fingerprint"));
    return this;
  }

  /** Adds (or replaces) a profile with its devices, device name to keys. */
  public synchronized IncusFake profile(String name, Map<String, Map<String, String>> devices) {
    profiles.put(Objects.requireNonNull(name, "name"), copyDevices(devices));
    return this;
  }

  /** Adds a project, as {@code POST /1.0/projects} would. */
  public synchronized IncusFake project(String name) {
    projects.putIfAbsent(Objects.requireNonNull(name, "name"), projectJson(name, Map.of()));
    return this;
  }

  /** Decides what exec'd commands do from now on; {@link #BUILT_IN} by default. */
  public synchronized IncusFake onExec(ExecHandler handler) {
    this.execHandler = Objects.requireNonNull(handler, "handler");
    return this;
  }

  /** Every operation created from now on answers this many waits with "Running" (status 103) before its result. */
  public synchronized IncusFake operationsRunFor(int waits) {
    if (waits < 0) {
      throw new IllegalArgumentException("waits must not be negative");
    }
    this.runningPolls = waits;
    return this;
  }

  /** How long a finished operation stays readable (Incus: about 5 s); {@link Duration#ZERO} forgets it at once. */
  public synchronized IncusFake operationRetention(Duration retention) {
    this.retention = Objects.requireNonNull(retention, "retention");
    return this;
  }

  /**
   * Whether the wait of a failed operation answers HTTP 200 with an {@code error} envelope (Incus 6.0, the
   * default) or with a {@code sync} envelope whose operation has status code 400 and {@code err} (as
   * documented).
   */
  public synchronized IncusFake failedWaitsAsErrorEnvelope(boolean errorEnvelope) {
    this.errorEnvelopeWaits = errorEnvelope;
    return this;
  }

  /**
   * Whether creating an instance whose name is taken answers 202 and fails the operation with "UNIQUE
   * constraint failed" (what Incus 6.0.4 does for image sources), instead of the synchronous 500 "Instance
   * "x" already exists" of the documentation (the default).
   */
  public synchronized IncusFake duplicateCreateFailsInOperation(boolean inOperation) {
    this.duplicateInOperation = inOperation;
    return this;
  }

  /**
   * Makes the operation started by the next call on {@code routeKey} fail with {@code error}; the call's
   * change does not happen. Calls without an operation are not affected.
   */
  public synchronized IncusFake failNextOperation(String routeKey, String error) {
    if (!routes().contains(routeKey)) {
      throw new IllegalArgumentException("fake incus has no route '" + routeKey + "'; it has " + routes());
    }
    opFaults.add(new OpFault(routeKey, Objects.requireNonNull(error, "error")));
    return this;
  }

  @Override
  public IncusFake afterEachCall(IntConsumer listener) {
    super.afterEachCall(listener);
    return this;
  }

  /**
   * Puts an instance into the fake directly, as if made by someone else (or an earlier run).
   *
   * @param project an existing project
   * @param name the instance's name
   * @param config its configuration, e.g. the ownership marker
   * @param running whether it runs (it gets an address if so)
   * @param snapshots snapshot names to give it, oldest first
   */
  public synchronized IncusFake plantInstance(String project, String name, Map<String, String> config, boolean running,
      List<String> snapshots) {
    if (!projects.containsKey(project)) {
      throw new IllegalArgumentException("no project " + project);
    }
    Inst inst = new Inst(project, name, "container", List.of("default"), new LinkedHashMap<>(config), new LinkedHashMap<>());
    instances.put(key(project, name), inst);
    if (running) {
      inst.status = "Running";
      assignAddress(inst);
    }
    for (String s : snapshots) {
      inst.snapshots.put(s, inst.snapshot(s));
    }
    return this;
  }

  // ------------------------------------------------------------------------------------------ views

  /** A copy of the instance, if it exists. */
  public synchronized Optional<FakeInstance> instance(String project, String name) {
    Inst inst = instances.get(key(project, name));
    return inst == null ? Optional.empty() : Optional.of(inst.view());
  }

  /** Copies of every instance in every project. */
  public synchronized List<FakeInstance> instances() {
    List<FakeInstance> out = new ArrayList<>();
    instances.values().forEach(i -> out.add(i.view()));
    return out;
  }

  /** Every command run so far, in order. */
  public synchronized List<ExecCall> execs() {
    return List.copyOf(execs);
  }

  /** The projects, {@code default} first. */
  public synchronized List<String> projects() {
    return List.copyOf(projects.keySet());
  }

  /** One line per instance: {@code instance default/acme-demo-erp (Running, 1 snapshot(s))}. */
  @Override
  public synchronized Collection<String> liveObjects() {
    List<String> out = new ArrayList<>();
    for (Inst i : instances.values()) {
      out.add("instance " + i.project + "/" + i.name + " (" + i.status + ", " + i.snapshots.size() + " snapshot(s))");
    }
    return out;
  }

  @Override
  protected void resetState() {
    projects.clear();
    instances.clear();
    operations.clear();
    images.clear();
    profiles.clear();
    execs.clear();
    opFaults.clear();
    execHandler = BUILT_IN;
    runningPolls = 0;
    retention = Duration.ofSeconds(5);
    errorEnvelopeWaits = true;
    duplicateInOperation = false;
    nextAddress = 10;
    defaults();
  }

  /** Incus's error envelope. */
  @Override
  protected FakeResponse errorResponse(int status, String message) {
    ObjectNode body = newObject().put("type", "error").put("status", "").put("status_code", 0).put("operation", "")
        .put("error_code", status).put("error", message);
    body.putNull("metadata");
    return FakeResponse.json(status, body);
  }

  // ------------------------------------------------------------------------------------------ instances

  private FakeResponse listInstances(FakeRequest req) {
    boolean all = req.query("all-projects").map(Boolean::parseBoolean).orElse(false);
    String project = project(req);
    if (!all && !projects.containsKey(project)) {
      return projectNotFound(project);
    }
    boolean recursive = req.query("recursion").map(r -> !r.equals("0")).orElse(false);
    ArrayNode list = json().createArrayNode();
    for (Inst i : instances.values()) {
      if (all || i.project.equals(project)) {
        if (recursive) {
          list.add(instanceJson(i));
        } else {
          list.add(instanceUrl(i));
        }
      }
    }
    return sync(list);
  }

  private FakeResponse createInstance(FakeRequest req) {
    String project = project(req);
    if (!projects.containsKey(project)) {
      return projectNotFound(project);
    }
    JsonNode body = req.json();
    String name = body.path("name").asText("");
    if (name.isEmpty()) {
      return errorResponse(400, "Invalid instance name: Name is required");
    }
    if (!INSTANCE_NAME.matcher(name).matches() || name.length() > 63 || name.startsWith("-")) {
      return errorResponse(400, "Invalid instance name: Name can only contain alphanumeric and hyphen characters");
    }
    String type = body.path("type").asText("container");
    if (!type.equals("container") && !type.equals("virtual-machine")) {
      return errorResponse(400, "Invalid instance type: " + type);
    }
    List<String> profileNames = new ArrayList<>();
    if (body.path("profiles").isArray()) {
      body.path("profiles").forEach(p -> profileNames.add(p.asText()));
    } else {
      profileNames.add("default");
    }
    for (String p : profileNames) {
      if (!profiles.containsKey(p)) {
        return errorResponse(500, "Requested profile \"" + p + "\" doesn't exist");
      }
    }
    Map<String, Map<String, String>> devices = devices(body.path("devices"));
    String deviceProblem = validateDevices(devices);
    if (deviceProblem != null) {
      return errorResponse(400, deviceProblem);
    }
    Inst existing = instances.get(key(project, name));
    if (existing != null && !duplicateInOperation) {
      return errorResponse(500, "Instance \"" + name + "\" already exists");
    }
    Op op = newOp("Creating instance", "instances", project, name, CREATE_INSTANCE);
    if (op.failed()) {
      return accepted(op);
    }
    if (existing != null) {
      return accepted(op.fail(500, "Failed creating instance record: Add instance info to the database: Failed to "
          + "create \"instances\" entry: UNIQUE constraint failed: instances.project_id, instances.name"));
    }
    JsonNode source = body.path("source");
    String sourceType = source.path("type").asText("");
    if (!sourceType.equals("image")) {
      return accepted(op.fail(400, "Unsupported instance source in the fake: \"" + sourceType + "\""));
    }
    boolean remote = !source.path("server").asText("").isEmpty();
    if (!remote && !imageKnown(source)) {
      return accepted(op.fail(500, "Image not provided for instance creation"));
    }
    Map<String, String> config = new LinkedHashMap<>();
    body.path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
    String configProblem = validateConfig(config);
    if (configProblem != null) {
      return accepted(op.fail(500, "Failed creating instance record: " + configProblem));
    }
    Inst inst = new Inst(project, name, type, profileNames, config, devices);
    inst.description = body.path("description").asText("");
    instances.put(key(project, name), inst);
    if (body.path("start").asBoolean(false)) {
      String failure = start(inst);
      if (failure != null) {
        return accepted(op.fail(500, failure));
      }
    }
    return accepted(op);
  }

  private FakeResponse putInstance(FakeRequest req) {
    Inst inst = require(req);
    JsonNode body = req.json();
    String restore = body.path("restore").asText("");
    if (!restore.isEmpty()) {
      Op op = newOp("Restoring snapshot", "instances", inst.project, inst.name, PUT_INSTANCE);
      if (op.failed()) {
        return accepted(op);
      }
      String snapName = restore.contains("/") ? restore.substring(restore.indexOf('/') + 1) : restore;
      Snap snap = inst.snapshots.get(snapName);
      if (snap == null) {
        return accepted(op.fail(404, "Failed to load snapshot \"" + snapName + "\": Instance snapshot not found"));
      }
      boolean wasRunning = inst.running();
      inst.status = "Stopped";
      inst.config = new LinkedHashMap<>(snap.config);
      inst.devices = copyDevices(snap.devices);
      inst.profiles = new ArrayList<>(snap.profiles);
      inst.files = new LinkedHashMap<>(snap.files);
      if (wasRunning) {
        String failure = start(inst);
        if (failure != null) {
          return accepted(op.fail(500, failure));
        }
      }
      return accepted(op);
    }
    Map<String, Map<String, String>> devices = devices(body.path("devices"));
    String deviceProblem = validateDevices(devices);
    if (deviceProblem != null) {
      return errorResponse(400, deviceProblem);
    }
    Op op = newOp("Updating instance", "instances", inst.project, inst.name, PUT_INSTANCE);
    if (op.failed()) {
      return accepted(op);
    }
    Map<String, String> config = new LinkedHashMap<>();
    body.path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
    String configProblem = validateConfig(config);
    if (configProblem != null) {
      return accepted(op.fail(400, configProblem));
    }
    inst.config = config;
    inst.devices = devices;
    if (body.path("profiles").isArray()) {
      List<String> ps = new ArrayList<>();
      body.path("profiles").forEach(p -> ps.add(p.asText()));
      inst.profiles = ps;
    }
    return accepted(op);
  }

  private FakeResponse patchInstance(FakeRequest req) {
    Inst inst = require(req);
    JsonNode body = req.json();
    Map<String, String> config = new LinkedHashMap<>(inst.config);
    body.path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
    String configProblem = validateConfig(config);
    if (configProblem != null) {
      return errorResponse(400, configProblem);
    }
    Map<String, Map<String, String>> devices = copyDevices(inst.devices);
    devices.putAll(devices(body.path("devices")));
    String deviceProblem = validateDevices(devices);
    if (deviceProblem != null) {
      return errorResponse(400, deviceProblem);
    }
    inst.config = config;
    inst.devices = devices;
    return emptySync(200);
  }

  private FakeResponse deleteInstance(FakeRequest req) {
    String project = project(req);
    Inst inst = instances.get(key(project, req.pathParam("name")));
    if (inst == null) {
      return errorResponse(404, "Failed to fetch instance \"" + req.pathParam("name") + "\" in project \"" + project
          + "\": Instance not found");
    }
    if (!inst.stopped()) {
      return errorResponse(400, "Instance is running");
    }
    Op op = newOp("Deleting instance", "instances", inst.project, inst.name, DELETE_INSTANCE);
    if (!op.failed()) {
      instances.remove(key(inst.project, inst.name));
    }
    return accepted(op);
  }

  private FakeResponse changeState(FakeRequest req) {
    Inst inst = require(req);
    JsonNode body = req.json();
    String action = body.path("action").asText("");
    if (!INSTANCE_ACTIONS.contains(action)) {
      return errorResponse(400, "Unknown state action \"" + action + "\"");
    }
    String description = switch (action) {
      case "start" -> "Starting instance";
      case "stop" -> "Stopping instance";
      case "restart" -> "Restarting instance";
      case "freeze" -> "Freezing instance";
      default -> "Unfreezing instance";
    };
    Op op = newOp(description, "instances", inst.project, inst.name, PUT_STATE);
    if (op.failed()) {
      return accepted(op);
    }
    switch (action) {
      case "start" -> {
        if (inst.running()) {
          return accepted(op.fail(500, "The instance is already running"));
        }
        if (inst.frozen()) {
          return accepted(op.fail(500, "The instance is frozen"));
        }
        String failure = start(inst);
        if (failure != null) {
          return accepted(op.fail(500, failure));
        }
      }
      case "stop" -> {
        if (inst.stopped()) {
          return accepted(op.fail(400, "The instance is already stopped"));
        }
        inst.status = "Stopped";
      }
      case "restart" -> {
        if (inst.stopped()) {
          return accepted(op.fail(400, "The instance is already stopped"));
        }
        inst.status = "Stopped";
        String failure = start(inst);
        if (failure != null) {
          return accepted(op.fail(500, failure));
        }
      }
      case "freeze" -> {
        if (!inst.running()) {
          return accepted(op.fail(400, "The instance isn't running"));
        }
        inst.status = "Frozen";
      }
      default -> {
        if (!inst.frozen()) {
          return accepted(op.fail(400, "The instance is not frozen"));
        }
        inst.status = "Running";
      }
    }
    return accepted(op);
  }

  private FakeResponse exec(FakeRequest req) {
    Inst inst = require(req);
    JsonNode body = req.json();
    boolean record = body.path("record-output").asBoolean(false);
    if (record && (body.path("wait-for-websocket").asBoolean(false) || body.path("interactive").asBoolean(false))) {
      return errorResponse(400, "Cannot use \"record-output\" with \"wait-for-websocket\" or \"interactive\"");
    }
    if (body.path("wait-for-websocket").asBoolean(false)) {
      return errorResponse(400, "The fake does not implement exec websockets; use \"record-output\": true");
    }
    List<String> command = new ArrayList<>();
    body.path("command").forEach(c -> command.add(c.asText()));
    if (command.isEmpty()) {
      return errorResponse(400, "No command given");
    }
    if (!inst.running()) {
      return errorResponse(400, "Instance is not running");
    }
    Map<String, String> requested = new LinkedHashMap<>();
    body.path("environment").properties().forEach(e -> requested.put(e.getKey(), e.getValue().asText()));
    Map<String, String> env = new LinkedHashMap<>();
    inst.config.forEach((k, v) -> {
      if (k.startsWith("environment.")) {
        env.put(k.substring("environment.".length()), v);
      }
    });
    env.putAll(requested);
    Op op = newOp("Executing command", "instances", inst.project, inst.name, EXEC);
    op.resources.put("containers", List.of(instanceUrl(inst)));
    if (op.failed()) {
      return accepted(op);
    }
    ExecCall call = new ExecCall(inst.project, inst.name, command, env, requested,
        body.hasNonNull("cwd") ? body.path("cwd").asText() : null,
        body.hasNonNull("user") ? body.path("user").asInt() : null,
        body.hasNonNull("group") ? body.path("group").asInt() : null);
    execs.add(call);
    ExecResult result = execHandler.handle(call, inst.files);
    if (result.failure() != null) {
      return accepted(op.fail(400, result.failure()));
    }
    ObjectNode md = newObject();
    ObjectNode output = md.putObject("output");
    if (record) {
      String base = "exec_" + op.id;
      inst.logs.put(base + ".stdout", result.stdout());
      inst.logs.put(base + ".stderr", result.stderr());
      output.put("1", "/1.0/instances/" + inst.name + "/logs/exec-output/" + base + ".stdout");
      output.put("2", "/1.0/instances/" + inst.name + "/logs/exec-output/" + base + ".stderr");
    }
    md.put("return", result.exitCode());
    op.metadata = md;
    return accepted(op);
  }

  private FakeResponse readLog(FakeRequest req) {
    Inst inst = require(req);
    String content = inst.logs.get(req.pathParam("filename"));
    if (content == null) {
      return errorResponse(404, "Not found");
    }
    return FakeResponse.text(200, "application/octet-stream", content);
  }

  private FakeResponse deleteLog(FakeRequest req) {
    Inst inst = require(req);
    if (inst.logs.remove(req.pathParam("filename")) == null) {
      return errorResponse(404, "Not found");
    }
    return emptySync(200);
  }

  private FakeResponse listSnapshots(FakeRequest req) {
    Inst inst = require(req);
    boolean recursive = req.query("recursion").map(r -> !r.equals("0")).orElse(false);
    ArrayNode list = json().createArrayNode();
    for (Snap s : inst.snapshots.values()) {
      if (recursive) {
        list.add(snapshotJson(inst, s));
      } else {
        list.add("/1.0/instances/" + inst.name + "/snapshots/" + s.name + projectSuffix(inst.project));
      }
    }
    return sync(list);
  }

  private FakeResponse createSnapshot(FakeRequest req) {
    Inst inst = require(req);
    JsonNode body = req.json();
    String name = body.path("name").asText("");
    if (name.isEmpty()) {
      name = "snap" + inst.snapshots.size();
    }
    if (name.contains("/")) {
      return errorResponse(400, "Snapshot names may not contain slashes");
    }
    Op op = newOp("Snapshotting instance", "instances", inst.project, inst.name, CREATE_SNAPSHOT);
    if (op.failed()) {
      return accepted(op);
    }
    if (inst.snapshots.containsKey(name)) {
      return accepted(op.fail(500, "Snapshot \"" + inst.name + "/" + name + "\" already exists"));
    }
    inst.snapshots.put(name, inst.snapshot(name));
    return accepted(op);
  }

  private FakeResponse deleteSnapshot(FakeRequest req) {
    Inst inst = require(req);
    String name = req.pathParam("snapshot");
    if (!inst.snapshots.containsKey(name)) {
      return snapshotNotFound(inst, name);
    }
    Op op = newOp("Deleting snapshot", "instances", inst.project, inst.name, DELETE_SNAPSHOT);
    if (!op.failed()) {
      inst.snapshots.remove(name);
    }
    return accepted(op);
  }

  // ------------------------------------------------------------------------------------------ projects

  private FakeResponse createProject(FakeRequest req) {
    JsonNode body = req.json();
    String name = body.path("name").asText("");
    if (name.isEmpty()) {
      return errorResponse(400, "No name provided");
    }
    if (projects.containsKey(name)) {
      return errorResponse(409, "Project \"" + name + "\" already exists");
    }
    Map<String, String> config = new LinkedHashMap<>();
    body.path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
    ObjectNode p = projectJson(name, config);
    p.put("description", body.path("description").asText(""));
    projects.put(name, p);
    return emptySync(201);
  }

  private FakeResponse deleteProject(FakeRequest req) {
    String name = req.pathParam("name");
    if (!projects.containsKey(name)) {
      return errorResponse(404, "Project not found");
    }
    if (name.equals("default")) {
      return errorResponse(403, "The 'default' project cannot be deleted");
    }
    boolean used = instances.values().stream().anyMatch(i -> i.project.equals(name));
    if (used && !req.query("force").map(Boolean::parseBoolean).orElse(false)) {
      return errorResponse(400, "Only empty projects can be removed");
    }
    instances.values().removeIf(i -> i.project.equals(name));
    projects.remove(name);
    return emptySync(200);
  }

  // ------------------------------------------------------------------------------------------ operations

  private FakeResponse waitOperation(FakeRequest req) {
    String timeout = req.query("timeout").orElse("-1");
    try {
      Integer.parseInt(timeout);
    } catch (NumberFormatException e) {
      return errorResponse(400, "Invalid timeout value");
    }
    Op op = findOperation(req.pathParam("id"));
    if (op == null) {
      return errorResponse(404, "Operation not found");
    }
    if (op.pollsLeft > 0) {
      op.pollsLeft--;
      if (op.pollsLeft == 0) {
        op.finishedAt = Instant.now();
      }
      return sync(opJson(op, false));
    }
    if (op.failed() && errorEnvelopeWaits) {
      FakeResponse error = errorResponse(op.errorCode, op.err);
      return FakeResponse.json(200, readTree(error.body()));
    }
    return sync(opJson(op, true));
  }

  /** The operation, unless it finished longer ago than the retention (then it is forgotten, as in Incus). */
  private Op findOperation(String id) {
    Instant now = Instant.now();
    operations.values().removeIf(op -> op.finishedAt != null && !now.isBefore(op.finishedAt.plus(retention)));
    return operations.get(id);
  }

  private Op newOp(String description, String resourceKind, String project, String instance, String route) {
    Op op = new Op(UUID.randomUUID().toString(), description, runningPolls);
    op.resources.put(resourceKind, List.of("/1.0/instances/" + instance + projectSuffix(project)));
    operations.put(op.id, op);
    for (Iterator<OpFault> it = opFaults.iterator(); it.hasNext(); ) {
      OpFault f = it.next();
      if (f.routeKey.equals(route)) {
        it.remove();
        op.fail(500, f.error);
        break;
      }
    }
    return op;
  }

  private ObjectNode opJson(Op op, boolean finished) {
    ObjectNode o = newObject()
        .put("id", op.id)
        .put("class", "task")
        .put("description", op.description)
        .put("created_at", op.createdAt.toString())
        .put("updated_at", (op.finishedAt != null ? op.finishedAt : op.createdAt).toString());
    if (!finished) {
      o.put("status", "Running").put("status_code", 103);
    } else if (op.failed()) {
      o.put("status", "Failure").put("status_code", 400);
    } else {
      o.put("status", "Success").put("status_code", 200);
    }
    ObjectNode resources = o.putObject("resources");
    op.resources.forEach((k, v) -> {
      ArrayNode a = resources.putArray(k);
      v.forEach(a::add);
    });
    if (finished && op.metadata != null) {
      o.set("metadata", op.metadata);
    } else {
      o.putNull("metadata");
    }
    o.put("may_cancel", false).put("err", finished && op.failed() ? op.err : "").put("location", "none");
    return o;
  }

  private FakeResponse accepted(Op op) {
    ObjectNode body = newObject().put("type", "async").put("status", "Operation created").put("status_code", 100)
        .put("operation", "/1.0/operations/" + op.id).put("error_code", 0).put("error", "");
    body.set("metadata", opJson(op, false));
    if (op.pollsLeft == 0 && op.finishedAt == null) {
      op.finishedAt = Instant.now();
    }
    return FakeResponse.json(202, body).withHeader("Location", "/1.0/operations/" + op.id);
  }

  // ------------------------------------------------------------------------------------------ JSON

  private ObjectNode instanceJson(Inst i) {
    ObjectNode o = newObject().put("architecture", "x86_64");
    ObjectNode config = o.putObject("config");
    i.config.forEach(config::put);
    config.put("volatile.base_image", DEFAULT_IMAGE_FINGERPRINT);
    putDevices(o.putObject("devices"), i.devices);
    o.put("ephemeral", false);
    ArrayNode ps = o.putArray("profiles");
    i.profiles.forEach(ps::add);
    o.put("stateful", false).put("description", i.description).put("created_at", i.createdAt.toString());
    ObjectNode expandedConfig = o.putObject("expanded_config");
    i.config.forEach(expandedConfig::put);
    putDevices(o.putObject("expanded_devices"), i.expandedDevices());
    o.put("name", i.name).put("status", i.status).put("status_code", statusCode(i.status))
        .put("last_used_at", i.createdAt.toString()).put("location", "none").put("type", i.type)
        .put("project", i.project);
    return o;
  }

  private ObjectNode stateJson(Inst i) {
    ObjectNode o = newObject().put("status", i.status).put("status_code", statusCode(i.status));
    o.putObject("disk");
    o.putObject("memory").put("usage", i.running() ? 843776 : 0).put("usage_peak", 0).put("total", 0)
        .put("swap_usage", 0).put("swap_usage_peak", 0);
    if (i.stopped()) {
      o.putNull("network");
    } else {
      ObjectNode network = o.putObject("network");
      if (i.hasNic()) {
        ObjectNode eth0 = network.putObject("eth0");
        ArrayNode addresses = eth0.putArray("addresses");
        if (i.ipv4 != null) {
          addresses.addObject().put("family", "inet").put("address", i.ipv4).put("netmask", "24").put("scope", "global");
        }
        addresses.addObject().put("family", "inet6").put("address", "fe80::1266:6aff:fec8:49df").put("netmask", "64")
            .put("scope", "link");
        eth0.put("hwaddr", "10:66:6a:c8:49:df").put("host_name", "veth" + Integer.toHexString(i.name.hashCode()))
            .put("mtu", 1500).put("state", "up").put("type", "broadcast");
      }
      ObjectNode lo = network.putObject("lo");
      lo.putArray("addresses").addObject().put("family", "inet").put("address", "127.0.0.1").put("netmask", "8")
          .put("scope", "local");
      lo.put("hwaddr", "").put("host_name", "").put("mtu", 65536).put("state", "up").put("type", "loopback");
    }
    o.put("pid", i.running() ? 4242 : 0).put("processes", i.running() ? 2 : 0);
    o.putObject("cpu").put("usage", 0).put("allocated_time", 0);
    o.put("started_at", i.createdAt.toString());
    o.putNull("os_info");
    return o;
  }

  private ObjectNode snapshotJson(Inst i, Snap s) {
    ObjectNode o = newObject().put("architecture", "x86_64");
    ObjectNode config = o.putObject("config");
    s.config.forEach(config::put);
    putDevices(o.putObject("devices"), s.devices);
    o.put("ephemeral", false);
    ArrayNode ps = o.putArray("profiles");
    s.profiles.forEach(ps::add);
    o.put("stateful", false).put("created_at", s.createdAt.toString()).put("expires_at", "0001-01-01T00:00:00Z");
    ObjectNode expandedConfig = o.putObject("expanded_config");
    s.config.forEach(expandedConfig::put);
    putDevices(o.putObject("expanded_devices"), s.devices);
    o.put("last_used_at", s.createdAt.toString()).put("name", s.name).put("size", 0);
    return o;
  }

  private ObjectNode projectJson(String name, Map<String, String> config) {
    ObjectNode p = newObject().put("name", name).put("description", "");
    ObjectNode c = p.putObject("config");
    config.forEach(c::put);
    p.putArray("used_by");
    return p;
  }

  private FakeResponse sync(JsonNode metadata) {
    ObjectNode body = newObject().put("type", "sync").put("status", "Success").put("status_code", 200)
        .put("operation", "").put("error_code", 0).put("error", "");
    body.set("metadata", metadata);
    return FakeResponse.json(200, body);
  }

  private FakeResponse emptySync(int status) {
    ObjectNode body = newObject().put("type", "sync").put("status", "Success").put("status_code", 200)
        .put("operation", "").put("error_code", 0).put("error", "");
    body.putObject("metadata");
    return FakeResponse.json(status, body);
  }

  private JsonNode readTree(String text) {
    try {
      return json().readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------------------------------ helpers

  private void route(String method, String path, RouteHandler handler) {
    on(method, path, req -> {
      try {
        return handler.handle(req);
      } catch (NotFound e) {
        return errorResponse(404, e.getMessage());
      }
    });
  }

  private void defaults() {
    projects.put("default", projectJson("default", Map.of()));
    images.put(DEFAULT_IMAGE, DEFAULT_IMAGE_FINGERPRINT);
    profiles.put("default", copyDevices(Map.of(
        "root", Map.of("type", "disk", "path", "/", "pool", "default"),
        "eth0", Map.of("type", "nic", "name", "eth0", "network", "incusbr0"))));
  }

  private Inst require(FakeRequest req) {
    String project = project(req);
    Inst inst = instances.get(key(project, req.pathParam("name")));
    if (inst == null) {
      throw new NotFound("Instance not found");
    }
    return inst;
  }

  /** Thrown by {@link #require}; turned into a 404 by the dispatcher's handler wrapper below. */
  private static final class NotFound extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    NotFound(String message) {
      super(message);
    }
  }

  private static String project(FakeRequest req) {
    return req.query("project").filter(p -> !p.isEmpty()).orElse("default");
  }

  private FakeResponse projectNotFound(String project) {
    return errorResponse(404, "Failed to fetch project \"" + project + "\": Project not found");
  }

  private FakeResponse snapshotNotFound(Inst inst, String name) {
    return errorResponse(404, "Failed to fetch snapshot \"" + name + "\" of instance \"" + inst.name
        + "\" in project \"" + inst.project + "\": Instance_snapshot not found");
  }

  private boolean imageKnown(JsonNode source) {
    String alias = source.path("alias").asText("");
    String fingerprint = source.path("fingerprint").asText("");
    if (!alias.isEmpty()) {
      return images.containsKey(alias);
    }
    return !fingerprint.isEmpty() && images.values().stream().anyMatch(f -> f.startsWith(fingerprint));
  }

  /** Starts an instance; returns Incus's error when a proxy's host address is taken, else null. */
  private String start(Inst inst) {
    Set<String> taken = new LinkedHashSet<>();
    for (Inst other : instances.values()) {
      if (other != inst && !other.stopped()) {
        for (Map<String, String> d : other.expandedDevices().values()) {
          if ("proxy".equals(d.get("type"))) {
            taken.add(d.get("listen"));
          }
        }
      }
    }
    for (Map<String, String> d : inst.expandedDevices().values()) {
      String listen = d.get("listen");
      if ("proxy".equals(d.get("type")) && taken.contains(listen)) {
        String hostPort = listen.substring(listen.indexOf(':') + 1);
        return "Error occurred when starting proxy device: Error: Failed to listen on " + hostPort + ": listen "
            + listen.substring(0, listen.indexOf(':')) + " " + hostPort + ": bind: address already in use";
      }
    }
    inst.status = "Running";
    assignAddress(inst);
    return null;
  }

  private void assignAddress(Inst inst) {
    if (inst.ipv4 == null && inst.hasNic()) {
      inst.ipv4 = "10.77.0." + nextAddress++;
    }
  }

  private static String validateConfig(Map<String, String> config) {
    for (Map.Entry<String, String> e : config.entrySet()) {
      String key = e.getKey();
      if (CONFIG_PREFIXES.stream().noneMatch(key::startsWith)) {
        return "Unknown configuration key: " + key;
      }
      if (key.equals("limits.memory") && !MEMORY.matcher(e.getValue()).matches()) {
        return "Invalid value: " + e.getValue();
      }
      if (key.equals("limits.cpu") && !CPU.matcher(e.getValue()).matches()) {
        return "Invalid value: " + e.getValue();
      }
    }
    return null;
  }

  private static String validateDevices(Map<String, Map<String, String>> devices) {
    for (Map.Entry<String, Map<String, String>> d : devices.entrySet()) {
      Map<String, String> keys = d.getValue();
      String type = keys.get("type");
      if (type == null) {
        return "Invalid devices: Device validation failed for \"" + d.getKey() + "\": Missing device type";
      }
      if (type.equals("proxy")) {
        for (String k : List.of("listen", "connect")) {
          String v = keys.get(k);
          if (v == null || !PROXY_ADDRESS.matcher(v).matches()) {
            return "Invalid devices: Device validation failed for \"" + d.getKey() + "\": Invalid value for device option \""
                + k + "\": " + v;
          }
        }
        for (String k : keys.keySet()) {
          if (!Set.of("type", "listen", "connect", "bind", "nat", "proxy_protocol", "security.uid", "security.gid",
              "uid", "gid", "mode").contains(k)) {
            return "Invalid devices: Device validation failed for \"" + d.getKey() + "\": Invalid device option \"" + k
                + "\"";
          }
        }
      }
    }
    return null;
  }

  private static Map<String, Map<String, String>> devices(JsonNode node) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    node.properties().forEach(d -> {
      Map<String, String> keys = new LinkedHashMap<>();
      d.getValue().properties().forEach(k -> keys.put(k.getKey(), k.getValue().asText()));
      out.put(d.getKey(), keys);
    });
    return out;
  }

  private static Map<String, Map<String, String>> copyDevices(Map<String, Map<String, String>> devices) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    devices.forEach((k, v) -> out.put(k, new LinkedHashMap<>(v)));
    return out;
  }

  private static void putDevices(ObjectNode target, Map<String, Map<String, String>> devices) {
    devices.forEach((name, keys) -> {
      ObjectNode d = target.putObject(name);
      keys.forEach(d::put);
    });
  }

  private static int statusCode(String status) {
    return switch (status) {
      case "Running" -> 103;
      case "Frozen" -> 110;
      default -> 102;
    };
  }

  private static String instanceUrl(Inst i) {
    return "/1.0/instances/" + i.name + projectSuffix(i.project);
  }

  private static String projectSuffix(String project) {
    return project.equals("default") ? "" : "?project=" + project;
  }

  private static String key(String project, String name) {
    return project + "/" + name;
  }

  private static void fixSpec(ObjectNode doc) {
    freeFormMaps(doc);
    JsonNode download = doc.path("paths").path("/1.0/instances/{name}/logs/exec-output/{filename}").path("get")
        .path("responses").path("200");
    if (download instanceof ObjectNode ok && !ok.has("schema")) {
      ok.putObject("schema").put("type", "file");
    }
  }

  private static void freeFormMaps(JsonNode node) {
    if (node instanceof ObjectNode obj) {
      JsonNode extra = obj.get("additionalProperties");
      if (extra instanceof ObjectNode e && e.isEmpty()) {
        obj.put("additionalProperties", true);
      }
      obj.elements().forEachRemaining(IncusFake::freeFormMaps);
    } else if (node instanceof ArrayNode arr) {
      arr.forEach(IncusFake::freeFormMaps);
    }
  }

  private static ExecResult builtIn(ExecCall call, Map<String, String> files) {
    List<String> args = call.command().subList(1, call.command().size());
    String last = args.isEmpty() ? null : args.get(args.size() - 1);
    switch (call.programName()) {
      case "true":
        return ExecResult.ok();
      case "false":
        return ExecResult.exit(1);
      case "touch":
        if (last == null) {
          return ExecResult.output(1, "", "touch: missing operand");
        }
        files.putIfAbsent(last, "");
        return ExecResult.ok();
      case "rm":
        if (last == null) {
          return ExecResult.output(1, "", "rm: missing operand");
        }
        boolean force = args.contains("-f") || args.contains("-rf");
        if (files.remove(last) == null && !force) {
          return ExecResult.output(1, "", "rm: can't remove '" + last + "': No such file or directory");
        }
        return ExecResult.ok();
      case "test":
        return args.size() == 2 && args.get(0).equals("-e") && files.containsKey(args.get(1))
            ? ExecResult.ok() : ExecResult.exit(1);
      case "cat":
        if (last == null || !files.containsKey(last)) {
          return ExecResult.output(1, "", "cat: can't open '" + last + "': No such file or directory");
        }
        return ExecResult.output(0, files.get(last), "");
      default:
        return ExecResult.ok();
    }
  }

  // ------------------------------------------------------------------------------------------ model

  private final class Inst {
    final String project;
    final String name;
    final String type;
    final Instant createdAt = Instant.now();
    String description = "";
    List<String> profiles;
    Map<String, String> config;
    Map<String, Map<String, String>> devices;
    String status = "Stopped";
    String ipv4;
    Map<String, String> files = new LinkedHashMap<>();
    final Map<String, String> logs = new LinkedHashMap<>();
    final Map<String, Snap> snapshots = new LinkedHashMap<>();

    Inst(String project, String name, String type, List<String> profiles, Map<String, String> config,
        Map<String, Map<String, String>> devices) {
      this.project = project;
      this.name = name;
      this.type = type;
      this.profiles = new ArrayList<>(profiles);
      this.config = config;
      this.devices = devices;
    }

    boolean running() {
      return status.equals("Running");
    }

    boolean stopped() {
      return status.equals("Stopped");
    }

    boolean frozen() {
      return status.equals("Frozen");
    }

    boolean hasNic() {
      return expandedDevices().values().stream().anyMatch(d -> "nic".equals(d.get("type")));
    }

    Map<String, Map<String, String>> expandedDevices() {
      Map<String, Map<String, String>> out = new LinkedHashMap<>();
      for (String p : profiles) {
        out.putAll(IncusFake.this.profiles.getOrDefault(p, Map.of()));
      }
      out.putAll(devices);
      return out;
    }

    Snap snapshot(String snapName) {
      return new Snap(snapName, new LinkedHashMap<>(config), copyDevices(devices), new ArrayList<>(profiles),
          new LinkedHashMap<>(files), Instant.now());
    }

    FakeInstance view() {
      return new FakeInstance(project, name, status, Map.copyOf(config), copyOfDevices(devices), List.copyOf(profiles),
          List.copyOf(snapshots.keySet()), Map.copyOf(files), ipv4);
    }

    private Map<String, Map<String, String>> copyOfDevices(Map<String, Map<String, String>> d) {
      Map<String, Map<String, String>> out = new LinkedHashMap<>();
      d.forEach((k, v) -> out.put(k, Map.copyOf(v)));
      return Collections.unmodifiableMap(out);
    }
  }

  private record Snap(String name, Map<String, String> config, Map<String, Map<String, String>> devices,
      List<String> profiles, Map<String, String> files, Instant createdAt) {}

  private static final class Op {
    final String id;
    final String description;
    final Instant createdAt = Instant.now();
    final Map<String, List<String>> resources = new LinkedHashMap<>();
    int pollsLeft;
    Instant finishedAt;
    String err;
    int errorCode;
    ObjectNode metadata;

    Op(String id, String description, int polls) {
      this.id = id;
      this.description = description;
      this.pollsLeft = polls;
    }

    boolean failed() {
      return err != null;
    }

    boolean finished() {
      return pollsLeft == 0;
    }

    Op fail(int code, String error) {
      this.err = error;
      this.errorCode = code;
      return this;
    }
  }

  private record OpFault(String routeKey, String error) {}
}
