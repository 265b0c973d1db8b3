package dev.tenantwright.plugin.vercel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.plugin.vercel.internal.Ownership;
import dev.tenantwright.plugin.vercel.internal.VercelApi;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vercel.deployment}: a deployment of a project made by this environment, created with
 * {@code POST /v13/deployments} (inline files or a git source) and polled with {@code GET /v13/deployments/{id}}
 * until it is {@code READY} — and, for {@code target: production}, until the project's domains serve it.
 *
 * <p>Deployments have no name, and a POST is never idempotent, so each carries its ownership marker and a
 * digest of what it deploys in {@code meta}. create first looks through the project's recent deployments
 * (of the same target, up to {@value #LOOK_BACK_PAGES} pages): one made by this step from the same content (an
 * earlier attempt, e.g. before a crash) is polled again and reported CREATED; one an earlier run of this
 * resource made from the same content, not failed, is polled and ADOPTED; otherwise a new deployment is made.
 * Polling backs off from the configured {@code pollInterval} to {@code maxPollInterval} through
 * {@code ctx.pause} (so cancellation and the step's deadline are respected) and reports progress as the
 * deployment moves QUEUED → BUILDING → READY. {@code ERROR}, {@code CANCELED} and {@code BLOCKED} end the step
 * with a {@link PermanentException} carrying Vercel's {@code errorCode} and {@code errorMessage}.
 *
 * <p>Production: Vercel assigns a production deployment's aliases after it is READY ({@code aliasAssigned};
 * failures in {@code aliasError}), and only then do the project's domains serve it. The step waits for that,
 * checking the project's {@code targets.production}; a deployment that is READY but {@code STAGED} (automatic
 * assignment is off, e.g. after an Instant Rollback in the dashboard), or one that served before and does not
 * now, is promoted with {@code POST /v10/projects/{id}/promote/{deploymentId}} — which switches the domains to
 * it without a rebuild — and the step waits for the project's {@code lastAliasRequest} to finish.
 *
 * <p>update never deletes or cancels what serves: it builds a new deployment of the new spec
 * ({@code forceNew=1}, so a redeploy of the same ref rebuilds with the current variables), waits until it is
 * READY and serving, and only then reports it; the deployment that served before is retired from the domains
 * but kept, and named in the outputs' {@code previousId}. A failed build leaves the old deployment serving
 * and fails the step. When the engine undoes the update (it calls update again with the previous spec and
 * the outputs this step produced), the step sees a deployment it made itself whose {@code previousId} is
 * known: it promotes that previous deployment again — no rebuild — and deletes its own; if the previous one is
 * gone (deleted by hand or by retention), it builds the previous spec instead. An adopted deployment is
 * updated the same way and never deleted by an update.
 *
 * <p>delete cancels a deployment still building, then deletes it and the kept previous one, if they carry
 * this resource's marker; 404 is gone. Stateless and thread-safe.
 */
@Extension
public final class VercelDeploymentType implements ResourceType<DeploymentSpec, DeploymentOutputs>,
    Updatable<DeploymentSpec, DeploymentOutputs> {

  private static final Logger LOG = LoggerFactory.getLogger(VercelDeploymentType.class);
  private static final Set<String> FAILED = Set.of("ERROR", "CANCELED", "BLOCKED", "DELETED");
  private static final Set<String> RUNNING = Set.of("QUEUED", "INITIALIZING", "BUILDING");
  /** How many pages of {@link VercelApi#PAGE} deployments create looks through for one of its own. */
  static final int LOOK_BACK_PAGES = 5;

  @Override
  public String type() {
    return "vercel.deployment";
  }

  @Override
  public Class<DeploymentSpec> specType() {
    return DeploymentSpec.class;
  }

  @Override
  public Class<DeploymentOutputs> outputType() {
    return DeploymentOutputs.class;
  }

  /** The {@code vercel} section binds to {@link VercelConfig}, checked when the host starts. */
  @Override
  public Class<?> configType() {
    return VercelConfig.class;
  }

  @Override
  public CreateResult<DeploymentOutputs> create(DeploymentSpec spec, StepContext ctx) {
    VercelApi api = api(ctx);
    Ownership.Project project = Ownership.requireManagedHere(api, spec.project(), ctx);
    String digest = digest(spec);
    Optional<JsonNode> earlier = findMine(api, project.id(), spec.target(), digest, true, null, ctx);
    if (earlier.isPresent()) {
      boolean ours = ctx.isOurs(owner(earlier.get()));
      String id = earlier.get().path("uid").asText();
      LOG.debug("found deployment {} of project {} made by {}", id, project.name(), ours ? "this step" : "an earlier run");
      DeploymentOutputs live = live(api, id, project, spec, earlier.get().path("inspectorUrl").asText(null), null, ctx);
      return ours ? CreateResult.created(live) : CreateResult.adopted(live);
    }
    ctx.progress().report(5, "creating a deployment of Vercel project " + project.name());
    JsonNode made = api.createDeployment(body(spec, project, digest, ctx), false);
    String id = made.path("id").asText();
    LOG.debug("created deployment {} of project {}", id, project.name());
    return CreateResult.created(live(api, id, project, spec, made.path("inspectorUrl").asText(null), null, ctx));
  }

  @Override
  public DeploymentOutputs update(DeploymentSpec spec, DeploymentSpec previous, DeploymentOutputs outputs,
      StepContext ctx) {
    VercelApi api = api(ctx);
    Ownership.Project project = Ownership.requireManagedHere(api, spec.project(), ctx);
    String digest = digest(spec);
    Optional<JsonNode> current = outputs == null ? Optional.empty() : api.deployment(outputs.id());
    boolean hasPrevious = outputs != null && outputs.previousId() != null && !outputs.previousId().equals(outputs.id());
    Optional<JsonNode> before = hasPrevious ? api.deployment(outputs.previousId())
        .filter(d -> "READY".equals(state(d)) && owner(d) != null && ctx.belongsHere(owner(d))) : Optional.empty();
    // the engine undoes this step's update: the current deployment is one this very step made; or it is gone
    // already (an earlier attempt of this undo) and the previous one holds the spec's content
    boolean undoing = hasPrevious && (current.isPresent() ? ctx.isOurs(owner(current.get()))
        : before.map(d -> digest.equals(d.path("meta").path(Ownership.META_DIGEST).asText())).orElse(false));
    if (undoing) {
      // serve what served before again, then drop our deployment
      if (before.isPresent()) {
        ctx.progress().report(20, "serving deployment " + outputs.previousId() + " of project " + project.name()
            + " again");
        DeploymentOutputs restored = live(api, outputs.previousId(), project, spec, null, null, ctx);
        if (current.isPresent()) {
          retire(api, outputs.id());
        }
        return restored;
      }
      LOG.warn("deployment {} of project {} that served before {} is gone; building the previous spec again",
          outputs.previousId(), project.name(), outputs.id());
    }
    String exclude = undoing ? outputs.id() : null;
    Optional<JsonNode> resumed = findMine(api, project.id(), spec.target(), digest, false, exclude, ctx);
    String id;
    String inspector;
    if (resumed.isPresent()) {
      id = resumed.get().path("uid").asText();
      inspector = resumed.get().path("inspectorUrl").asText(null);
      LOG.debug("resuming deployment {} of project {} made by this step", id, project.name());
    } else {
      ctx.progress().report(5, "creating a new deployment of Vercel project " + project.name()
          + (outputs == null ? "" : "; " + outputs.id() + " keeps serving until it is ready"));
      JsonNode made = api.createDeployment(body(spec, project, digest, ctx), true);
      id = made.path("id").asText();
      inspector = made.path("inspectorUrl").asText(null);
      LOG.debug("created deployment {} of project {} to replace {}", id, project.name(),
          outputs == null ? "nothing" : outputs.id());
    }
    String replaced = undoing || outputs == null ? null : outputs.id().equals(id) ? outputs.previousId() : outputs.id();
    DeploymentOutputs now = live(api, id, project, spec, inspector, replaced, ctx);
    if (undoing && current.isPresent()) {
      retire(api, outputs.id());
    }
    return now;
  }

  @Override
  public Optional<DeploymentOutputs> read(DeploymentSpec spec, DeploymentOutputs outputs, StepContext ctx) {
    VercelApi api = api(ctx);
    if (outputs != null) {
      return api.deployment(outputs.id())
          .map(d -> outputs(d, outputs.projectId(), outputs.inspectorUrl(), outputs.previousId()));
    }
    Optional<JsonNode> p = api.project(spec.project());
    if (p.isEmpty()) {
      return Optional.empty();
    }
    String projectId = p.get().path("id").asText();
    return findMine(api, projectId, spec.target(), digest(spec), true, null, ctx)
        .flatMap(d -> api.deployment(d.path("uid").asText()))
        .map(d -> outputs(d, projectId, null, null));
  }

  @Override
  public void delete(DeploymentSpec spec, DeploymentOutputs outputs, StepContext ctx) {
    VercelApi api = api(ctx);
    Optional<JsonNode> d = api.deployment(outputs.id());
    if (d.isPresent()) {
      String owner = owner(d.get());
      if (owner == null || !ctx.belongsHere(owner)) {
        throw new PermanentException("vercel: refusing to delete deployment " + outputs.id()
            + ": it does not carry this resource's ownership marker");
      }
      retire(api, outputs.id());
    }
    if (outputs.previousId() != null && !outputs.previousId().equals(outputs.id())) {
      // the deployment kept for a rollback goes with the resource, if it is still ours
      Optional<JsonNode> kept = api.deployment(outputs.previousId());
      if (kept.isPresent() && owner(kept.get()) != null && ctx.belongsHere(owner(kept.get()))) {
        retire(api, outputs.previousId());
      }
    }
  }

  /** Cancels a deployment still building, then deletes it; gone is fine. */
  private static void retire(VercelApi api, String id) {
    Optional<JsonNode> d = api.deployment(id);
    if (d.isEmpty()) {
      return;
    }
    if (RUNNING.contains(state(d.get()))) {
      api.cancelDeployment(id);
    }
    api.deleteDeployment(id);
  }

  /**
   * The newest deployment of this resource with this content, of the spec's target: one made by this step
   * (other than {@code exclude}), or else — when {@code adopt} — one of an earlier run that has not failed.
   */
  private static Optional<JsonNode> findMine(VercelApi api, String projectId, String target, String digest,
      boolean adopt, String exclude, StepContext ctx) {
    JsonNode[] candidate = new JsonNode[1];
    // a production (or staging) deployment is looked for among those of its target only, so that a busy
    // project's previews do not push it out of sight (the V7 finding)
    String listed = "production".equals(target) || "staging".equals(target) ? target : null;
    Optional<JsonNode> ours = api.findDeployment(projectId, listed, LOOK_BACK_PAGES, d -> {
      String owner = owner(d);
      if (owner == null || !digest.equals(d.path("meta").path(Ownership.META_DIGEST).asText())
          || d.path("uid").asText().equals(exclude)) {
        return false;
      }
      if (ctx.isOurs(owner)) {
        return true;
      }
      if (adopt && candidate[0] == null && ctx.belongsHere(owner) && !FAILED.contains(state(d))) {
        candidate[0] = d;
      }
      return false;
    });
    return ours.or(() -> Optional.ofNullable(candidate[0]));
  }

  /** Waits until the deployment is READY and, for production, serves the project's domains. */
  private static DeploymentOutputs live(VercelApi api, String id, Ownership.Project project, DeploymentSpec spec,
      String inspectorUrl, String previousId, StepContext ctx) {
    boolean production = "production".equals(spec.target());
    JsonNode ready = awaitReady(api, id, project, inspectorUrl, production, ctx);
    if (production) {
      ready = awaitServing(api, ready, project, ctx);
    }
    return outputs(ready, project.id(), inspectorUrl, previousId);
  }

  private static JsonNode awaitReady(VercelApi api, String id, Ownership.Project project, String inspectorUrl,
      boolean production, StepContext ctx) {
    Backoff wait = new Backoff(api);
    String last = null;
    while (true) {
      JsonNode d = api.deployment(id).orElseThrow(() -> new RetryableException("vercel: deployment " + id
          + " of project " + project.name() + " is not visible (yet)", null, false, null));
      String state = state(d);
      if (!state.equals(last)) {
        ctx.progress().report(percent(state, production), "deployment " + id + " is " + state);
        last = state;
      }
      if (state.equals("READY")) {
        return d;
      }
      if (FAILED.contains(state)) {
        throw new PermanentException("vercel: deployment " + id + " of project " + project.name() + " ended " + state
            + detail(d) + (inspectorUrl == null ? "" : "; build log: " + inspectorUrl));
      }
      wait.pause(ctx);
    }
  }

  /**
   * Waits until the project's production domains serve {@code d}: its aliases are assigned after it is READY
   * (or it is promoted when they will not be), as the project's {@code targets.production} and
   * {@code lastAliasRequest} show.
   */
  private static JsonNode awaitServing(VercelApi api, JsonNode d, Ownership.Project project, StepContext ctx) {
    String id = d.path("id").asText(d.path("uid").asText());
    Backoff wait = new Backoff(api);
    boolean promoted = false;
    while (true) {
      JsonNode aliasError = d.path("aliasError");
      if (aliasError.isObject()) {
        throw new PermanentException("vercel: deployment " + id + " of project " + project.name()
            + " is READY but its domains could not be assigned to it: [" + aliasError.path("code").asText() + "] "
            + aliasError.path("message").asText());
      }
      JsonNode p = api.project(project.id()).orElseThrow(() -> new PermanentException("vercel: project "
          + project.name() + " (" + project.id() + ") vanished while deployment " + id + " was being aliased"));
      JsonNode production = p.path("targets").path("production");
      String serving = production.path("id").asText(null);
      JsonNode request = p.path("lastAliasRequest");
      boolean requestIsOurs = id.equals(request.path("toDeploymentId").asText());
      String job = request.path("jobStatus").asText("");
      if (id.equals(serving) || (!production.isObject() && aliasAssigned(d))
          || (promoted && requestIsOurs && job.equals("succeeded"))) {
        ctx.progress().report(100, "deployment " + id + " serves the production domains of project " + project.name());
        return d;
      }
      if (promoted && requestIsOurs && job.equals("failed")) {
        throw new PermanentException("vercel: promoting deployment " + id + " of project " + project.name()
            + " failed: its domains could not all be switched to it (see the project's promotion in the dashboard)");
      }
      boolean staged = "STAGED".equals(d.path("readySubstate").asText());
      if (!promoted && (staged || aliasAssigned(d))) {
        // assigned before but not serving now (a rollback target), or never to be assigned automatically
        ctx.progress().report(90, "promoting deployment " + id + " to the production domains of project "
            + project.name());
        api.promote(project.id(), id);
        promoted = true;
      } else {
        wait.pause(ctx);
      }
      d = api.deployment(id).orElseThrow(() -> new PermanentException("vercel: deployment " + id + " of project "
          + project.name() + " was deleted before it served the domains"));
    }
  }

  /** {@code aliasAssigned}: true, or the time it happened; false or null before. */
  private static boolean aliasAssigned(JsonNode d) {
    JsonNode a = d.path("aliasAssigned");
    return a.isBoolean() ? a.asBoolean() : a.isNumber() && a.asLong() > 0;
  }

  /** Waits between polls: {@code pollInterval}, doubling up to {@code maxPollInterval}, through ctx.pause. */
  private static final class Backoff {
    private final Duration max;
    private Duration next;

    Backoff(VercelApi api) {
      this.next = api.config().effectivePollInterval();
      this.max = api.config().effectiveMaxPollInterval();
    }

    void pause(StepContext ctx) {
      ctx.pause(next);
      Duration doubled = next.multipliedBy(2);
      next = doubled.compareTo(max) > 0 ? max : doubled;
    }
  }

  private static String detail(JsonNode d) {
    String code = d.path("errorCode").asText("");
    String message = d.path("errorMessage").asText("");
    if (code.isEmpty() && message.isEmpty()) {
      return "";
    }
    return ": " + (code.isEmpty() ? "" : "[" + code + "] ") + message;
  }

  private static int percent(String state, boolean production) {
    return switch (state) {
      case "QUEUED" -> 10;
      case "INITIALIZING" -> 25;
      case "BUILDING" -> 50;
      case "READY" -> production ? 80 : 100;
      default -> 90;
    };
  }

  private static Map<String, Object> body(DeploymentSpec spec, Ownership.Project project, String digest,
      StepContext ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", project.name());
    body.put("project", project.id());
    if (spec.target() != null) {
      body.put("target", spec.target());
    }
    if (spec.files() != null) {
      body.put("files", spec.files().stream().map(f -> {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("file", f.file());
        file.put("data", f.data());
        file.put("encoding", f.encoding() == null ? "utf-8" : f.encoding());
        return file;
      }).toList());
    } else {
      body.put("gitSource", spec.gitSource());
    }
    Map<String, Object> settings = projectSettings(project.json());
    if (!settings.isEmpty()) {
      body.put("projectSettings", settings);
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(Ownership.META_OWNER, ctx.ownershipMarker());
    meta.put(Ownership.META_DIGEST, digest);
    if (spec.envRevision() != null) {
      meta.put(Ownership.META_ENV_REVISION, spec.envRevision());
    }
    body.put("meta", meta);
    return body;
  }

  /**
   * The project's own build settings, as {@code projectSettings}: "required for the first deployment of a
   * project" (createDeployment), which otherwise fails with 400 {@code missing_project_settings}
   * (vercel/vercel#11404). They are the project's current values, so sending them again changes nothing;
   * settings left to auto-detection are left out, and {@code skipAutoDetectionConfirmation=1} lets Vercel
   * apply what it detects.
   */
  static Map<String, Object> projectSettings(JsonNode project) {
    Map<String, Object> settings = new LinkedHashMap<>();
    for (String field : new String[] {"framework", "buildCommand", "installCommand", "outputDirectory", "rootDirectory"}) {
      if (project.hasNonNull(field) && !project.get(field).asText().isEmpty()) {
        settings.put(field, project.get(field).asText());
      }
    }
    return settings;
  }

  /** A digest of what is deployed, so that only a deployment of the same content is adopted or resumed. */
  static String digest(DeploymentSpec spec) {
    Map<String, Object> what = new LinkedHashMap<>();
    what.put("target", spec.target());
    what.put("files", spec.files());
    what.put("gitSource", spec.gitSource());
    if (spec.envRevision() != null) {
      what.put("envRevision", spec.envRevision());
    }
    try {
      return Ownership.hash(SupportJson.mapper().writeValueAsString(what), 16);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the deployment spec as JSON", e);
    }
  }

  private static String owner(JsonNode d) {
    JsonNode v = d.path("meta").get(Ownership.META_OWNER);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String state(JsonNode d) {
    String s = d.path("readyState").asText("");
    return s.isEmpty() ? d.path("state").asText("") : s;
  }

  private static DeploymentOutputs outputs(JsonNode d, String projectId, String inspectorUrl, String previousId) {
    String inspector = d.hasNonNull("inspectorUrl") ? d.get("inspectorUrl").asText() : inspectorUrl;
    return new DeploymentOutputs(d.path("id").asText(d.path("uid").asText()), d.path("url").asText(), state(d),
        projectId, inspector, previousId);
  }

  private static VercelApi api(StepContext ctx) {
    return VercelApi.of(ctx.config(VercelConfig.class)).forStep(ctx);
  }
}
