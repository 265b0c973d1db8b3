package dev.tenantwright.testkit.incus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.BackendFake;
import dev.tenantwright.testkit.RouteRequest;
import dev.tenantwright.testkit.RouteResponse;
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
 * <p><b>What it models.</b> Projects, with their own (initially empty) {@code default} profile when
 * {@code features.profiles} is on, as {@code POST /1.0/projects} makes them; profiles; instances (containers and
 * virtual machines) with config, devices, profiles, status and an IPv4 address on the bridge; proxy devices (a
 * host port taken by another running instance makes start fail; a VM accepts only NAT proxies); exec with
 * recorded output files and exit codes; snapshots and restore of config, devices, profiles and a small file
 * system; the instance ETag ({@code GET} answers it, {@code PUT} and {@code PATCH} check {@code If-Match} and
 * answer 412 on a mismatch); {@code PATCH} as a merge of config keys (an empty value unsets one) and whole
 * devices; operations, and the list of operations. Changes that Incus makes in an operation are asynchronous
 * as in Incus: the request answers 202 with a {@code Location} header and an {@code async} envelope, and
 * {@code GET /1.0/operations/{id}/wait} tells the outcome; {@code PATCH} is synchronous, as in Incus. The change
 * itself happens when the request is handled, so a client that never waits still changed the backend — except
 * for a create from a remote image ({@code source.server}) while operations are kept running: Incus downloads
 * the image before it writes the instance record, so the instance appears only when the operation ends.
 * While its create operation runs, an instance is "busy": start, stop, delete, snapshot and restore fail with
 * Incus's {@code Instance is busy running a "create" operation}.
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
 * {@link #operationsRunFor(int)} keeps operations running for a number of waits and
 * {@link #finishRunningOperations()} ends them; {@link #vmAgentStartsAfter(int)} makes a started VM's agent
 * answer exec only after some attempts; {@link #changeInstance(String, String, Map)} changes an instance's
 * config behind the client's back (a concurrent writer);
 * {@link #afterEachCall(IntConsumer)} is told after each call took effect; the inherited HTTP
 * {@linkplain #inject faults}, counters and leak view work as for every fake. Every request and every answer
 * the handlers give is validated against {@link #contract()}, a reduced copy of Incus's
 * {@code doc/rest-api.yaml} shipped with the test kit.
 *
 * <pre>{@code
 * try (IncusFake incus = new IncusFake()) {
 *   Map<String, Object> config = Map.of("url", incus.baseUrl());
 *   // run the plugin with pluginConfig("incus", config) ...
 *   assertThat(incus.instance("default", "acme-demo-erp")).get().extracting(InstanceView::status).isEqualTo("Running");
 *   incus.assertNothingLeaked();
 *   incus.assertContractRespected();
 * }
 * }</pre>
 *
 * <p>Thread-safe: handlers run one at a time under the fake's monitor and every public method is
 * synchronized.
 */
public final class IncusFake extends BackendFake {

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
      "/1.0/instances/{name}/snapshots/{snapshot}", "/1.0/operations", "/1.0/operations/{id}",
      "/1.0/operations/{id}/wait", "/1.0/profiles/{name}", "/1.0/projects", "/1.0/projects/{name}");

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
  /** Route key: list the operations (their URLs by status). */
  public static final String LIST_OPERATIONS = "GET /1.0/operations";
  /** Route key: read an operation. */
  public static final String GET_OPERATION = "GET /1.0/operations/{id}";
  /** Route key: wait for an operation. */
  public static final String WAIT_OPERATION = "GET /1.0/operations/{id}/wait";
  /** Route key: read a profile. */
  public static final String GET_PROFILE = "GET /1.0/profiles/{name}";
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
  /**
   * The config keys Incus changes on a running VM (internal/server/instance/drivers/driver_qemu.go, {@code Update}:
   * {@code liveUpdateKeys}); {@code limits.cpu} too when the CPU count stays a plain number (CPU hotplug).
   */
  private static final Set<String> VM_LIVE_KEYS = Set.of("cluster.evacuate", "limits.memory", "security.agent.metrics",
      "security.csm", "security.protection.delete", "security.protection.start", "security.guestapi",
      "security.secureboot", "limits.memory.oom_priority");
  /** ... and {@code liveUpdateKeyPrefixes} of the same function. */
  private static final List<String> VM_LIVE_PREFIXES = List.of("boot.", "cloud-init.", "environment.", "image.",
      "snapshots.", "user.", "volatile.");
  /** Incus's text for an exec while a VM's agent is not up (driver_qemu.go {@code errQemuAgentOffline}). */
  public static final String VM_AGENT_OFFLINE = "VM agent isn't currently running";

  // ------------------------------------------------------------------------------------------ state

  private final Map<String, ObjectNode> projects = new LinkedHashMap<>();
  private final Map<String, Inst> instances = new LinkedHashMap<>();
  private final Map<String, Op> operations = new LinkedHashMap<>();
  private final Map<String, String> images = new LinkedHashMap<>();
  /** Project name to profile name to devices; a project without features.profiles uses the default project's. */
  private final Map<String, Map<String, Map<String, Map<String, String>>>> profiles = new LinkedHashMap<>();
  private final Map<String, Op> pendingCreates = new LinkedHashMap<>();
  private final List<ExecCall> execs = new ArrayList<>();
  private final List<OpFault> opFaults = new ArrayList<>();
  private ExecHandler execHandler = BUILT_IN;
  private int runningPolls;
  private Duration retention = Duration.ofSeconds(5);
  private boolean errorEnvelopeWaits = true;
  private boolean duplicateInOperation;
  private int nextAddress = 10;
  private int vmAgentDelay;

  /** A fake with the default project, profile and image, validating against {@link #contract()}. */
  public IncusFake() {
    super("incus");
    defaults();
    validateAgainst(contract());

    route("GET", "/1.0/instances", this::listInstances);
    route("POST", "/1.0/instances", this::createInstance);
    route("GET", "/1.0/instances/{name}", req -> {
      Inst inst = require(req);
      // The answer carries the instance's ETag (quoted), as every ETag-able GET of Incus does
      // (internal/server/response/response.go: w.Header().Set("ETag", fmt.Sprintf("\"%s\"", etag))).
      return sync(instanceJson(inst)).withHeader("ETag", "\"" + etag(inst) + "\"");
    });
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
    route("GET", "/1.0/operations", this::listOperations);
    route("GET", "/1.0/operations/{id}", req -> {
      Op op = findOperation(req.pathParam("id"));
      return op == null ? errorResponse(404, "Operation not found") : sync(opJson(op, op.finished()));
    });
    route("GET", "/1.0/operations/{id}/wait", this::waitOperation);
    route("GET", "/1.0/profiles/{name}", this::getProfile);
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

  /** Adds (or replaces) a profile of the default project with its devices, device name to keys. */
  public synchronized IncusFake profile(String name, Map<String, Map<String, String>> devices) {
    return profile("default", name, devices);
  }

  /**
   * Adds (or replaces) a profile of a project with its own profiles ({@code features.profiles=true}, or the
   * default project), with its devices, device name to keys.
   */
  public synchronized IncusFake profile(String project, String name, Map<String, Map<String, String>> devices) {
    Map<String, Map<String, Map<String, String>>> own = profiles.get(Objects.requireNonNull(project, "project"));
    if (own == null) {
      throw new IllegalArgumentException("project " + project + " has no profiles of its own (features.profiles)");
    }
    own.put(Objects.requireNonNull(name, "name"), copyDevices(devices));
    return this;
  }

  /**
   * Adds a project that shares the default project's images and profiles, as
   * {@code incus project create NAME -c features.images=false -c features.profiles=false} makes it.
   */
  public synchronized IncusFake project(String name) {
    return project(name, Map.of("features.images", "false", "features.profiles", "false"));
  }

  /**
   * Adds a project as {@code POST /1.0/projects} with this config would: a feature it does not name is on
   * (Incus's initial value), and with {@code features.profiles} on the project gets its own, empty
   * {@code default} profile — no root disk, no network card.
   */
  public synchronized IncusFake project(String name, Map<String, String> config) {
    if (!projects.containsKey(Objects.requireNonNull(name, "name"))) {
      addProject(name, config, "");
    }
    return this;
  }

  /**
   * Makes a started virtual machine's agent answer only from the given exec attempt on: the first
   * {@code execAttempts} execs after each start fail their operation with {@value #VM_AGENT_OFFLINE}, as Incus
   * answers until {@code incus-agent} is up in the guest (its address comes from the DHCP lease before that).
   * 0 (the default) means the agent is there at once.
   */
  public synchronized IncusFake vmAgentStartsAfter(int execAttempts) {
    if (execAttempts < 0) {
      throw new IllegalArgumentException("execAttempts must not be negative");
    }
    this.vmAgentDelay = execAttempts;
    return this;
  }

  /** Ends every operation that is still running, with its result, as if Incus had finished the work now. */
  public synchronized IncusFake finishRunningOperations() {
    for (Op op : operations.values()) {
      if (!op.finished()) {
        op.pollsLeft = 0;
        finish(op);
      }
    }
    return this;
  }

  /**
   * Changes config keys of an instance directly, as another client would (its ETag changes); an empty value
   * removes the key.
   */
  public synchronized IncusFake changeInstance(String project, String name, Map<String, String> config) {
    Inst inst = instances.get(key(project, name));
    if (inst == null) {
      throw new IllegalArgumentException("no instance " + project + "/" + name);
    }
    config.forEach((k, v) -> {
      if (v.isEmpty()) {
        inst.config.remove(k);
      } else {
        inst.config.put(k, v);
      }
    });
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
      inst.boot();
      assignAddress(inst);
    }
    for (String s : snapshots) {
      inst.snapshots.put(s, inst.snapshot(s));
    }
    return this;
  }

  /**
   * Deletes an instance with its snapshots behind the plugin's back, as an operator running
   * {@code incus delete --force NAME} by hand does (stopped first if it runs, then {@link #DELETE_INSTANCE}).
   */
  public synchronized void removeInstance(String project, String name) {
    if (instances.remove(key(project, name)) == null) {
      throw new IllegalArgumentException("no instance " + project + "/" + name);
    }
  }

  // ------------------------------------------------------------------------------------------ views

  /** A copy of the instance, if it exists. */
  public synchronized Optional<InstanceView> instance(String project, String name) {
    Inst inst = instances.get(key(project, name));
    return inst == null ? Optional.empty() : Optional.of(inst.view());
  }

  /** Copies of every instance in every project. */
  public synchronized List<InstanceView> instances() {
    List<InstanceView> out = new ArrayList<>();
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
    vmAgentDelay = 0;
    pendingCreates.clear();
    defaults();
  }

  /** Incus's error envelope. */
  @Override
  protected RouteResponse errorResponse(int status, String message) {
    ObjectNode body = newObject().put("type", "error").put("status", "").put("status_code", 0).put("operation", "")
        .put("error_code", status).put("error", message);
    body.putNull("metadata");
    return RouteResponse.json(status, body);
  }

  // ------------------------------------------------------------------------------------------ instances

  private RouteResponse listInstances(RouteRequest req) {
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

  private RouteResponse createInstance(RouteRequest req) {
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
    Map<String, Map<String, Map<String, String>>> known = profilesOf(project);
    for (String p : profileNames) {
      if (!known.containsKey(p)) {
        return errorResponse(500, "Requested profile \"" + p + "\" doesn't exist");
      }
    }
    Map<String, Map<String, String>> devices = devices(body.path("devices"));
    Inst existing = instances.get(key(project, name));
    if (existing != null && !duplicateInOperation) {
      return errorResponse(500, "Instance \"" + name + "\" already exists");
    }
    Op op = newOp("Creating instance", "instances", project, name, CREATE_INSTANCE);
    if (op.failed()) {
      return accepted(op);
    }
    if (creating(project, name)) {
      // The first create holds the instance's operation lock until it ends
      // (internal/server/instance/instance_utils.go CreateInternal: operationlock.Create(..., ActionCreate, ...)).
      return accepted(op.fail(500, "Instance is busy running a \"create\" operation"));
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
    // Incus records the image an instance was made from among its own (volatile) keys.
    config.put("volatile.base_image", remote ? UUID.nameUUIDFromBytes(source.toString().getBytes(
        java.nio.charset.StandardCharsets.UTF_8)).toString().replace("-", "") + "00000000000000000000000000000000"
        : imageFingerprint(source));
    Inst inst = new Inst(project, name, type, profileNames, config, devices);
    inst.description = body.path("description").asText("");
    // The driver validates the devices, its profiles' among them, while it creates the instance, inside the
    // operation (driver_lxc.go / driver_qemu.go create: "Invalid devices: %w"; a missing root disk is
    // instance.ErrNoRootDisk).
    String deviceProblem = validateDevices(inst.devices, inst.vm());
    if (deviceProblem == null && inst.expandedDevices().values().stream()
        .noneMatch(d -> "disk".equals(d.get("type")) && "/".equals(d.get("path")))) {
      deviceProblem = "Failed detecting root disk device: No root device could be found";
    }
    if (deviceProblem != null) {
      return accepted(op.fail(500, "Invalid devices: " + deviceProblem));
    }
    boolean start = body.path("start").asBoolean(false);
    Runnable made = () -> {
      instances.put(key(project, name), inst);
      if (start) {
        start(inst);
      }
    };
    if (remote && op.pollsLeft > 0) {
      // A remote image is downloaded before the instance record is written (cmd/incusd/instances_post.go
      // createFromImage: ImageDownload, then instanceCreateFromImage): until the operation ends, the instance
      // is not there. The name is taken meanwhile: a second create fails on the operation lock.
      pendingCreates.put(key(project, name), op);
      op.onFinish = () -> {
        pendingCreates.remove(key(project, name));
        made.run();
      };
      return accepted(op);
    }
    inst.creating = op;
    instances.put(key(project, name), inst);
    if (start) {
      String failure = start(inst);
      if (failure != null) {
        return accepted(op.fail(500, failure));
      }
    }
    return accepted(op);
  }

  private RouteResponse putInstance(RouteRequest req) {
    Inst inst = require(req);
    JsonNode body = req.json();
    String restore = body.path("restore").asText("");
    if (!restore.isEmpty()) {
      Op op = newOp("Restoring snapshot", "instances", inst.project, inst.name, PUT_INSTANCE);
      if (op.failed()) {
        return accepted(op);
      }
      if (busy(inst) != null) {
        return accepted(op.fail(500, busy(inst)));
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
    // A full update: the ETag is checked before anything else (cmd/incusd/instance_put.go instancePut:
    // localUtil.EtagCheck(r, inst.ETag()) -> response.PreconditionFailed), then the driver's Update runs in an
    // operation and replaces config, devices and profiles as given.
    RouteResponse stale = checkEtag(req, inst);
    if (stale != null) {
      return stale;
    }
    Op op = newOp("Updating instance", "instances", inst.project, inst.name, PUT_INSTANCE);
    if (op.failed()) {
      return accepted(op);
    }
    Map<String, String> config = new LinkedHashMap<>();
    body.path("config").properties().forEach(e -> {
      if (!e.getValue().asText().isEmpty()) {
        config.put(e.getKey(), e.getValue().asText());
      }
    });
    List<String> ps = new ArrayList<>();
    if (body.path("profiles").isArray()) {
      body.path("profiles").forEach(p -> ps.add(p.asText()));
    } else {
      ps.addAll(inst.profiles);
    }
    String problem = update(inst, config, devices(body.path("devices")), ps);
    return problem == null ? accepted(op) : accepted(op.fail(500, problem));
  }

  /**
   * A partial update, modelled on cmd/incusd/instance_patch.go {@code instancePatch}: the ETag is checked first
   * (412 on a mismatch); config keys in the body are set and every other local key is kept, a key sent with
   * an empty value is removed (internal/server/db/cluster/config.mapper.go {@code CreateConfig}: "An empty
   * value means we are unsetting this key"); a device in the body replaces the local device of that name and
   * every other local device is kept (so PATCH cannot remove a device); profiles are replaced when sent. The
   * driver's Update runs synchronously: its failures (invalid config or devices, a key a running VM cannot
   * change) pass through {@code response.SmartError} and answer 500 with the text, and nothing changes (the
   * update reverts itself).
   */
  private RouteResponse patchInstance(RouteRequest req) {
    Inst inst = require(req);
    RouteResponse stale = checkEtag(req, inst);
    if (stale != null) {
      return stale;
    }
    JsonNode body = req.json();
    if (!body.path("restore").asText("").isEmpty()) {
      return errorResponse(400, "Can't call PATCH in restore mode");
    }
    Map<String, String> config = new LinkedHashMap<>(inst.config);
    body.path("config").properties().forEach(e -> {
      if (e.getValue().asText().isEmpty()) {
        config.remove(e.getKey());
      } else {
        config.put(e.getKey(), e.getValue().asText());
      }
    });
    Map<String, Map<String, String>> devices = copyDevices(inst.devices);
    devices.putAll(devices(body.path("devices")));
    List<String> ps = new ArrayList<>(inst.profiles);
    if (body.path("profiles").isArray()) {
      ps.clear();
      body.path("profiles").forEach(p -> ps.add(p.asText()));
    }
    String problem = update(inst, config, devices, ps);
    return problem == null ? emptySync(200) : errorResponse(500, problem);
  }

  /**
   * The driver's Update (driver_lxc.go / driver_qemu.go): validates, refuses on a running VM a change of a key
   * that is not live-updatable, re-checks proxy host ports of a running instance, and applies all or nothing.
   *
   * @return Incus's error text, or null when the instance was changed
   */
  private String update(Inst inst, Map<String, String> config, Map<String, Map<String, String>> devices,
      List<String> profileNames) {
    String configProblem = validateConfig(config);
    if (configProblem != null) {
      return "Invalid config: " + configProblem;
    }
    Map<String, Map<String, Map<String, String>>> known = profilesOf(inst.project);
    for (String p : profileNames) {
      if (!known.containsKey(p)) {
        return "Requested profile '" + p + "' doesn't exist";
      }
    }
    String deviceProblem = validateDevices(devices, inst.vm());
    if (deviceProblem != null) {
      return "Invalid devices: " + deviceProblem;
    }
    Inst next = new Inst(inst.project, inst.name, inst.type, profileNames, config, devices);
    Map<String, String> oldRoot = rootDisk(inst.expandedDevices());
    Map<String, String> newRoot = rootDisk(next.expandedDevices());
    if (newRoot == null) {
      return "Invalid root disk device: No root device could be found";
    }
    if (oldRoot != null && !Objects.equals(oldRoot.get("pool"), newRoot.get("pool"))) {
      // driver_lxc.go / driver_qemu.go Update: "Cannot update root disk device pool name to %q"
      return "Cannot update root disk device pool name to \"" + newRoot.get("pool") + "\"";
    }
    if (inst.vm() && inst.running()) {
      Set<String> changed = new LinkedHashSet<>(inst.config.keySet());
      changed.addAll(config.keySet());
      changed.removeIf(k -> Objects.equals(inst.config.get(k), config.get(k)));
      for (String k : changed) {
        boolean live = VM_LIVE_KEYS.contains(k) || VM_LIVE_PREFIXES.stream().anyMatch(k::startsWith)
            || k.equals("limits.cpu") && plainNumber(inst.config.get("limits.cpu")) && plainNumber(config.get("limits.cpu"));
        if (!live) {
          return "Key \"" + k + "\" cannot be updated when VM is running";
        }
      }
    }
    if (inst.running()) {
      String taken = portConflict(next);
      if (taken != null) {
        return taken;
      }
    }
    inst.config = config;
    inst.devices = devices;
    inst.profiles = new ArrayList<>(profileNames);
    return null;
  }

  private static boolean plainNumber(String value) {
    return value == null || value.matches("[0-9]+");
  }

  /** 412 when the request's {@code If-Match} names another ETag (internal/server/util/http.go EtagCheck). */
  private RouteResponse checkEtag(RouteRequest req, Inst inst) {
    Optional<String> match = req.header("If-Match").map(m -> m.replace("\"", "")).filter(m -> !m.isEmpty());
    String current = etag(inst);
    if (match.isPresent() && !match.get().equals(current)) {
      return errorResponse(412, "ETag doesn't match: " + current + " vs " + match.get());
    }
    return null;
  }

  private RouteResponse deleteInstance(RouteRequest req) {
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
    if (op.failed()) {
      return accepted(op);
    }
    if (busy(inst) != null) {
      // driver_lxc.go Delete: operationlock.CreateWaitGet(..., ActionDelete, nil, ...) fails on the create's lock.
      return accepted(op.fail(500, busy(inst)));
    }
    instances.remove(key(inst.project, inst.name));
    return accepted(op);
  }

  private RouteResponse changeState(RouteRequest req) {
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
    if (busy(inst) != null) {
      // Start, stop, ... take the instance's operation lock (driver_lxc.go Start: operationlock.CreateWaitGet),
      // which the running create holds.
      return accepted(op.fail(500, busy(inst)));
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

  private RouteResponse exec(RouteRequest req) {
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
    // What a command sees: the environment the instance booted with, then its current environment.* keys. A key
    // unset since the boot stays visible until the next restart — measured on Incus 6.0.4 (`incus config unset
    // c environment.B` then `incus exec c -- env` still prints B), while set and changed keys show at once.
    Map<String, String> env = new LinkedHashMap<>(inst.bootEnvironment);
    env.putAll(Inst.environment(inst.config));
    env.putAll(requested);
    Op op = newOp("Executing command", "instances", inst.project, inst.name, EXEC);
    op.resources.put("containers", List.of(instanceUrl(inst)));
    if (op.failed()) {
      return accepted(op);
    }
    if (inst.vm() && inst.agentWaits > 0) {
      // A VM's commands run through incus-agent in the guest; until it is up, the exec operation fails
      // (driver_qemu.go Exec -> getAgentClient: errQemuAgentOffline "VM agent isn't currently running").
      inst.agentWaits--;
      return accepted(op.fail(400, VM_AGENT_OFFLINE));
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

  private RouteResponse readLog(RouteRequest req) {
    Inst inst = require(req);
    String content = inst.logs.get(req.pathParam("filename"));
    if (content == null) {
      return errorResponse(404, "Not found");
    }
    return RouteResponse.text(200, "application/octet-stream", content);
  }

  private RouteResponse deleteLog(RouteRequest req) {
    Inst inst = require(req);
    if (inst.logs.remove(req.pathParam("filename")) == null) {
      return errorResponse(404, "Not found");
    }
    return emptySync(200);
  }

  private RouteResponse listSnapshots(RouteRequest req) {
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

  private RouteResponse createSnapshot(RouteRequest req) {
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
    if (busy(inst) != null) {
      return accepted(op.fail(500, busy(inst)));
    }
    if (inst.snapshots.containsKey(name)) {
      return accepted(op.fail(500, "Snapshot \"" + inst.name + "/" + name + "\" already exists"));
    }
    inst.snapshots.put(name, inst.snapshot(name));
    return accepted(op);
  }

  private RouteResponse deleteSnapshot(RouteRequest req) {
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

  private RouteResponse createProject(RouteRequest req) {
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
    addProject(name, config, body.path("description").asText(""));
    return emptySync(201);
  }

  /**
   * Adds a project as cmd/incusd/api_project.go {@code projectsPost} does: every feature not named is set to
   * "true" (its initial value), and a project with its own profiles gets an empty {@code default} profile
   * ({@code projectCreateDefaultProfile}): no root disk, no network card.
   */
  private void addProject(String name, Map<String, String> given, String description) {
    Map<String, String> config = new LinkedHashMap<>(given);
    config.putIfAbsent("features.images", "true");
    config.putIfAbsent("features.profiles", "true");
    ObjectNode p = projectJson(name, config);
    p.put("description", description);
    projects.put(name, p);
    if ("true".equals(config.get("features.profiles"))) {
      Map<String, Map<String, Map<String, String>>> own = new LinkedHashMap<>();
      own.put("default", new LinkedHashMap<>());
      profiles.put(name, own);
    }
  }

  private RouteResponse deleteProject(RouteRequest req) {
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
    profiles.remove(name);
    return emptySync(200);
  }

  // ------------------------------------------------------------------------------------------ profiles

  private RouteResponse getProfile(RouteRequest req) {
    String project = project(req);
    if (!projects.containsKey(project)) {
      return projectNotFound(project);
    }
    String name = req.pathParam("name");
    Map<String, Map<String, String>> devices = profilesOf(project).get(name);
    if (devices == null) {
      return errorResponse(404, "Profile not found");
    }
    ObjectNode o = newObject().put("name", name).put("description", name.equals("default") ? "Default Incus profile" : "");
    o.putObject("config");
    putDevices(o.putObject("devices"), devices);
    ArrayNode usedBy = o.putArray("used_by");
    for (Inst i : instances.values()) {
      if (i.project.equals(project) && i.profiles.contains(name)) {
        usedBy.add(instanceUrl(i));
      }
    }
    o.put("project", profileProject(project));
    return sync(o);
  }

  /** The project whose profiles {@code project} uses: itself with features.profiles, else the default project. */
  private String profileProject(String project) {
    return profiles.containsKey(project) ? project : "default";
  }

  private Map<String, Map<String, Map<String, String>>> profilesOf(String project) {
    return profiles.getOrDefault(profileProject(project), Map.of());
  }

  // ------------------------------------------------------------------------------------------ operations

  /**
   * The operations of a project as URLs grouped by lower-case status ({@code running}, {@code success},
   * {@code failure}), as cmd/incusd/operations.go {@code operationsGet} answers without recursion. (With
   * recursion Incus answers the same map with operation objects, not the list its document declares; the
   * fake serves only the URL form.)
   */
  private RouteResponse listOperations(RouteRequest req) {
    boolean all = req.query("all-projects").map(Boolean::parseBoolean).orElse(false);
    String project = project(req);
    forgetOldOperations();
    ObjectNode byStatus = newObject();
    for (Op op : operations.values()) {
      if (!all && !op.project.equals(project)) {
        continue;
      }
      String status = !op.finished() ? "running" : op.failed() ? "failure" : "success";
      ArrayNode urls = byStatus.has(status) ? (ArrayNode) byStatus.get(status) : byStatus.putArray(status);
      urls.add("/1.0/operations/" + op.id);
    }
    return sync(byStatus);
  }

  private RouteResponse waitOperation(RouteRequest req) {
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
        finish(op);
      }
      return sync(opJson(op, false));
    }
    if (op.failed() && errorEnvelopeWaits) {
      RouteResponse error = errorResponse(op.errorCode, op.err);
      return RouteResponse.json(200, readTree(error.body()));
    }
    return sync(opJson(op, true));
  }

  /** The operation, unless it finished longer ago than the retention (then it is forgotten, as in Incus). */
  private Op findOperation(String id) {
    forgetOldOperations();
    return operations.get(id);
  }

  private void forgetOldOperations() {
    Instant now = Instant.now();
    operations.values().removeIf(op -> op.finishedAt != null && !now.isBefore(op.finishedAt.plus(retention)));
  }

  /** The operation has ended: its deferred effect (a remote create) happens now. */
  private void finish(Op op) {
    op.finishedAt = Instant.now();
    if (op.onFinish != null && !op.failed()) {
      Runnable effect = op.onFinish;
      op.onFinish = null;
      effect.run();
    } else if (op.failed()) {
      pendingCreates.values().removeIf(pending -> pending == op);
    }
  }

  private Op newOp(String description, String resourceKind, String project, String instance, String route) {
    Op op = new Op(UUID.randomUUID().toString(), description, runningPolls, project);
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

  private RouteResponse accepted(Op op) {
    ObjectNode body = newObject().put("type", "async").put("status", "Operation created").put("status_code", 100)
        .put("operation", "/1.0/operations/" + op.id).put("error_code", 0).put("error", "");
    body.set("metadata", opJson(op, false));
    if (op.pollsLeft == 0 && op.finishedAt == null) {
      finish(op);
    }
    return RouteResponse.json(202, body).withHeader("Location", "/1.0/operations/" + op.id);
  }

  // ------------------------------------------------------------------------------------------ JSON

  private ObjectNode instanceJson(Inst i) {
    ObjectNode o = newObject().put("architecture", "x86_64");
    ObjectNode config = o.putObject("config");
    i.config.forEach(config::put);
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

  private RouteResponse sync(JsonNode metadata) {
    ObjectNode body = newObject().put("type", "sync").put("status", "Success").put("status_code", 200)
        .put("operation", "").put("error_code", 0).put("error", "");
    body.set("metadata", metadata);
    return RouteResponse.json(200, body);
  }

  private RouteResponse emptySync(int status) {
    ObjectNode body = newObject().put("type", "sync").put("status", "Success").put("status_code", 200)
        .put("operation", "").put("error_code", 0).put("error", "");
    body.putObject("metadata");
    return RouteResponse.json(status, body);
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
    projects.put("default", projectJson("default", Map.of("features.images", "true", "features.profiles", "true")));
    images.put(DEFAULT_IMAGE, DEFAULT_IMAGE_FINGERPRINT);
    Map<String, Map<String, Map<String, String>>> own = new LinkedHashMap<>();
    own.put("default", copyDevices(Map.of(
        "root", Map.of("type", "disk", "path", "/", "pool", "default"),
        "eth0", Map.of("type", "nic", "name", "eth0", "network", "incusbr0"))));
    profiles.put("default", own);
  }

  private Inst require(RouteRequest req) {
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

  private static String project(RouteRequest req) {
    return req.query("project").filter(p -> !p.isEmpty()).orElse("default");
  }

  private RouteResponse projectNotFound(String project) {
    return errorResponse(404, "Failed to fetch project \"" + project + "\": Project not found");
  }

  private RouteResponse snapshotNotFound(Inst inst, String name) {
    return errorResponse(404, "Failed to fetch snapshot \"" + name + "\" of instance \"" + inst.name
        + "\" in project \"" + inst.project + "\": Instance_snapshot not found");
  }

  private String imageFingerprint(JsonNode source) {
    String alias = source.path("alias").asText("");
    if (!alias.isEmpty()) {
      return images.get(alias);
    }
    String prefix = source.path("fingerprint").asText("");
    return images.values().stream().filter(f -> f.startsWith(prefix)).findFirst().orElse(prefix);
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
    String taken = portConflict(inst);
    if (taken != null) {
      return taken;
    }
    inst.status = "Running";
    inst.boot();
    inst.agentWaits = inst.vm() ? vmAgentDelay : 0;
    assignAddress(inst);
    return null;
  }

  /** Incus's error when a proxy of {@code inst} listens where a proxy of another running instance does. */
  private String portConflict(Inst inst) {
    Set<String> taken = new LinkedHashSet<>();
    for (Inst other : instances.values()) {
      if (other != inst && !other.name.equals(inst.name) && !other.stopped()) {
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
    return null;
  }

  /** Whether a create of that instance is still running (the record may not be written yet). */
  private boolean creating(String project, String name) {
    Op pending = pendingCreates.get(key(project, name));
    Inst inst = instances.get(key(project, name));
    return pending != null && !pending.finished() || inst != null && busy(inst) != null;
  }

  /** Incus's error for an instance whose create operation still holds its lock, else null. */
  private static String busy(Inst inst) {
    return inst.creating != null && !inst.creating.finished()
        ? "Instance is busy running a \"create\" operation" : null;
  }

  /** The root disk among devices (a disk at path /), or null (internal/instance/device.go GetRootDiskDevice). */
  private static Map<String, String> rootDisk(Map<String, Map<String, String>> devices) {
    return devices.values().stream().filter(d -> "disk".equals(d.get("type")) && "/".equals(d.get("path")))
        .findFirst().orElse(null);
  }

  /**
   * The instance's ETag: a SHA-256 over what Incus puts into it (internal/server/instance/drivers/driver_common.go
   * {@code ETag}: architecture, ephemeral, profiles, sorted local devices, sorted local config "k=v"), hex as
   * internal/server/util/http.go {@code EtagHash} writes it. Any change of config, devices or profiles changes it.
   */
  private static String etag(Inst inst) {
    StringBuilder b = new StringBuilder("x86_64|false|").append(inst.profiles).append('|');
    new java.util.TreeMap<>(inst.devices).forEach((name, keys) -> b.append(name).append(new java.util.TreeMap<>(keys)));
    new java.util.TreeMap<>(inst.config).forEach((k, v) -> b.append('|').append(k).append('=').append(v));
    try {
      byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
          .digest(b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(hash);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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

  /** The first device problem as Incus words it (without the "Invalid devices: " prefix), or null. */
  private static String validateDevices(Map<String, Map<String, String>> devices, boolean vm) {
    for (Map.Entry<String, Map<String, String>> d : devices.entrySet()) {
      Map<String, String> keys = d.getValue();
      String type = keys.get("type");
      String failed = "Device validation failed for \"" + d.getKey() + "\": ";
      if (type == null || type.isEmpty()) {
        return failed + "Missing device type";
      }
      if (type.equals("proxy")) {
        for (String k : List.of("listen", "connect")) {
          String v = keys.get(k);
          if (v == null || !PROXY_ADDRESS.matcher(v).matches()) {
            return failed + "Invalid value for device option \"" + k + "\": " + v;
          }
        }
        for (String k : keys.keySet()) {
          if (!Set.of("type", "listen", "connect", "bind", "nat", "proxy_protocol", "security.uid", "security.gid",
              "uid", "gid", "mode").contains(k)) {
            return failed + "Invalid device option \"" + k + "\"";
          }
        }
        if (vm && !"true".equals(keys.get("nat"))) {
          // internal/server/device/proxy.go validateConfig; doc/reference/devices_proxy.md: "VMs (NAT mode only)".
          return failed + "Only NAT mode is supported for proxies on VM instances";
        }
      }
      if (type.equals("disk")) {
        for (String k : keys.keySet()) {
          if (!Set.of("type", "path", "pool", "size", "source", "readonly", "limits.read", "limits.write", "limits.max",
              "boot.priority", "initial.zfs.blocksize").contains(k)) {
            return failed + "Invalid device option \"" + k + "\"";
          }
        }
        String size = keys.get("size");
        if (size != null && !MEMORY.matcher(size).matches()) {
          return failed + "Invalid value for device option \"size\": " + size;
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
    /** The create operation, while it runs the instance is busy. */
    Op creating;
    /** Exec attempts a started VM's agent still refuses. */
    int agentWaits;
    /** The {@code environment.*} values the instance last started with. */
    Map<String, String> bootEnvironment = Map.of();
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

    /** Records the environment the instance starts with. */
    void boot() {
      bootEnvironment = environment(config);
    }

    static Map<String, String> environment(Map<String, String> config) {
      Map<String, String> env = new LinkedHashMap<>();
      config.forEach((k, v) -> {
        if (k.startsWith("environment.")) {
          env.put(k.substring("environment.".length()), v);
        }
      });
      return env;
    }

    boolean stopped() {
      return status.equals("Stopped");
    }

    boolean frozen() {
      return status.equals("Frozen");
    }

    boolean vm() {
      return type.equals("virtual-machine");
    }

    boolean hasNic() {
      return expandedDevices().values().stream().anyMatch(d -> "nic".equals(d.get("type")));
    }

    Map<String, Map<String, String>> expandedDevices() {
      Map<String, Map<String, String>> out = new LinkedHashMap<>();
      for (String p : profiles) {
        out.putAll(profilesOf(project).getOrDefault(p, Map.of()));
      }
      out.putAll(devices);
      return out;
    }

    Snap snapshot(String snapName) {
      return new Snap(snapName, new LinkedHashMap<>(config), copyDevices(devices), new ArrayList<>(profiles),
          new LinkedHashMap<>(files), Instant.now());
    }

    InstanceView view() {
      return new InstanceView(project, name, status, Map.copyOf(config), copyOfDevices(devices), List.copyOf(profiles),
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
    final String project;
    /** What happens when the operation ends successfully, for a change Incus makes only at its end. */
    Runnable onFinish;
    final Instant createdAt = Instant.now();
    final Map<String, List<String>> resources = new LinkedHashMap<>();
    int pollsLeft;
    Instant finishedAt;
    String err;
    int errorCode;
    ObjectNode metadata;

    Op(String id, String description, int polls, String project) {
      this.id = id;
      this.description = description;
      this.pollsLeft = polls;
      this.project = project;
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
