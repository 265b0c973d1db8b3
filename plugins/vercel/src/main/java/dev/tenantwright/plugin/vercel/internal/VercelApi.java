package dev.tenantwright.plugin.vercel.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.RestClient;
import dev.tenantwright.plugin.support.RestRequest;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.plugin.vercel.VercelConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls the plugin makes to the Vercel REST API, on top of the shared {@link RestClient} (which
 * authenticates, adds {@code teamId}, and classifies every failure). Answers stay JSON trees: Vercel's
 * objects are large and the plugin reads a handful of fields.
 *
 * <p>One instance per configuration, cached for the plugin's life; immutable and thread-safe.
 */
public final class VercelApi {

  private static final Map<VercelConfig, VercelApi> CLIENTS = new ConcurrentHashMap<>();

  private final RestClient http;
  private final VercelConfig config;

  private VercelApi(VercelConfig config) {
    this.config = config;
    Duration timeout = config.effectiveTimeout();
    this.http = RestClient.builder()
        .name("vercel")
        .baseUrl(config.effectiveBaseUrl())
        .bearerToken(config.token())
        .defaultQuery("teamId", config.teamId())
        .readTimeout(timeout)
        .callTimeout(timeout.plusSeconds(5))
        .build();
  }

  /** The client for a configuration, built once. */
  public static VercelApi of(VercelConfig config) {
    return CLIENTS.computeIfAbsent(config, VercelApi::new);
  }

  /** The configuration this client was built from. */
  public VercelConfig config() {
    return config;
  }

  // ------------------------------------------------------------------------------------ projects

  /** {@code GET /v9/projects/{idOrName}}; empty on 404. */
  public Optional<JsonNode> project(String idOrName) {
    RestResponse r = http.call(RestRequest.get("/v9/projects/" + idOrName).expect(404));
    return r.status() == 404 ? Optional.empty() : Optional.of(r.json());
  }

  /** {@code POST /v11/projects}; empty on 409 (the name is taken). */
  public Optional<JsonNode> createProject(Object body) {
    RestResponse r = http.call(RestRequest.post("/v11/projects", body).expect(409));
    return r.status() == 409 ? Optional.empty() : Optional.of(r.json());
  }

  /** {@code DELETE /v9/projects/{id}}; false when it was already gone (404). */
  public boolean deleteProject(String id) {
    return http.call(RestRequest.delete("/v9/projects/" + id).expect(404)).status() != 404;
  }

  // ------------------------------------------------------------------------------------ environment variables

  /** {@code GET /v10/projects/{idOrName}/env}: the project's variables (values of encrypted ones stay encrypted). */
  public List<JsonNode> envs(String project) {
    JsonNode body = http.call(RestRequest.get("/v10/projects/" + project + "/env")).json();
    List<JsonNode> out = new ArrayList<>();
    if (body.has("envs")) {
      body.get("envs").forEach(out::add);
    } else if (body.has("key")) {
      out.add(body);
    }
    return out;
  }

  /** What an upsert reported: the variables created or updated, and the refused ones' errors. */
  public record Upserted(List<JsonNode> created, List<JsonNode> failed) {}

  /** {@code POST /v10/projects/{idOrName}/env?upsert=true} with an array of variables. */
  public Upserted upsertEnvs(String project, List<?> vars) {
    JsonNode body = http.call(RestRequest.post("/v10/projects/" + project + "/env", vars).query("upsert", "true")).json();
    List<JsonNode> created = new ArrayList<>();
    JsonNode c = body.path("created");
    if (c.isArray()) {
      c.forEach(created::add);
    } else if (c.isObject()) {
      created.add(c);
    }
    List<JsonNode> failed = new ArrayList<>();
    body.path("failed").forEach(f -> failed.add(f.path("error")));
    return new Upserted(created, failed);
  }

  /** {@code DELETE /v9/projects/{idOrName}/env/{id}}; false when it was already gone (404). */
  public boolean deleteEnv(String project, String envId) {
    return http.call(RestRequest.delete("/v9/projects/" + project + "/env/" + envId).expect(404)).status() != 404;
  }

  // ------------------------------------------------------------------------------------ deployments

  /** {@code POST /v13/deployments}. */
  public JsonNode createDeployment(Object body) {
    return http.call(RestRequest.post("/v13/deployments", body)).json();
  }

  /** {@code GET /v13/deployments/{id}}; empty on 404. */
  public Optional<JsonNode> deployment(String id) {
    RestResponse r = http.call(RestRequest.get("/v13/deployments/" + id).expect(404));
    return r.status() == 404 ? Optional.empty() : Optional.of(r.json());
  }

  /** {@code GET /v6/deployments?projectId=...&limit=...}, newest first. */
  public List<JsonNode> deployments(String projectId, int limit) {
    JsonNode body = http.call(RestRequest.get("/v6/deployments").query("projectId", projectId).query("limit", limit))
        .json();
    List<JsonNode> out = new ArrayList<>();
    body.path("deployments").forEach(out::add);
    return out;
  }

  /** {@code PATCH /v12/deployments/{id}/cancel}; a deployment already finished (400) or gone (404) is fine. */
  public void cancelDeployment(String id) {
    http.call(RestRequest.patch("/v12/deployments/" + id + "/cancel", null).expect(400, 404));
  }

  /** {@code DELETE /v13/deployments/{id}}; false when it was already gone (404). */
  public boolean deleteDeployment(String id) {
    return http.call(RestRequest.delete("/v13/deployments/" + id).expect(404)).status() != 404;
  }

  // ------------------------------------------------------------------------------------ domains

  /** {@code POST /v10/projects/{idOrName}/domains}; 400 and 409 are returned for the caller to judge. */
  public RestResponse addDomain(String project, Object body) {
    return http.call(RestRequest.post("/v10/projects/" + project + "/domains", body).expect(400, 409));
  }

  /** {@code GET /v9/projects/{idOrName}/domains/{domain}}; empty on 404. */
  public Optional<JsonNode> domain(String project, String domain) {
    RestResponse r = http.call(RestRequest.get("/v9/projects/" + project + "/domains/" + domain).expect(404));
    return r.status() == 404 ? Optional.empty() : Optional.of(r.json());
  }

  /** {@code DELETE /v9/projects/{idOrName}/domains/{domain}}; false when it was already gone (404). */
  public boolean deleteDomain(String project, String domain) {
    return http.call(RestRequest.delete("/v9/projects/" + project + "/domains/" + domain).expect(404)).status() != 404;
  }

  /** {@code POST .../domains/{domain}/verify}: the verified domain, or empty while its challenge is not met (400). */
  public Optional<JsonNode> verifyDomain(String project, String domain) {
    RestResponse r = http.call(RestRequest.post("/v9/projects/" + project + "/domains/" + domain + "/verify", null)
        .expect(400));
    return r.status() == 400 ? Optional.empty() : Optional.of(r.json());
  }
}
