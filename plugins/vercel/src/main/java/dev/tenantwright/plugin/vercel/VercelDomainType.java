package dev.tenantwright.plugin.vercel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.plugin.vercel.internal.DomainConfig;
import dev.tenantwright.plugin.vercel.internal.Ownership;
import dev.tenantwright.plugin.vercel.internal.VercelApi;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vercel.domain}: a custom domain on a project made by this environment, with its verification state.
 *
 * <p>Vercel keeps no free-form field on a project domain, so the ownership marker lives in a plain project
 * variable {@code TENANTWRIGHT_DOMAIN_<hash of the domain>} (target {@code development}, never part of a
 * build) — in its comment, which list answers return in clear, and its value — written before the domain is
 * added. create reads {@code GET /v9/projects/{id}/domains/{domain}}
 * first: a domain already on the project is CREATED or ADOPTED by its marker and otherwise a
 * {@link PermanentException}; a new one is added with {@code POST /v10/projects/{id}/domains}, where Vercel's
 * 400 "already on this project" converges by reading the domain again and a 409 (another project holds it) is
 * a permanent error with Vercel's message. A domain added unverified is verified once with
 * {@code POST .../verify}; while its TXT challenge is unmet it stays unverified and the outputs carry the
 * challenge ({@code txtName}, {@code txtValue}) for a {@code cloudflare.txt-verification}. Then the domain's
 * configuration is read once ({@code GET /v6/domains/{domain}/config}): the outputs say whether it is
 * {@code configured} and carry the records Vercel recommends ({@code recommendedCNAME},
 * {@code recommendedIPv4}) for the DNS record that points the domain at Vercel. This type does not wait for
 * the DNS: the record is made after it, from its outputs; a {@code vercel.domain-check} placed after the
 * record waits until Vercel sees it. delete removes the domain
 * ({@code DELETE /v9/projects/{id}/domains/{domain}}, 404 is gone) and then its marker variable.
 *
 * <p>Stateless and thread-safe.
 */
@Extension
public final class VercelDomainType implements ResourceType<DomainSpec, DomainOutputs> {

  private static final Logger LOG = LoggerFactory.getLogger(VercelDomainType.class);

  @Override
  public String type() {
    return "vercel.domain";
  }

  @Override
  public Class<DomainSpec> specType() {
    return DomainSpec.class;
  }

  @Override
  public Class<DomainOutputs> outputType() {
    return DomainOutputs.class;
  }

  /** The {@code vercel} section binds to {@link VercelConfig}, checked when the host starts. */
  @Override
  public Class<?> configType() {
    return VercelConfig.class;
  }

  @Override
  public CreateResult<DomainOutputs> create(DomainSpec spec, StepContext ctx) {
    VercelApi api = api(ctx);
    Ownership.Project project = Ownership.requireManagedHere(api, spec.project(), ctx);
    String key = Ownership.domainKey(spec.name());
    Optional<JsonNode> existing = api.domain(project.id(), spec.name());
    CreateResult.Origin origin;
    JsonNode domain;
    if (existing.isPresent()) {
      Optional<JsonNode> markerVar = Ownership.find(api.envs(project.id()), key);
      Optional<String> marker = markerVar.flatMap(v -> Ownership.marker(api, project.id(), v));
      if (marker.isPresent() && ctx.belongsHere(marker.get()) && !Ownership.markedInComment(markerVar.get())) {
        // written by an earlier version, which kept the marker in the value only
        Ownership.writeMarker(api, project.id(), key, marker.get(), "domain " + spec.name() + " on project "
            + project.name());
      }
      if (marker.isPresent() && ctx.isOurs(marker.get())) {
        origin = CreateResult.Origin.CREATED;
      } else if (marker.isPresent() && ctx.belongsHere(marker.get())) {
        origin = CreateResult.Origin.ADOPTED;
      } else {
        throw new PermanentException("vercel: domain " + spec.name() + " is already on project " + project.name()
            + " and not managed by this resource (" + marker.map(m -> "marker '" + m + "'").orElse("no ownership marker")
            + "); refusing to take it over");
      }
      domain = existing.get();
    } else {
      Ownership.writeMarker(api, project.id(), key, ctx.ownershipMarker(),
          "domain " + spec.name() + " on project " + project.name());
      ctx.progress().report(40, "adding domain " + spec.name() + " to Vercel project " + project.name());
      domain = add(api, project, key, spec, ctx);
      origin = CreateResult.Origin.CREATED;
    }
    if (!domain.path("verified").asBoolean(false) && !Boolean.FALSE.equals(spec.verify())) {
      domain = api.verifyDomain(project.id(), spec.name()).orElse(domain);
      LOG.debug("domain {} is {}verified", spec.name(), domain.path("verified").asBoolean() ? "" : "not yet ");
    }
    return new CreateResult<>(outputs(domain, project.id(), config(api, spec.name(), project.id())), origin);
  }

  @Override
  public Optional<DomainOutputs> read(DomainSpec spec, DomainOutputs outputs, StepContext ctx) {
    VercelApi api = api(ctx);
    Optional<JsonNode> p = api.project(outputs != null ? outputs.projectId() : spec.project());
    if (p.isEmpty()) {
      return Optional.empty();
    }
    String projectId = p.get().path("id").asText();
    Optional<String> marker = marker(api, projectId, Ownership.domainKey(spec.name()));
    if (marker.isEmpty() || !ctx.belongsHere(marker.get())) {
      return Optional.empty();
    }
    return api.domain(projectId, spec.name()).map(d -> outputs(d, projectId, config(api, spec.name(), projectId)));
  }

  @Override
  public void delete(DomainSpec spec, DomainOutputs outputs, StepContext ctx) {
    VercelApi api = api(ctx);
    if (api.project(outputs.projectId()).isEmpty()) {
      return;
    }
    String key = Ownership.domainKey(outputs.name());
    Optional<JsonNode> markerVar = Ownership.find(api.envs(outputs.projectId()), key);
    Optional<String> marker = markerVar.flatMap(v -> Ownership.marker(api, outputs.projectId(), v));
    boolean onProject = api.domain(outputs.projectId(), outputs.name()).isPresent();
    if (onProject && !marker.map(ctx::belongsHere).orElse(false)) {
      throw new PermanentException("vercel: refusing to remove domain " + outputs.name() + " from project "
          + outputs.projectId() + ": it is no longer managed by this resource");
    }
    if (onProject) {
      api.deleteDomain(outputs.projectId(), outputs.name());
    }
    if (markerVar.isPresent() && marker.map(ctx::belongsHere).orElse(false)) {
      api.deleteEnv(outputs.projectId(), markerVar.get().path("id").asText());
    }
  }

  private static JsonNode add(VercelApi api, Ownership.Project project, String key, DomainSpec spec, StepContext ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", spec.name());
    if (spec.redirect() != null) {
      body.put("redirect", spec.redirect());
      body.put("redirectStatusCode", spec.redirectStatusCode() == null ? 308 : spec.redirectStatusCode());
    }
    if (spec.gitBranch() != null) {
      body.put("gitBranch", spec.gitBranch());
    }
    RestResponse r = api.addDomain(project.id(), body);
    if (r.isSuccessful()) {
      return r.json();
    }
    if (r.status() == 400) {
      Optional<JsonNode> there = api.domain(project.id(), spec.name());
      if (there.isPresent()) {
        return there.get();
      }
    }
    removeMarker(api, project.id(), key, ctx);
    if (r.status() == 409) {
      throw new PermanentException("vercel: domain " + spec.name() + " cannot be added to project " + project.name()
          + ": " + r.error().map(Object::toString).orElse("it is assigned to another project (409)"));
    }
    r.requireSuccess();
    throw new IllegalStateException("unreachable: " + r);
  }

  /** The marker of the domain's marker variable {@code key}, if the variable exists and holds one. */
  private static Optional<String> marker(VercelApi api, String projectId, String key) {
    return Ownership.find(api.envs(projectId), key).flatMap(v -> Ownership.marker(api, projectId, v));
  }

  private static void removeMarker(VercelApi api, String projectId, String key, StepContext ctx) {
    Optional<JsonNode> var = Ownership.find(api.envs(projectId), key);
    if (var.isPresent() && Ownership.marker(api, projectId, var.get()).map(ctx::isOurs).orElse(false)) {
      api.deleteEnv(projectId, var.get().path("id").asText());
    }
  }

  private static DomainConfig config(VercelApi api, String domain, String projectId) {
    return DomainConfig.of(api.domainConfig(domain, projectId));
  }

  private static DomainOutputs outputs(JsonNode d, String projectId, DomainConfig config) {
    boolean verified = d.path("verified").asBoolean(false);
    JsonNode txt = null;
    for (JsonNode v : d.path("verification")) {
      if ("TXT".equalsIgnoreCase(v.path("type").asText())) {
        txt = v;
        break;
      }
    }
    return new DomainOutputs(d.path("name").asText(), projectId, d.path("apexName").asText(), verified,
        verified || txt == null ? null : txt.path("domain").asText(),
        verified || txt == null ? null : txt.path("value").asText(), config.configured(), config.recommendedCNAME(),
        config.recommendedIPv4());
  }

  private static VercelApi api(StepContext ctx) {
    return VercelApi.of(ctx.config(VercelConfig.class)).forStep(ctx);
  }
}
