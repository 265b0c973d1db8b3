package dev.tenantwright.examples.portal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.EnvironmentStatus;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.PolicyViolationException;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.TenantState;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.examples.portal.Pages.SignupForm;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.TenantwrightException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portal's HTTP side on the JDK's {@link HttpServer}: sign-up, sign-in by mailed link, provisioning page,
 * event stream, retry and status JSON. The tenant's data comes from the {@link Tenantwright} it embeds; the
 * sign-in records (page ids, links, sessions) from {@link Accounts}.
 *
 * <pre>
 * GET  /                                            sign-up form
 * POST /signup                                      "check your inbox"; mails a sign-in link (or says what happened)
 * GET  /signin, POST /signin                        ask for a sign-in link by e-mail address
 * GET  /signin/confirm?token=…                      the mailed link: a Sign in button (the link is not used up yet)
 * POST /signin/confirm                              uses the link up, sets the session cookie → 303 to the page;
 *                                                   the first sign-in provisions demo and live
 * POST /signout                                     ends the session
 * GET  /t/{page}                                    provisioning page (session of its tenant)
 * GET  /t/{page}/events                             text/event-stream of the tenant's runs
 * GET  /t/{page}/environments/{env}/status          environments().status(...) as JSON, with the links
 * POST /t/{page}/environments/{env}/retry           environments().retry(...) → 303 to the page
 * GET  /static/portal.css, /static/portal.js
 * </pre>
 *
 * <p>What keeps tenants apart (security finding SEC5): a page is addressed by a random page id, not the
 * tenant's slug, and answers only to a session of its own tenant — without one it asks to sign in, with
 * another tenant's it is "not found", exactly like an address that does not exist. A request whose {@code Host}
 * is not allowed is refused (DNS rebinding). Sign-up and sign-in answer alike whatever the address is and are
 * rate-limited per client and overall. Posts that change something need a same-origin browser
 * ({@code Sec-Fetch-Site}/{@code Origin}); those of a signed-in page also the session's CSRF token, and a
 * client that sends neither header gets nowhere without both. Threads are bounded, and so are event streams,
 * in all and per client. Every page is sent with a Content-Security-Policy that allows only this origin's
 * scripts and styles.
 */
final class PortalServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PortalServer.class);
  private static final String PAGE = "/t/([A-Za-z0-9_-]{22})";
  private static final Pattern TENANT = Pattern.compile(PAGE);
  private static final Pattern EVENTS = Pattern.compile(PAGE + "/events");
  private static final Pattern ENVIRONMENT = Pattern.compile(
      PAGE + "/environments/(demo|live|test-[a-z][a-z0-9-]{0,19})/(status|retry)");
  private static final Map<String, String> STATIC = Map.of(
      "/static/portal.css", "text/css; charset=utf-8",
      "/static/portal.js", "text/javascript; charset=utf-8");
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
  private static final int QUEUED_REQUESTS = 256;
  private static final int CLIENTS_REMEMBERED = 10_000;

  private final Tenantwright tw;
  private final Accounts accounts;
  private final Mailer mailer;
  private final Pages pages;
  private final int maxProvisionAttempts;
  private final Map<String, String> parameters;
  private final BiFunction<String, String, Map<String, Object>> sandboxParameters;
  private final Portal.Access access;
  private final Set<String> trustedProxies;
  private final RateLimiter perClient;
  private final RateLimiter overall;
  private final RateLimiter perAddress;
  private final String cookie;
  private final ObjectMapper json = new ObjectMapper();
  private final ProgressStreams streams;
  private final ThreadPoolExecutor executor;
  private final HttpServer server;
  private final AllowedHosts allowedHosts;

  /**
   * {@code parameters} are the configured blueprint vars (with {@code {tenant}} and {@code {environment}}),
   * {@code sandboxParameters} what a SANDBOX story needs for a tenant's environment; the configured ones win.
   */
  PortalServer(Tenantwright tw, Accounts accounts, Mailer mailer, Clock clock, Pages.Backend backend,
      int maxProvisionAttempts, Map<String, String> parameters,
      BiFunction<String, String, Map<String, Object>> sandboxParameters, Portal.Access access,
      InetSocketAddress address) throws IOException {
    this.tw = tw;
    this.accounts = accounts;
    this.mailer = mailer;
    this.parameters = Map.copyOf(parameters);
    this.sandboxParameters = sandboxParameters;
    this.access = access;
    this.trustedProxies = Set.copyOf(access.trustedProxies());
    this.pages = new Pages(backend, mailer instanceof OutboxMailer o ? o.file().toString() : null,
        access.linkLifetime().toMinutes());
    this.maxProvisionAttempts = maxProvisionAttempts;
    this.perClient = new RateLimiter(access.signupsPerClient(), clock, CLIENTS_REMEMBERED);
    this.overall = new RateLimiter(access.signupsOverall(), clock, 1);
    this.perAddress = new RateLimiter(access.mailsPerAddress(), clock, CLIENTS_REMEMBERED);
    // A __Host- cookie is only accepted over TLS, for the whole site, from this host alone (RFC 6265bis 4.1.3.2).
    this.cookie = access.tls() ? "__Host-portal-session" : "portal-session";
    this.streams = new ProgressStreams(tw, json, maxProvisionAttempts, access.streams(), access.streamsPerClient());
    AtomicInteger threads = new AtomicInteger();
    // Bounded: each open event stream holds a thread, and streams are capped below the pool's size. A request
    // that finds every thread busy and the queue full is dropped (the JDK server closes its connection).
    this.executor = new ThreadPoolExecutor(access.threads(), access.threads(), 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(QUEUED_REQUESTS), r -> {
          Thread t = new Thread(r, "portal-http-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    executor.allowCoreThreadTimeOut(true);
    this.server = HttpServer.create(address, 0);
    this.allowedHosts = AllowedHosts.of(server.getAddress(), access.allowedHosts(), access.publicUrl());
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  void start() {
    server.start();
    LOG.info("answering to the host names {}", allowedHosts);
  }

  /** The address the portal listens on (with the actual port when 0 was asked for). */
  InetSocketAddress address() {
    return server.getAddress();
  }

  /** The portal's own address, e.g. {@code http://127.0.0.1:8080/}. */
  URI ownUri() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/");
  }

  /** Where people reach the portal: the public URL when one is set, else its own address. */
  private String base() {
    URI url = access.publicUrl() == null ? ownUri() : access.publicUrl();
    String s = url.toString();
    return s.endsWith("/") ? s : s + "/";
  }

  @Override
  public void close() {
    streams.close();
    server.stop(1);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      String path = ex.getRequestURI().getPath();
      ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      ex.getResponseHeaders().set("Referrer-Policy", "same-origin");
      if (!allowedHosts.allows(ex.getRequestHeaders().getFirst("Host"))) {
        misdirected(ex);
        return;
      }
      Matcher m;
      if (path.equals("/")) {
        if (allow(ex, "GET")) {
          html(ex, 200, pages.signup(SignupForm.EMPTY, Map.of(), null));
        }
      } else if (path.equals("/signup")) {
        if (allow(ex, "POST") && fromThisSite(ex)) {
          signup(ex);
        }
      } else if (path.equals("/signin")) {
        if (ex.getRequestMethod().equals("POST")) {
          if (fromThisSite(ex)) {
            requestLink(ex);
          }
        } else if (allow(ex, "GET")) {
          html(ex, 200, pages.signin("", null, null));
        }
      } else if (path.equals("/signin/confirm")) {
        if (ex.getRequestMethod().equals("POST")) {
          if (fromThisSite(ex)) {
            confirm(ex);
          }
        } else if (allow(ex, "GET")) {
          confirmPage(ex);
        }
      } else if (path.equals("/signout")) {
        if (allow(ex, "POST")) {
          signout(ex);
        }
      } else if ((m = TENANT.matcher(path)).matches()) {
        if (allow(ex, "GET")) {
          tenantPage(ex, m.group(1));
        }
      } else if ((m = EVENTS.matcher(path)).matches()) {
        if (allow(ex, "GET")) {
          events(ex, m.group(1));
        }
      } else if ((m = ENVIRONMENT.matcher(path)).matches()) {
        if (m.group(3).equals("status")) {
          if (allow(ex, "GET")) {
            status(ex, m.group(1), m.group(2));
          }
        } else if (allow(ex, "POST")) {
          retry(ex, m.group(1), m.group(2));
        }
      } else if (STATIC.containsKey(path)) {
        if (allow(ex, "GET")) {
          resource(ex, path);
        }
      } else {
        notFound(ex);
      }
    } catch (IOException e) {
      LOG.debug("{} {}: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(), e.toString());
    } catch (RuntimeException | Error e) {
      // Without this the JDK's server drops the connection silently and the browser shows an empty response.
      LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
      if (ex.getResponseCode() == -1) {
        html(ex, 500, pages.message("Something went wrong", "The portal could not handle this request. "
            + "The details are in its log."));
      }
    } finally {
      ex.close();
    }
  }

  /**
   * Refuses a request for a host name the portal does not answer to with 421 Misdirected Request (RFC 9110
   * 15.5.20): after DNS rebinding, the attacker's page asks for its own name.
   */
  private void misdirected(HttpExchange ex) throws IOException {
    String host = String.valueOf(ex.getRequestHeaders().getFirst("Host"));
    LOG.warn("refused a request for host '{}' from {}: not an allowed host name (--allowed-host)",
        host.length() > 100 ? host.substring(0, 100) + "…" : host, client(ex));
    send(ex, 421, "text/plain; charset=utf-8",
        "This server does not answer to that host name.\n".getBytes(StandardCharsets.UTF_8));
  }

  // ------------------------------------------------------------------------------------------ sign-up, sign-in

  private void signup(HttpExchange ex) throws IOException {
    Optional<Map<String, String>> fields = form(ex);
    if (fields.isEmpty()) {
      return;
    }
    SignupForm form = new SignupForm(fields.get().getOrDefault("company", "").strip(),
        fields.get().getOrDefault("email", "").strip(), fields.get().getOrDefault("industry", "").strip());
    if (!Pages.INDUSTRIES.containsKey(form.industry())) {
      html(ex, 422, pages.signup(form, Map.of("industry", "Choose the industry closest to yours."), null));
      return;
    }
    if (limited(ex)) {
      return;
    }
    Tenant tenant;
    try {
      tenant = tw.tenants().create(NewTenant.company(form.company()).email(form.email())
          .attribute("industry", form.industry()));
    } catch (ValidationException e) {
      html(ex, 422, pages.signup(form, fieldError(e), null));
      return;
    } catch (ConflictException e) {
      // The address belongs to another company: tell its owner, and answer as for any other sign-up.
      owner(form.email()).ifPresent(owner -> mail(owner, "Someone tried to sign up with your address",
          link -> "Someone asked to sign up the company \"" + form.company() + "\" with this e-mail address. It "
              + "already belongs to the account of " + owner.displayName() + ", so nothing new was created.\n\n"
              + "If that was you, this link signs you in to " + owner.displayName() + ":\n\n" + link + "\n\n"
              + "If it was not you, ignore this mail: without the link nobody can sign in."));
      html(ex, 200, pages.checkInbox(form.email()));
      return;
    }
    if (accounts.hasPage(tenant.id())) {
      mail(tenant, "Sign in to " + tenant.displayName(), link -> "Someone (hopefully you) asked to sign up "
          + tenant.displayName() + " again with this address. It is already registered; this link signs you "
          + "in:\n\n" + link + "\n\nIf it was not you, ignore this mail: without the link nobody can sign in.");
    } else {
      accounts.pageId(tenant.id());
      LOG.info("sign-up of tenant {}: sign-in link mailed; provisioning starts at the first sign-in", tenant.id());
      mail(tenant, "Welcome: sign in to set up " + tenant.displayName(), link -> "Welcome to the Tenantwright "
          + "portal. Someone (hopefully you) signed up " + tenant.displayName() + " with this address.\n\n"
          + "Open this link to sign in; your demo (with sample data) and live environments are set up as soon "
          + "as you do, and you can watch every step:\n\n" + link + "\n\n"
          + "If you did not sign up, ignore this mail: nothing is set up and nobody can sign in without the link.");
    }
    html(ex, 200, pages.checkInbox(form.email()));
  }

  private void requestLink(HttpExchange ex) throws IOException {
    Optional<Map<String, String>> fields = form(ex);
    if (fields.isEmpty()) {
      return;
    }
    String email = fields.get().getOrDefault("email", "").strip();
    if (email.isEmpty() || email.length() > 254 || !email.contains("@")) {
      html(ex, 422, pages.signin(email, "Enter the e-mail address you signed up with.", null));
      return;
    }
    if (limited(ex)) {
      return;
    }
    owner(email).ifPresent(owner -> mail(owner, "Sign in to " + owner.displayName(),
        link -> "This link signs you in to " + owner.displayName() + " on the Tenantwright portal:\n\n" + link
            + "\n\nIf you did not ask for it, ignore this mail: without the link nobody can sign in."));
    html(ex, 200, pages.checkInbox(email));
  }

  /**
   * The tenant that owns the address (tenant e-mails are unique and stored lower-case), unless it is being
   * or has been deleted. Reads the tenant list: fine for an example, a host with many tenants looks the address
   * up in its own user table.
   */
  private Optional<Tenant> owner(String email) {
    String address = email.strip().toLowerCase(Locale.ROOT);
    return tw.tenants().list().stream().filter(t -> t.email().equalsIgnoreCase(address)).filter(PortalServer::open)
        .findFirst();
  }

  /** Whether people may still sign in to the tenant (not being deleted, nor deleted). */
  private static boolean open(Tenant t) {
    return t.state() == TenantState.ACTIVE || t.state() == TenantState.SUSPENDED;
  }

  /**
   * Mails a fresh sign-in link to the tenant's owner, in the text {@code text} makes around it. An address
   * that had its share of mail gets none (the answer on the page stays the same), and a mailer failure is
   * only logged: neither may tell the person on the page anything about the address.
   */
  private void mail(Tenant to, String subject, Function<String, String> text) {
    if (!perAddress.tryAcquire(to.email().toLowerCase(Locale.ROOT))) {
      LOG.info("tenant {}: mail limit for its address reached, no sign-in mail sent", to.id());
      return;
    }
    String link = base() + "signin/confirm?token=" + accounts.issueLink(to.id());
    long minutes = access.linkLifetime().toMinutes();
    try {
      mailer.send(new Mailer.Mail(to.email(), subject, text.apply(link) + "\n\nThe link works once, within "
          + minutes + " minutes.\n"));
    } catch (RuntimeException e) {
      LOG.warn("tenant {}: the sign-in mail could not be sent: {}", to.id(), e.toString());
    }
  }

  /**
   * Takes a token from the client's and the overall sign-up bucket, or answers 429 with Retry-After: each
   * sign-up or sign-in request may send a mail and create a tenant.
   */
  private boolean limited(HttpExchange ex) throws IOException {
    String client = client(ex);
    Duration wait = null;
    if (!perClient.tryAcquire(client)) {
      wait = perClient.retryAfter(client);
      LOG.info("sign-up rate limit reached for client {}", client);
    } else if (!overall.tryAcquire("all")) {
      wait = overall.retryAfter("all");
      LOG.warn("overall sign-up rate limit reached");
    }
    if (wait == null) {
      return false;
    }
    long minutes = Math.max(1, (wait.toSeconds() + 59) / 60);
    ex.getResponseHeaders().set("Retry-After", String.valueOf(Math.max(1, wait.toSeconds())));
    html(ex, 429, pages.message("Please wait a moment", "There were too many sign-up requests just now. "
        + "Try again in " + (minutes == 1 ? "a minute." : minutes + " minutes.")));
    return true;
  }

  private void confirmPage(HttpExchange ex) throws IOException {
    String token = Forms.parse(Optional.ofNullable(ex.getRequestURI().getRawQuery()).orElse(""))
        .getOrDefault("token", "");
    // The address holds the token: send it nowhere, not even to this site's own resources.
    ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    if (accounts.checkLink(token).isEmpty()) {
      html(ex, 400, pages.message("This link does not work any more",
          "A sign-in link works once, within " + access.linkLifetime().toMinutes() + " minutes. Ask for a new "
              + "one on the sign-in page."));
      return;
    }
    html(ex, 200, pages.confirm(token));
  }

  private void confirm(HttpExchange ex) throws IOException {
    Optional<Map<String, String>> fields = form(ex);
    if (fields.isEmpty()) {
      return;
    }
    Optional<Tenant> tenant = accounts.redeemLink(fields.get().getOrDefault("token", ""))
        .flatMap(id -> tw.tenants().find(id)).filter(PortalServer::open);
    if (tenant.isEmpty()) {
      html(ex, 400, pages.message("This link does not work any more",
          "A sign-in link works once, within " + access.linkLifetime().toMinutes() + " minutes. Ask for a new "
              + "one on the sign-in page."));
      return;
    }
    String id = tenant.get().id();
    String session = accounts.openSession(id);
    ex.getResponseHeaders().add("Set-Cookie", cookie + "=" + session + "; Path=/; HttpOnly; SameSite=Lax; Max-Age="
        + access.sessionLifetime().toSeconds() + (access.tls() ? "; Secure" : ""));
    LOG.info("tenant {} signed in", id);
    provisionIfNew(id);
    redirect(ex, pagePath(accounts.pageId(id)));
  }

  /** The first sign-in proves the address: only then are the demo and live environments provisioned. */
  private void provisionIfNew(String tenantId) {
    for (EnvironmentKind kind : List.of(EnvironmentKind.DEMO, EnvironmentKind.LIVE)) {
      String environment = kind.name().toLowerCase(Locale.ROOT);
      if (tw.environments().find(tenantId, environment).isPresent()) {
        continue;
      }
      // The key makes two sign-ins at the same moment start one run per environment.
      RunOptions options = options(tenantId, environment).reason("sign-up")
          .idempotencyKey("portal-signup:" + tenantId + ":" + environment);
      try {
        tw.environments().provision(tenantId, kind, options);
        LOG.info("tenant {}: provisioning {}", tenantId, environment);
      } catch (ConflictException | PolicyViolationException e) {
        LOG.info("tenant {}: {} not provisioned now: {}", tenantId, kind, e.getMessage());
      }
    }
  }

  private void signout(HttpExchange ex) throws IOException {
    Optional<Map<String, String>> fields = form(ex);
    if (fields.isEmpty()) {
      return;
    }
    Optional<SignedIn> s = signedIn(ex);
    if (site(ex) == Site.CROSS || s.isEmpty() || !Accounts.same(s.get().csrf(), fields.get().get("csrf"))) {
      refused(ex, "This form has expired. Reload the page and try again.");
      return;
    }
    accounts.closeSession(s.get().token());
    ex.getResponseHeaders().add("Set-Cookie", cookie + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
        + (access.tls() ? "; Secure" : ""));
    redirect(ex, "/signin");
  }

  /** Options of a run the portal starts: the sandbox's and the configured blueprint vars, for this environment. */
  private RunOptions options(String tenantId, String environment) {
    RunOptions options = RunOptions.defaults().actor("portal");
    for (Map.Entry<String, Object> p : sandboxParameters.apply(tenantId, environment).entrySet()) {
      options = options.parameter(p.getKey(), p.getValue());
    }
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      options = options.parameter(p.getKey(),
          p.getValue().replace("{tenant}", tenantId).replace("{environment}", environment));
    }
    return options;
  }

  /** Maps the engine's validation error to the form field it is about, in words for a person. */
  private static Map<String, String> fieldError(ValidationException e) {
    String field = switch (e.field()) {
      case "company", "slug" -> "company";
      case "email" -> "email";
      case "attributes.industry" -> "industry";
      default -> "company";
    };
    String text = e.getMessage().replaceFirst("^field '[^']*': ", "");
    String label = switch (field) {
      case "email" -> "The e-mail address";
      case "industry" -> "The industry";
      default -> "The company name";
    };
    if (text.startsWith("must") || text.startsWith("is ")) {
      text = label + " " + text;
    } else {
      text = Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
    return Map.of(field, text.endsWith(".") ? text : text + ".");
  }

  // ------------------------------------------------------------------------------------------ tenant pages

  /** Who is signed in: the session's tenant, its page and the session's CSRF token. */
  private record SignedIn(String tenantId, String pageId, String csrf, String token) {

    boolean owns(String page) {
      return Accounts.same(pageId, page);
    }
  }

  private Optional<SignedIn> signedIn(HttpExchange ex) {
    String token = cookie(ex);
    return accounts.session(token).map(s -> new SignedIn(s.tenantId(), accounts.pageId(s.tenantId()),
        s.csrfToken(), token));
  }

  /** The session cookie's value, or null. */
  private String cookie(HttpExchange ex) {
    for (String header : ex.getRequestHeaders().getOrDefault("Cookie", List.of())) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).strip().equals(cookie)) {
          String value = pair.substring(eq + 1).strip();
          // RFC 6265 4.1.1: a cookie value may come wrapped in double quotes.
          return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
              ? value.substring(1, value.length() - 1) : value;
        }
      }
    }
    return null;
  }

  private static String pagePath(String pageId) {
    return "/t/" + pageId;
  }

  /**
   * The signed-in tenant of this page, or empty after answering: without a session, the sign-in form (401);
   * with another tenant's, "not found" (404), as for a page that does not exist.
   */
  private Optional<SignedIn> owner(HttpExchange ex, String pageId, boolean page) throws IOException {
    Optional<SignedIn> s = signedIn(ex);
    if (s.isEmpty()) {
      if (page) {
        html(ex, 401, pages.signin("", null, "Sign in to see this page."));
      } else {
        send(ex, 401, "application/json", json.writeValueAsBytes(Map.of("error", "sign in first")));
      }
      return Optional.empty();
    }
    if (!s.get().owns(pageId) || tw.tenants().find(s.get().tenantId()).filter(PortalServer::open).isEmpty()) {
      if (page) {
        notFound(ex);
      } else {
        send(ex, 404, "application/json", json.writeValueAsBytes(Map.of("error", "not found")));
      }
      return Optional.empty();
    }
    return s;
  }

  private void tenantPage(HttpExchange ex, String pageId) throws IOException {
    Optional<SignedIn> s = owner(ex, pageId, true);
    if (s.isPresent()) {
      tenantPage(ex, s.get(), 200, null);
    }
  }

  private void tenantPage(HttpExchange ex, SignedIn s, int code, String notice) throws IOException {
    Tenant tenant = tw.tenants().get(s.tenantId());
    List<EnvironmentView> views = new ArrayList<>();
    tw.environments().list(s.tenantId()).stream()
        .sorted(Comparator.comparingInt((Environment e) -> e.kind().ordinal()).thenComparing(Environment::name))
        .forEach(e -> views.add(EnvironmentView.of(tw, s.tenantId(), pagePath(s.pageId()), e.name(),
            maxProvisionAttempts)));
    html(ex, code, pages.tenant(tenant, pagePath(s.pageId()), s.csrf(), views, notice));
  }

  private void events(HttpExchange ex, String pageId) throws IOException {
    Optional<SignedIn> s = owner(ex, pageId, false);
    if (s.isPresent()) {
      streams.stream(ex, s.get().tenantId(), pagePath(pageId), client(ex));
    }
  }

  private void retry(HttpExchange ex, String pageId, String environment) throws IOException {
    Optional<Map<String, String>> fields = form(ex);
    if (fields.isEmpty()) {
      return;
    }
    if (site(ex) == Site.CROSS) {
      refused(ex, "This form was sent from another site.");
      return;
    }
    Optional<SignedIn> s = owner(ex, pageId, true);
    if (s.isEmpty()) {
      return;
    }
    if (!Accounts.same(s.get().csrf(), fields.get().get("csrf"))) {
      refused(ex, "This form has expired. Reload the page and try again.");
      return;
    }
    String tenantId = s.get().tenantId();
    try {
      tw.environments().retry(tenantId, environment, options(tenantId, environment).reason("retry button"));
      LOG.info("tenant {}: retrying {}", tenantId, environment);
      redirect(ex, pagePath(pageId));
    } catch (NotFoundException e) {
      notFound(ex);
    } catch (ConflictException | PolicyViolationException e) {
      tenantPage(ex, s.get(), 409, "Not retried: " + e.getMessage());
    }
  }

  private void status(HttpExchange ex, String pageId, String environment) throws IOException {
    Optional<SignedIn> s = owner(ex, pageId, false);
    if (s.isEmpty()) {
      return;
    }
    String tenantId = s.get().tenantId();
    Map<String, Object> body = new LinkedHashMap<>();
    int code;
    try {
      EnvironmentStatus st = tw.environments().status(tenantId, environment);
      ObjectNode node = json.valueToTree(st);
      node.set("links", json.valueToTree(st.state() == EnvironmentState.READY
          ? tw.environments().find(tenantId, environment).map(EnvironmentView::links).orElse(List.of())
          : List.of()));
      send(ex, 200, "application/json", json.writeValueAsBytes(node));
      return;
    } catch (NotFoundException e) {
      code = 404;
      body.put("error", "no environment '" + environment + "'");
    } catch (TenantwrightException e) {
      code = 400;
      body.put("error", e.getMessage());
    }
    send(ex, code, "application/json", json.writeValueAsBytes(body));
  }

  // ------------------------------------------------------------------------------------------ plumbing

  private static boolean allow(HttpExchange ex, String method) throws IOException {
    if (ex.getRequestMethod().equals(method) || method.equals("GET") && ex.getRequestMethod().equals("HEAD")) {
      return true;
    }
    ex.getResponseHeaders().set("Allow", method);
    ex.sendResponseHeaders(405, -1);
    return false;
  }

  /** Reads a form body, or answers 413 and returns empty. */
  private Optional<Map<String, String>> form(HttpExchange ex) throws IOException {
    try (InputStream body = ex.getRequestBody()) {
      return Optional.of(Forms.read(body));
    } catch (IOException e) {
      html(ex, 413, pages.message("Too much data", "The form was larger than the portal accepts."));
      return Optional.empty();
    }
  }

  /** Where a request says it comes from. */
  private enum Site { SAME, CROSS, UNKNOWN }

  /**
   * Browsers say where a request comes from in {@code Sec-Fetch-Site} (or, older ones, in {@code Origin});
   * a client that sends neither is not a browser: {@link Site#UNKNOWN}.
   */
  private static Site site(HttpExchange ex) {
    String fetchSite = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if (fetchSite != null) {
      return fetchSite.equals("same-origin") || fetchSite.equals("none") ? Site.SAME : Site.CROSS;
    }
    String origin = ex.getRequestHeaders().getFirst("Origin");
    if (origin != null) {
      String host = ex.getRequestHeaders().getFirst("Host");
      return host != null && sameHost(origin, host) ? Site.SAME : Site.CROSS;
    }
    return Site.UNKNOWN;
  }

  /**
   * Lets a form without a session through only when a browser says it comes from this site: a cross-site
   * form is refused, and so is a client that says nothing (a script has no business posting these forms).
   */
  private boolean fromThisSite(HttpExchange ex) throws IOException {
    Site site = site(ex);
    if (site == Site.SAME) {
      return true;
    }
    LOG.warn("refused a {} {} post to {} from {}", site == Site.CROSS ? "cross-site" : "non-browser",
        ex.getRequestMethod(), ex.getRequestURI().getPath(), client(ex));
    ex.getRequestBody().close();
    refused(ex, site == Site.CROSS ? "This form was sent from another site."
        : "This form can only be sent from the portal's own pages, in a browser.");
    return false;
  }

  private void refused(HttpExchange ex, String text) throws IOException {
    html(ex, 403, pages.message("Refused", text));
  }

  private void notFound(HttpExchange ex) throws IOException {
    html(ex, 404, pages.message("Not found", "There is no page at this address."));
  }

  /** The Host header is already one of the allowed names, so an Origin naming it is this site. */
  private static boolean sameHost(String origin, String host) {
    try {
      URI o = URI.create(origin);
      String authority = o.getPort() == -1 ? o.getHost() : o.getHost() + ":" + o.getPort();
      return ("http".equals(o.getScheme()) || "https".equals(o.getScheme())) && o.getHost() != null
          && host.equalsIgnoreCase(authority);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The client's address: the peer's, or — when the peer is a trusted reverse proxy — the nearest address in
   * {@code X-Forwarded-For} that is not a trusted proxy (what a client writes further left can be forged).
   */
  private String client(HttpExchange ex) {
    String peer = ex.getRemoteAddress().getAddress().getHostAddress();
    if (!trustedProxies.contains(peer)) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String header : ex.getRequestHeaders().getOrDefault("X-Forwarded-For", List.of())) {
      for (String hop : header.split(",")) {
        hops.add(hop.strip());
      }
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
        return hop.length() > 64 ? hop.substring(0, 64) : hop;
      }
    }
    return peer;
  }

  private void resource(HttpExchange ex, String path) throws IOException {
    try (InputStream in = PortalServer.class.getResourceAsStream(path)) {
      if (in == null) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      ex.getResponseHeaders().set("Cache-Control", "no-cache");
      send(ex, 200, STATIC.get(path), in.readAllBytes());
    }
  }

  private static void redirect(HttpExchange ex, String location) throws IOException {
    ex.getResponseHeaders().set("Location", location);
    ex.sendResponseHeaders(303, -1);
  }

  private static void html(HttpExchange ex, int code, String page) throws IOException {
    ex.getResponseHeaders().set("Content-Security-Policy", CSP);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    send(ex, code, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.sendResponseHeaders(code, -1);
      return;
    }
    if (!ex.getResponseHeaders().containsKey("Cache-Control")) {
      ex.getResponseHeaders().set("Cache-Control", "no-store");
    }
    ex.sendResponseHeaders(code, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
