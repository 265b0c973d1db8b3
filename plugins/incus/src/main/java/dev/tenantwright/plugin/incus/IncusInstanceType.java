package dev.tenantwright.plugin.incus;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.plugin.incus.InstanceSpec.Expose;
import dev.tenantwright.plugin.incus.internal.IncusApi;
import dev.tenantwright.plugin.incus.internal.IncusApi.ExecResult;
import dev.tenantwright.plugin.incus.internal.IncusApi.InstanceState;
import dev.tenantwright.plugin.incus.internal.IncusClients;
import dev.tenantwright.plugin.incus.internal.IncusInstance;
import dev.tenantwright.plugin.incus.internal.OperationFailedException;
import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.CreateResult.Origin;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Resettable;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code incus.instance} resource type: a container (or VM) made from an image, configured with the
 * customer's environment and limits, started, checked for readiness, initialised by argv commands, reachable
 * through host-port proxies, snapshotted as {@value #BASELINE} so that {@linkplain #reset reset} returns its file
 * system to the state it had right after provisioning, and {@linkplain #update updated} in place.
 *
 * <p><b>create</b> converges: the instance is named {@code StepContext.resourceName()} and carries the
 * ownership marker in {@value InstanceSpec#OWNER_KEY}. An existing instance with this step's marker is
 * finished (started, initialised, snapshotted) and reported created; one with another run's marker for the
 * same resource is adopted; any other is a conflict. The baseline snapshot is the "provisioning finished"
 * mark: once it exists, create and read do no more work, and init commands do not run again. If a permanent
 * failure strikes after this step created the instance (an init command fails, a host port is taken), the
 * instance is deleted again before the failure is reported, so no half-made instance is left behind. Before it
 * acts on an instance, create (and delete) waits for a create operation Incus may still be running for it — one
 * that outlived an earlier attempt — rather than creating it twice, starting it or deleting it meanwhile.
 *
 * <p><b>update</b> changes the instance in place, never its data: config keys, limits and {@code environment.*}
 * keys, proxy devices, the root disk's size and the profiles, with one {@code PATCH} (or, to remove a device,
 * one {@code PUT}) naming the ETag of the {@code GET} it was computed from, so a concurrent change is never
 * overwritten (412: read again, compute again). What Incus cannot change on an existing instance — the image it
 * was made from, container versus VM, the storage pool — is refused with a {@link PermanentException} that says
 * how to replace the instance deliberately: the engine plans an update for every spec change of an updatable
 * type, and a silent delete plus create would destroy the customer's data without the approval a replace needs.
 * The engine's rollback calls update with the specs swapped; that works the same way.
 *
 * <p><b>Host ports</b> are a spec field ({@code expose}), not a separate resource type: the proxy devices go
 * into the create request, so they exist from the first moment, are part of the baseline snapshot (a restore
 * rolls an instance's devices back to the snapshot — a device added later by another resource would silently
 * disappear on every reset), and vanish with the instance.
 *
 * <p><b>delete</b> stops the instance by force (an instance that is already stopped is fine) and deletes it
 * with its snapshots; one that is gone, or that no longer carries a marker of this resource, counts as
 * deleted. <b>read</b> reports the instance only once it is fully provisioned. Stateless and thread-safe;
 * clients are shared per configuration.
 */
@Extension
public final class IncusInstanceType implements ResourceType<InstanceSpec, InstanceOutputs>,
    Resettable<InstanceSpec, InstanceOutputs>, Updatable<InstanceSpec, InstanceOutputs> {

  /** The type name blueprints use. */
  public static final String TYPE = "incus.instance";

  /** The snapshot taken once provisioning is complete, restored by {@link #reset}. */
  public static final String BASELINE = "tw-baseline";

  private static final Logger LOG = LoggerFactory.getLogger(IncusInstanceType.class);
  private static final Duration MAX_ADDRESS_POLL = Duration.ofSeconds(1);
  private static final Duration MAX_READY_POLL = Duration.ofSeconds(5);
  /** How often an update reads the instance again after a concurrent change made its ETag stale. */
  private static final int UPDATE_ATTEMPTS = 5;

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<InstanceSpec> specType() {
    return InstanceSpec.class;
  }

  @Override
  public Class<InstanceOutputs> outputType() {
    return InstanceOutputs.class;
  }

  /** The {@code incus} section binds to {@link IncusConfig}, checked when the host starts. */
  @Override
  public Class<?> configType() {
    return IncusConfig.class;
  }

  /** An instance holds the customer's data (its root file system). */
  @Override
  public boolean dataBearing() {
    return true;
  }

  @Override
  public CreateResult<InstanceOutputs> create(InstanceSpec spec, StepContext ctx) {
    IncusConfig config = ctx.config(IncusConfig.class);
    IncusApi api = IncusClients.forConfig(config).forStep(ctx);
    String name = name(ctx);
    ctx.progress().report(5, "looking for instance " + name);
    awaitRunningCreate(name, api, ctx);
    Optional<IncusInstance> found = api.instance(name);
    Origin origin;
    if (found.isPresent()) {
      origin = classify(found.get(), api, ctx);
    } else {
      ObjectNode request = createRequest(name, spec, config, preflight(spec, api), ctx);
      ctx.progress().report(10, "creating instance " + name + " from " + imageName(spec));
      if (api.createInstance(request, ctx)) {
        LOG.info("incus: created instance {} in project {}", name, api.project());
        origin = Origin.CREATED;
      } else {
        IncusInstance raced = api.instance(name).orElseThrow(() -> new RetryableException(
            "incus: instance " + name + " was reported to exist but cannot be found", null, true, null));
        origin = classify(raced, api, ctx);
      }
    }
    try {
      return new CreateResult<>(provision(name, spec, config, api, ctx), origin);
    } catch (PermanentException e) {
      if (origin == Origin.CREATED) {
        removeHalfMade(name, api, ctx, e);
      }
      throw e;
    }
  }

  @Override
  public Optional<InstanceOutputs> read(InstanceSpec spec, InstanceOutputs outputs, StepContext ctx) {
    IncusConfig config = ctx.config(IncusConfig.class);
    IncusApi api = IncusClients.forConfig(config).forStep(ctx);
    String name = name(ctx);
    Optional<IncusInstance> found = api.instance(name);
    if (found.isEmpty() || !ctx.belongsHere(found.get().config(InstanceSpec.OWNER_KEY))) {
      return Optional.empty();
    }
    if (!api.hasSnapshot(name, BASELINE)) {
      // Not provisioned to the end: a create must still finish it.
      return Optional.empty();
    }
    return Optional.of(outputs(name, spec, config, api, api.state(name).orElse(new InstanceState("", null))));
  }

  @Override
  public void delete(InstanceSpec spec, InstanceOutputs outputs, StepContext ctx) {
    IncusConfig config = ctx.config(IncusConfig.class);
    IncusApi api = IncusClients.forConfig(config).forStep(ctx);
    String name = name(ctx);
    awaitRunningCreate(name, api, ctx);
    Optional<IncusInstance> found = api.instance(name);
    if (found.isEmpty()) {
      LOG.debug("incus: instance {} is already gone", name);
      return;
    }
    String marker = found.get().config(InstanceSpec.OWNER_KEY);
    if (!ctx.belongsHere(marker)) {
      LOG.warn("incus: instance {} in project {} is not this resource's (owner: {}); leaving it alone",
          name, api.project(), marker == null ? "none" : marker);
      return;
    }
    ctx.progress().report(20, "stopping instance " + name);
    if (!found.get().stopped() && !stop(name, api, ctx)) {
      return;
    }
    ctx.progress().report(60, "deleting instance " + name);
    if (api.deleteInstance(name, ctx)) {
      LOG.info("incus: deleted instance {} in project {}", name, api.project());
    }
  }

  /**
   * Restores the baseline snapshot taken when provisioning finished — the file system as it was then — applies
   * the spec's configuration again (the restore also brought back the configuration and devices of that time,
   * which an update may have changed since), makes sure the instance runs and passes its readiness check.
   *
   * @throws PermanentException if the instance or its baseline snapshot does not exist
   */
  @Override
  public InstanceOutputs reset(InstanceSpec spec, InstanceOutputs outputs, StepContext ctx) {
    IncusConfig config = ctx.config(IncusConfig.class);
    IncusApi api = IncusClients.forConfig(config).forStep(ctx);
    String name = name(ctx);
    IncusInstance inst = api.instance(name).orElseThrow(() -> new PermanentException(
        "incus: instance " + name + " in project " + api.project() + " does not exist; there is nothing to reset"));
    if (!ctx.belongsHere(inst.config(InstanceSpec.OWNER_KEY))) {
      throw new PermanentException("incus: instance " + name + " in project " + api.project()
          + " is not managed by this resource; refusing to reset it");
    }
    if (!api.hasSnapshot(name, BASELINE)) {
      throw new PermanentException("incus: instance " + name + " has no baseline snapshot '" + BASELINE
          + "' to reset to");
    }
    ctx.progress().report(20, "restoring instance " + name + " to " + BASELINE);
    api.restore(name, BASELINE, ctx);
    LOG.info("incus: restored instance {} to {}", name, BASELINE);
    ctx.progress().report(50, "applying the current configuration to " + name);
    IncusInstance restored = converge(name, spec, spec, config, api, ctx);
    if (!restored.running()) {
      ctx.progress().report(70, "starting instance " + name);
      start(name, api, ctx);
    }
    InstanceState state = awaitAddress(name, restored, config, api, ctx);
    awaitReady(name, spec, api, ctx);
    return outputs(name, spec, config, api, state);
  }

  // ------------------------------------------------------------------------------------------ update

  /**
   * Brings the instance in line with {@code spec} in place; see the class comment. Only the configuration
   * changes: the instance is neither restarted nor re-initialised (init commands and {@code initSecrets} shape a
   * new instance only), and its file system is not touched. A change Incus applies to new processes only (most
   * of all {@code environment.*} for processes started at boot, some {@code security.*} keys) takes effect at
   * the instance's next restart; {@code exec} sees new and changed environment variables at once, but keeps
   * seeing a removed one until the restart (Incus 6.0.4, measured).
   *
   * @throws PermanentException when a field that cannot change in place changed (naming it and how to replace
   *     the instance), when the instance is gone or not this resource's, or when Incus refuses the change (its
   *     reason, e.g. a key a running VM cannot change)
   */
  @Override
  public InstanceOutputs update(InstanceSpec spec, InstanceSpec previous, InstanceOutputs outputs, StepContext ctx) {
    IncusConfig config = ctx.config(IncusConfig.class);
    IncusApi api = IncusClients.forConfig(config).forStep(ctx);
    String name = name(ctx);
    refuseReplacement(name, spec, previous);
    ctx.progress().report(10, "updating instance " + name);
    converge(name, spec, previous, config, api, ctx);
    InstanceState state = api.state(name).orElseThrow(() -> gone(name, api));
    ctx.progress().report(100, "instance " + name + " is up to date");
    return outputs(name, spec, config, api, state);
  }

  /**
   * The fields Incus cannot change on an existing instance. Changing them means a new instance — a new root file
   * system, so the customer's data would go — which the engine must plan as such (with the approval live needs),
   * not an update that quietly deletes.
   */
  private static void refuseReplacement(String name, InstanceSpec spec, InstanceSpec previous) {
    List<String> changed = new ArrayList<>();
    compare(changed, "image", spec.image(), previous.image());
    compare(changed, "fingerprint", spec.fingerprint(), previous.fingerprint());
    compare(changed, "imageServer", spec.imageServer(), previous.imageServer());
    compare(changed, "imageProtocol", spec.imageProtocol(), previous.imageProtocol());
    compare(changed, "type", spec.type(), previous.type());
    compare(changed, "storagePool", spec.storagePool(), previous.storagePool());
    if (!changed.isEmpty()) {
      throw new PermanentException("incus.instance " + name + ": " + String.join(", ", changed)
          + " cannot change in place: Incus makes an instance from its image once, as a container or a VM, on "
          + "one storage pool, and changing that means a new instance with a new root file system (the "
          + "customer's data would be lost). Keep the previous value for this environment, or replace the "
          + "instance deliberately: destroy and provision the environment again, or give the resource a new name "
          + "in the blueprint (a new instance is made and the old one deleted, which needs an approval on live)");
    }
  }

  private static void compare(List<String> changed, String field, String now, String before) {
    if (!Objects.equals(now, before)) {
      changed.add("field '" + field + "' (" + (before == null ? "unset" : before) + " -> "
          + (now == null ? "unset" : now) + ")");
    }
  }

  /**
   * Reads the instance, works out what differs from {@code spec} and applies it in one request naming the ETag
   * it read; after a concurrent change (412) it starts again from a fresh read.
   *
   * @return the instance as it is after the change
   */
  private static IncusInstance converge(String name, InstanceSpec spec, InstanceSpec previous, IncusConfig config,
      IncusApi api, StepContext ctx) {
    for (int attempt = 1; attempt <= UPDATE_ATTEMPTS; attempt++) {
      IncusInstance inst = api.instance(name).orElseThrow(() -> gone(name, api));
      if (!ctx.belongsHere(inst.config(InstanceSpec.OWNER_KEY))) {
        throw new PermanentException("incus: instance " + name + " in project " + api.project()
            + " is not managed by this resource; refusing to change it");
      }
      if (!inst.type().equals(spec.type())) {
        throw new PermanentException("incus: instance " + name + " is a " + inst.type() + ", the spec asks for a "
            + spec.type() + "; that cannot change in place: replace the instance deliberately");
      }
      InstanceChange change = InstanceChange.between(spec, previous, inst, config);
      if (change.isEmpty()) {
        return inst;
      }
      String what = "update instance " + name + " (" + change.describe() + ")";
      boolean applied = change.removesDevices()
          ? api.replace(name, inst.etag(), change.putBody(inst), what, ctx)
          : api.patch(name, inst.etag(), change.patchBody(), what);
      if (applied) {
        LOG.info("incus: updated instance {} in project {}: {}", name, api.project(), change.describe());
        return api.instance(name).orElseThrow(() -> gone(name, api));
      }
      LOG.debug("incus: instance {} changed while it was being updated (attempt {}); reading it again", name, attempt);
    }
    throw new RetryableException("incus: instance " + name + " kept changing while it was being updated ("
        + UPDATE_ATTEMPTS + " stale ETags); nothing was changed", null, false, null);
  }

  private static PermanentException gone(String name, IncusApi api) {
    return new PermanentException("incus: instance " + name + " does not exist in project " + api.project()
        + " (deleted outside Tenantwright?); there is nothing to change");
  }

  // ------------------------------------------------------------------------------------------ provisioning

  private InstanceOutputs provision(String name, InstanceSpec spec, IncusConfig config, IncusApi api, StepContext ctx) {
    IncusInstance inst = api.instance(name).orElseThrow(() -> vanished(name));
    boolean baseline = api.hasSnapshot(name, BASELINE);
    if (!inst.running()) {
      ctx.progress().report(30, "starting instance " + name);
      start(name, api, ctx);
    }
    InstanceState state = awaitAddress(name, inst, config, api, ctx);
    if (!baseline) {
      awaitReady(name, spec, api, ctx);
      runInit(name, spec, api, ctx);
      ctx.progress().report(90, "taking baseline snapshot of " + name);
      api.createSnapshot(name, BASELINE, ctx);
      LOG.info("incus: instance {} provisioned; baseline snapshot {} taken", name, BASELINE);
    }
    return outputs(name, spec, config, api, state);
  }

  private void runInit(String name, InstanceSpec spec, IncusApi api, StepContext ctx) {
    InstanceCommands.run(name, spec.init(), spec.initSecrets(), spec.sensitiveValues(), "init command", 40, 85, api,
        ctx);
  }

  /**
   * Runs the spec's readiness command until it exits 0, pausing between tries (1 s doubling up to 5 s). An
   * address from DHCP says nothing about the services in the instance: without this, init commands race the
   * boot.
   *
   * @throws RetryableException when it has not succeeded before the step's deadline (nothing was changed; a
   *     later attempt checks again)
   */
  private static void awaitReady(String name, InstanceSpec spec, IncusApi api, StepContext ctx) {
    if (spec.readiness().isEmpty()) {
      return;
    }
    String label = "readiness check (" + spec.readiness().get(0) + ")";
    ctx.progress().report(35, "waiting for " + name + " to be ready: " + label);
    Duration pause = Duration.ofSeconds(1);
    for (int tries = 1; ; tries++) {
      ExecResult result = InstanceCommands.execWhenAgentUp(name, spec.readiness(), Map.of(), null, null, null,
          label + " in " + name, api, ctx);
      String output = "";
      try {
        if (result.exitCode() == 0) {
          LOG.debug("incus: instance {} is ready after {} check(s)", name, tries);
          return;
        }
        output = InstanceCommands.failureOutput(api, result);
      } finally {
        InstanceCommands.discard(api, result);
      }
      if (ctx.remaining().compareTo(pause) <= 0) {
        throw new RetryableException("incus: instance " + name + " is not ready by the step's deadline: its "
            + label + " exited with code " + result.exitCode() + " " + tries + " time(s)"
            + InstanceCommands.tail(output, spec.sensitiveValues(), spec.initSecrets()), null, false, null);
      }
      ctx.pause(pause);
      Duration doubled = pause.multipliedBy(2);
      pause = doubled.compareTo(MAX_READY_POLL) > 0 ? MAX_READY_POLL : doubled;
    }
  }

  /**
   * Waits for create operations Incus is still running for this instance — a create from an earlier attempt
   * that outlived its step, e.g. a remote image still downloading. Until it ends the instance may not exist
   * yet (a remote image is downloaded before the record is written) or exist half-made, and Incus refuses to
   * start or delete it ("busy"): acting meanwhile would create it twice, or delete what Incus is making.
   * A create that failed is fine: Incus removed what it had made.
   *
   * @throws RetryableException when Incus is still creating it at the step's deadline
   */
  private static void awaitRunningCreate(String name, IncusApi api, StepContext ctx) {
    for (String id : api.runningCreates(name)) {
      ctx.progress().report(8, "Incus is still creating instance " + name + "; waiting for it");
      LOG.info("incus: instance {} is still being created by operation {}; waiting for it", name, id);
      try {
        api.awaitRunning(id, "create instance " + name, ctx);
      } catch (OperationFailedException e) {
        LOG.info("incus: the earlier create of {} failed ({}); carrying on", name, e.error());
      } catch (RetryableException e) {
        throw new RetryableException("incus: Incus is still creating instance " + name + " (operation " + id
            + "); it is neither started nor deleted meanwhile: " + e.getMessage(), e.retryAfter().orElse(null), true,
            e);
      }
    }
  }

  /**
   * Checks before a create that the profiles give the instance a root disk, which a project made with Incus's
   * defaults does not: {@code features.profiles=true} gives a new project its own, empty {@code default}
   * profile (doc/explanation/projects.md), and every create then fails with "No root device could be found".
   *
   * @return the root disk device of the profiles (name and keys), or null when they have none and the spec
   *     names a storage pool itself
   */
  private static @Nullable Map.Entry<String, Map<String, String>> preflight(InstanceSpec spec, IncusApi api) {
    Map<String, Map<String, String>> devices = new LinkedHashMap<>();
    for (String profile : spec.profiles()) {
      devices.putAll(api.profileDevices(profile).orElseThrow(() -> new PermanentException(
          "incus.instance, field 'profiles': profile '" + profile + "' does not exist in project " + api.project())));
    }
    if (devices.values().stream().noneMatch(d -> "nic".equals(d.get("type")))) {
      LOG.warn("incus: profiles {} in project {} give an instance no network card: it will have no address",
          spec.profiles(), api.project());
    }
    String root = IncusInstance.rootDiskName(devices);
    if (root == null && spec.storagePool() == null) {
      throw new PermanentException("incus: the profiles " + spec.profiles() + " in project " + api.project()
          + " give an instance no root disk, so Incus would refuse to create it (\"No root device could be found\")."
          + " A project created with features.profiles=true (Incus's default) starts with an empty default profile:"
          + " give it a root disk and a network card (incus profile device add default root disk path=/ pool=<pool>"
          + " --project " + api.project() + "; incus profile device add default eth0 nic network=<bridge> --project "
          + api.project() + "), create the project with features.profiles=false to use the default project's "
          + "profiles, or set 'storagePool' on the instance");
    }
    return root == null ? null : Map.entry(root, devices.get(root));
  }

  private static void start(String name, IncusApi api, StepContext ctx) {
    try {
      if (!api.changeState(name, "start", false, ctx)) {
        throw vanished(name);
      }
    } catch (OperationFailedException e) {
      if (!e.says("already running")) {
        throw e;
      }
    }
  }

  /** Stops by force; false when the instance turned out to be gone. */
  private static boolean stop(String name, IncusApi api, StepContext ctx) {
    try {
      return api.changeState(name, "stop", true, ctx);
    } catch (OperationFailedException e) {
      if (e.says("already stopped")) {
        return true;
      }
      if (e.says("not found")) {
        return false;
      }
      throw e;
    }
  }

  /** Polls the state until the instance has an IPv4 address, if it has a network card and may wait. */
  private static InstanceState awaitAddress(String name, IncusInstance inst, IncusConfig config, IncusApi api,
      StepContext ctx) {
    Instant until = ctx.clock().instant().plusSeconds(config.addressTimeoutSeconds());
    Duration pause = Duration.ofMillis(100);
    while (true) {
      InstanceState state = api.state(name).orElseThrow(() -> vanished(name));
      if (state.ipv4() != null || !inst.hasNic() || !ctx.clock().instant().isBefore(until)) {
        if (state.ipv4() == null && inst.hasNic() && config.addressTimeoutSeconds() > 0) {
          LOG.warn("incus: instance {} has no IPv4 address after {} s", name, config.addressTimeoutSeconds());
        }
        return state;
      }
      ctx.pause(pause);
      Duration doubled = pause.multipliedBy(2);
      pause = doubled.compareTo(MAX_ADDRESS_POLL) > 0 ? MAX_ADDRESS_POLL : doubled;
    }
  }

  private static void removeHalfMade(String name, IncusApi api, StepContext ctx, PermanentException cause) {
    LOG.info("incus: provisioning {} failed permanently; deleting the instance this step created", name);
    try {
      Optional<IncusInstance> inst = api.instance(name);
      if (inst.isPresent() && !inst.get().stopped()) {
        stop(name, api, ctx);
      }
      api.deleteInstance(name, ctx);
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
      LOG.warn("incus: could not delete the half-made instance {}: {}", name, e.getMessage());
    }
  }

  // ------------------------------------------------------------------------------------------ helpers

  private static Origin classify(IncusInstance inst, IncusApi api, StepContext ctx) {
    String marker = inst.config(InstanceSpec.OWNER_KEY);
    if (marker != null && ctx.isOurs(marker)) {
      return Origin.CREATED;
    }
    if (marker != null && ctx.belongsHere(marker)) {
      LOG.info("incus: adopting instance {} made by an earlier run", inst.name());
      return Origin.ADOPTED;
    }
    throw new PermanentException("incus: instance " + inst.name() + " already exists in project " + api.project()
        + " and is not managed by this Tenantwright resource"
        + (marker == null ? " (it carries no " + InstanceSpec.OWNER_KEY + ")" : " (owner: " + marker + ")"));
  }

  private static ObjectNode createRequest(String name, InstanceSpec spec, IncusConfig config,
      @Nullable Map.Entry<String, Map<String, String>> profileRoot, StepContext ctx) {
    ObjectNode body = SupportJson.mapper().createObjectNode()
        .put("name", name)
        .put("type", spec.type())
        .put("description", "Tenantwright " + ctx.tenant().id() + "/" + ctx.environment().name() + "/"
            + ctx.stepName());
    spec.profiles().forEach(body.putArray("profiles")::add);
    Map<String, Map<String, String>> devices = profileRoot == null
        ? InstanceChange.devices(spec, config, null, null)
        : InstanceChange.devices(spec, config, profileRoot.getKey(), profileRoot.getValue().get("pool"));
    ObjectNode cfg = body.putObject("config");
    InstanceChange.config(spec, devices.keySet()).forEach(cfg::put);
    cfg.put(InstanceSpec.OWNER_KEY, ctx.ownershipMarker());
    ObjectNode devs = body.putObject("devices");
    devices.forEach((d, keys) -> {
      ObjectNode o = devs.putObject(d);
      keys.forEach(o::put);
    });
    ObjectNode source = body.putObject("source").put("type", "image");
    if (spec.fingerprint() != null) {
      source.put("fingerprint", spec.fingerprint());
    } else {
      source.put("alias", spec.image());
    }
    if (spec.imageServer() != null) {
      source.put("server", spec.imageServer()).put("protocol", spec.imageProtocol()).put("mode", "pull");
    }
    return body;
  }

  private static InstanceOutputs outputs(String name, InstanceSpec spec, IncusConfig config, IncusApi api,
      InstanceState state) {
    List<String> urls = new ArrayList<>();
    for (Expose x : spec.expose()) {
      String listen = x.listen() != null ? x.listen() : config.listenAddress();
      String host = x.host() != null ? x.host() : config.hostFor(listen);
      String scheme = x.scheme() != null ? x.scheme() : (x.protocol().equals("tcp") ? "http" : x.protocol());
      urls.add(scheme + "://" + host + ":" + x.hostPort() + "/");
    }
    return new InstanceOutputs(name, api.project(), state.status(), state.ipv4(), urls.isEmpty() ? null : urls.get(0),
        urls);
  }

  private static String name(StepContext ctx) {
    return Names.incusInstance("name", ctx.resourceName());
  }

  private static String imageName(InstanceSpec spec) {
    return spec.image() != null ? spec.image() : spec.fingerprint();
  }

  private static RetryableException vanished(String name) {
    return new RetryableException("incus: instance " + name + " disappeared while it was being provisioned",
        null, true, null);
  }
}
