package dev.tenantwright.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.BackendFake;
import dev.tenantwright.testkit.RouteRequest;
import dev.tenantwright.testkit.RouteResponse;
import dev.tenantwright.testkit.OpenApiContract;
import dev.tenantwright.testkit.RouteHandler;
import dev.tenantwright.testkit.SpecReducer;
import dev.tenantwright.testkit.github.internal.Commit;
import dev.tenantwright.testkit.github.internal.Hook;
import dev.tenantwright.testkit.github.internal.Hookshot;
import dev.tenantwright.testkit.github.internal.Renderer;
import dev.tenantwright.testkit.github.internal.Repo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * A stateful fake of GitHub's REST API for the calls the GitHub plugin makes — repositories generated from templates,
 * their topics and branches, and repository webhooks — which also delivers webhooks as GitHub does.
 *
 * <p>It behaves as GitHub documents:
 * <ul>
 *   <li>{@code POST /repos/{template_owner}/{template_repo}/generate}
 *       (docs.github.com/en/rest/repos/repos#create-a-repository-using-a-template) needs a template repository
 *       ({@code is_template: true}, {@link #putTemplate}); it answers 201 at once, but the copy is asynchronous: the
 *       new repository's default branch is "Branch not found" for the first {@link #generationReads(int)} reads of
 *       {@code GET /repos/{owner}/{repo}/branches/{branch}}, then holds one initial commit. A name taken on the
 *       account (case-insensitively) is GitHub's 422 {@code {"message":"Repository creation failed.","errors":[{
 *       "resource":"Repository","code":"custom","field":"name","message":"name already exists on this account"}]}};
 *       a name over 100 characters is a 422 "name is too long (maximum is 100 characters)"; other characters than
 *       letters, digits, {@code .}, {@code -} and {@code _} are replaced by {@code -}, as GitHub does silently
 *       (github/docs#44518). {@code private} defaults to false.</li>
 *   <li>{@code PUT /repos/{owner}/{repo}/topics} replaces all topics (at most 20, each of lowercase letters, digits
 *       and {@code -}, at most 50 characters; otherwise 422 {@code validation-error-simple}).</li>
 *   <li>Repository webhooks (docs.github.com/en/rest/repos/webhooks): {@code content_type} defaults to {@code form}
 *       and {@code events} to {@code [push]}; a second hook with the same URL is 422 "Hook already exists on this
 *       repository"; listings show a set secret as {@code ********}; a {@code PATCH} with {@code config} replaces the
 *       whole configuration, so a configuration sent without {@code secret} removes the secret (PyGithub#2906). A new
 *       active hook is sent a {@code ping}.</li>
 *   <li>Every request needs {@code Authorization: Bearer} {@link #TOKEN} (or {@code token ...}; otherwise 401 "Bad
 *       credentials") and a {@code User-Agent} (otherwise 403); an {@code X-GitHub-Api-Version} other than
 *       {@link #API_VERSION} is a 400. Errors are GitHub's {@code {"message","documentation_url","status"}}.</li>
 *   <li>{@link dev.tenantwright.testkit.Fault#rateLimited} answers as GitHub limits
 *       (docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api): by default a secondary limit, 403
 *       with {@code retry-after}; see {@link #rateLimits(RateLimit)} for 429 and for the primary limit
 *       ({@code x-ratelimit-remaining: 0} and {@code x-ratelimit-reset}, no {@code retry-after}).</li>
 * </ul>
 *
 * <p><b>Deliveries.</b> {@link #push(String, String)} adds a commit and POSTs the {@code push} event to every active
 * hook of the repository subscribed to it, signed with {@code X-Hub-Signature-256} and in the hook's content type;
 * {@code ping}s go out in the background ({@link #awaitDeliveries()}). Every payload is first validated against
 * GitHub's webhooks document ({@link #WEBHOOKS_SPEC_RESOURCE}); only loopback URLs are called. Unlike GitHub, which
 * refuses hook URLs it cannot reach over the public Internet, the fake accepts loopback URLs, so that a test can
 * receive what it delivers. {@link #deliveries()} is the delivery log.
 *
 * <p>Every exchange is validated against a reduced copy of GitHub's REST OpenAPI document ({@link #contract()}); call
 * {@link #assertContractRespected()} after a test. Thread-safe: handlers run one at a time on the fake's monitor and
 * every public method that touches state is synchronized; deliveries are sent outside it.
 *
 * <pre>{@code
 * try (GitHubFake github = new GitHubFake()) {
 *   github.putTemplate("acme-sites", "portfolio");
 *   // point the plugin at github.baseUrl() with token GitHubFake.TOKEN, then:
 *   String sha = github.push("acme-sites/acme--demo--site", "Update the home page");
 *   github.assertContractRespected();
 * }
 * }</pre>
 */
public final class GitHubFake extends BackendFake {

  /** The token the fake accepts unless told otherwise. */
  public static final String TOKEN = "github-test-token";
  /** The login of the token's user: the owner of repositories generated without {@code owner}. */
  public static final String USER = "tenantwright-bot";
  /** The only REST API version the fake (like the document it is checked against) knows. */
  public static final String API_VERSION = "2022-11-28";
  /** Class-path location of the reduced REST OpenAPI document. */
  public static final String SPEC_RESOURCE = "/dev/tenantwright/testkit/specs/github/github-openapi-reduced.json";
  /** Class-path location of the reduced webhooks document (the {@code push} and {@code ping} events). */
  public static final String WEBHOOKS_SPEC_RESOURCE =
      "/dev/tenantwright/testkit/specs/github/github-webhooks-reduced.json";

  /** Route key: create a repository from a template. */
  public static final String GENERATE = "POST /repos/{template_owner}/{template_repo}/generate";
  /** Route key: read a repository. */
  public static final String GET_REPO = "GET /repos/{owner}/{repo}";
  /** Route key: update a repository. */
  public static final String UPDATE_REPO = "PATCH /repos/{owner}/{repo}";
  /** Route key: delete a repository. */
  public static final String DELETE_REPO = "DELETE /repos/{owner}/{repo}";
  /** Route key: read a branch. */
  public static final String GET_BRANCH = "GET /repos/{owner}/{repo}/branches/{branch}";
  /** Route key: replace a repository's topics. */
  public static final String REPLACE_TOPICS = "PUT /repos/{owner}/{repo}/topics";
  /** Route key: list a repository's webhooks. */
  public static final String LIST_HOOKS = "GET /repos/{owner}/{repo}/hooks";
  /** Route key: create a webhook. */
  public static final String CREATE_HOOK = "POST /repos/{owner}/{repo}/hooks";
  /** Route key: read a webhook. */
  public static final String GET_HOOK = "GET /repos/{owner}/{repo}/hooks/{hook_id}";
  /** Route key: update a webhook. */
  public static final String UPDATE_HOOK = "PATCH /repos/{owner}/{repo}/hooks/{hook_id}";
  /** Route key: delete a webhook. */
  public static final String DELETE_HOOK = "DELETE /repos/{owner}/{repo}/hooks/{hook_id}";

  /** The all-zero sha GitHub puts in {@code before} of a new branch and {@code after} of a deleted one. */
  public static final String ZERO_SHA = "0000000000000000000000000000000000000000";

  /** How an injected {@code Fault.rateLimited(d)} answers (docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api). */
  public enum RateLimit {
    /** A secondary limit: 403, {@code retry-after: <seconds>}, "You have exceeded a secondary rate limit". */
    SECONDARY_403,
    /** A secondary limit answered 429, otherwise as {@link #SECONDARY_403}. */
    SECONDARY_429,
    /** A secondary limit that names no wait: 403 and the message only ("wait for at least one minute"). */
    SECONDARY_WITHOUT_RETRY_AFTER,
    /** The primary limit: 403, {@code x-ratelimit-remaining: 0}, {@code x-ratelimit-reset: <epoch seconds>}. */
    PRIMARY_403,
    /** The primary limit answered 429. */
    PRIMARY_429
  }

  /**
   * A webhook as the fake holds it, its secret in clear (GitHub never shows it again).
   *
   * @param id the hook id
   * @param url {@code config.url}
   * @param contentType {@code json} or {@code form}
   * @param secret the secret, or null
   * @param events the events it is subscribed to
   * @param active whether it delivers
   */
  public record HookView(long id, String url, String contentType, String secret, List<String> events, boolean active) {}

  private static final String DOCS = "https://docs.github.com/rest";
  private static final String GENERATE_DOCS =
      "https://docs.github.com/rest/repos/repos#create-a-repository-using-a-template";
  private static final String HOOK_DOCS = "https://docs.github.com/rest/repos/webhooks#create-a-repository-webhook";
  private static final Pattern INVALID_NAME_CHARS = Pattern.compile("[^A-Za-z0-9._-]+");
  private static final Pattern TOPIC = Pattern.compile("[a-z0-9][a-z0-9-]{0,49}");
  private static final int MAX_TOPICS = 20;

  private final Clock clock;
  private final Map<String, Repo> repos = new LinkedHashMap<>();
  private final Map<String, Account> accounts = new LinkedHashMap<>();
  private final Hookshot hookshot = new Hookshot(GitHubFake.class.getResource(WEBHOOKS_SPEC_RESOURCE));
  private final List<HookDelivery> deliveries = new CopyOnWriteArrayList<>();
  private final AtomicReference<CompletableFuture<Void>> background =
      new AtomicReference<>(CompletableFuture.completedFuture(null));
  private final ThreadPoolExecutor sender = hookshotThread();
  private Random random = new Random(7);
  private String token = TOKEN;
  private int generationReads = 1;
  private RateLimit rateLimit = RateLimit.SECONDARY_403;
  private Function<String, String> repositoryFixtures = fullName -> null;
  private long nextRepoId = 700_000_001L;
  private long nextHookId = 500_000_001L;
  private long nextAccountId = 9_000_001L;

  /** A fake on the system clock, validating against {@link #contract()}. */
  public GitHubFake() {
    this(Clock.systemUTC());
  }

  /** A fake whose timestamps and rate-limit resets follow {@code clock}. */
  public GitHubFake(Clock clock) {
    super("github");
    this.clock = Objects.requireNonNull(clock, "clock");
    account(USER, "User");
    route("POST", "/repos/{template_owner}/{template_repo}/generate", this::generate);
    route("GET", "/repos/{owner}/{repo}", req -> withRepo(req, r -> RouteResponse.json(200, render(r))));
    route("PATCH", "/repos/{owner}/{repo}", req -> withRepo(req, r -> updateRepo(req, r)));
    route("DELETE", "/repos/{owner}/{repo}", req -> withRepo(req, this::deleteRepo));
    route("GET", "/repos/{owner}/{repo}/branches/{branch}", req -> withRepo(req, r -> branch(req, r)));
    route("PUT", "/repos/{owner}/{repo}/topics", req -> withRepo(req, r -> replaceTopics(req, r)));
    route("GET", "/repos/{owner}/{repo}/hooks", req -> withRepo(req, r -> listHooks(req, r)));
    route("POST", "/repos/{owner}/{repo}/hooks", req -> withRepo(req, r -> createHook(req, r)));
    route("GET", "/repos/{owner}/{repo}/hooks/{hook_id}",
        req -> withHook(req, (r, h) -> RouteResponse.json(200, Renderer.hook(r, h))));
    route("PATCH", "/repos/{owner}/{repo}/hooks/{hook_id}", req -> withHook(req, (r, h) -> updateHook(req, r, h)));
    route("DELETE", "/repos/{owner}/{repo}/hooks/{hook_id}", req -> withHook(req, (r, h) -> {
      r.hooks.remove(h.id);
      return RouteResponse.empty(204);
    }));
    validateAgainst(contract());
  }

  /** The reduced GitHub REST document every exchange is validated against (built once per JVM). */
  public static OpenApiContract contract() {
    return OpenApiContract.load(GitHubFake.class.getResource(SPEC_RESOURCE), SpecReducer.keeping());
  }

  // ------------------------------------------------------------------------------------ configuration

  /** Accepts this token instead of {@link #TOKEN}. */
  public synchronized GitHubFake token(String accepted) {
    this.token = Objects.requireNonNull(accepted, "accepted");
    return this;
  }

  /**
   * How many reads of a generated repository's default branch answer "Branch not found" before GitHub has copied
   * the template in; default 1, 0 for a copy that is done at once.
   */
  public synchronized GitHubFake generationReads(int reads) {
    if (reads < 0) {
      throw new IllegalArgumentException("reads must not be negative");
    }
    this.generationReads = reads;
    return this;
  }

  /** How injected rate limits answer; default {@link RateLimit#SECONDARY_403}. */
  public synchronized GitHubFake rateLimits(RateLimit kind) {
    this.rateLimit = Objects.requireNonNull(kind, "kind");
    return this;
  }

  /**
   * Creates a repository on first mention of an unknown {@code owner/name} when {@code markerFor} returns a marker
   * for it (kept in its description, as the GitHub plugin does); lets conformance tests refer to a repository per
   * tenant made elsewhere.
   */
  public synchronized GitHubFake repositoryFixtures(Function<String, String> markerFor) {
    this.repositoryFixtures = Objects.requireNonNull(markerFor, "markerFor");
    return this;
  }

  @Override
  public GitHubFake afterEachCall(IntConsumer listener) {
    super.afterEachCall(listener);
    return this;
  }

  // ------------------------------------------------------------------------------------ planting

  /** Puts a template repository ({@code is_template: true}) with one commit on {@code main}; returns its full name. */
  public synchronized String putTemplate(String owner, String name) {
    Repo r = newRepo(owner, name, "Template " + name, false);
    r.isTemplate = true;
    commit(r, r.defaultBranch, "Initial commit");
    return r.fullName();
  }

  /**
   * Puts an ordinary repository with one commit on {@code main}, as someone (or an earlier run) made it; returns its
   * full name.
   */
  public synchronized String putRepository(String owner, String name, String description, List<String> topics) {
    Repo r = newRepo(owner, name, description, true);
    r.topics.addAll(topics);
    commit(r, r.defaultBranch, "Initial commit");
    return r.fullName();
  }

  /** Puts a webhook on a repository without a ping; returns its id. */
  public synchronized long putHook(String fullName, String url, String contentType, String secret, List<String> events) {
    Repo r = require(fullName);
    Hook h = newHook(url, contentType, secret, events, true);
    r.hooks.put(h.id, h);
    return h.id;
  }

  // ------------------------------------------------------------------------------------ changes by hand

  /**
   * Deletes a repository behind the plugin's back, as its owner does in Settings (Delete this repository); its
   * webhooks go with it, exactly as with {@link #DELETE_REPO}.
   */
  public synchronized void deleteRepository(String fullName) {
    if (repos.remove(key(fullName)) == null) {
      throw new IllegalArgumentException("no repository " + fullName + " in the fake");
    }
  }

  /**
   * Deletes a webhook behind the plugin's back, as someone does in the repository's Settings, Webhooks; the same as
   * {@link #DELETE_HOOK}.
   */
  public synchronized void deleteHook(String fullName, long id) {
    if (require(fullName).hooks.remove(id) == null) {
      throw new IllegalArgumentException("no webhook " + id + " on " + fullName + " in the fake");
    }
  }

  /**
   * Changes the payload URL of a webhook behind the plugin's back, as someone editing it in the repository's Settings,
   * Webhooks does; its secret, content type and events stay, as with {@link #UPDATE_HOOK} and only {@code config.url}
   * (docs.github.com/rest/repos/webhooks#update-a-repository-webhook).
   */
  public synchronized void setHookUrl(String fullName, long id, String url) {
    Hook h = require(fullName).hooks.get(id);
    if (h == null) {
      throw new IllegalArgumentException("no webhook " + id + " on " + fullName + " in the fake");
    }
    h.url = url;
    h.updatedAt = clock.instant();
  }

  // ------------------------------------------------------------------------------------ pushes and deliveries

  /** Pushes a commit to the repository's default branch and delivers the {@code push} event; returns its sha. */
  public String push(String fullName, String message) {
    String branch;
    synchronized (this) {
      branch = require(fullName).defaultBranch;
    }
    return push(fullName, branch, message);
  }

  /**
   * Pushes a commit to a branch (a new branch when it does not exist) and delivers the {@code push} event to every
   * active hook subscribed to it, waiting for the answers; returns the commit's sha.
   */
  public String push(String fullName, String branch, String message) {
    List<Runnable> sends;
    String sha;
    synchronized (this) {
      Repo r = require(fullName);
      materialise(r);
      Commit before = r.head(branch);
      Commit c = commit(r, branch, message);
      sha = c.sha();
      sends = pushDeliveries(r, branch, before, c);
    }
    send(sends);
    return sha;
  }

  /** Deletes a branch as {@code git push --delete} does and delivers the {@code push} event with {@code deleted: true}. */
  public void deleteBranch(String fullName, String branch) {
    List<Runnable> sends;
    synchronized (this) {
      Repo r = require(fullName);
      Commit before = r.head(branch);
      if (before == null) {
        throw new IllegalArgumentException("no branch " + branch + " in " + fullName);
      }
      r.branches.remove(branch);
      sends = pushDeliveries(r, branch, before, null);
    }
    send(sends);
  }

  /** Every delivery made so far, in order. */
  public List<HookDelivery> deliveries() {
    return List.copyOf(deliveries);
  }

  /** Waits until the deliveries sent in the background ({@code ping}s) are done. */
  public void awaitDeliveries() {
    try {
      background.get().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for deliveries", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("background deliveries did not finish: " + e, e);
    }
  }

  // ------------------------------------------------------------------------------------ views

  /** Whether a repository of that full name exists (templates included). */
  public synchronized boolean exists(String fullName) {
    return find(fullName) != null;
  }

  /** A repository's description, if it exists and has one. */
  public synchronized Optional<String> description(String fullName) {
    return Optional.ofNullable(find(fullName)).map(r -> r.description);
  }

  /** A repository's topics; empty when it does not exist. */
  public synchronized List<String> topics(String fullName) {
    Repo r = find(fullName);
    return r == null ? List.of() : List.copyOf(r.topics);
  }

  /** Whether a repository is private. */
  public synchronized boolean isPrivate(String fullName) {
    return require(fullName).isPrivate;
  }

  /** The sha at the head of a branch, if the branch has commits (not before a generated repository is filled). */
  public synchronized Optional<String> head(String fullName, String branch) {
    Repo r = find(fullName);
    return r == null ? Optional.empty() : Optional.ofNullable(r.head(branch)).map(Commit::sha);
  }

  /** A repository's webhooks, in creation order; empty when it does not exist. */
  public synchronized List<HookView> hooks(String fullName) {
    Repo r = find(fullName);
    if (r == null) {
      return List.of();
    }
    return r.hooks.values().stream()
        .map(h -> new HookView(h.id, h.url, h.contentType, h.secret, List.copyOf(h.events), h.active)).toList();
  }

  /** One line per repository (templates excepted: they are fixtures) and per webhook. */
  @Override
  public synchronized Collection<String> liveObjects() {
    List<String> out = new ArrayList<>();
    for (Repo r : repos.values()) {
      if (r.isTemplate) {
        continue;
      }
      out.add("repository " + r.fullName());
      for (Hook h : r.hooks.values()) {
        out.add("hook " + h.id + " on " + r.fullName() + " to " + h.url);
      }
    }
    return out;
  }

  @Override
  protected void resetState() {
    repos.clear();
    accounts.clear();
    nextAccountId = 9_000_001L;
    account(USER, "User");
    deliveries.clear();
    random = new Random(7);
    nextRepoId = 700_000_001L;
    nextHookId = 500_000_001L;
  }

  @Override
  protected RouteResponse errorResponse(int status, String message) {
    return RouteResponse.json(status, Renderer.error(status, message, DOCS));
  }

  /** GitHub's answers to a limit, as {@link #rateLimits(RateLimit)} chose. */
  @Override
  protected RouteResponse rateLimitedResponse(Duration retryAfter) {
    long seconds = (retryAfter.toMillis() + 999) / 1000;
    boolean primary = rateLimit == RateLimit.PRIMARY_403 || rateLimit == RateLimit.PRIMARY_429;
    int status = rateLimit == RateLimit.SECONDARY_429 || rateLimit == RateLimit.PRIMARY_429 ? 429 : 403;
    if (primary) {
      long reset = clock.instant().getEpochSecond() + seconds;
      return RouteResponse.json(status, Renderer.error(status, "API rate limit exceeded for user ID 9000001.",
              "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-rate-limit"))
          .withHeader("x-ratelimit-limit", "5000").withHeader("x-ratelimit-remaining", "0")
          .withHeader("x-ratelimit-used", "5000").withHeader("x-ratelimit-reset", Long.toString(reset))
          .withHeader("x-ratelimit-resource", "core");
    }
    RouteResponse secondary = RouteResponse.json(status, Renderer.error(status, "You have exceeded a secondary rate "
            + "limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, "
            + "please include the request ID 0000:0000:0000000:0000000:00000000.",
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"))
        .withHeader("x-ratelimit-limit", "5000").withHeader("x-ratelimit-remaining", "4990")
        .withHeader("x-ratelimit-reset", Long.toString(clock.instant().getEpochSecond() + 3600));
    return rateLimit == RateLimit.SECONDARY_WITHOUT_RETRY_AFTER ? secondary
        : secondary.withHeader("retry-after", Long.toString(seconds));
  }

  // ------------------------------------------------------------------------------------ routing

  private void route(String method, String template, RouteHandler handler) {
    on(method, template, req -> {
      RouteResponse refused = authorize(req);
      return refused != null ? refused : handler.handle(req);
    });
  }

  private RouteResponse authorize(RouteRequest req) {
    if (req.header("User-Agent").map(String::isBlank).orElse(true)) {
      // docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api#user-agent
      return errorResponse(403, "Request forbidden by administrative rules. Please make sure your request has a "
          + "User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).");
    }
    String auth = req.header("Authorization").orElse("");
    if (!auth.equals("Bearer " + token) && !auth.equals("token " + token)) {
      return errorResponse(401, "Bad credentials");
    }
    Optional<String> version = req.header("X-GitHub-Api-Version");
    if (version.isPresent() && !version.get().equals(API_VERSION)) {
      // docs.github.com/en/rest/about-the-rest-api/api-versions
      return errorResponse(400, "API version '" + version.get() + "' is not supported.");
    }
    return null;
  }

  private RouteResponse withRepo(RouteRequest req, Function<Repo, RouteResponse> then) {
    Repo r = find(req.pathParam("owner") + "/" + req.pathParam("repo"));
    return r == null ? errorResponse(404, "Not Found") : then.apply(r);
  }

  private RouteResponse withHook(RouteRequest req, BiFunction<Repo, Hook, RouteResponse> then) {
    return withRepo(req, r -> {
      Hook h;
      try {
        h = r.hooks.get(Long.parseLong(req.pathParam("hook_id")));
      } catch (NumberFormatException e) {
        h = null;
      }
      return h == null ? errorResponse(404, "Not Found") : then.apply(r, h);
    });
  }

  // ------------------------------------------------------------------------------------ repositories

  private RouteResponse generate(RouteRequest req) {
    Repo template = find(req.pathParam("template_owner") + "/" + req.pathParam("template_repo"));
    if (template == null) {
      return errorResponse(404, "Not Found");
    }
    JsonNode body = req.json();
    String requested = body.path("name").asText("");
    if (requested.isEmpty()) {
      return RouteResponse.json(422, Renderer.validationError("Repository creation failed.", "Repository",
          "missing_field", "name", null, GENERATE_DOCS));
    }
    if (!template.isTemplate) {
      // GitHub's exact words for a repository that is not a template are not documented (unverified)
      return RouteResponse.json(422, Renderer.validationError("Repository creation failed.", "Repository", "custom",
          "template_repository", template.fullName() + " is not a template repository", GENERATE_DOCS));
    }
    String name = INVALID_NAME_CHARS.matcher(requested).replaceAll("-");
    if (name.length() > 100) {
      // the error gitenberg-dev/gitberg#19 quotes
      return RouteResponse.json(422, Renderer.validationError("Repository creation failed.", "Repository", "custom",
          "name", "name is too long (maximum is 100 characters)", GENERATE_DOCS));
    }
    String owner = body.path("owner").asText(USER);
    if (find(owner + "/" + name) != null) {
      return RouteResponse.json(422, Renderer.validationError("Repository creation failed.", "Repository", "custom",
          "name", "name already exists on this account", GENERATE_DOCS));
    }
    JsonNode description = body.get("description");
    Repo r = newRepo(owner, name, description == null || description.isNull() ? null : description.asText(),
        body.path("private").asBoolean(false));
    r.defaultBranch = template.defaultBranch;
    r.templateFullName = template.fullName();
    r.pendingCommit = newCommit("Initial commit", null);
    r.pendingReads = generationReads;
    if (generationReads == 0) {
      materialise(r);
    }
    return RouteResponse.json(201, render(r))
        .withHeader("Location", Renderer.API + "/repos/" + r.fullName());
  }

  private RouteResponse updateRepo(RouteRequest req, Repo r) {
    JsonNode body = req.json();
    if (body.has("description")) {
      r.description = body.get("description").isNull() ? null : body.get("description").asText();
    }
    if (body.has("private")) {
      r.isPrivate = body.get("private").asBoolean();
    }
    r.updatedAt = clock.instant();
    return RouteResponse.json(200, render(r));
  }

  private RouteResponse deleteRepo(Repo r) {
    repos.remove(key(r.fullName()));
    return RouteResponse.empty(204);
  }

  private RouteResponse branch(RouteRequest req, Repo r) {
    String branch = req.pathParam("branch");
    if (r.pendingCommit != null && branch.equals(r.defaultBranch)) {
      if (r.pendingReads > 0) {
        r.pendingReads--;
        return errorResponse(404, "Branch not found");
      }
      materialise(r);
    }
    Commit head = r.head(branch);
    return head == null ? errorResponse(404, "Branch not found") : RouteResponse.json(200, Renderer.branch(r, branch, head));
  }

  private RouteResponse replaceTopics(RouteRequest req, Repo r) {
    List<String> names = new ArrayList<>();
    req.json().path("names").forEach(n -> names.add(n.asText().toLowerCase(Locale.ROOT)));
    List<String> errors = new ArrayList<>();
    for (String n : names) {
      if (!TOPIC.matcher(n).matches()) {
        errors.add("Topics must start with a lowercase letter or number, consist of 50 characters or less, and can "
            + "include hyphens. '" + n + "' is not a valid topic");
      }
    }
    if (names.size() > MAX_TOPICS) {
      errors.add("Repositories can have at most " + MAX_TOPICS + " topics");
    }
    if (!errors.isEmpty()) {
      ObjectNode e = newObject().put("message", "Validation Failed");
      ArrayNode list = e.putArray("errors");
      errors.forEach(list::add);
      e.put("documentation_url", "https://docs.github.com/rest/repos/repos#replace-all-repository-topics");
      return RouteResponse.json(422, e);
    }
    r.topics = new ArrayList<>(names.stream().distinct().toList());
    ObjectNode out = newObject();
    ArrayNode list = out.putArray("names");
    r.topics.forEach(list::add);
    return RouteResponse.json(200, out);
  }

  // ------------------------------------------------------------------------------------ hooks

  private RouteResponse listHooks(RouteRequest req, Repo r) {
    int perPage = Math.max(1, Math.min(100, req.query("per_page").map(Integer::parseInt).orElse(30)));
    int page = Math.max(1, req.query("page").map(Integer::parseInt).orElse(1));
    List<Hook> all = List.copyOf(r.hooks.values());
    ArrayNode out = json().createArrayNode();
    all.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(h -> out.add(Renderer.hook(r, h)));
    RouteResponse resp = RouteResponse.json(200, out);
    if ((long) page * perPage < all.size()) {
      resp = resp.withHeader("Link", "<" + Renderer.API + "/repos/" + r.fullName() + "/hooks?per_page=" + perPage
          + "&page=" + (page + 1) + ">; rel=\"next\"");
    }
    return resp;
  }

  private RouteResponse createHook(RouteRequest req, Repo r) {
    JsonNode body = req.json();
    if (body.has("name") && !"web".equals(body.get("name").asText())) {
      return hookInvalid("Name must be 'web'");
    }
    JsonNode config = body.path("config");
    String url = config.path("url").asText("");
    if (url.isEmpty()) {
      return hookInvalid("Config must contain a url");
    }
    for (Hook h : r.hooks.values()) {
      if (h.url.equals(url)) {
        return hookInvalid("Hook already exists on this repository");
      }
    }
    List<String> events = new ArrayList<>();
    body.path("events").forEach(e -> events.add(e.asText()));
    Hook h = newHook(url, config.path("content_type").asText("form"), text(config, "secret"),
        events.isEmpty() ? List.of("push") : events, body.path("active").asBoolean(true));
    h.insecureSsl = config.path("insecure_ssl").asText("0");
    r.hooks.put(h.id, h);
    if (h.active) {
      ping(r, h);
    }
    return RouteResponse.json(201, Renderer.hook(r, h))
        .withHeader("Location", Renderer.API + "/repos/" + r.fullName() + "/hooks/" + h.id);
  }

  private RouteResponse updateHook(RouteRequest req, Repo r, Hook h) {
    JsonNode body = req.json();
    if (body.has("config")) {
      // the configuration is replaced as a whole: one sent without "secret" leaves the hook without a secret
      JsonNode c = body.get("config");
      String url = c.path("url").asText(h.url);
      for (Hook other : r.hooks.values()) {
        if (other != h && other.url.equals(url)) {
          return hookInvalid("Hook already exists on this repository");
        }
      }
      h.url = url;
      h.contentType = c.path("content_type").asText("form");
      h.secret = text(c, "secret");
      h.insecureSsl = c.path("insecure_ssl").asText("0");
    }
    if (body.has("events")) {
      List<String> events = new ArrayList<>();
      body.get("events").forEach(e -> events.add(e.asText()));
      h.events = events;
    }
    body.path("add_events").forEach(e -> {
      if (!h.events.contains(e.asText())) {
        h.events.add(e.asText());
      }
    });
    body.path("remove_events").forEach(e -> h.events.remove(e.asText()));
    if (body.has("active")) {
      h.active = body.get("active").asBoolean();
    }
    h.updatedAt = clock.instant();
    return RouteResponse.json(200, Renderer.hook(r, h));
  }

  private RouteResponse hookInvalid(String message) {
    ObjectNode e = newObject().put("message", "Validation Failed");
    e.putArray("errors").addObject().put("resource", "Hook").put("code", "custom").put("message", message);
    e.put("documentation_url", HOOK_DOCS).put("status", "422");
    return RouteResponse.json(422, e);
  }

  // ------------------------------------------------------------------------------------ deliveries

  /** Queues the {@code ping} GitHub sends a new hook (docs.github.com/en/webhooks/webhook-events-and-payloads#ping). */
  private void ping(Repo r, Hook h) {
    ObjectNode payload = newObject().put("zen", "Keep it logically awesome.").put("hook_id", h.id);
    ObjectNode hook = Renderer.hook(r, h);
    hook.remove("deliveries_url");
    payload.set("hook", hook);
    payload.set("repository", Renderer.payloadRepository(r, false));
    payload.set("sender", sender());
    Hookshot.Target t = target(r, h);
    String id = uuid();
    String agent = hookshotId();
    CompletableFuture<Void> next = background.get().thenRunAsync(() -> record(r, h, hookshot.deliver(t, "ping", id,
        agent, payload)), sender);
    background.set(next);
  }

  /** The {@code push} deliveries of a ref update (docs.github.com/en/webhooks/webhook-events-and-payloads#push). */
  private List<Runnable> pushDeliveries(Repo r, String branch, Commit before, Commit after) {
    ObjectNode payload = newObject().put("ref", "refs/heads/" + branch)
        .put("before", before == null ? ZERO_SHA : before.sha()).put("after", after == null ? ZERO_SHA : after.sha());
    payload.set("repository", Renderer.payloadRepository(r, true));
    payload.putObject("pusher").put("name", USER).put("email", USER + "@users.noreply.github.com");
    payload.set("sender", sender());
    payload.put("created", before == null).put("deleted", after == null).put("forced", false).putNull("base_ref");
    payload.put("compare", Renderer.WEB + "/" + r.fullName() + (before == null || after == null
        ? "/commit/" + (after == null ? before.sha() : after.sha()).substring(0, 12)
        : "/compare/" + before.sha().substring(0, 12) + "..." + after.sha().substring(0, 12)));
    ArrayNode commits = payload.putArray("commits");
    if (after == null) {
      payload.putNull("head_commit");
    } else {
      commits.add(Renderer.payloadCommit(r, after));
      payload.set("head_commit", Renderer.payloadCommit(r, after));
    }
    List<Runnable> sends = new ArrayList<>();
    for (Hook h : r.hooks.values()) {
      if (h.active && (h.events.contains("push") || h.events.contains("*"))) {
        Hookshot.Target t = target(r, h);
        String id = uuid();
        String agent = hookshotId();
        sends.add(() -> record(r, h, hookshot.deliver(t, "push", id, agent, payload)));
      }
    }
    return sends;
  }

  private void send(List<Runnable> sends) {
    awaitDeliveries();
    sends.forEach(Runnable::run);
  }

  private void record(Repo r, Hook h, HookDelivery d) {
    deliveries.add(d);
    synchronized (this) {
      h.lastCode = d.status() == 0 ? null : d.status();
      h.lastStatus = d.succeeded() ? "active" : "misconfigured";
      h.lastMessage = d.error() != null ? d.error() : d.succeeded() ? "OK" : "Invalid HTTP Response: " + d.status();
    }
  }

  private static Hookshot.Target target(Repo r, Hook h) {
    return new Hookshot.Target(h.id, r.id, h.url, h.contentType, h.secret);
  }

  private ObjectNode sender() {
    return Renderer.simpleUser(USER, accounts.get(USER.toLowerCase(Locale.ROOT)).id(), "User");
  }

  // ------------------------------------------------------------------------------------ state helpers

  private ObjectNode render(Repo r) {
    return Renderer.fullRepository(r, r.templateFullName == null ? null : find(r.templateFullName));
  }

  private static String key(String fullName) {
    return fullName.toLowerCase(Locale.ROOT);
  }

  private Repo find(String fullName) {
    Repo r = repos.get(key(fullName));
    if (r == null) {
      String marker = repositoryFixtures.apply(fullName);
      int slash = fullName.indexOf('/');
      if (marker != null && slash > 0) {
        r = newRepo(fullName.substring(0, slash), fullName.substring(slash + 1), "Fixture (" + marker + ")", true);
        commit(r, r.defaultBranch, "Initial commit");
      }
    }
    return r;
  }

  private Repo require(String fullName) {
    Repo r = find(fullName);
    if (r == null) {
      throw new IllegalArgumentException("no repository " + fullName + " in the fake");
    }
    return r;
  }

  /** A user or organisation: its id and {@code User} or {@code Organization}. */
  private record Account(long id, String type) {}

  private Account account(String login, String type) {
    return accounts.computeIfAbsent(login.toLowerCase(Locale.ROOT), l -> new Account(nextAccountId++, type));
  }

  /** One daemon thread for background deliveries, ended when idle, so a closed fake leaves none behind. */
  private static ThreadPoolExecutor hookshotThread() {
    ThreadPoolExecutor t = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread thread = new Thread(r, "github-fake-hookshot");
      thread.setDaemon(true);
      return thread;
    });
    t.allowCoreThreadTimeOut(true);
    return t;
  }

  private Repo newRepo(String owner, String name, String description, boolean isPrivate) {
    if (repos.containsKey(key(owner + "/" + name))) {
      throw new IllegalArgumentException("the fake already has a repository " + owner + "/" + name);
    }
    Account account = account(owner, owner.equalsIgnoreCase(USER) ? "User" : "Organization");
    Repo r = new Repo();
    r.id = nextRepoId++;
    r.owner = owner;
    r.ownerId = account.id();
    r.ownerType = account.type();
    r.name = name;
    r.description = description;
    r.isPrivate = isPrivate;
    r.createdAt = clock.instant();
    r.updatedAt = r.createdAt;
    repos.put(key(r.fullName()), r);
    return r;
  }

  private Hook newHook(String url, String contentType, String secret, List<String> events, boolean active) {
    Hook h = new Hook();
    h.id = nextHookId++;
    h.url = url;
    h.contentType = contentType;
    h.secret = secret;
    h.events = new ArrayList<>(events);
    h.active = active;
    h.createdAt = clock.instant();
    h.updatedAt = h.createdAt;
    return h;
  }

  /** Puts the template's content into a generated repository: its default branch gets the initial commit. */
  private void materialise(Repo r) {
    if (r.pendingCommit != null) {
      r.branches.computeIfAbsent(r.defaultBranch, b -> new ArrayList<>()).add(r.pendingCommit);
      r.pendingCommit = null;
      r.pendingReads = 0;
      r.pushedAt = clock.instant();
    }
  }

  private Commit commit(Repo r, String branch, String message) {
    Commit head = r.head(branch);
    Commit c = newCommit(message, head == null ? null : head.sha());
    r.branches.computeIfAbsent(branch, b -> new ArrayList<>()).add(c);
    r.pushedAt = c.timestamp();
    return c;
  }

  private Commit newCommit(String message, String parent) {
    return new Commit(hex(40), hex(40), message, USER, USER + "@users.noreply.github.com", clock.instant(), parent);
  }

  private String hex(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(Character.forDigit(random.nextInt(16), 16));
    }
    return sb.toString();
  }

  private String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private String hookshotId() {
    return hex(7);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
  }
}
