package dev.tenantwright.plugin.incus;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.plugin.incus.InstanceSpec.InitCommand;
import dev.tenantwright.plugin.incus.internal.IncusApi;
import dev.tenantwright.plugin.incus.internal.IncusClients;
import dev.tenantwright.plugin.incus.internal.IncusInstance;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.CreateResult.Origin;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Resettable;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code incus.exec} resource type: argv commands run in an instance that another resource of the same
 * environment made — the step a blueprint gives to some environment kinds only, e.g. sample data loaded into the
 * demo's ERP and nowhere else ({@code kinds: [demo]}).
 *
 * <p>What it owns is the effect of its commands inside the instance, so the instance itself carries the record
 * of it: once the commands succeeded, the config key {@value #MARK_PREFIX}{@code <resource>} holds the ownership
 * marker and a digest of the commands. That record lives and dies with the instance's state: a restore of the
 * instance's baseline snapshot (an environment reset) takes it back together with the files the commands wrote.
 *
 * <ul>
 *   <li><b>create</b> runs the commands in order and writes the record; when the record of these commands is
 *       already there (a retry after a crash) it runs nothing. A non-zero exit code fails the step permanently,
 *       naming the command, with the masked tail of its output.
 *   <li><b>read</b> reports it while the record exists.
 *   <li><b>update</b> runs nothing while the commands stay the same — in particular when only the instance it runs
 *       in was updated (the engine updates every resource that takes outputs from an updated one; without this a
 *       change of the demo's memory would load its sample data again). Other commands: the previous {@code undo}
 *       commands, then the new commands.
 *   <li><b>reset</b> (the environment's reset, after the instance was restored to its baseline): {@code undo} if
 *       the record survived, then the commands again — a reset demo gets its sample data back.
 *   <li><b>delete</b> runs the {@code undo} commands in a running instance and removes the record; an instance
 *       that is gone counts as done (its files went with it), a stopped one keeps its files (logged).
 * </ul>
 *
 * <p>Commands run again after a crash between their end and the record, and {@code undo} runs whether or not
 * the commands finished: both should be safe to repeat ({@code mkdir -p}, {@code rm -f}, an importer that
 * upserts). A failing undo command fails the delete; in a destroy the instance, which waits for this resource, is
 * then not deleted either. A changed secret value alone does not run the commands again (secrets are not part of
 * the digest, which is stored in the instance's configuration).
 *
 * <p>The instance must belong to the same tenant environment — its name starts with
 * {@link StepContext#backendNamePrefix()} and it carries a Tenantwright ownership marker of this environment —
 * so a blueprint value can never make the plugin run commands in another tenant's instance. Stateless and
 * thread-safe.
 */
@Extension
public final class IncusExecType implements ResourceType<ExecSpec, ExecOutputs>, Updatable<ExecSpec, ExecOutputs>,
    Resettable<ExecSpec, ExecOutputs> {

  /** The type name blueprints use. */
  public static final String TYPE = "incus.exec";

  /** The prefix of the config key, completed by the resource's blueprint name, that records the commands ran. */
  public static final String MARK_PREFIX = "user.tenantwright.exec.";

  private static final Logger LOG = LoggerFactory.getLogger(IncusExecType.class);
  /** How often writing the record reads the instance again after a concurrent change made its ETag stale. */
  private static final int MARK_ATTEMPTS = 5;

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<ExecSpec> specType() {
    return ExecSpec.class;
  }

  @Override
  public Class<ExecOutputs> outputType() {
    return ExecOutputs.class;
  }

  /** The {@code incus} section binds to {@link IncusConfig}, checked when the host starts. */
  @Override
  public Class<?> configType() {
    return IncusConfig.class;
  }

  @Override
  public CreateResult<ExecOutputs> create(ExecSpec spec, StepContext ctx) {
    IncusApi api = IncusClients.forConfig(ctx.config(IncusConfig.class)).forStep(ctx);
    ctx.progress().report(5, "looking for instance " + spec.instance());
    IncusInstance inst = target(spec.instance(), api, ctx);
    String mark = inst.config(markKey(ctx));
    if (mark != null && ctx.belongsHere(marker(mark)) && digest(mark).equals(digest(spec))) {
      LOG.debug("incus: the commands of {} already ran in {}", ctx.stepName(), spec.instance());
      return new CreateResult<>(outputs(spec, api), ctx.isOurs(marker(mark)) ? Origin.CREATED : Origin.ADOPTED);
    }
    run(spec, inst, api, ctx);
    return CreateResult.created(outputs(spec, api));
  }

  @Override
  public Optional<ExecOutputs> read(ExecSpec spec, ExecOutputs outputs, StepContext ctx) {
    IncusApi api = IncusClients.forConfig(ctx.config(IncusConfig.class)).forStep(ctx);
    if (!spec.instance().startsWith(ctx.backendNamePrefix())) {
      return Optional.empty();
    }
    Optional<IncusInstance> inst = api.instance(spec.instance());
    if (inst.isEmpty() || !ofThisEnvironment(inst.get(), ctx)) {
      return Optional.empty();
    }
    String mark = inst.get().config(markKey(ctx));
    return mark != null && ctx.belongsHere(marker(mark)) ? Optional.of(outputs(spec, api)) : Optional.empty();
  }

  @Override
  public ExecOutputs update(ExecSpec spec, ExecSpec previous, ExecOutputs outputs, StepContext ctx) {
    IncusApi api = IncusClients.forConfig(ctx.config(IncusConfig.class)).forStep(ctx);
    if (!previous.instance().equals(spec.instance())) {
      ctx.progress().report(5, "taking back the commands in " + previous.instance());
      delete(previous, outputs, ctx);
    }
    IncusInstance inst = target(spec.instance(), api, ctx);
    String mark = inst.config(markKey(ctx));
    boolean recorded = mark != null && ctx.belongsHere(marker(mark));
    if (recorded && digest(mark).equals(digest(spec))) {
      LOG.debug("incus: the commands of {} in {} are unchanged; nothing to run", ctx.stepName(), spec.instance());
      return outputs(spec, api);
    }
    if (recorded && previous.instance().equals(spec.instance())) {
      undo(previous, inst, api, ctx);
    }
    run(spec, inst, api, ctx);
    return outputs(spec, api);
  }

  @Override
  public ExecOutputs reset(ExecSpec spec, ExecOutputs outputs, StepContext ctx) {
    IncusApi api = IncusClients.forConfig(ctx.config(IncusConfig.class)).forStep(ctx);
    IncusInstance inst = target(spec.instance(), api, ctx);
    String mark = inst.config(markKey(ctx));
    if (mark != null && ctx.belongsHere(marker(mark))) {
      // The instance was not restored (or not all the way): take back what ran before running it again.
      undo(spec, inst, api, ctx);
    }
    run(spec, inst, api, ctx);
    return outputs(spec, api);
  }

  @Override
  public void delete(ExecSpec spec, ExecOutputs outputs, StepContext ctx) {
    IncusApi api = IncusClients.forConfig(ctx.config(IncusConfig.class)).forStep(ctx);
    String name = spec.instance();
    if (!name.startsWith(ctx.backendNamePrefix())) {
      LOG.warn("incus: {} is not an instance of environment {}; leaving it alone", name, ctx.environment().name());
      return;
    }
    Optional<IncusInstance> found = api.instance(name);
    if (found.isEmpty()) {
      LOG.debug("incus: instance {} is gone, and the effect of {} with it", name, ctx.stepName());
      return;
    }
    IncusInstance inst = found.get();
    if (!ofThisEnvironment(inst, ctx)) {
      LOG.warn("incus: instance {} in project {} is not managed by this environment; leaving it alone", name,
          api.project());
      return;
    }
    if (inst.running()) {
      undo(spec, inst, api, ctx);
    } else if (!spec.undo().isEmpty()) {
      LOG.warn("incus: instance {} is {}; the undo commands of {} cannot run and its files stay", name,
          inst.status(), ctx.stepName());
    }
    if (inst.config(markKey(ctx)) != null) {
      ctx.progress().report(90, "removing the record of " + ctx.stepName() + " from " + name);
      record(name, "", api, ctx);
    }
  }

  // ------------------------------------------------------------------------------------------ helpers

  private static void run(ExecSpec spec, IncusInstance inst, IncusApi api, StepContext ctx) {
    requireRunning(inst, api);
    InstanceCommands.run(inst.name(), spec.commands(), spec.secrets(), spec.sensitiveValues(), "command", 20, 90, api,
        ctx);
    ctx.progress().report(95, "recording in " + inst.name() + " that the commands ran");
    record(inst.name(), ctx.ownershipMarker() + "#" + digest(spec), api, ctx);
    LOG.info("incus: ran {} command(s) of {} in instance {}", spec.commands().size(), ctx.stepName(), inst.name());
  }

  private static void undo(ExecSpec spec, IncusInstance inst, IncusApi api, StepContext ctx) {
    if (spec.undo().isEmpty()) {
      return;
    }
    requireRunning(inst, api);
    InstanceCommands.run(inst.name(), spec.undo(), spec.secrets(), spec.sensitiveValues(), "undo command", 10, 20, api,
        ctx);
    LOG.info("incus: ran {} undo command(s) of {} in instance {}", spec.undo().size(), ctx.stepName(), inst.name());
  }

  /**
   * The instance to run in: it must exist, be named as this environment's instances are, and carry an ownership
   * marker of this environment.
   */
  private static IncusInstance target(String name, IncusApi api, StepContext ctx) {
    String prefix = ctx.backendNamePrefix();
    if (!name.startsWith(prefix)) {
      throw new PermanentException("incus.exec, field 'instance': " + name + " is not an instance of this "
          + "environment (its name must start with " + prefix + "); use ${<resource>.name} of an incus.instance of "
          + "the same blueprint");
    }
    IncusInstance inst = api.instance(name).orElseThrow(() -> new PermanentException("incus: instance " + name
        + " does not exist in project " + api.project() + "; there is nothing to run the commands in"));
    if (!ofThisEnvironment(inst, ctx)) {
      throw new PermanentException("incus: instance " + name + " in project " + api.project()
          + " is not managed by Tenantwright for this environment; refusing to run commands in it");
    }
    return inst;
  }

  /** Whether the instance carries an ownership marker of this tenant environment (any of its resources). */
  private static boolean ofThisEnvironment(IncusInstance inst, StepContext ctx) {
    String owner = inst.config(InstanceSpec.OWNER_KEY);
    return owner != null
        && owner.startsWith("tw:" + ctx.tenant().id() + "/" + ctx.environment().name() + "/");
  }

  private static void requireRunning(IncusInstance inst, IncusApi api) {
    if (!inst.running()) {
      throw new PermanentException("incus: instance " + inst.name() + " in project " + api.project() + " is "
          + inst.status() + "; commands run only in a running instance: start it and retry");
    }
  }

  /**
   * Sets (or, with an empty value, removes) this resource's record on the instance with one {@code PATCH}
   * naming the ETag it read, reading again after a concurrent change.
   */
  private static void record(String name, String value, IncusApi api, StepContext ctx) {
    String key = markKey(ctx);
    for (int attempt = 1; attempt <= MARK_ATTEMPTS; attempt++) {
      IncusInstance inst = api.instance(name).orElseThrow(() -> new RetryableException("incus: instance " + name
          + " disappeared while " + ctx.stepName() + " ran in it", null, true, null));
      if (value.equals(inst.config(key) == null ? "" : inst.config(key))) {
        return;
      }
      ObjectNode body = SupportJson.mapper().createObjectNode();
      body.putObject("config").put(key, value);
      if (api.patch(name, inst.etag(), body, "record " + ctx.stepName() + " on instance " + name)) {
        return;
      }
    }
    throw new RetryableException("incus: instance " + name + " kept changing while the record of "
        + ctx.stepName() + " was written (" + MARK_ATTEMPTS + " stale ETags)", null, false, null);
  }

  private static String markKey(StepContext ctx) {
    return MARK_PREFIX + ctx.stepName();
  }

  /** The ownership marker part of a record. */
  private static String marker(String mark) {
    int hash = mark.indexOf('#');
    return hash < 0 ? mark : mark.substring(0, hash);
  }

  /** The digest part of a record, empty when it has none. */
  private static String digest(String mark) {
    int hash = mark.indexOf('#');
    return hash < 0 ? "" : mark.substring(hash + 1);
  }

  /** A digest of what runs — the commands and undo commands, and the names of the secrets, not their values. */
  static String digest(ExecSpec spec) {
    StringBuilder text = new StringBuilder();
    append(text, "commands", spec.commands());
    append(text, "undo", spec.undo());
    text.append("secrets ").append(new TreeSet<>(spec.secrets().keySet())).append('\n');
    try {
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static void append(StringBuilder text, String what, List<InitCommand> commands) {
    for (InitCommand c : commands) {
      text.append(what).append('\0');
      c.command().forEach(a -> text.append(a.length()).append(':').append(a));
      text.append('\0');
      for (Map.Entry<String, String> e : new TreeMap<>(c.environment()).entrySet()) {
        text.append(e.getKey()).append('=').append(e.getValue().length()).append(':').append(e.getValue());
      }
      text.append('\0').append(c.cwd()).append('\0').append(c.user()).append('\0').append(c.group()).append('\n');
    }
  }

  private static ExecOutputs outputs(ExecSpec spec, IncusApi api) {
    return new ExecOutputs(spec.instance(), api.project());
  }
}
