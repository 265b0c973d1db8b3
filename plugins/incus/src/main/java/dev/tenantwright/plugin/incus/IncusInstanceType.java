package dev.tenantwright.plugin.incus;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.plugin.incus.InstanceSpec.Expose;
import dev.tenantwright.plugin.incus.InstanceSpec.InitCommand;
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
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Resettable;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code incus.instance} resource type: a container (or VM) made from an image, configured with the
 * customer's environment and limits, started, initialised by argv commands, reachable through host-port
 * proxies, and snapshotted as {@value #BASELINE} so that {@linkplain #reset reset} returns it to the state it
 * had right after provisioning.
 *
 * <p><b>create</b> converges: the instance is named {@code StepContext.resourceName()} and carries the
 * ownership marker in {@value InstanceSpec#OWNER_KEY}. An existing instance with this step's marker is
 * finished (started, initialised, snapshotted) and reported created; one with another run's marker for the
 * same resource is adopted; any other is a conflict. The baseline snapshot is the "provisioning finished"
 * mark: once it exists, create and read do no more work, and init commands do not run again. If a permanent
 * failure strikes after this step created the instance (an init command fails, a host port is taken), the
 * instance is deleted again before the failure is reported, so no half-made instance is left behind.
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
public final class IncusInstanceType
    implements ResourceType<InstanceSpec, InstanceOutputs>, Resettable<InstanceSpec, InstanceOutputs> {

  /** The type name blueprints use. */
  public static final String TYPE = "incus.instance";

  /** The snapshot taken once provisioning is complete, restored by {@link #reset}. */
  public static final String BASELINE = "tw-baseline";

  private static final Logger LOG = LoggerFactory.getLogger(IncusInstanceType.class);
  private static final int MAX_OUTPUT_IN_MESSAGE = 400;
  private static final Duration MAX_ADDRESS_POLL = Duration.ofSeconds(1);

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

  /** An instance holds the customer's data (its root file system). */
  @Override
  public boolean dataBearing() {
    return true;
  }

  @Override
  public CreateResult<InstanceOutputs> create(InstanceSpec spec, StepContext ctx) {
    IncusConfig config = ctx.config(IncusConfig.class);
    IncusApi api = IncusClients.forConfig(config);
    String name = name(ctx);
    ctx.progress().report(5, "looking for instance " + name);
    Optional<IncusInstance> found = api.instance(name);
    Origin origin;
    if (found.isPresent()) {
      origin = classify(found.get(), api, ctx);
    } else {
      ctx.progress().report(10, "creating instance " + name + " from " + imageName(spec));
      if (api.createInstance(createRequest(name, spec, config, ctx), ctx)) {
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
    IncusApi api = IncusClients.forConfig(config);
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
    IncusApi api = IncusClients.forConfig(config);
    String name = name(ctx);
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
   * Restores the baseline snapshot taken when provisioning finished — the file system, configuration and
   * devices as they were then — and makes sure the instance runs again.
   *
   * @throws PermanentException if the instance or its baseline snapshot does not exist
   */
  @Override
  public InstanceOutputs reset(InstanceSpec spec, InstanceOutputs outputs, StepContext ctx) {
    IncusConfig config = ctx.config(IncusConfig.class);
    IncusApi api = IncusClients.forConfig(config);
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
    IncusInstance restored = api.instance(name).orElseThrow(() -> vanished(name));
    if (!restored.running()) {
      ctx.progress().report(70, "starting instance " + name);
      start(name, api, ctx);
    }
    return outputs(name, spec, config, api, awaitAddress(name, restored, config, api, ctx));
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
      runInit(name, spec, api, ctx);
      ctx.progress().report(90, "taking baseline snapshot of " + name);
      api.createSnapshot(name, BASELINE, ctx);
      LOG.info("incus: instance {} provisioned; baseline snapshot {} taken", name, BASELINE);
    }
    return outputs(name, spec, config, api, state);
  }

  private void runInit(String name, InstanceSpec spec, IncusApi api, StepContext ctx) {
    List<InitCommand> init = spec.init();
    for (int i = 0; i < init.size(); i++) {
      InitCommand c = init.get(i);
      String label = "init command " + (i + 1) + " of " + init.size() + " (" + c.command().get(0) + ")";
      ctx.progress().report(40 + 45 * i / init.size(), "running " + label + " in " + name);
      Map<String, String> env = new LinkedHashMap<>(c.environment());
      for (Map.Entry<String, Secret> s : spec.initSecrets().entrySet()) {
        env.put(s.getKey(), s.getValue().reveal());
      }
      ExecResult result = api.exec(name, c.command(), env, c.cwd(), c.user(), c.group(),
          label + " in " + name, ctx);
      try {
        if (result.exitCode() != 0) {
          String output = api.readLog(result.stderrPath());
          if (output.isBlank()) {
            output = api.readLog(result.stdoutPath());
          }
          throw new PermanentException("incus: " + label + " in instance " + name + " exited with code "
              + result.exitCode() + tail(output, spec));
        }
      } finally {
        discard(api, result.stdoutPath());
        discard(api, result.stderrPath());
      }
    }
  }

  private static void discard(IncusApi api, String logPath) {
    try {
      api.deleteLog(logPath);
    } catch (RuntimeException e) {
      // A left-over output file costs a little disk space in the instance's log folder, nothing more.
      LOG.debug("incus: could not delete exec output {}: {}", logPath, e.getMessage());
    }
  }

  /** The end of a failed command's output, with every variable value of the spec masked. */
  private static String tail(String output, InstanceSpec spec) {
    String text = output.strip();
    if (text.isEmpty()) {
      return "";
    }
    List<String> sensitive = new ArrayList<>(spec.sensitiveValues());
    sensitive.sort(Comparator.comparingInt(String::length).reversed());
    List<String> secrets = new ArrayList<>();
    spec.initSecrets().values().forEach(s -> secrets.add(s.reveal()));
    for (String value : sensitive) {
      // Secrets are masked whatever their length; plain values from 3 characters (masking "C" or "1"
      // everywhere would garble the output without protecting anything).
      if (!value.isEmpty() && (value.length() >= 3 || secrets.contains(value))) {
        text = text.replace(value, Secret.MASK);
      }
    }
    text = text.replaceAll("\\s+", " ");
    if (text.length() > MAX_OUTPUT_IN_MESSAGE) {
      text = "..." + text.substring(text.length() - MAX_OUTPUT_IN_MESSAGE);
    }
    return ": " + text;
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

  private static ObjectNode createRequest(String name, InstanceSpec spec, IncusConfig config, StepContext ctx) {
    ObjectNode body = SupportJson.mapper().createObjectNode()
        .put("name", name)
        .put("type", spec.type())
        .put("description", "Tenantwright " + ctx.tenant().id() + "/" + ctx.environment().name() + "/"
            + ctx.stepName());
    spec.profiles().forEach(body.putArray("profiles")::add);
    ObjectNode cfg = body.putObject("config");
    spec.instanceConfig(ctx.ownershipMarker()).forEach(cfg::put);
    ObjectNode devices = body.putObject("devices");
    for (Expose x : spec.expose()) {
      String listen = x.listen() != null ? x.listen() : config.listenAddress();
      devices.putObject(x.deviceName())
          .put("type", "proxy")
          .put("listen", x.protocol() + ":" + bracket(listen) + ":" + x.hostPort())
          .put("connect", x.protocol() + ":127.0.0.1:" + x.containerPort());
    }
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

  private static String bracket(String address) {
    return address.indexOf(':') >= 0 ? "[" + address + "]" : address;
  }

  private static RetryableException vanished(String name) {
    return new RetryableException("incus: instance " + name + " disappeared while it was being provisioned",
        null, true, null);
  }
}
