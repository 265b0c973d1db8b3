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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vercel.deployment}: a deployment of a project made by this environment, created with
 * {@code POST /v13/deployments} (inline files or a git source) and polled with {@code GET /v13/deployments/{id}}
 * until it is {@code READY}.
 *
 * <p>Deployments have no name, and a POST is never idempotent, so each carries its ownership marker and a
 * digest of what it deploys in {@code meta}. create first lists the project's recent deployments: one made by
 * this step (an earlier attempt, e.g. before a crash) is polled again and reported CREATED; one an earlier run
 * of this resource made from the same content, not failed, is polled and ADOPTED; otherwise a new deployment
 * is made. Polling backs off from the configured {@code pollInterval} to {@code maxPollInterval} through
 * {@code ctx.pause} (so cancellation and the step's deadline are respected) and reports progress as the
 * deployment moves QUEUED → BUILDING → READY. {@code ERROR}, {@code CANCELED} and {@code BLOCKED} end the step
 * with a {@link PermanentException} carrying Vercel's {@code errorCode} and {@code errorMessage}. delete cancels
 * a deployment still building, then deletes it; 404 is gone.
 *
 * <p>Stateless and thread-safe.
 */
@Extension
public final class VercelDeploymentType implements ResourceType<DeploymentSpec, DeploymentOutputs> {

  private static final Logger LOG = LoggerFactory.getLogger(VercelDeploymentType.class);
  private static final Set<String> FAILED = Set.of("ERROR", "CANCELED", "BLOCKED", "DELETED");
  private static final Set<String> RUNNING = Set.of("QUEUED", "INITIALIZING", "BUILDING");
  private static final int LOOK_BACK = 20;

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

  @Override
  public CreateResult<DeploymentOutputs> create(DeploymentSpec spec, StepContext ctx) {
    VercelApi api = api(ctx);
    Ownership.Project project = Ownership.requireManagedHere(api, spec.project(), ctx);
    String digest = digest(spec);
    Optional<JsonNode> earlier = findMine(api, project.id(), digest, ctx);
    if (earlier.isPresent()) {
      boolean ours = ctx.isOurs(owner(earlier.get()));
      String id = earlier.get().path("uid").asText();
      LOG.debug("found deployment {} of project {} made by {}", id, project.name(), ours ? "this step" : "an earlier run");
      DeploymentOutputs ready = await(api, id, project, earlier.get().path("inspectorUrl").asText(null), ctx);
      return ours ? CreateResult.created(ready) : CreateResult.adopted(ready);
    }
    ctx.progress().report(5, "creating a deployment of Vercel project " + project.name());
    JsonNode made = api.createDeployment(body(spec, project, digest, ctx), false);
    String id = made.path("id").asText();
    LOG.debug("created deployment {} of project {}", id, project.name());
    return CreateResult.created(await(api, id, project, made.path("inspectorUrl").asText(null), ctx));
  }

  @Override
  public Optional<DeploymentOutputs> read(DeploymentSpec spec, DeploymentOutputs outputs, StepContext ctx) {
    VercelApi api = api(ctx);
    if (outputs != null) {
      return api.deployment(outputs.id())
          .map(d -> outputs(d, outputs.projectId(), outputs.inspectorUrl()));
    }
    Optional<JsonNode> p = api.project(spec.project());
    if (p.isEmpty()) {
      return Optional.empty();
    }
    String projectId = p.get().path("id").asText();
    return findMine(api, projectId, digest(spec), ctx)
        .flatMap(d -> api.deployment(d.path("uid").asText()))
        .map(d -> outputs(d, projectId, null));
  }

  @Override
  public void delete(DeploymentSpec spec, DeploymentOutputs outputs, StepContext ctx) {
    VercelApi api = api(ctx);
    Optional<JsonNode> d = api.deployment(outputs.id());
    if (d.isEmpty()) {
      return;
    }
    String owner = owner(d.get());
    if (owner == null || !ctx.belongsHere(owner)) {
      throw new PermanentException("vercel: refusing to delete deployment " + outputs.id()
          + ": it does not carry this resource's ownership marker");
    }
    if (RUNNING.contains(state(d.get()))) {
      api.cancelDeployment(outputs.id());
    }
    api.deleteDeployment(outputs.id());
  }

  /** The newest deployment made by this step, or else one of this resource from the same content that has not failed. */
  private static Optional<JsonNode> findMine(VercelApi api, String projectId, String digest, StepContext ctx) {
    Optional<JsonNode> ours = api.findDeployment(projectId, null, 1, d -> owner(d) != null && ctx.isOurs(owner(d)));
    if (ours.isPresent()) {
      return ours;
    }
    return api.findDeployment(projectId, null, 1, d -> owner(d) != null && ctx.belongsHere(owner(d))
        && digest.equals(d.path("meta").path(Ownership.META_DIGEST).asText()) && !FAILED.contains(state(d)));
  }

  private static DeploymentOutputs await(VercelApi api, String id, Ownership.Project project, String inspectorUrl,
      StepContext ctx) {
    Duration wait = api.config().effectivePollInterval();
    Duration max = api.config().effectiveMaxPollInterval();
    String last = null;
    while (true) {
      JsonNode d = api.deployment(id).orElseThrow(() -> new RetryableException("vercel: deployment " + id
          + " of project " + project.name() + " is not visible (yet)", null, false, null));
      String state = state(d);
      if (!state.equals(last)) {
        ctx.progress().report(percent(state), "deployment " + id + " is " + state);
        last = state;
      }
      if (state.equals("READY")) {
        return outputs(d, project.id(), inspectorUrl);
      }
      if (FAILED.contains(state)) {
        throw new PermanentException("vercel: deployment " + id + " of project " + project.name() + " ended " + state
            + detail(d) + (inspectorUrl == null ? "" : "; build log: " + inspectorUrl));
      }
      ctx.pause(wait);
      Duration next = wait.multipliedBy(2);
      wait = next.compareTo(max) > 0 ? max : next;
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

  private static int percent(String state) {
    return switch (state) {
      case "QUEUED" -> 10;
      case "INITIALIZING" -> 25;
      case "BUILDING" -> 50;
      case "READY" -> 100;
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
    body.put("meta", Map.of(Ownership.META_OWNER, ctx.ownershipMarker(), Ownership.META_DIGEST, digest));
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

  /** A digest of what is deployed, so that only a deployment of the same content is adopted. */
  static String digest(DeploymentSpec spec) {
    Map<String, Object> what = new LinkedHashMap<>();
    what.put("target", spec.target());
    what.put("files", spec.files());
    what.put("gitSource", spec.gitSource());
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

  private static DeploymentOutputs outputs(JsonNode d, String projectId, String inspectorUrl) {
    String inspector = d.hasNonNull("inspectorUrl") ? d.get("inspectorUrl").asText() : inspectorUrl;
    return new DeploymentOutputs(d.path("id").asText(d.path("uid").asText()), d.path("url").asText(), state(d),
        projectId, inspector);
  }

  private static VercelApi api(StepContext ctx) {
    return VercelApi.of(ctx.config(VercelConfig.class));
  }
}
