package dev.tenantwright.plugin.vercel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.plugin.vercel.internal.Ownership;
import dev.tenantwright.plugin.vercel.internal.VercelApi;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vercel.project}: a Vercel project, owned through the ownership marker it carries in its plain
 * environment variable {@code TENANTWRIGHT_OWNER} (target {@code development}, so no build sees it).
 *
 * <p>create reads {@code GET /v9/projects/{name}} first; an existing project is reported CREATED when this step
 * made it, ADOPTED when an earlier run of this resource did, and is otherwise a {@link PermanentException}
 * naming the conflict. A new project is made by {@code POST /v11/projects} with the marker variable in the
 * same call, so no project ever exists without its marker; a 409 (someone took the name meanwhile) is judged
 * the same way. The marker is then also written to the variable's comment, which — unlike its value — list
 * answers return in clear ({@link Ownership}); a project found without it gets it then. delete
 * ({@code DELETE /v9/projects/{id}}) removes the project with its variables, domains and deployments, treats
 * 404 as gone, and refuses a project whose marker is no longer this resource's.
 *
 * <p>Stateless and thread-safe.
 */
@Extension
public final class VercelProjectType implements ResourceType<ProjectSpec, ProjectOutputs> {

  private static final Logger LOG = LoggerFactory.getLogger(VercelProjectType.class);

  @Override
  public String type() {
    return "vercel.project";
  }

  @Override
  public Class<ProjectSpec> specType() {
    return ProjectSpec.class;
  }

  @Override
  public Class<ProjectOutputs> outputType() {
    return ProjectOutputs.class;
  }

  /** The {@code vercel} section binds to {@link VercelConfig}, checked when the host starts. */
  @Override
  public Class<?> configType() {
    return VercelConfig.class;
  }

  @Override
  public CreateResult<ProjectOutputs> create(ProjectSpec spec, StepContext ctx) {
    VercelApi api = api(ctx);
    String name = name(spec, ctx);
    Optional<JsonNode> existing = api.project(name);
    if (existing.isPresent()) {
      return judge(api, existing.get(), ctx);
    }
    ctx.progress().report(30, "creating Vercel project " + name);
    Optional<JsonNode> made = api.createProject(body(spec, name, ctx));
    if (made.isPresent()) {
      String id = made.get().path("id").asText();
      LOG.debug("created Vercel project {} ({})", name, id);
      Ownership.writeMarker(api, id, Ownership.OWNER_KEY, ctx.ownershipMarker(), "project " + name);
      return CreateResult.created(outputs(made.get()));
    }
    JsonNode holder = api.project(name).orElseThrow(() -> new PermanentException("vercel: the project name '" + name
        + "' is taken (409), but no project of that name is visible to this token and team"));
    return judge(api, holder, ctx);
  }

  @Override
  public Optional<ProjectOutputs> read(ProjectSpec spec, ProjectOutputs outputs, StepContext ctx) {
    VercelApi api = api(ctx);
    return api.project(outputs != null ? outputs.id() : name(spec, ctx))
        .filter(p -> Ownership.projectMarker(api, p).map(ctx::belongsHere).orElse(false))
        .map(VercelProjectType::outputs);
  }

  @Override
  public void delete(ProjectSpec spec, ProjectOutputs outputs, StepContext ctx) {
    VercelApi api = api(ctx);
    Optional<JsonNode> p = api.project(outputs.id());
    if (p.isEmpty()) {
      return;
    }
    Optional<String> marker = Ownership.projectMarker(api, p.get());
    if (!marker.map(ctx::belongsHere).orElse(false)) {
      throw new PermanentException("vercel: refusing to delete project " + outputs.name() + " (" + outputs.id()
          + "): it no longer carries this resource's ownership marker (" + marker.orElse("none") + ")");
    }
    ctx.progress().report(50, "deleting Vercel project " + outputs.name());
    api.deleteProject(outputs.id());
  }

  private static CreateResult<ProjectOutputs> judge(VercelApi api, JsonNode project, StepContext ctx) {
    Optional<String> marker = Ownership.projectMarker(api, project);
    if (marker.isPresent() && ctx.belongsHere(marker.get())) {
      String id = project.path("id").asText();
      boolean inComment = Ownership.find(project.path("env"), Ownership.OWNER_KEY).map(Ownership::markedInComment)
          .orElse(false);
      if (!inComment) {
        // made before the comment was written (a crash in between, or an earlier plugin version)
        Ownership.writeMarker(api, id, Ownership.OWNER_KEY, marker.get(), "project " + project.path("name").asText());
      }
      return ctx.isOurs(marker.get()) ? CreateResult.created(outputs(project)) : CreateResult.adopted(outputs(project));
    }
    throw new PermanentException("vercel: project '" + project.path("name").asText() + "' ("
        + project.path("id").asText() + ") already exists and is not managed by this resource ("
        + marker.map(m -> "its marker is '" + m + "'").orElse("it has no ownership marker")
        + "); choose another name or remove it");
  }

  private static Map<String, Object> body(ProjectSpec spec, String name, StepContext ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("framework", spec.framework());
    body.put("buildCommand", spec.buildCommand());
    body.put("installCommand", spec.installCommand());
    body.put("outputDirectory", spec.outputDirectory());
    body.put("rootDirectory", spec.rootDirectory());
    body.values().removeIf(v -> v == null);
    body.put("environmentVariables", List.of(Map.of(
        "key", Ownership.OWNER_KEY,
        "value", ctx.ownershipMarker(),
        "target", Ownership.MARKER_TARGET,
        "type", "plain")));
    return body;
  }

  private static String name(ProjectSpec spec, StepContext ctx) {
    return Names.vercelProject("name", spec.name() != null ? spec.name() : ctx.resourceName());
  }

  static ProjectOutputs outputs(JsonNode p) {
    return new ProjectOutputs(p.path("id").asText(), p.path("name").asText(), p.path("accountId").asText());
  }

  private static VercelApi api(StepContext ctx) {
    return VercelApi.of(ctx.config(VercelConfig.class)).forStep(ctx);
  }
}
