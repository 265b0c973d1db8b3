package dev.tenantwright.plugin.vercel.internal;

import static dev.tenantwright.plugin.support.RestRequest.pathOf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.RestClient;
import dev.tenantwright.plugin.support.RestRequest;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.plugin.vercel.VercelConfig;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.StepContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The calls the plugin makes to the Vercel REST API, on top of the shared {@link RestClient} (which
 * authenticates, adds {@code teamId}, and classifies every failure). Answers stay JSON trees: Vercel's
 * objects are large and the plugin reads a handful of fields. Every id or name put into a path goes through
 * {@link RestRequest#pathOf}, so none can be a {@code ..} or carry a {@code /} to another endpoint.
 *
 * <p>One instance per configuration, cached for the plugin's life; immutable and thread-safe. A step calls
 * through {@link #forStep(StepContext) its view} of it, so that every request carries the step's trace context.
 */
public final class VercelApi {

  /** How many deployments one list call asks for. */
  public static final int PAGE = 100;

  private static final Map<VercelConfig, VercelApi> CLIENTS = new ConcurrentHashMap<>();

  private final RestClient http;
  private final VercelConfig config;

  private VercelApi(VercelConfig config) {
    this(config, client(config));
  }

  private VercelApi(VercelConfig config, RestClient http) {
    this.config = config;
    this.http = http;
  }

  private static RestClient client(VercelConfig config) {
    Duration timeout = config.effectiveTimeout();
    return RestClient.builder()
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

  /**
   * This client calling for one step attempt: every request also carries the attempt's trace context
   * ({@link RestClient#forStep}), so a step's calls join the host's trace of the step. It shares this client's
   * connections and is not cached: keep it no longer than the call to the step. Without trace headers it is this
   * client itself.
   */
  public VercelApi forStep(StepContext ctx) {
    RestClient view = http.forStep(ctx);
    return view == http ? this : new VercelApi(config, view);
  }

  /** The configuration this client was built from. */
  public VercelConfig config() {
    return config;
  }

  // ------------------------------------------------------------------------------------ projects

  /** {@code GET /v9/projects/{idOrName}}; empty on 404. */
  public Optional<JsonNode> project(String idOrName) {
    RestResponse r = http.call(RestRequest.get(pathOf("/v9/projects/{idOrName}", idOrName)).expect(404));
    return r.status() == 404 ? Optional.empty() : Optional.of(r.json());
  }

  /** {@code POST /v11/projects}; empty on 409 (the name is taken). */
  public Optional<JsonNode> createProject(Object body) {
    RestResponse r = http.call(RestRequest.post("/v11/projects", body).expect(409));
    return r.status() == 409 ? Optional.empty() : Optional.of(r.json());
  }

  /** {@code DELETE /v9/projects/{id}}; false when it was already gone (404). */
  public boolean deleteProject(String id) {
    return http.call(RestRequest.delete(pathOf("/v9/projects/{idOrName}", id)).expect(404)).status() != 404;
  }

  /**
   * {@code POST /v10/projects/{projectId}/promote/{deploymentId}}: points the project's production domains at
   * an existing READY production deployment without rebuilding it; the job is followed in the project's
   * {@code lastAliasRequest}.
   */
  public void promote(String projectId, String deploymentId) {
    http.call(RestRequest.post(pathOf("/v10/projects/{projectId}/promote/{deploymentId}", projectId, deploymentId),
        null));
  }

  // ------------------------------------------------------------------------------------ environment variables

  /**
   * {@code GET /v10/projects/{idOrName}/env}: the project's variables. Values come back encrypted, even those
   * of {@code plain} variables (vercel/vercel#9072); comments come back in clear.
   */
  public List<JsonNode> envs(String project) {
    JsonNode body = http.call(RestRequest.get(pathOf("/v10/projects/{idOrName}/env", project))).json();
    List<JsonNode> out = new ArrayList<>();
    if (body.has("envs")) {
      body.get("envs").forEach(out::add);
    } else if (body.has("key")) {
      out.add(body);
    }
    return out;
  }

  /** {@code GET /v1/projects/{idOrName}/env/{id}}: one variable with its value decrypted; empty on 404. */
  public Optional<JsonNode> env(String project, String envId) {
    RestResponse r = http.call(RestRequest.get(pathOf("/v1/projects/{idOrName}/env/{id}", project, envId)).expect(404));
    return r.status() == 404 ? Optional.empty() : Optional.of(r.json());
  }

  /** What an upsert reported: the variables created or updated, and the refused ones' errors. */
  public record Upserted(List<JsonNode> created, List<JsonNode> failed) {}

  /** {@code POST /v10/projects/{idOrName}/env?upsert=true} with an array of variables. */
  public Upserted upsertEnvs(String project, List<?> vars) {
    JsonNode body = http.call(RestRequest.post(pathOf("/v10/projects/{idOrName}/env", project), vars)
        .query("upsert", "true")).json();
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
    return http.call(RestRequest.delete(pathOf("/v9/projects/{idOrName}/env/{id}", project, envId)).expect(404))
        .status() != 404;
  }

  // ------------------------------------------------------------------------------------ deployments

  /**
   * {@code POST /v13/deployments?skipAutoDetectionConfirmation=1}, plus {@code forceNew=1} when a new build is
   * wanted even if Vercel holds a similar deployment. Skipping the confirmation lets a project's first
   * deployment detect its framework instead of failing with {@code missing_project_settings}.
   */
  public JsonNode createDeployment(Object body, boolean forceNew) {
    return http.call(RestRequest.post("/v13/deployments", body)
        .query("forceNew", forceNew ? "1" : null)
        .query("skipAutoDetectionConfirmation", "1")).json();
  }

  /** {@code GET /v13/deployments/{id}}; empty on 404. */
  public Optional<JsonNode> deployment(String id) {
    RestResponse r = http.call(RestRequest.get(pathOf("/v13/deployments/{idOrUrl}", id)).expect(404));
    return r.status() == 404 ? Optional.empty() : Optional.of(r.json());
  }

  /**
   * The first deployment of a project, newest first, that {@code wanted} accepts, looking at up to
   * {@code pages} pages of {@value #PAGE} of {@code GET /v6/deployments?projectId=...&target=...}, each page
   * asked for with {@code until} = the previous page's {@code pagination.next}.
   *
   * @param target {@code production} or another target to list only those; null for every target
   */
  public Optional<JsonNode> findDeployment(String projectId, @Nullable String target, int pages,
      Predicate<JsonNode> wanted) {
    Long until = null;
    for (int page = 0; page < pages; page++) {
      JsonNode body = http.call(RestRequest.get("/v6/deployments").query("projectId", projectId)
          .query("target", target).query("limit", PAGE).query("until", until)).json();
      for (JsonNode d : body.path("deployments")) {
        if (wanted.test(d)) {
          return Optional.of(d);
        }
      }
      JsonNode next = body.path("pagination").path("next");
      if (!next.isNumber()) {
        break;
      }
      until = next.asLong();
    }
    return Optional.empty();
  }

  /** {@code PATCH /v12/deployments/{id}/cancel}; a deployment already finished (400) or gone (404) is fine. */
  public void cancelDeployment(String id) {
    http.call(RestRequest.patch(pathOf("/v12/deployments/{id}/cancel", id), null).expect(400, 404));
  }

  /** {@code DELETE /v13/deployments/{id}}; false when it was already gone (404). */
  public boolean deleteDeployment(String id) {
    return http.call(RestRequest.delete(pathOf("/v13/deployments/{id}", id)).expect(404)).status() != 404;
  }

  // ------------------------------------------------------------------------------------ domains

  /** {@code POST /v10/projects/{idOrName}/domains}; 400 and 409 are returned for the caller to judge. */
  public RestResponse addDomain(String project, Object body) {
    return http.call(RestRequest.post(pathOf("/v10/projects/{idOrName}/domains", project), body).expect(400, 409));
  }

  /** {@code GET /v9/projects/{idOrName}/domains/{domain}}; empty on 404. */
  public Optional<JsonNode> domain(String project, String domain) {
    RestResponse r = http.call(RestRequest.get(pathOf("/v9/projects/{idOrName}/domains/{domain}", project, domain))
        .expect(404));
    return r.status() == 404 ? Optional.empty() : Optional.of(r.json());
  }

  /** {@code DELETE /v9/projects/{idOrName}/domains/{domain}}; false when it was already gone (404). */
  public boolean deleteDomain(String project, String domain) {
    return http.call(RestRequest.delete(pathOf("/v9/projects/{idOrName}/domains/{domain}", project, domain))
        .expect(404)).status() != 404;
  }

  /** {@code POST .../domains/{domain}/verify}: the verified domain, or empty while its challenge is not met (400). */
  public Optional<JsonNode> verifyDomain(String project, String domain) {
    RestResponse r = http.call(RestRequest.post(
        pathOf("/v9/projects/{idOrName}/domains/{domain}/verify", project, domain), null).expect(400));
    return r.status() == 400 ? Optional.empty() : Optional.of(r.json());
  }

  /**
   * {@code GET /v6/domains/{domain}/config?projectIdOrName=...}: whether the domain's DNS points at Vercel and a
   * certificate can be issued ({@code misconfigured}), and the records Vercel recommends for it.
   */
  public JsonNode domainConfig(String domain, String projectId) {
    return http.call(RestRequest.get(pathOf("/v6/domains/{domain}/config", domain))
        .query("projectIdOrName", projectId)).json();
  }
}
