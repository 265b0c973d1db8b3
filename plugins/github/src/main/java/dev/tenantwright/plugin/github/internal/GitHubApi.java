package dev.tenantwright.plugin.github.internal;

import static dev.tenantwright.plugin.support.RestRequest.pathOf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.github.GitHubConfig;
import dev.tenantwright.plugin.support.RestClient;
import dev.tenantwright.plugin.support.RestRequest;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.spi.StepContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls the plugin makes to GitHub's REST API, on top of the shared {@link RestClient}, which authenticates
 * ({@code Authorization: Bearer}), times out and classifies failures; every request also carries
 * {@code Accept: application/vnd.github+json}, {@code X-GitHub-Api-Version: 2022-11-28} and the configured
 * {@code User-Agent}. 403 and 429 are judged by {@link GitHubErrors} (GitHub rate-limits with either). Answers stay
 * JSON trees. Every owner, name and id put into a path goes through {@link RestRequest#pathOf}.
 *
 * <p>One instance per configuration, cached for the plugin's life; immutable and thread-safe. A step calls
 * through {@link #forStep(StepContext) its view} of it, so that every request carries the step's trace context.
 */
public final class GitHubApi {

  /** The largest page GitHub serves. */
  public static final int PAGE = 100;
  /** How many pages of hooks are read at most: GitHub allows 20 hooks per repository and event, one page holds 100. */
  private static final int MAX_HOOK_PAGES = 5;

  private static final Map<GitHubConfig, GitHubApi> CLIENTS = new ConcurrentHashMap<>();

  private final RestClient http;
  private final GitHubConfig config;
  private final Clock clock = Clock.systemUTC();

  private GitHubApi(GitHubConfig config) {
    this(config, client(config));
  }

  private GitHubApi(GitHubConfig config, RestClient http) {
    this.config = config;
    this.http = http;
  }

  private static RestClient client(GitHubConfig config) {
    Duration timeout = config.effectiveTimeout();
    return RestClient.builder()
        .name("github")
        .baseUrl(config.effectiveApiUrl())
        .bearerToken(config.token())
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", GitHubConfig.API_VERSION)
        .userAgent(config.effectiveUserAgent())
        .errorDecoder(GitHubErrors.DECODER)
        .readTimeout(timeout)
        .callTimeout(timeout.plusSeconds(5))
        .build();
  }

  /** The client for a configuration, built once. */
  public static GitHubApi of(GitHubConfig config) {
    return CLIENTS.computeIfAbsent(config, GitHubApi::new);
  }

  /**
   * This client calling for one step attempt: every request also carries the attempt's trace context
   * ({@link RestClient#forStep}), so a step's calls join the host's trace of the step. It shares this client's
   * connections and is not cached: keep it no longer than the call to the step. Without trace headers it is this
   * client itself.
   */
  public GitHubApi forStep(StepContext ctx) {
    RestClient view = http.forStep(ctx);
    return view == http ? this : new GitHubApi(config, view);
  }

  /** The configuration this client was built from. */
  public GitHubConfig config() {
    return config;
  }

  private RestResponse call(RestRequest request) {
    RestResponse r = http.call(request.expect(403, 429));
    if (r.status() == 403 || r.status() == 429) {
      throw GitHubErrors.refusal(http.name(), r, clock.instant());
    }
    return r;
  }

  // ------------------------------------------------------------------------------------ repositories

  /** {@code GET /repos/{owner}/{repo}}; empty on 404. */
  public Optional<JsonNode> repository(String owner, String repo) {
    RestResponse r = call(RestRequest.get(pathOf("/repos/{owner}/{repo}", owner, repo)).expect(404));
    return r.status() == 404 ? Optional.empty() : Optional.of(r.json());
  }

  /**
   * {@code POST /repos/{template_owner}/{template_repo}/generate}: the new repository (201), or a 422 for the caller
   * to judge (a taken name).
   */
  public RestResponse generate(String templateOwner, String templateRepo, Object body) {
    return call(RestRequest.post(pathOf("/repos/{template_owner}/{template_repo}/generate", templateOwner,
        templateRepo), body).expect(422));
  }

  /** {@code PATCH /repos/{owner}/{repo}}. */
  public JsonNode updateRepository(String owner, String repo, Object body) {
    return call(RestRequest.patch(pathOf("/repos/{owner}/{repo}", owner, repo), body)).json();
  }

  /** {@code DELETE /repos/{owner}/{repo}}; false when it was already gone (404). */
  public boolean deleteRepository(String owner, String repo) {
    return call(RestRequest.delete(pathOf("/repos/{owner}/{repo}", owner, repo)).expect(404)).status() != 404;
  }

  /**
   * Whether a branch has a commit: {@code GET /repos/{owner}/{repo}/branches/{branch}}. A repository GitHub is still
   * filling from its template answers 404 "Branch not found" (or 409 "Git Repository is empty.") for a while.
   */
  public boolean branchExists(String owner, String repo, String branch) {
    RestResponse r = call(RestRequest.get(pathOf("/repos/{owner}/{repo}/branches/{branch}", owner, repo, branch))
        .expect(404, 409));
    return r.isSuccessful();
  }

  /** {@code PUT /repos/{owner}/{repo}/topics}: replaces all topics with {@code names}. */
  public void replaceTopics(String owner, String repo, List<String> names) {
    call(RestRequest.put(pathOf("/repos/{owner}/{repo}/topics", owner, repo), Map.of("names", names)));
  }

  // ------------------------------------------------------------------------------------ hooks

  /** {@code GET /repos/{owner}/{repo}/hooks}, every page; empty when the repository is gone (404). */
  public List<JsonNode> hooks(String owner, String repo) {
    List<JsonNode> out = new ArrayList<>();
    for (int page = 1; page <= MAX_HOOK_PAGES; page++) {
      RestResponse r = call(RestRequest.get(pathOf("/repos/{owner}/{repo}/hooks", owner, repo))
          .query("per_page", PAGE).query("page", page).expect(404));
      if (r.status() == 404) {
        return List.of();
      }
      r.json().forEach(out::add);
      if (r.header("Link").filter(l -> l.contains("rel=\"next\"")).isEmpty()) {
        break;
      }
    }
    return out;
  }

  /** {@code GET /repos/{owner}/{repo}/hooks/{hook_id}}; empty on 404 (the hook or its repository is gone). */
  public Optional<JsonNode> hook(String owner, String repo, long id) {
    RestResponse r = call(RestRequest.get(pathOf("/repos/{owner}/{repo}/hooks/{hook_id}", owner, repo, id))
        .expect(404));
    return r.status() == 404 ? Optional.empty() : Optional.of(r.json());
  }

  /** {@code POST /repos/{owner}/{repo}/hooks}: the new hook (201), or a 422 for the caller to judge. */
  public RestResponse createHook(String owner, String repo, Object body) {
    return call(RestRequest.post(pathOf("/repos/{owner}/{repo}/hooks", owner, repo), body).expect(422));
  }

  /** {@code PATCH /repos/{owner}/{repo}/hooks/{hook_id}}. */
  public JsonNode updateHook(String owner, String repo, long id, Object body) {
    return call(RestRequest.patch(pathOf("/repos/{owner}/{repo}/hooks/{hook_id}", owner, repo, id), body)).json();
  }

  /** {@code DELETE /repos/{owner}/{repo}/hooks/{hook_id}}; false when it was already gone (404). */
  public boolean deleteHook(String owner, String repo, long id) {
    return call(RestRequest.delete(pathOf("/repos/{owner}/{repo}/hooks/{hook_id}", owner, repo, id)).expect(404))
        .status() != 404;
  }
}
