package dev.tenantwright.testkit.vercel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.BackendFake;
import dev.tenantwright.testkit.RouteRequest;
import dev.tenantwright.testkit.RouteResponse;
import dev.tenantwright.testkit.OpenApiContract;
import dev.tenantwright.testkit.RouteHandler;
import dev.tenantwright.testkit.SpecReducer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * A stateful fake of the Vercel REST API for the calls the Vercel plugin makes: projects, their environment
 * variables and domains, deployments that build over time and the production deployment a project's domains
 * serve.
 *
 * <p>It behaves as BACKENDS.md §4 describes: {@code POST /v11/projects} answers 409 for a taken name;
 * {@code POST /v10/projects/{idOrName}/env} creates or (with {@code upsert=true}) updates variables and reports
 * refused ones in {@code failed[]} with a 201; listing variables returns every value encrypted (only
 * {@code GET /v1/projects/{idOrName}/env/{id}} decrypts one), while comments come back in clear; a domain
 * already on the same project is a 400 and one on another project a 409, and domains
 * {@linkplain #requireVerification(String) needing verification} stay unverified until {@code .../verify}
 * finds their TXT record through {@link #txtLookup(BiPredicate)}; {@code GET /v6/domains/{domain}/config}
 * reports a domain configured once {@link #dnsLookup(BiFunction)} shows a record pointing at one of its
 * recommended values. A project's first deployment needs {@code projectSettings} or
 * {@code ?skipAutoDetectionConfirmation=1} (else 400 {@code missing_project_settings}); deployments start
 * {@code QUEUED} and advance to {@code BUILDING} and then {@code READY} — or {@code ERROR} after
 * {@link #failBuilds(String, String)} — as they are polled ({@link #deploymentPhases(int)}) or as time passes
 * ({@link #deploymentPhaseTime(Duration)}). A production deployment is aliased one phase after it is READY
 * ({@code aliasAssigned}, {@link #aliasPhases(int)}): only then do the project's domains serve it, so the
 * previous production deployment keeps serving while a new one builds, and for ever when the build fails
 * ({@link #servedDeployment(String)}). {@code POST /v10/projects/{projectId}/promote/{deploymentId}} points the
 * domains back at an existing production deployment, completing on the next read of the project. Deleting
 * the serving deployment leaves the domains serving nothing; deleting a project removes its variables,
 * domains and deployments. Errors have Vercel's shape, {@code {"error":{"code","message"}}}. Every request
 * must carry {@code Authorization: Bearer} {@link #TOKEN} (or the one set with {@link #token(String)}), and
 * the team id when one is {@linkplain #requireTeam(String) required}; otherwise the answer is 403.
 *
 * <p>Every exchange is validated against a reduced copy of Vercel's published OpenAPI document
 * ({@link #contract()}); tests call {@link #assertContractRespected()} to fail on a non-conforming request.
 * {@link #afterEachCall(IntConsumer)} runs a callback after every call has taken effect, before its answer
 * is sent — the conformance kit's crash hook. State can be planted and inspected directly
 * ({@link #putProject(String, String)}, {@link #envValue(String, String)}, ...).
 *
 * <p>Thread-safe: handlers run one at a time on the fake's monitor, and every public method that touches
 * state is synchronized. Close it after use.
 *
 * <pre>{@code
 * try (VercelFake vercel = new VercelFake()) {
 *   vercel.failBuilds("BUILD_FAILED", "npm run build exited with 1");
 *   // point the plugin at vercel.baseUrl() with token VercelFake.TOKEN
 *   vercel.assertContractRespected();
 * }
 * }</pre>
 */
public final class VercelFake extends BackendFake {

  /** The bearer token the fake accepts unless told otherwise. */
  public static final String TOKEN = "vercel-test-token";

  /** The project environment variable in which the Vercel plugin keeps a project's ownership marker. */
  public static final String OWNER_KEY = "TENANTWRIGHT_OWNER";

  /** Class-path location of the reduced OpenAPI document. */
  public static final String SPEC_RESOURCE = "/dev/tenantwright/testkit/specs/vercel/vercel-openapi-reduced.json";

  /** Route key: create a project. */
  public static final String CREATE_PROJECT = "POST /v11/projects";
  /** Route key: read a project. */
  public static final String GET_PROJECT = "GET /v9/projects/{idOrName}";
  /** Route key: delete a project. */
  public static final String DELETE_PROJECT = "DELETE /v9/projects/{idOrName}";
  /** Route key: list a project's environment variables. */
  public static final String LIST_ENV = "GET /v10/projects/{idOrName}/env";
  /** Route key: create or upsert environment variables. */
  public static final String CREATE_ENV = "POST /v10/projects/{idOrName}/env";
  /** Route key: delete an environment variable. */
  public static final String DELETE_ENV = "DELETE /v9/projects/{idOrName}/env/{id}";
  /** Route key: create a deployment. */
  public static final String CREATE_DEPLOYMENT = "POST /v13/deployments";
  /** Route key: read (poll) a deployment. */
  public static final String GET_DEPLOYMENT = "GET /v13/deployments/{idOrUrl}";
  /** Route key: list deployments. */
  public static final String LIST_DEPLOYMENTS = "GET /v6/deployments";
  /** Route key: cancel a deployment. */
  public static final String CANCEL_DEPLOYMENT = "PATCH /v12/deployments/{id}/cancel";
  /** Route key: delete a deployment. */
  public static final String DELETE_DEPLOYMENT = "DELETE /v13/deployments/{id}";
  /** Route key: add a domain to a project. */
  public static final String ADD_DOMAIN = "POST /v10/projects/{idOrName}/domains";
  /** Route key: read a project's domain. */
  public static final String GET_DOMAIN = "GET /v9/projects/{idOrName}/domains/{domain}";
  /** Route key: remove a domain from a project. */
  public static final String DELETE_DOMAIN = "DELETE /v9/projects/{idOrName}/domains/{domain}";
  /** Route key: verify a project's domain. */
  public static final String VERIFY_DOMAIN = "POST /v9/projects/{idOrName}/domains/{domain}/verify";
  /** Route key: read one environment variable, decrypted. */
  public static final String GET_ENV = "GET /v1/projects/{idOrName}/env/{id}";
  /** Route key: point a project's production domains at an existing deployment. */
  public static final String PROMOTE = "POST /v10/projects/{projectId}/promote/{deploymentId}";
  /** Route key: read a domain's DNS configuration. */
  public static final String DOMAIN_CONFIG = "GET /v6/domains/{domain}/config";

  /** The generic CNAME target Vercel has long recommended, now rank 2 behind a per-project one. */
  public static final String GENERIC_CNAME = "cname.vercel-dns.com";
  /** The IPv4 address Vercel recommends for an apex domain (rank 1). */
  public static final String RECOMMENDED_IPV4 = "216.198.79.1";
  /** The older apex address, rank 2. */
  public static final String LEGACY_IPV4 = "76.76.21.21";

  private static final List<String> ALL_TARGETS = List.of("production", "preview", "development");
  private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern DOMAIN = Pattern.compile("([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,63}");
  private static final String ALPHANUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  private final Clock clock;
  private final Map<String, Project> projects = new LinkedHashMap<>();
  private final Map<String, Deployment> deployments = new LinkedHashMap<>();
  private final Map<String, String[]> envFailures = new LinkedHashMap<>();
  private final Set<String> needVerification = new HashSet<>();
  private Random random = new Random(7);
  private String token = TOKEN;
  private String team;
  private int pollsPerPhase = 1;
  private Duration phaseTime;
  private String failCode;
  private String failMessage;
  private BooleanSupplier buildGate = () -> true;
  private BiPredicate<String, String> txtLookup = (name, value) -> false;
  private BiFunction<String, String, List<String>> dnsLookup = (type, name) -> List.of();
  private int aliasPhases = 1;
  private String aliasFailCode;
  private String aliasFailMessage;
  private long lastCreatedAt;
  private Function<String, String> projectFixtures = name -> null;
  private String deploymentHost = "vercel.app";

  /** A fake on the system clock, validating against {@link #contract()}. */
  public VercelFake() {
    this(Clock.systemUTC());
  }

  /** A fake whose timestamps and time-based build phases follow {@code clock}. */
  public VercelFake(Clock clock) {
    super("vercel");
    this.clock = Objects.requireNonNull(clock, "clock");
    route("POST", "/v11/projects", this::createProject);
    route("GET", "/v9/projects/{idOrName}", req -> withProject(req, p -> {
      advancePromotion(p);
      return RouteResponse.json(200, render(p));
    }));
    route("DELETE", "/v9/projects/{idOrName}", this::deleteProject);
    route("GET", "/v10/projects/{idOrName}/env", req -> withProject(req, this::listEnv));
    route("POST", "/v10/projects/{idOrName}/env", req -> withProject(req, p -> upsertEnv(req, p)));
    route("DELETE", "/v9/projects/{idOrName}/env/{id}", req -> withProject(req, p -> deleteEnv(req, p)));
    route("POST", "/v13/deployments", this::createDeployment);
    route("GET", "/v13/deployments/{idOrUrl}", this::getDeployment);
    route("GET", "/v6/deployments", this::listDeployments);
    route("PATCH", "/v12/deployments/{id}/cancel", this::cancelDeployment);
    route("DELETE", "/v13/deployments/{id}", this::deleteDeployment);
    route("POST", "/v10/projects/{idOrName}/domains", req -> withProject(req, p -> addDomain(req, p)));
    route("GET", "/v9/projects/{idOrName}/domains/{domain}", req -> withProject(req, p -> getDomain(req, p)));
    route("DELETE", "/v9/projects/{idOrName}/domains/{domain}", req -> withProject(req, p -> deleteDomain(req, p)));
    route("POST", "/v9/projects/{idOrName}/domains/{domain}/verify",
        req -> withProject(req, p -> verifyDomain(req, p)));
    route("GET", "/v1/projects/{idOrName}/env/{id}", req -> withProject(req, p -> getEnv(req, p)));
    route("POST", "/v10/projects/{projectId}/promote/{deploymentId}", this::promote);
    route("GET", "/v6/domains/{domain}/config", this::domainConfig);
    validateAgainst(contract());
  }

  /** The reduced Vercel OpenAPI document every exchange is validated against (built once per JVM). */
  public static OpenApiContract contract() {
    return OpenApiContract.load(VercelFake.class.getResource(SPEC_RESOURCE), SpecReducer.keeping());
  }

  // ------------------------------------------------------------------------------------ configuration

  /** Accepts this bearer token instead of {@link #TOKEN}. */
  public synchronized VercelFake token(String bearerToken) {
    this.token = Objects.requireNonNull(bearerToken, "bearerToken");
    return this;
  }

  /** Requires {@code ?teamId=teamId} on every request (403 otherwise), as for a team-owned account. */
  public synchronized VercelFake requireTeam(String teamId) {
    this.team = Objects.requireNonNull(teamId, "teamId");
    return this;
  }

  @Override
  public VercelFake afterEachCall(IntConsumer listener) {
    super.afterEachCall(listener);
    return this;
  }

  /**
   * Advances a deployment one phase (QUEUED, BUILDING, then its end state) every {@code polls} reads of it;
   * the default is 1. Replaces a time-based schedule.
   */
  public synchronized VercelFake deploymentPhases(int polls) {
    if (polls < 1) {
      throw new IllegalArgumentException("polls must be at least 1");
    }
    this.pollsPerPhase = polls;
    this.phaseTime = null;
    return this;
  }

  /** Advances deployments one phase every {@code perPhase} of the fake's clock instead of by polls. */
  public synchronized VercelFake deploymentPhaseTime(Duration perPhase) {
    this.phaseTime = Objects.requireNonNull(perPhase, "perPhase");
    return this;
  }

  /** Deployments created from now on end in {@code ERROR} with this error code and message. */
  public synchronized VercelFake failBuilds(String errorCode, String errorMessage) {
    this.failCode = Objects.requireNonNull(errorCode, "errorCode");
    this.failMessage = Objects.requireNonNull(errorMessage, "errorMessage");
    return this;
  }

  /** Deployments created from now on end {@code READY} (the default). */
  public synchronized VercelFake succeedBuilds() {
    this.failCode = null;
    this.failMessage = null;
    return this;
  }

  /**
   * Keeps deployments {@code BUILDING} until {@code gate} says true (checked on each poll, on the fake's
   * monitor), e.g. until another fake holds a record; lets a test order steps that run in parallel.
   */
  public synchronized VercelFake holdBuildsUntil(BooleanSupplier gate) {
    this.buildGate = Objects.requireNonNull(gate, "gate");
    return this;
  }

  /** Deployment URLs end in this host, e.g. {@code 127.0.0.1:8080}; default {@code vercel.app}. */
  public synchronized VercelFake deploymentHost(String host) {
    this.deploymentHost = Objects.requireNonNull(host, "host");
    return this;
  }

  /** Domains of this name are added unverified, with a TXT challenge, until verified. */
  public synchronized VercelFake requireVerification(String domain) {
    needVerification.add(domain.toLowerCase(Locale.ROOT));
    return this;
  }

  /**
   * How {@code .../verify} looks for a challenge's TXT record: {@code lookup.test(recordName, value)}, e.g.
   * {@code cloudflare::hasTxt}. By default no record is ever found.
   */
  public synchronized VercelFake txtLookup(BiPredicate<String, String> lookup) {
    this.txtLookup = Objects.requireNonNull(lookup, "lookup");
    return this;
  }

  /**
   * How {@code GET /v6/domains/{domain}/config} resolves DNS: {@code lookup.apply(type, name)} returns the
   * values of the {@code CNAME} or {@code A} records of {@code name}, e.g. from a Cloudflare fake. By default
   * nothing resolves, so every domain is misconfigured.
   */
  public synchronized VercelFake dnsLookup(BiFunction<String, String, List<String>> lookup) {
    this.dnsLookup = Objects.requireNonNull(lookup, "lookup");
    return this;
  }

  /**
   * Aliases a READY production deployment to the project's domains {@code phases} phases after it became
   * READY (polls or time, as the build phases); default 1. Until then the previous one keeps serving.
   */
  public synchronized VercelFake aliasPhases(int phases) {
    if (phases < 0) {
      throw new IllegalArgumentException("phases must not be negative");
    }
    this.aliasPhases = phases;
    return this;
  }

  /**
   * Production deployments created from now on build, but their aliasing fails with {@code aliasError}
   * {@code {code, message}}: they never serve the domains.
   */
  public synchronized VercelFake failAliasing(String code, String message) {
    this.aliasFailCode = Objects.requireNonNull(code, "code");
    this.aliasFailMessage = Objects.requireNonNull(message, "message");
    return this;
  }

  /**
   * Turns off the automatic assignment of production domains, as an Instant Rollback in the dashboard does
   * (vercel.com/docs/instant-rollback): new production deployments stay {@code STAGED} until promoted.
   */
  public synchronized VercelFake disableAutoAssign(String project) {
    requireProject(project).autoAssign = false;
    return this;
  }

  /** Environment variables named {@code key} are refused from now on: they land in {@code failed[]}. */
  public synchronized VercelFake failEnv(String key, String code, String message) {
    envFailures.put(key, new String[] {code, message});
    return this;
  }

  /**
   * Creates a project on first mention of an unknown name when {@code markerFor} returns a marker for it
   * (stored as {@link #OWNER_KEY}); lets conformance tests refer to a project per tenant made elsewhere.
   */
  public synchronized VercelFake projectFixtures(Function<String, String> markerFor) {
    this.projectFixtures = Objects.requireNonNull(markerFor, "markerFor");
    return this;
  }

  // ------------------------------------------------------------------------------------ planting and views

  /**
   * Puts a project as the plugin would have made it, with {@code marker} as value and comment of
   * {@link #OWNER_KEY}, or a foreign one without it when {@code marker} is null; returns its id.
   */
  public synchronized String putProject(String name, String marker) {
    Project p = newProject(name);
    if (marker != null) {
      p.env.add(newEnv(OWNER_KEY, marker, "plain", List.of("development"), null, marker));
    }
    return p.id;
  }

  /** Puts an environment variable on a project; returns its id. */
  public synchronized String putEnv(String project, String key, String value, String type, List<String> target,
      String comment) {
    Project p = requireProject(project);
    Env e = newEnv(key, value, type, target, null, comment);
    p.env.add(e);
    return e.id;
  }

  /** Puts a verified domain on a project. */
  public synchronized void putDomain(String project, String domain) {
    Project p = requireProject(project);
    p.domains.put(domain, newDomain(domain, p, true));
  }

  /** Puts a preview deployment of a project in {@code readyState} with these meta entries; returns its id. */
  public synchronized String putDeployment(String project, Map<String, String> meta, String readyState) {
    return putDeployment(project, meta, readyState, null);
  }

  /**
   * Puts a deployment of a project for {@code target} ({@code production}, {@code staging}, or null for a
   * preview) in {@code readyState} with these meta entries; returns its id. It serves no domain.
   */
  public synchronized String putDeployment(String project, Map<String, String> meta, String readyState, String target) {
    Project p = requireProject(project);
    Deployment d = newDeployment(p, meta, target);
    d.fixedState = readyState;
    return d.id;
  }

  /**
   * Removes a deployment behind the plugin's back, as the project's deployment retention
   * ({@code deploymentExpiration}) or someone in the dashboard does; what it served then serves nothing.
   */
  public synchronized void expireDeployment(String id) {
    Deployment d = deployments.remove(id);
    if (d == null) {
      throw new IllegalArgumentException("no deployment " + id + " in the fake");
    }
    Project p = projects.get(d.projectId);
    if (p != null && id.equals(p.productionId)) {
      p.productionId = null;
    }
  }

  /**
   * Deletes a project behind the plugin's back, as someone in the dashboard does (Settings, Delete Project): its
   * variables, domains and deployments go with it, exactly as with {@link #DELETE_PROJECT}.
   */
  public synchronized void removeProject(String idOrName) {
    Project p = existing(idOrName);
    projects.remove(p.id);
    deployments.values().removeIf(d -> d.projectId.equals(p.id));
  }

  /**
   * Renames a project behind the plugin's back, as someone in the dashboard does (Settings, Project Name;
   * {@code PATCH /v9/projects/{idOrName}} with {@code name}, vercel.com/docs/rest-api/reference/endpoints/projects):
   * its id, variables, domains and deployments stay.
   */
  public synchronized void renameProject(String idOrName, String newName) {
    Project p = existing(idOrName);
    if (findByName(newName) != null) {
      throw new IllegalArgumentException("a project named " + newName + " already exists in the fake");
    }
    p.name = newName;
  }

  /**
   * Deletes every environment variable of that key from a project behind the plugin's back, as someone in the
   * dashboard does; the same as {@link #DELETE_ENV} for each.
   */
  public synchronized void removeEnv(String project, String key) {
    Project p = existing(project);
    if (!p.env.removeIf(e -> e.key.equals(key))) {
      throw new IllegalArgumentException("no environment variable " + key + " on project " + project + " in the fake");
    }
  }

  /**
   * Changes the value of every environment variable of that key on a project behind the plugin's back, as someone
   * editing it in the dashboard does ({@code PATCH /v9/projects/{idOrName}/env/{id}} with {@code value},
   * vercel.com/docs/rest-api/reference/endpoints/projects/edit-an-environment-variable); its id, type, targets and
   * comment stay.
   */
  public synchronized void setEnvValue(String project, String key, String value) {
    Project p = existing(project);
    List<Env> matching = p.env.stream().filter(e -> e.key.equals(key)).toList();
    if (matching.isEmpty()) {
      throw new IllegalArgumentException("no environment variable " + key + " on project " + project + " in the fake");
    }
    for (Env e : matching) {
      e.value = value;
      e.updatedAt = now();
    }
  }

  /**
   * Removes a domain from a project behind the plugin's back, as someone in the dashboard does (Domains, Remove); the
   * same as {@link #DELETE_DOMAIN}.
   */
  public synchronized void removeDomain(String project, String domain) {
    if (existing(project).domains.remove(domain) == null) {
      throw new IllegalArgumentException("no domain " + domain + " on project " + project + " in the fake");
    }
  }

  /** The id of the project of that name or id, if it exists. */
  public synchronized Optional<String> projectId(String idOrName) {
    return Optional.ofNullable(find(idOrName)).map(p -> p.id);
  }

  /** The stored (decrypted) value of a project's environment variable, if it exists. */
  public synchronized Optional<String> envValue(String project, String key) {
    Project p = find(project);
    if (p == null) {
      return Optional.empty();
    }
    return p.env.stream().filter(e -> e.key.equals(key)).findFirst().map(e -> e.value);
  }

  /** The comment of a project's environment variable, if it exists and has one. */
  public synchronized Optional<String> envComment(String project, String key) {
    Project p = find(project);
    if (p == null) {
      return Optional.empty();
    }
    return p.env.stream().filter(e -> e.key.equals(key)).findFirst().map(e -> e.comment);
  }

  /** The keys of a project's environment variables, in creation order. */
  public synchronized List<String> envKeys(String project) {
    Project p = find(project);
    return p == null ? List.of() : p.env.stream().map(e -> e.key).toList();
  }

  /** The names of a project's domains. */
  public synchronized List<String> domains(String project) {
    Project p = find(project);
    return p == null ? List.of() : List.copyOf(p.domains.keySet());
  }

  /** Whether a project's domain is verified. */
  public synchronized boolean domainVerified(String project, String domain) {
    Project p = find(project);
    return p != null && p.domains.containsKey(domain) && p.domains.get(domain).verified;
  }

  /**
   * The deployment a domain serves now: the production deployment its project's domains are aliased to, or
   * empty when the domain is on no project or the project serves nothing (never deployed, or its serving
   * deployment was deleted).
   */
  public synchronized Optional<String> servedDeployment(String domain) {
    for (Project p : projects.values()) {
      if (p.domains.containsKey(domain)) {
        return Optional.ofNullable(p.productionId).filter(deployments::containsKey);
      }
    }
    return Optional.empty();
  }

  /** The production deployment a project's domains serve now, if any. */
  public synchronized Optional<String> productionDeployment(String project) {
    Project p = find(project);
    return p == null ? Optional.empty() : Optional.ofNullable(p.productionId).filter(deployments::containsKey);
  }

  /** The ids of a project's deployments, oldest first. */
  public synchronized List<String> deploymentIds(String project) {
    Project p = find(project);
    return p == null ? List.of()
        : deployments.values().stream().filter(d -> d.projectId.equals(p.id)).map(d -> d.id).toList();
  }

  /** The meta a deployment was created with. */
  public synchronized Map<String, String> deploymentMeta(String id) {
    Deployment d = deployments.get(id);
    if (d == null) {
      throw new IllegalArgumentException("no deployment " + id + " in the fake");
    }
    return Map.copyOf(d.meta);
  }

  /** The per-project CNAME target {@code GET /v6/domains/{domain}/config} recommends at rank 1. */
  public synchronized String recommendedCname(String project) {
    return requireProject(project).cname;
  }

  /** How many deployments exist, of any state. */
  public synchronized int deploymentCount() {
    return deployments.size();
  }

  /** One line per object: projects, environment variables, domains and deployments. */
  @Override
  public synchronized Collection<String> liveObjects() {
    List<String> out = new ArrayList<>();
    for (Project p : projects.values()) {
      out.add("project " + p.id + " " + p.name);
      for (Env e : p.env) {
        out.add("env " + e.key + " (" + e.id + ") on " + p.name);
      }
      for (Domain d : p.domains.values()) {
        out.add("domain " + d.name + " on " + p.name);
      }
    }
    for (Deployment d : deployments.values()) {
      out.add("deployment " + d.id + " " + state(d) + " on " + d.projectName);
    }
    return out;
  }

  @Override
  protected void resetState() {
    projects.clear();
    deployments.clear();
    envFailures.clear();
    needVerification.clear();
    random = new Random(7);
    lastCreatedAt = 0;
  }

  @Override
  protected RouteResponse rateLimitedResponse(Duration retryAfter) {
    long seconds = (retryAfter.toMillis() + 999) / 1000;
    long reset = clock.instant().plus(retryAfter).getEpochSecond();
    ObjectNode body = newObject();
    ObjectNode error = body.putObject("error").put("code", "rate_limited")
        .put("message", "Rate limit exceeded. Try again in " + seconds + " seconds.");
    error.putObject("limit").put("remaining", 0).put("reset", reset).put("resetMs", reset * 1000).put("total", 100);
    return RouteResponse.json(429, body)
        .withHeader("Retry-After", Long.toString(seconds))
        .withHeader("X-RateLimit-Limit", "100")
        .withHeader("X-RateLimit-Remaining", "0")
        .withHeader("X-RateLimit-Reset", Long.toString(reset));
  }

  // ------------------------------------------------------------------------------------ routing

  private void route(String method, String template, RouteHandler handler) {
    on(method, template, req -> {
      RouteResponse refused = authorize(req);
      return refused != null ? refused : handler.handle(req);
    });
  }

  private RouteResponse authorize(RouteRequest req) {
    String auth = req.header("Authorization").orElse("");
    if (!auth.equals("Bearer " + token)) {
      return error(403, "forbidden", "Not authorized");
    }
    if (team != null && !req.query("teamId").map(team::equals).orElse(false)) {
      return error(403, "forbidden", "You don't have permission to access this resource: teamId " + team + " required");
    }
    return null;
  }

  private RouteResponse withProject(RouteRequest req, Function<Project, RouteResponse> then) {
    Project p = find(req.pathParam("idOrName"));
    return p == null ? error(404, "not_found", "Project not found") : then.apply(p);
  }

  // ------------------------------------------------------------------------------------ projects

  private RouteResponse createProject(RouteRequest req) {
    JsonNode body = req.json();
    String name = body.path("name").asText("");
    if (name.isEmpty() || name.length() > 100 || !name.equals(name.toLowerCase(Locale.ROOT)) || name.contains("---")) {
      return error(400, "bad_request", "Invalid request: `name` should be a lowercase project name of at most 100 characters");
    }
    if (findByName(name) != null) {
      return error(409, "conflict", "A project with the provided name already exists.");
    }
    Project p = newProject(name);
    p.framework = text(body, "framework");
    p.buildCommand = text(body, "buildCommand");
    p.installCommand = text(body, "installCommand");
    p.outputDirectory = text(body, "outputDirectory");
    p.rootDirectory = text(body, "rootDirectory");
    for (JsonNode v : body.path("environmentVariables")) {
      p.env.add(newEnv(v.path("key").asText(), v.path("value").asText(), v.path("type").asText("encrypted"),
          targets(v.path("target")), text(v, "gitBranch"), null));
    }
    return RouteResponse.json(200, render(p));
  }

  private RouteResponse deleteProject(RouteRequest req) {
    Project p = find(req.pathParam("idOrName"));
    if (p == null) {
      return error(404, "not_found", "Project not found");
    }
    projects.remove(p.id);
    deployments.values().removeIf(d -> d.projectId.equals(p.id));
    return RouteResponse.empty(204);
  }

  // ------------------------------------------------------------------------------------ environment variables

  private RouteResponse listEnv(Project p) {
    ObjectNode body = newObject();
    ArrayNode envs = body.putArray("envs");
    p.env.forEach(e -> envs.add(render(e)));
    return RouteResponse.json(200, body);
  }

  private RouteResponse upsertEnv(RouteRequest req, Project p) {
    JsonNode body = req.json();
    boolean upsert = req.query("upsert").map("true"::equals).orElse(false);
    boolean many = body.isArray();
    List<JsonNode> items = new ArrayList<>();
    if (many) {
      body.forEach(items::add);
    } else {
      items.add(body);
    }
    ArrayNode created = json().createArrayNode();
    ArrayNode failed = json().createArrayNode();
    for (JsonNode item : items) {
      String key = item.path("key").asText("");
      List<String> target = targets(item.path("target"));
      String refusal = refusal(p, item, key, target, upsert);
      if (refusal != null) {
        String[] codeAndMessage = refusal.split("\\|", 2);
        ObjectNode f = failed.addObject().putObject("error");
        f.put("code", codeAndMessage[0]).put("message", codeAndMessage[1]).put("key", key).put("envVarKey", key);
        continue;
      }
      Env existing = sameKey(p, key, target, text(item, "gitBranch"));
      Env e;
      if (existing != null) {
        existing.value = item.path("value").asText();
        existing.type = item.path("type").asText();
        existing.comment = text(item, "comment");
        existing.updatedAt = now();
        e = existing;
      } else {
        e = newEnv(key, item.path("value").asText(), item.path("type").asText(), target, text(item, "gitBranch"),
            text(item, "comment"));
        p.env.add(e);
      }
      created.add(render(e));
    }
    if (!many && !failed.isEmpty()) {
      JsonNode f = failed.get(0).get("error");
      return error(400, f.get("code").asText(), f.get("message").asText());
    }
    ObjectNode answer = newObject();
    answer.set("created", many ? created : created.get(0));
    answer.set("failed", failed);
    return RouteResponse.json(201, answer);
  }

  private String refusal(Project p, JsonNode item, String key, List<String> target, boolean upsert) {
    if (!ENV_KEY.matcher(key).matches()) {
      return "invalid_key|The name of your Environment Variable is invalid: " + key;
    }
    if (envFailures.containsKey(key)) {
      String[] f = envFailures.get(key);
      return f[0] + "|" + f[1];
    }
    if ("sensitive".equals(item.path("type").asText()) && target.contains("development")) {
      return "invalid_target|Sensitive Environment Variables cannot be created in the Development Environment";
    }
    String branch = text(item, "gitBranch");
    for (Env e : p.env) {
      boolean overlap = e.key.equals(key) && Objects.equals(e.gitBranch, branch)
          && e.target.stream().anyMatch(target::contains);
      if (overlap && (!upsert || !new HashSet<>(e.target).equals(new HashSet<>(target)))) {
        return "ENV_CONFLICT|A variable with the name `" + key + "` already exists for the target "
            + String.join(",", e.target) + " on branch " + branch;
      }
    }
    return null;
  }

  private static Env sameKey(Project p, String key, List<String> target, String branch) {
    for (Env e : p.env) {
      if (e.key.equals(key) && Objects.equals(e.gitBranch, branch) && new HashSet<>(e.target).equals(new HashSet<>(target))) {
        return e;
      }
    }
    return null;
  }

  /**
   * {@code GET /v1/projects/{idOrName}/env/{id}}: the one call that returns a variable's value decrypted
   * (vercel/sdk#25, #118: support advises reading each variable by id); a sensitive value is never returned.
   */
  private RouteResponse getEnv(RouteRequest req, Project p) {
    String id = req.pathParam("id");
    Env e = p.env.stream().filter(x -> x.id.equals(id)).findFirst().orElse(null);
    if (e == null) {
      return error(404, "not_found", "Environment Variable " + id + " not found");
    }
    ObjectNode o = newObject().put("type", e.type).put("id", e.id).put("key", e.key)
        .put("createdAt", e.createdAt).put("updatedAt", e.updatedAt);
    if ("sensitive".equals(e.type)) {
      o.put("decrypted", false);
    } else {
      o.put("value", e.value).put("decrypted", true);
    }
    ArrayNode target = o.putArray("target");
    e.target.forEach(target::add);
    if (e.gitBranch != null) {
      o.put("gitBranch", e.gitBranch);
    }
    if (e.comment != null) {
      o.put("comment", e.comment);
    }
    return RouteResponse.json(200, o);
  }

  private RouteResponse deleteEnv(RouteRequest req, Project p) {
    String id = req.pathParam("id");
    Env e = p.env.stream().filter(x -> x.id.equals(id)).findFirst().orElse(null);
    if (e == null) {
      return error(404, "not_found", "Environment Variable " + id + " not found");
    }
    p.env.remove(e);
    ArrayNode removed = json().createArrayNode();
    removed.add(render(e));
    return RouteResponse.json(200, removed);
  }

  // ------------------------------------------------------------------------------------ domains

  private RouteResponse addDomain(RouteRequest req, Project p) {
    String name = req.json().path("name").asText("").toLowerCase(Locale.ROOT);
    if (!DOMAIN.matcher(name).matches()) {
      return error(400, "invalid_domain", "The domain \"" + name + "\" is not valid");
    }
    if (p.domains.containsKey(name)) {
      return error(400, "domain_already_in_use", "The domain \"" + name + "\" is already assigned to this project");
    }
    for (Project other : projects.values()) {
      if (other.domains.containsKey(name)) {
        return error(409, "domain_already_in_use", "Cannot add " + name + " since it's already assigned to another project.");
      }
    }
    Domain d = newDomain(name, p, !needVerification.contains(name));
    p.domains.put(name, d);
    return RouteResponse.json(200, render(d));
  }

  private RouteResponse getDomain(RouteRequest req, Project p) {
    Domain d = p.domains.get(req.pathParam("domain"));
    return d == null ? error(404, "not_found", "Project Domain not found") : RouteResponse.json(200, render(d));
  }

  private RouteResponse deleteDomain(RouteRequest req, Project p) {
    if (p.domains.remove(req.pathParam("domain")) == null) {
      return error(404, "not_found", "Project Domain not found");
    }
    return RouteResponse.json(200, newObject());
  }

  private RouteResponse verifyDomain(RouteRequest req, Project p) {
    Domain d = p.domains.get(req.pathParam("domain"));
    if (d == null) {
      return error(400, "not_assigned", "Project domain is not assigned to project");
    }
    if (!d.verified) {
      String[] challenge = challenge(d);
      if (!txtLookup.test(challenge[0], challenge[1])) {
        return error(400, "missing_txt_record", "Domain " + challenge[0] + " is missing required TXT Record \""
            + challenge[1] + "\"");
      }
      d.verified = true;
    }
    return RouteResponse.json(200, render(d));
  }

  private static String[] challenge(Domain d) {
    return new String[] {"_vercel." + d.apexName, "vc-domain-verify=" + d.name + "," + d.challenge};
  }

  // ------------------------------------------------------------------------------------ deployments

  private RouteResponse createDeployment(RouteRequest req) {
    JsonNode body = req.json();
    String name = body.path("name").asText("");
    String projectRef = text(body, "project");
    Project p = find(projectRef != null ? projectRef : name);
    if (p == null) {
      if (projectRef != null) {
        return error(404, "not_found", "Project not found");
      }
      p = newProject(name);
    }
    boolean hasFiles = body.has("files");
    boolean hasGit = body.has("gitSource");
    if (hasFiles && hasGit) {
      return error(400, "bad_request", "Invalid request: `files` and `gitSource` cannot be used together");
    }
    if (!hasFiles && !hasGit && !body.has("deploymentId")) {
      return error(400, "missing_files", "Missing files");
    }
    boolean skipDetection = req.query("skipAutoDetectionConfirmation").map("1"::equals).orElse(false);
    if (!p.deployed && !body.has("projectSettings") && !skipDetection) {
      // createDeployment: "projectSettings ... is required for the first deployment of a project"; the real
      // refusal is vercel/vercel#11404
      return error(400, "missing_project_settings",
          "The `projectSettings` object is required for new projects, but is missing in the deployment payload");
    }
    p.deployed = true;
    Map<String, String> meta = new LinkedHashMap<>();
    body.path("meta").fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
    Deployment d = newDeployment(p, meta, text(body, "target"));
    return RouteResponse.json(200, renderFull(d));
  }

  private RouteResponse getDeployment(RouteRequest req) {
    Deployment d = findDeployment(req.pathParam("idOrUrl"));
    if (d == null) {
      return error(404, "not_found", "The deployment was not found");
    }
    d.polls++;
    settleAlias(d);
    return RouteResponse.json(200, renderPublic(d));
  }

  /**
   * {@code GET /v6/deployments}, newest first, filtered by {@code projectId}, {@code target} and
   * {@code until} (created before); {@code pagination.next} is the {@code createdAt} of the last item when
   * more remain, to pass as {@code until} for the next page.
   */
  private RouteResponse listDeployments(RouteRequest req) {
    Optional<String> projectRef = req.query("projectId");
    Project p = projectRef.map(this::find).orElse(null);
    Optional<String> target = req.query("target");
    long until = req.query("until").map(Long::parseLong).orElse(Long.MAX_VALUE);
    int limit = req.query("limit").map(Integer::parseInt).orElse(20);
    List<Deployment> matching = new ArrayList<>();
    for (Deployment d : deployments.values()) {
      boolean inProject = projectRef.isEmpty() || (p != null && d.projectId.equals(p.id));
      boolean onTarget = target.isEmpty() || target.get().equals(d.target == null ? "preview" : d.target);
      if (inProject && onTarget && d.createdAt < until) {
        matching.add(0, d);
      }
    }
    ObjectNode body = newObject();
    ArrayNode list = body.putArray("deployments");
    List<Deployment> page = matching.stream().limit(limit).toList();
    page.forEach(d -> {
      String state = state(d);
      ObjectNode o = list.addObject().put("uid", d.id).put("name", d.projectName).put("projectId", d.projectId)
          .put("url", d.url).put("created", d.createdAt).put("createdAt", d.createdAt).put("type", "LAMBDAS")
          .put("inspectorUrl", inspector(d)).put("state", state).put("readyState", state);
      o.putObject("creator").put("uid", "usr_fake").put("username", "fake");
      o.set("meta", json().valueToTree(d.meta));
      o.put("target", d.target);
      aliasFields(o, d, state, true);
    });
    ObjectNode pagination = body.putObject("pagination").put("count", page.size());
    if (matching.size() > page.size()) {
      pagination.put("next", page.get(page.size() - 1).createdAt);
    } else {
      pagination.putNull("next");
    }
    pagination.putNull("prev");
    return RouteResponse.json(200, body);
  }

  private RouteResponse cancelDeployment(RouteRequest req) {
    Deployment d = deployments.get(req.pathParam("id"));
    if (d == null) {
      return error(404, "not_found", "The deployment was not found");
    }
    String s = state(d);
    if (s.equals("READY") || s.equals("ERROR") || s.equals("CANCELED")) {
      return error(400, "deployment_not_cancelable", "The deployment is " + s + " and cannot be canceled");
    }
    d.fixedState = "CANCELED";
    return RouteResponse.json(200, renderFull(d));
  }

  private RouteResponse deleteDeployment(RouteRequest req) {
    Deployment d = deployments.remove(req.pathParam("id"));
    if (d == null) {
      return error(404, "not_found", "The deployment was not found");
    }
    Project p = projects.get(d.projectId);
    if (p != null && d.id.equals(p.productionId)) {
      // nothing is aliased any more: the domains answer 404 DEPLOYMENT_NOT_FOUND until another is promoted
      p.productionId = null;
    }
    return RouteResponse.json(200, newObject().put("uid", d.id).put("state", "DELETED"));
  }

  private String state(Deployment d) {
    if (d.fixedState != null) {
      return d.fixedState;
    }
    long phase = phase(d);
    if (phase <= 0) {
      return "QUEUED";
    }
    if (phase == 1 || !buildGate.getAsBoolean()) {
      return "BUILDING";
    }
    d.fixedState = d.failCode == null ? "READY" : "ERROR";
    d.readyPhase = phase;
    if (d.fixedState.equals("READY") && !"production".equals(d.target)) {
      // previews get their automatic aliases (branch and commit URLs) as they become READY
      d.aliasAssignedAt = now();
    }
    return d.fixedState;
  }

  private long phase(Deployment d) {
    return phaseTime == null
        ? d.polls / pollsPerPhase
        : Duration.between(d.started, clock.instant()).toMillis() / Math.max(1, phaseTime.toMillis());
  }

  /**
   * Aliases a READY production deployment {@link #aliasPhases} after it became READY: {@code aliasAssigned} is
   * set after READY, not with it (the V6 finding; the SDK models {@code aliasAssigned}, {@code aliasError} and
   * {@code readySubstate} separately), and only then does the project's domain serve it. With automatic
   * assignment off it stays {@code STAGED}.
   */
  private void settleAlias(Deployment d) {
    if (!"production".equals(d.target) || !"READY".equals(state(d)) || d.aliasAssignedAt != null
        || d.aliasErrorCode != null || d.staged || phase(d) < d.readyPhase + aliasPhases) {
      return;
    }
    Project p = projects.get(d.projectId);
    if (d.aliasFailCode != null) {
      d.aliasErrorCode = d.aliasFailCode;
      d.aliasErrorMessage = d.aliasFailMessage;
    } else if (p == null || !p.autoAssign) {
      d.staged = true;
    } else {
      d.aliasAssignedAt = now();
      p.productionId = d.id;
    }
  }

  // ------------------------------------------------------------------------------------ promotion

  /**
   * {@code POST /v10/projects/{projectId}/promote/{deploymentId}}: "Points all production domains for a project
   * to the given deploy ... does NOT rebuild" (spec). Only a READY production deployment of that project can be
   * promoted this way (vercel/vercel packages/cli/src/commands/promote/request-promote.ts rebuilds any other).
   * The job is reported in the project's {@code lastAliasRequest} and completes on the second read of the
   * project; it also turns automatic assignment back on.
   */
  private RouteResponse promote(RouteRequest req) {
    Project p = find(req.pathParam("projectId"));
    if (p == null) {
      return error(404, "not_found", "Project not found");
    }
    Deployment d = deployments.get(req.pathParam("deploymentId"));
    if (d == null || !d.projectId.equals(p.id)) {
      return error(404, "not_found", "The deployment was not found");
    }
    if (!"READY".equals(state(d))) {
      return error(400, "deployment_not_ready", "The deployment is " + state(d) + " and cannot be promoted");
    }
    if (!"production".equals(d.target)) {
      return error(400, "bad_request", "This deployment is not a production deployment and cannot be directly promoted");
    }
    AliasRequest r = new AliasRequest();
    r.from = p.productionId == null ? d.id : p.productionId;
    r.to = d.id;
    r.requestedAt = now();
    r.status = d.id.equals(p.productionId) ? "skipped" : "pending";
    p.aliasRequest = r;
    return RouteResponse.empty(202);
  }

  private void advancePromotion(Project p) {
    AliasRequest r = p.aliasRequest;
    if (r == null || !(r.status.equals("pending") || r.status.equals("in-progress"))) {
      return;
    }
    if (r.status.equals("pending")) {
      r.status = "in-progress";
      return;
    }
    Deployment d = deployments.get(r.to);
    if (d == null) {
      r.status = "failed";
      return;
    }
    r.status = "succeeded";
    p.productionId = d.id;
    p.autoAssign = true;
    d.staged = false;
    if (d.aliasAssignedAt == null) {
      d.aliasAssignedAt = now();
    }
  }

  // ------------------------------------------------------------------------------------ domain configuration

  /**
   * {@code GET /v6/domains/{domain}/config}: {@code misconfigured} until a CNAME of the domain points at one
   * of the recommended CNAMEs, or an A record at one of the recommended IPv4s, as {@link #dnsLookup} resolves
   * them. The rank-1 CNAME is per project, like {@code d1d4fc829fe7bc7c.vercel-dns-017.com}
   * (vercel.com/docs/domains/working-with-domains/add-a-domain), with {@code cname.vercel-dns.com} at rank 2.
   */
  private RouteResponse domainConfig(RouteRequest req) {
    String domain = req.pathParam("domain").toLowerCase(Locale.ROOT);
    Project p = req.query("projectIdOrName").map(this::find).orElse(null);
    if (p == null) {
      p = projects.values().stream().filter(x -> x.domains.containsKey(domain)).findFirst().orElse(null);
    }
    List<String> cnames = p == null ? List.of(GENERIC_CNAME) : List.of(p.cname, GENERIC_CNAME);
    List<String> ips = List.of(RECOMMENDED_IPV4, LEGACY_IPV4);
    String configuredBy = null;
    for (String target : dnsLookup.apply("CNAME", domain)) {
      if (cnames.contains(stripDot(target))) {
        configuredBy = "CNAME";
      }
    }
    for (String address : dnsLookup.apply("A", domain)) {
      if (configuredBy == null && ips.contains(address.trim())) {
        configuredBy = "A";
      }
    }
    ObjectNode o = newObject();
    if (configuredBy == null) {
      o.putNull("configuredBy");
    } else {
      o.put("configuredBy", configuredBy);
    }
    o.putArray("acceptedChallenges").add("http-01");
    ArrayNode rc = o.putArray("recommendedCNAME");
    for (int i = 0; i < cnames.size(); i++) {
      rc.addObject().put("rank", i + 1).put("value", cnames.get(i));
    }
    ArrayNode ri = o.putArray("recommendedIPv4");
    for (int i = 0; i < ips.size(); i++) {
      ri.addObject().put("rank", i + 1).putArray("value").add(ips.get(i));
    }
    o.put("misconfigured", configuredBy == null);
    return RouteResponse.json(200, o);
  }

  private static String stripDot(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  private Deployment findDeployment(String idOrUrl) {
    String key = idOrUrl.replaceFirst("^https?://", "");
    Deployment d = deployments.get(key);
    if (d != null) {
      return d;
    }
    return deployments.values().stream().filter(x -> x.url.equals(key)).findFirst().orElse(null);
  }

  // ------------------------------------------------------------------------------------ rendering

  private ObjectNode render(Project p) {
    ObjectNode o = newObject().put("accountId", "team_fake").put("directoryListing", false).put("id", p.id)
        .put("name", p.name).put("nodeVersion", "22.x").put("createdAt", p.createdAt).put("updatedAt", p.createdAt);
    o.putObject("resourceConfig").putArray("functionDefaultRegions").add("iad1");
    o.putObject("defaultResourceConfig").putArray("functionDefaultRegions").add("iad1");
    o.put("framework", p.framework).put("buildCommand", p.buildCommand).put("installCommand", p.installCommand)
        .put("outputDirectory", p.outputDirectory).put("rootDirectory", p.rootDirectory);
    ArrayNode env = o.putArray("env");
    p.env.forEach(e -> env.add(render(e)));
    o.put("autoAssignCustomDomains", p.autoAssign);
    Deployment serving = p.productionId == null ? null : deployments.get(p.productionId);
    if (serving != null) {
      ObjectNode t = o.putObject("targets").putObject("production").put("id", serving.id)
          .put("createdAt", serving.createdAt).put("createdIn", "sfo1").put("deploymentHostname", serving.url)
          .put("name", serving.projectName).put("plan", "pro").put("private", true).put("readyState", state(serving))
          .put("type", "LAMBDAS").put("url", serving.url).put("userId", "usr_fake");
      t.putObject("creator").put("uid", "usr_fake").put("username", "fake").put("email", "fake@example.com");
      if (serving.aliasAssignedAt != null) {
        t.put("aliasAssigned", serving.aliasAssignedAt);
      }
      ArrayNode alias = t.putArray("alias");
      p.domains.keySet().forEach(alias::add);
    }
    if (p.aliasRequest != null) {
      o.putObject("lastAliasRequest").put("fromDeploymentId", p.aliasRequest.from)
          .put("toDeploymentId", p.aliasRequest.to).put("jobStatus", p.aliasRequest.status)
          .put("requestedAt", p.aliasRequest.requestedAt).put("type", "promote");
    }
    return o;
  }

  /**
   * A variable as list responses (and the project's {@code env[]}) show it: the value is ciphertext whatever
   * the type, {@code plain} included, with {@code decrypted: false}, even with {@code ?decrypt=true}
   * (vercel/vercel#9072 "always returns encrypted values"; vercel/sdk#118); the comment is in clear.
   */
  private ObjectNode render(Env e) {
    String ciphertext = Base64.getEncoder().encodeToString(("v2:" + e.id + ":" + e.updatedAt + ":" + e.value.length())
        .getBytes(StandardCharsets.UTF_8));
    ObjectNode o = newObject().put("type", e.type).put("id", e.id).put("key", e.key)
        .put("value", ciphertext).put("decrypted", false).put("createdAt", e.createdAt).put("updatedAt", e.updatedAt);
    ArrayNode target = o.putArray("target");
    e.target.forEach(target::add);
    if (e.gitBranch != null) {
      o.put("gitBranch", e.gitBranch);
    }
    if (e.comment != null) {
      o.put("comment", e.comment);
    }
    return o;
  }

  private ObjectNode render(Domain d) {
    ObjectNode o = newObject().put("name", d.name).put("apexName", d.apexName).put("projectId", d.projectId)
        .put("verified", d.verified).put("createdAt", d.createdAt).put("updatedAt", d.createdAt);
    if (!d.verified) {
      String[] c = challenge(d);
      o.putArray("verification").addObject().put("type", "TXT").put("domain", c[0]).put("value", c[1])
          .put("reason", "pending_domain_verification");
    }
    return o;
  }

  /** The form {@code GET /v13/deployments} answers: the public alternative of its {@code oneOf}. */
  private ObjectNode renderPublic(Deployment d) {
    String s = state(d);
    ObjectNode o = newObject().put("id", d.id).put("name", d.projectName).put("url", d.url).put("createdAt", d.createdAt)
        .put("readyState", s).put("status", s).put("type", "LAMBDAS").put("version", 2).put("public", false)
        .put("bootedAt", d.createdAt).put("buildingAt", d.createdAt)
        .put("buildSkipped", false).put("source", "cli").put("target", d.target);
    aliasFields(o, d, s, false);
    o.putObject("creator").put("uid", "usr_fake").put("username", "fake");
    o.set("meta", json().valueToTree(d.meta));
    o.putArray("regions").add("iad1");
    o.putObject("project").put("id", d.projectId).put("name", d.projectName);
    if (s.equals("READY")) {
      o.put("ready", d.createdAt + 1000);
    }
    if (s.equals("ERROR")) {
      o.put("errorCode", d.failCode).put("errorMessage", d.failMessage).put("errorStep", "build");
    }
    return o;
  }

  /**
   * {@code aliasAssigned}, {@code aliasError} and {@code readySubstate}. {@code GET}/{@code POST /v13/deployments}
   * declare {@code aliasAssigned} a boolean; the list and the project's {@code targets} a timestamp or boolean.
   */
  private void aliasFields(ObjectNode o, Deployment d, String state, boolean timestamp) {
    if (d.aliasAssignedAt != null && timestamp) {
      o.put("aliasAssigned", d.aliasAssignedAt);
    } else {
      o.put("aliasAssigned", d.aliasAssignedAt != null);
    }
    if (d.aliasErrorCode != null) {
      o.putObject("aliasError").put("code", d.aliasErrorCode).put("message", d.aliasErrorMessage);
    } else {
      o.putNull("aliasError");
    }
    if (state.equals("READY") && "production".equals(d.target)) {
      if (d.staged) {
        o.put("readySubstate", "STAGED");
      } else if (d.aliasAssignedAt != null) {
        o.put("readySubstate", "PROMOTED");
      }
    }
  }

  /** The full form {@code POST /v13/deployments} and cancel answer. */
  private ObjectNode renderFull(Deployment d) {
    ObjectNode o = renderPublic(d);
    o.remove("project");
    o.remove("source");
    o.putObject("build").putArray("env");
    o.putArray("env");
    o.put("inspectorUrl", inspector(d)).put("isInConcurrentBuildsQueue", false).put("isInSystemBuildsQueue", false)
        .put("projectId", d.projectId).put("plan", "pro").put("createdIn", "sfo1").put("ownerId", "team_fake");
    o.putObject("projectSettings");
    o.putNull("routes");
    return o;
  }

  private static String inspector(Deployment d) {
    return "https://vercel.com/fake/" + d.projectName + "/" + d.id.substring(4);
  }

  // ------------------------------------------------------------------------------------ state helpers

  private Project find(String idOrName) {
    if (idOrName == null) {
      return null;
    }
    Project p = projects.get(idOrName);
    if (p == null) {
      p = findByName(idOrName);
    }
    if (p == null && !idOrName.startsWith("prj_")) {
      String marker = projectFixtures.apply(idOrName);
      if (marker != null) {
        p = projects.get(putProject(idOrName, marker));
      }
    }
    return p;
  }

  private Project findByName(String name) {
    for (Project p : projects.values()) {
      if (p.name.equals(name)) {
        return p;
      }
    }
    return null;
  }

  /** The project of that id or name, never made from {@link #projectFixtures}: what a test changes by hand. */
  private Project existing(String idOrName) {
    Project p = projects.containsKey(idOrName) ? projects.get(idOrName) : findByName(idOrName);
    if (p == null) {
      throw new IllegalArgumentException("no project " + idOrName + " in the fake");
    }
    return p;
  }

  private Project requireProject(String idOrName) {
    Project p = find(idOrName);
    if (p == null) {
      throw new IllegalArgumentException("no project " + idOrName + " in the fake");
    }
    return p;
  }

  private Project newProject(String name) {
    Project p = new Project();
    p.id = "prj_" + randomId(28);
    p.name = name;
    p.createdAt = now();
    p.cname = hex(16) + ".vercel-dns-017.com";
    projects.put(p.id, p);
    return p;
  }

  private Env newEnv(String key, String value, String type, List<String> target, String gitBranch, String comment) {
    Env e = new Env();
    e.id = randomId(16);
    e.key = key;
    e.value = value;
    e.type = type;
    e.target = List.copyOf(target);
    e.gitBranch = gitBranch;
    e.comment = comment;
    e.createdAt = now();
    e.updatedAt = e.createdAt;
    return e;
  }

  private Domain newDomain(String name, Project p, boolean verified) {
    Domain d = new Domain();
    d.name = name;
    String[] labels = name.split("\\.");
    d.apexName = labels.length <= 2 ? name : labels[labels.length - 2] + "." + labels[labels.length - 1];
    d.projectId = p.id;
    d.verified = verified;
    d.challenge = randomId(20).toLowerCase(Locale.ROOT);
    d.createdAt = now();
    return d;
  }

  private Deployment newDeployment(Project p, Map<String, String> meta, String target) {
    Deployment d = new Deployment();
    d.id = "dpl_" + randomId(28);
    d.projectId = p.id;
    d.projectName = p.name;
    d.url = p.name + "-" + randomId(9).toLowerCase(Locale.ROOT) + "." + deploymentHost;
    d.meta = new LinkedHashMap<>(meta);
    d.target = "production".equals(target) || "staging".equals(target) ? target : null;
    // strictly increasing, so that paging with until=<createdAt of the last item> never skips one
    d.createdAt = Math.max(now(), lastCreatedAt + 1);
    lastCreatedAt = d.createdAt;
    if ("production".equals(d.target)) {
      d.aliasFailCode = aliasFailCode;
      d.aliasFailMessage = aliasFailMessage;
    }
    d.started = clock.instant();
    d.failCode = failCode;
    d.failMessage = failMessage;
    deployments.put(d.id, d);
    return d;
  }

  private List<String> targets(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(t -> out.add(t.asText()));
    } else if (node.isTextual()) {
      out.add(node.asText());
    }
    return out.isEmpty() ? ALL_TARGETS : out;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private long now() {
    return clock.millis();
  }

  private String hex(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(Character.forDigit(random.nextInt(16), 16));
    }
    return sb.toString();
  }

  private String randomId(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHANUM.charAt(random.nextInt(ALPHANUM.length())));
    }
    return sb.toString();
  }

  private RouteResponse error(int status, String code, String message) {
    return RouteResponse.json(status, Map.of("error", Map.of("code", code, "message", message)));
  }

  private static final class Project {
    String id;
    String name;
    long createdAt;
    String framework;
    String buildCommand;
    String installCommand;
    String outputDirectory;
    String rootDirectory;
    String cname;
    boolean deployed;
    boolean autoAssign = true;
    String productionId;
    AliasRequest aliasRequest;
    final List<Env> env = new ArrayList<>();
    final Map<String, Domain> domains = new LinkedHashMap<>();
  }

  private static final class AliasRequest {
    String from;
    String to;
    String status;
    long requestedAt;
  }

  private static final class Env {
    String id;
    String key;
    String value;
    String type;
    List<String> target;
    String gitBranch;
    String comment;
    long createdAt;
    long updatedAt;
  }

  private static final class Domain {
    String name;
    String apexName;
    String projectId;
    boolean verified;
    String challenge;
    long createdAt;
  }

  private static final class Deployment {
    String id;
    String projectId;
    String projectName;
    String url;
    Map<String, String> meta;
    String target;
    long createdAt;
    Instant started;
    int polls;
    String fixedState;
    String failCode;
    String failMessage;
    long readyPhase;
    Long aliasAssignedAt;
    boolean staged;
    String aliasFailCode;
    String aliasFailMessage;
    String aliasErrorCode;
    String aliasErrorMessage;
  }
}
