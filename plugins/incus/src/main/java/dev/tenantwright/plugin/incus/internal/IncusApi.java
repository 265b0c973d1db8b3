package dev.tenantwright.plugin.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.plugin.support.BackendError;
import dev.tenantwright.plugin.support.RestClient;
import dev.tenantwright.plugin.support.RestRequest;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Incus REST calls the plugin makes, on one {@link RestClient} bound to one project.
 *
 * <p>Every asynchronous call (HTTP 202 with an operation) is waited on at once with
 * {@code GET /1.0/operations/{id}/wait?timeout=N}: Incus forgets a finished operation after about five
 * seconds. The wait answers HTTP 200 immediately and its body when the operation ends or the timeout
 * passes, so the loop reads the body: status code 200 is success, 400 failure (with {@code err}), 401
 * cancelled, anything else "still running". Incus 6.0 also answers a failed operation's wait with an error
 * envelope ({@code {"type":"error","error":...}}) in that HTTP 200; both are reported as
 * {@link OperationFailedException}. HTTP statuses themselves are classified by the {@code RestClient}, except
 * where Incus's own answers need reading: an update's 412 (stale ETag) and 500 (Incus answers every failed
 * update with 500 and its reason, see {@link #patch}).
 *
 * <p>Immutable and thread-safe. {@link IncusClients} keeps one per configuration; a step calls through
 * {@linkplain #forStep its view} of it, so that every request carries the step's trace context.
 */
public final class IncusApi {

  private static final Logger LOG = LoggerFactory.getLogger(IncusApi.class);

  /** The longest single long-poll; well inside the client's read timeout. */
  static final long WAIT_CHUNK_SECONDS = 20;
  /** Transient failures of the wait call tolerated before giving up on one operation. */
  private static final int WAIT_RETRIES = 3;

  private final RestClient rest;
  private final String project;

  /**
   * Wraps a client whose every request already carries {@code ?project=<project>}.
   *
   * @param rest the client, built by {@link IncusClients}
   * @param project the project the client is bound to, for outputs and messages
   */
  public IncusApi(RestClient rest, String project) {
    this.rest = Objects.requireNonNull(rest, "rest");
    this.project = Objects.requireNonNull(project, "project");
  }

  /**
   * This API calling for one step attempt: every request — operation waits included — also carries the attempt's
   * trace context ({@link RestClient#forStep}), so a step's calls join the host's trace of the step. It shares this
   * client's connections and is not cached: keep it no longer than the call to the step. Without trace headers it
   * is this API itself.
   */
  public IncusApi forStep(StepContext ctx) {
    RestClient view = rest.forStep(ctx);
    return view == rest ? this : new IncusApi(view, project);
  }

  /** The Incus project every call addresses. */
  public String project() {
    return project;
  }

  /** The instance with the answer's ETag, or empty when it does not exist. */
  public Optional<IncusInstance> instance(String name) {
    RestResponse r = rest.call(RestRequest.get(instancePath(name)).expect(404));
    if (r.status() == 404) {
      return Optional.empty();
    }
    return Optional.of(IncusInstance.from(r.json().path("metadata"), r.header("ETag").orElse(null)));
  }

  /**
   * Changes some of an instance's config keys, devices or profiles in place, synchronously, if it is still at
   * {@code etag}: {@code PATCH /1.0/instances/{name}} with {@code If-Match}. Incus merges the body into the
   * instance (cmd/incusd/instance_patch.go): a config key sent with an empty value is removed, a device sent
   * replaces the device of that name, keys and devices not sent stay; it cannot remove a device.
   *
   * @param body an {@code InstancePut} with only what changes
   * @return false when the instance changed since {@code etag} was read (412: nothing was applied)
   * @throws RetryableException when the instance is busy with another operation (nothing was applied)
   * @throws PermanentException when Incus refuses the change, with its reason (e.g. "Key "security.nesting"
   *     cannot be updated when VM is running"); Incus reverts a failed update, so nothing was applied
   */
  public boolean patch(String name, @Nullable String etag, ObjectNode body, String what) {
    RestRequest req = RestRequest.patch(instancePath(name), body).expect(412, 500);
    if (etag != null) {
      req = req.header("If-Match", "\"" + etag + "\"");
    }
    RestResponse r = rest.call(req);
    if (r.status() == 412) {
      return false;
    }
    if (r.status() == 500) {
      refusedUpdate(r, name, what);
    }
    return true;
  }

  /**
   * Replaces an instance's config, devices and profiles as a whole, if it is still at {@code etag}:
   * {@code PUT /1.0/instances/{name}} with {@code If-Match}, then waits for the operation. Used only to remove
   * a device, which {@link #patch} cannot do.
   *
   * @param body a complete {@code InstancePut}: every local config key (volatile ones included) and device to keep
   * @return false when the instance changed since {@code etag} was read (412: nothing was applied)
   * @throws OperationFailedException when Incus refuses the change, with its reason
   */
  public boolean replace(String name, @Nullable String etag, ObjectNode body, String what, StepContext ctx) {
    RestRequest req = RestRequest.put(instancePath(name), body).expect(412);
    if (etag != null) {
      req = req.header("If-Match", "\"" + etag + "\"");
    }
    RestResponse r = rest.call(req);
    if (r.status() == 412) {
      return false;
    }
    await(r, what, ctx);
    return true;
  }

  /**
   * Reads an update's 500. Incus answers every failure of the driver's Update through
   * {@code response.SmartError}, which makes a plain error a 500 with its text, after the update reverted
   * itself; "busy" (another operation holds the instance) passes, anything else is the change being refused.
   */
  private static void refusedUpdate(RestResponse r, String name, String what) {
    String message = r.error().map(BackendError::message).orElse("HTTP 500");
    if (message.toLowerCase(Locale.ROOT).contains("busy")) {
      throw new RetryableException("incus: " + what + ": instance " + name + " is busy: " + message, null, false, null);
    }
    throw new OperationFailedException(what, message);
  }

  /**
   * The ids of the create operations of this instance that are still running in Incus — a create from an
   * earlier attempt that outlived its step (a remote image still downloading, a large image still unpacking).
   * Read as {@code GET /1.0/operations} (URLs by status) and one {@code GET /1.0/operations/{id}} per running
   * operation; an operation that finished meanwhile is skipped.
   */
  public List<String> runningCreates(String name) {
    JsonNode running = rest.call(RestRequest.get("/1.0/operations")).json().path("metadata").path("running");
    List<String> ids = new ArrayList<>();
    String path = instancePath(name);
    for (JsonNode url : running) {
      String id = operationId(url.asText(""));
      if (id.isEmpty()) {
        continue;
      }
      RestResponse r = rest.call(RestRequest.get("/1.0/operations/" + id).expect(404));
      if (r.status() == 404) {
        continue;
      }
      JsonNode op = r.json().path("metadata");
      boolean ours = false;
      for (JsonNode res : op.path("resources").path("instances")) {
        String u = res.asText("");
        int q = u.indexOf('?');
        ours |= (q < 0 ? u : u.substring(0, q)).equals(path);
      }
      // The description of operationtype.InstanceCreate (internal/server/db/operationtype/operation_type.go).
      if (ours && "Creating instance".equals(op.path("description").asText()) && op.path("status_code").asInt() < 200) {
        ids.add(id);
      }
    }
    return ids;
  }

  /** The devices of a profile in the project, or empty when the project has no such profile. */
  public Optional<Map<String, Map<String, String>>> profileDevices(String profile) {
    RestResponse r = rest.call(RestRequest.get("/1.0/profiles/" + profile).expect(404));
    if (r.status() == 404) {
      return Optional.empty();
    }
    Map<String, Map<String, String>> devices = new LinkedHashMap<>();
    r.json().path("metadata").path("devices").properties().forEach(d -> {
      Map<String, String> keys = new LinkedHashMap<>();
      d.getValue().properties().forEach(k -> keys.put(k.getKey(), k.getValue().asText()));
      devices.put(d.getKey(), keys);
    });
    return Optional.of(devices);
  }

  /**
   * Creates an instance (not started) and waits for it.
   *
   * @param body an {@code InstancesPost} with at least {@code name}
   * @return true when this call created it, false when an instance of that name existed already (Incus
   *     answers 500 or 409 "already exists", or fails the operation when two creates race)
   */
  public boolean createInstance(ObjectNode body, StepContext ctx) {
    String what = "create instance " + body.path("name").asText();
    RestResponse r = rest.call(RestRequest.post("/1.0/instances", body).expect(409, 500));
    if (!r.isSuccessful()) {
      if (says(r, "already exists")) {
        return false;
      }
      r.requireSuccess();
    }
    try {
      await(r, what, ctx);
      return true;
    } catch (OperationFailedException e) {
      if (e.alreadyExists()) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Changes an instance's state ({@code start}, {@code stop}, {@code restart}, ...) and waits for it.
   *
   * @return false when the instance does not exist
   * @throws OperationFailedException when the operation fails, e.g. "The instance is already running"
   */
  public boolean changeState(String name, String action, boolean force, StepContext ctx) {
    ObjectNode body = SupportJson.mapper().createObjectNode().put("action", action).put("force", force)
        .put("timeout", 30);
    RestResponse r = rest.call(RestRequest.put(instancePath(name) + "/state", body).expect(404));
    if (r.status() == 404) {
      return false;
    }
    await(r, action + " instance " + name, ctx);
    return true;
  }

  /**
   * Deletes a stopped instance with its snapshots and waits for it.
   *
   * @return false when it was already gone
   * @throws RetryableException when Incus refuses because the instance is running (it was started again
   *     after the stop); a later attempt stops it again
   */
  public boolean deleteInstance(String name, StepContext ctx) {
    RestResponse r = rest.call(RestRequest.delete(instancePath(name)).expect(400, 404));
    if (r.status() == 404) {
      return false;
    }
    if (r.status() == 400) {
      if (says(r, "running")) {
        throw new RetryableException("incus: instance " + name + " is running again; it is stopped and deleted on the next attempt",
            null, false, null);
      }
      r.requireSuccess();
    }
    try {
      await(r, "delete instance " + name, ctx);
      return true;
    } catch (OperationFailedException e) {
      if (e.says("not found")) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Runs a command in a running instance with its output recorded, and waits for it to end.
   *
   * @return the exit code and where Incus keeps the output
   * @throws OperationFailedException when Incus cannot run it at all, e.g. "Command not found"
   */
  public ExecResult exec(String name, List<String> argv, Map<String, String> env, @Nullable String cwd,
      @Nullable Integer user, @Nullable Integer group, String what, StepContext ctx) {
    ObjectNode body = SupportJson.mapper().createObjectNode();
    argv.forEach(body.putArray("command")::add);
    ObjectNode environment = body.putObject("environment");
    env.forEach(environment::put);
    if (cwd != null) {
      body.put("cwd", cwd);
    }
    if (user != null) {
      body.put("user", user);
    }
    if (group != null) {
      body.put("group", group);
    }
    body.put("interactive", false).put("wait-for-websocket", false).put("record-output", true);
    RestResponse r = rest.call(RestRequest.post(instancePath(name) + "/exec", body));
    Operation op = await(r, what, ctx);
    JsonNode code = op.metadata().path("return");
    if (!code.canConvertToInt()) {
      throw new PermanentException("incus: " + what + ": the operation reported no exit code");
    }
    JsonNode output = op.metadata().path("output");
    return new ExecResult(code.asInt(), logPath(output.path("1")), logPath(output.path("2")));
  }

  /** The text of a recorded exec output file, empty when it is gone. */
  public String readLog(@Nullable String path) {
    if (path == null) {
      return "";
    }
    RestResponse r = rest.call(RestRequest.get(path).expect(404));
    return r.status() == 404 ? "" : r.body();
  }

  /** Deletes a recorded exec output file; one that is gone is fine. */
  public void deleteLog(@Nullable String path) {
    if (path != null) {
      rest.call(RestRequest.delete(path).expect(404));
    }
  }

  /** Whether the instance has a snapshot of that name. */
  public boolean hasSnapshot(String name, String snapshot) {
    return rest.call(RestRequest.get(instancePath(name) + "/snapshots/" + snapshot).expect(404)).status() != 404;
  }

  /** Takes a snapshot (not stateful); one that exists already is fine. */
  public void createSnapshot(String name, String snapshot, StepContext ctx) {
    ObjectNode body = SupportJson.mapper().createObjectNode().put("name", snapshot).put("stateful", false);
    RestResponse r = rest.call(RestRequest.post(instancePath(name) + "/snapshots", body));
    try {
      await(r, "snapshot instance " + name + " as " + snapshot, ctx);
    } catch (OperationFailedException e) {
      if (!e.alreadyExists()) {
        throw e;
      }
    }
  }

  /** Restores a snapshot; Incus stops a running container, restores it and starts it again. */
  public void restore(String name, String snapshot, StepContext ctx) {
    ObjectNode body = SupportJson.mapper().createObjectNode().put("restore", snapshot);
    RestResponse r = rest.call(RestRequest.put(instancePath(name), body));
    await(r, "restore instance " + name + " to " + snapshot, ctx);
  }

  /** The instance's status and IPv4 address, or empty when it does not exist. */
  public Optional<InstanceState> state(String name) {
    RestResponse r = rest.call(RestRequest.get(instancePath(name) + "/state").expect(404));
    if (r.status() == 404) {
      return Optional.empty();
    }
    JsonNode md = r.json().path("metadata");
    return Optional.of(new InstanceState(md.path("status").asText(""), ipv4(md.path("network"))));
  }

  /**
   * Waits for the operation a 202 answer started.
   *
   * @param accepted the answer carrying the operation (body {@code operation}, or the {@code Location} header)
   * @param what the action, for messages
   * @return the finished operation
   * @throws OperationFailedException when it failed
   * @throws RetryableException when the step's deadline passes first, or the operation cannot be followed;
   *     the outcome is then unknown
   */
  public Operation await(RestResponse accepted, String what, StepContext ctx) {
    JsonNode body = accepted.json();
    String ref = body.path("operation").asText("");
    if (ref.isEmpty()) {
      ref = accepted.header("Location").orElse("");
    }
    String id = operationId(ref);
    if (id.isEmpty()) {
      if ("sync".equals(body.path("type").asText())) {
        return Operation.from(SupportJson.mapper().createObjectNode().put("status_code", 200));
      }
      throw new PermanentException("incus: " + what + ": the answer named no operation");
    }
    return follow(id, what, ctx, false).orElseThrow();
  }

  /**
   * Waits for an operation found running (by {@link #runningCreates}), as
   * {@link #await(RestResponse, String, StepContext)} waits for one it started.
   *
   * @return the finished operation, or empty when Incus no longer knows it (it ended more than about five
   *     seconds ago) or it was cancelled
   */
  public Optional<Operation> awaitRunning(String id, String what, StepContext ctx) {
    return follow(id, what, ctx, true);
  }

  private Optional<Operation> follow(String id, String what, StepContext ctx, boolean goneIsDone) {
    int failures = 0;
    while (true) {
      ctx.checkCancelled();
      long seconds = Math.min(WAIT_CHUNK_SECONDS, ctx.remaining().toSeconds());
      if (seconds < 1) {
        throw new RetryableException("incus: " + what + ": operation " + id + " still running at the step's deadline",
            null, true, null);
      }
      RestResponse r;
      try {
        r = rest.call(RestRequest.get("/1.0/operations/" + id + "/wait")
            .query("timeout", seconds)
            .timeout(Duration.ofSeconds(seconds + 15))
            .expect(404));
      } catch (RetryableException e) {
        if (++failures > WAIT_RETRIES) {
          // The operation was started: whether it did its work is unknown.
          throw new RetryableException("incus: " + what + ": cannot follow operation " + id + ": " + e.getMessage(),
              e.retryAfter().orElse(null), true, e);
        }
        LOG.debug("incus: waiting on operation {} failed ({}); trying again", id, e.getMessage());
        ctx.pause(e.retryAfter().orElse(Duration.ofMillis(200L * failures)));
        continue;
      }
      if (r.status() == 404) {
        if (goneIsDone) {
          return Optional.empty();
        }
        throw new RetryableException("incus: " + what + ": operation " + id + " vanished before its result was read",
            null, true, null);
      }
      JsonNode answer = r.json();
      if ("error".equals(answer.path("type").asText())) {
        throw new OperationFailedException(what, answer.path("error").asText("unknown error"));
      }
      JsonNode op = answer.path("metadata");
      int code = op.path("status_code").asInt();
      switch (code) {
        case 200 -> {
          LOG.debug("incus: {} done (operation {})", what, id);
          return Optional.of(Operation.from(op));
        }
        case 400 -> throw new OperationFailedException(what, op.path("err").asText("unknown error"));
        case 401 -> {
          if (goneIsDone) {
            return Optional.empty();
          }
          throw new RetryableException("incus: " + what + ": operation " + id + " was cancelled", null, true, null);
        }
        default -> LOG.debug("incus: {} still running (operation {}, status {})", what, id, code);
      }
    }
  }

  private static String instancePath(String name) {
    return "/1.0/instances/" + name;
  }

  /** The id at the end of an operation URL, without query; empty when there is none. */
  private static String operationId(String ref) {
    int q = ref.indexOf('?');
    String path = q >= 0 ? ref.substring(0, q) : ref;
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static boolean says(RestResponse r, String fragment) {
    String lower = fragment.toLowerCase(Locale.ROOT);
    return r.error().map(BackendError::message).map(m -> m.toLowerCase(Locale.ROOT).contains(lower)).orElse(false);
  }

  private static String logPath(JsonNode node) {
    if (!node.isTextual() || !node.asText().startsWith("/1.0/")) {
      return null;
    }
    String p = node.asText();
    int q = p.indexOf('?');
    return q < 0 ? p : p.substring(0, q);
  }

  /** The global IPv4 address of eth0, else of the first other non-loopback interface that has one. */
  static String ipv4(JsonNode network) {
    String found = globalInet(network.path("eth0"));
    if (found != null) {
      return found;
    }
    for (Map.Entry<String, JsonNode> nic : network.properties()) {
      if (!"loopback".equals(nic.getValue().path("type").asText())) {
        found = globalInet(nic.getValue());
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static String globalInet(JsonNode nic) {
    for (JsonNode a : nic.path("addresses")) {
      if ("inet".equals(a.path("family").asText()) && "global".equals(a.path("scope").asText())) {
        return a.path("address").asText();
      }
    }
    return null;
  }

  /**
   * What a recorded exec produced.
   *
   * @param exitCode the command's exit code
   * @param stdoutPath where Incus keeps its stdout, or null
   * @param stderrPath where Incus keeps its stderr, or null
   */
  public record ExecResult(int exitCode, @Nullable String stdoutPath, @Nullable String stderrPath) {}

  /**
   * An instance's runtime state.
   *
   * @param status e.g. {@code Running}
   * @param ipv4 its global IPv4 address, or null
   */
  public record InstanceState(String status, @Nullable String ipv4) {}
}
