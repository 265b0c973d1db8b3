package dev.tenantwright.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.Tenantwright;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenantwright as an HTTP service: the engine on its journal, the REST API ({@code /openapi.json} describes it),
 * event streams from the journal, the git push webhook and the operator console ({@code /console/}), on Javalin.
 *
 * <pre>{@code
 * try (TenantwrightServer server = TenantwrightServer.start(ServerConfig.builder().port(8080).build())) {
 *   server.awaitStop();
 * }
 * }</pre>
 *
 * <p>Every request but {@code /health}, {@code /openapi.json}, the console's files and the push webhook needs an API
 * token; the first start on an empty store writes an admin token to {@code dataDir/admin.token} (owner-only) and
 * says so in the log, without the token.
 */
public final class TenantwrightServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TenantwrightServer.class);
  static final String ADMIN_TOKEN_FILE = "admin.token";

  private final ServerConfig config;
  private final ServerStore store;
  private final Tenantwright tw;
  private final SandboxBackends sandbox;
  private final ApiTokens tokens;
  private final EventHub hub;
  private final ExecutorService background;
  private final Javalin app;
  /**
   * Rate-limit buckets by token (or, for the webhook, by client address), the least recently used dropped past
   * {@link #MAX_BUCKETS}: addresses are unbounded, and a dropped key only starts again with a full budget.
   */
  private final Map<String, Bucket> buckets = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
          return size() > MAX_BUCKETS;
        }
      });
  private static final int MAX_BUCKETS = 10_000;
  private final String openApi;

  private TenantwrightServer(ServerConfig config, ServerStore store, Tenantwright tw, SandboxBackends sandbox,
      ApiTokens tokens, EventHub hub, ExecutorService background, Approvals approvals, Operations operations,
      PushHooks pushHooks) {
    this.config = config;
    this.store = store;
    this.tw = tw;
    this.sandbox = sandbox;
    this.tokens = tokens;
    this.hub = hub;
    this.background = background;
    this.openApi = openApiJson();
    ApiRoutes api = new ApiRoutes(tw, operations, approvals, tokens);
    // Requests are short (streams hold no thread): 20 threads serve them, with Jetty's acceptor and selectors among
    // them; an idle one goes after 10 s, so a burst of connections does not leave the pool at its peak.
    QueuedThreadPool threads = new QueuedThreadPool(20, 4, 10_000);
    threads.setName("tw-http");
    threads.setDaemon(true);
    this.app = Javalin.create(c -> {
      c.jetty.host = config.host();
      c.jetty.port = config.port();
      c.jetty.threadPool = threads;
      c.http.maxRequestSize = config.requestBytes();
      c.http.asyncTimeout = 0L;
      c.startup.showJavalinBanner = false;
      c.staticFiles.add(sf -> {
        sf.hostedPath = "/console";
        sf.directory = "/dev/tenantwright/server/console";
        sf.location = Location.CLASSPATH;
      });
      c.routes.before(this::gate);
      c.routes.after(TenantwrightServer::securityHeaders);
      c.routes.exception(Exception.class, Problems::handle);
      c.routes.error(404, ctx -> {
        if (!"application/problem+json".equals(ctx.res().getContentType())) {
          Problems.write(ctx, 404, "not-found", "no such resource: " + ctx.method() + " " + ctx.path(), null, null);
        }
      });
      c.routes.error(405, ctx -> Problems.write(ctx, 405, "method", ctx.method() + " is not allowed on "
          + ctx.path(), null, null));
      c.routes.get("/health", this::health);
      c.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
      c.routes.get("/", ctx -> ctx.redirect("/console/"));
      api.register(c.routes);
      c.routes.get("/runs/{run}/events", this::runEvents);
      c.routes.get("/tenants/{tenant}/events", this::tenantEvents);
      c.routes.post("/hooks/github/{tenant}/{environment}", pushHooks::handle);
    });
  }

  /**
   * Opens the journal and the server store, starts the engine (and the sandbox's fakes when configured) and
   * serves. On a store without an admin token, writes one to {@code dataDir/admin.token}.
   */
  public static TenantwrightServer start(ServerConfig config) {
    Objects.requireNonNull(config, "config");
    Clock clock = Clock.systemUTC();
    createDataDir(config.dataDir());
    ServerStore store = ServerStore.open(config);
    SandboxBackends sandbox = null;
    Tenantwright tw = null;
    EventHub hub = null;
    ExecutorService background = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "tw-server-task");
      t.setDaemon(true);
      return t;
    });
    try {
      Tenantwright.Builder b = Tenantwright.builder().owner(config.node()).leaseDuration(config.lease())
          .secretKeyFile(config.secretKeyFile());
      if (store.sharesJournal()) {
        b.dataSource(store.dataSource());
      } else {
        b.embedded(config.dataDir());
      }
      if (Files.isDirectory(config.pluginsDir())) {
        b.plugins(config.pluginsDir());
      }
      if (Files.isDirectory(config.blueprintsDir())) {
        b.blueprints(config.blueprintsDir());
      }
      config.plugins().forEach(b::pluginConfig);
      if (!config.egressAllow().isEmpty()) {
        b.egressAllow(config.egressAllow().toArray(String[]::new));
      }
      if (!config.platformDomains().isEmpty()) {
        b.platformDomains(config.platformDomains().toArray(String[]::new));
      }
      String[] hooksBase = new String[1];
      if (config.sandbox()) {
        sandbox = SandboxBackends.start(() -> hooksBase[0]);
        sandbox.configure(b);
        b.defaultBlueprint(config.defaultBlueprint() != null ? config.defaultBlueprint()
            : SandboxBackends.DEFAULT_BLUEPRINT);
      } else if (config.defaultBlueprint() != null) {
        b.defaultBlueprint(config.defaultBlueprint());
      }
      tw = b.build();
      Operations.ParameterDefaults defaults = (t, e, o) -> o;
      if (sandbox != null) {
        sandbox.attach(tw);
        defaults = sandbox;
      }
      Tenantwright engine = tw;
      hub = new EventHub(tw.events(), () -> engine.events().lastId(), Duration.ofMillis(50),
          config.maxSubscribers());
      ApiTokens tokens = new ApiTokens(store, clock, config.ratePerMinute());
      Approvals approvals = new Approvals(store, clock, config.twoPersonApproval());
      Operations operations = new Operations(tw, background, defaults);
      PushHooks pushHooks = new PushHooks(tw, store, defaults, clock, config.requestBytes());
      TenantwrightServer server = new TenantwrightServer(config, store, tw, sandbox, tokens, hub, background,
          approvals, operations, pushHooks);
      server.app.start();
      hooksBase[0] = (config.publicUrl() != null ? config.publicUrl() : server.url()) + "/hooks/github";
      server.writeFirstAdminToken();
      LOG.info("Tenantwright server {} listening on {} (journal: {}{})", config.node(), server.url(),
          store.sharesJournal() ? "shared" : "embedded H2 in " + config.dataDir().toAbsolutePath(),
          sandbox != null ? ", sandbox backends" : "");
      return server;
    } catch (RuntimeException e) {
      if (hub != null) {
        hub.close();
      }
      if (tw != null) {
        tw.close();
      }
      if (sandbox != null) {
        sandbox.close();
      }
      background.shutdownNow();
      store.close();
      throw e;
    }
  }

  private static void createDataDir(Path dir) {
    try {
      if (!Files.exists(dir)) {
        Files.createDirectories(dir);
        try {
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException notPosix) {
          // not a POSIX file system: the directory keeps its default access
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the data directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Authenticates and rate-limits every request that needs it; refuses oversized bodies before reading them. */
  private void gate(Context ctx) {
    String path = ctx.path();
    long length = ctx.req().getContentLengthLong();
    if (length > config.requestBytes()) {
      throw new ApiException(413, "too-large", "the body is " + length + " bytes; this server takes at most "
          + config.requestBytes(), null);
    }
    if (path.equals("/health") || path.equals("/openapi.json") || path.equals("/") || path.startsWith("/console")) {
      return;
    }
    if (path.startsWith("/hooks/")) {
      limit("ip:" + ctx.ip(), config.ratePerMinute());
      return;
    }
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw new ApiException(401, "unauthorized", "send 'Authorization: Bearer <token>'", null);
    }
    Principal p = tokens.authenticate(header.substring(7).trim()).orElseThrow(() -> {
      ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      return new ApiException(401, "unauthorized", "the token is unknown or revoked", null);
    });
    limit("token:" + p.tokenId(), p.ratePerMinute());
    ctx.attribute(Requests.PRINCIPAL, p);
  }

  /**
   * What every answer says to a browser: no sniffing, no framing, and for the console's pages only this origin's
   * scripts and styles and calls (the console renders tenant-typed text as text; the policy is the second line).
   * API answers are not cached.
   */
  private static void securityHeaders(Context ctx) {
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "no-referrer");
    if (ctx.path().startsWith("/console")) {
      ctx.header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self';"
          + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    } else {
      ctx.header("Cache-Control", "no-store");
    }
  }

  private void limit(String key, int perMinute) {
    Bucket bucket = buckets.computeIfAbsent(key + "/" + perMinute, k -> Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
        .build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
      throw new ApiException(429, "rate-limited", "this token's limit is " + perMinute + " requests a minute",
          null, seconds);
    }
  }

  private void health(Context ctx) {
    ObjectNode o = Views.JSON.createObjectNode();
    o.put("node", config.node());
    try {
      tw.events().lastId();
      o.put("status", "UP");
      ApiRoutes.json(ctx, 200, o);
    } catch (RuntimeException e) {
      o.put("status", "DOWN");
      o.put("detail", "the journal cannot be reached");
      ApiRoutes.json(ctx, 503, o);
    }
  }

  private void runEvents(Context ctx) {
    String id = ctx.pathParam("run");
    Run run = tw.runs().find(id).orElseThrow(() -> ApiException.notFound("run '" + id + "' does not exist"));
    if (!Requests.principal(ctx).mayRead(run.tenantId())) {
      throw ApiException.notFound("run '" + id + "' does not exist");
    }
    long after = Math.max(0, Requests.lastEventId(ctx));
    if (run.state().isTerminal() && tw.events().ofRun(id, after, Long.MAX_VALUE, 1).isEmpty()) {
      ctx.status(204);
      return;
    }
    stream(ctx, run.tenantId(), id, after);
  }

  private void tenantEvents(Context ctx) {
    String tenant = ctx.pathParam("tenant");
    Requests.reader(ctx, tenant);
    tw.tenants().get(tenant);
    long after = Requests.lastEventId(ctx);
    stream(ctx, tenant, null, after < 0 ? hub.cursor() : after);
  }

  private void stream(Context ctx, String tenant, String run, long after) {
    String accept = ctx.header("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      throw new ApiException(406, "not-acceptable", "an event stream: send 'Accept: text/event-stream'", null);
    }
    if (hub.full()) {
      throw new ApiException(503, "too-many-streams", "this node serves " + config.maxSubscribers()
          + " event streams already; try again or another node", null, 5);
    }
    hub.subscribe(tenant, run, after, SseSink.open(ctx, run != null ? "run " + run : "tenant " + tenant));
  }

  private void writeFirstAdminToken() {
    if (tokens.anyAdmin()) {
      return;
    }
    ApiTokens.Issued issued = tokens.issue("admin", "admin", null, null);
    Path file = config.dataDir().resolve(ADMIN_TOKEN_FILE);
    try {
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, issued.secret() + "\n");
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalStateException("cannot write the first admin token to " + file + ": " + e.getMessage(), e);
    }
    LOG.info("no admin token existed: one was written to {} (readable by this user only)", file.toAbsolutePath());
  }

  private static String openApiJson() {
    try (InputStream in = TenantwrightServer.class.getResourceAsStream("openapi.yaml")) {
      JsonNode doc = new YAMLMapper().readTree(Objects.requireNonNull(in, "openapi.yaml"));
      return Views.JSON.writeValueAsString(doc);
    } catch (IOException e) {
      throw new IllegalStateException("the bundled OpenAPI document cannot be read", e);
    }
  }

  /** {@code http://host:port} as a client on this machine reaches it. */
  public String url() {
    String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
    return "http://" + host + ":" + app.port();
  }

  public int port() {
    return app.port();
  }

  /** The engine this server runs. */
  public Tenantwright tenantwright() {
    return tw;
  }

  /**
   * Issues an API token without a request: for the {@code token create} command and tests.
   *
   * @param scope {@code admin} or {@code tenant}
   * @param tenantId the tenant a {@code tenant} token reads, else null
   * @return the token, whose secret is seen only here
   */
  public String issueToken(String name, String scope, String tenantId) {
    return tokens.issue(name, scope, tenantId, null).secret();
  }

  /** The sandbox's fakes when the server runs with {@code sandbox}, for tests and demos. */
  public java.util.Optional<dev.tenantwright.examples.stories.Sandbox> sandbox() {
    return java.util.Optional.ofNullable(sandbox).map(SandboxBackends::sandbox);
  }

  /** Open event streams on this node. */
  public int eventStreams() {
    return hub.subscribers();
  }

  /** Blocks until the server is closed (by {@link #close()} or the JVM's shutdown). */
  public void awaitStop() throws InterruptedException {
    app.jettyServer().server().join();
  }

  /** Stops serving (event streams end), drains the engine, closes the store and the sandbox. */
  @Override
  public void close() {
    try {
      hub.close();
      app.stop();
    } finally {
      try {
        tw.close();
      } finally {
        background.shutdownNow();
        if (sandbox != null) {
          sandbox.close();
        }
        store.close();
      }
    }
  }
}
