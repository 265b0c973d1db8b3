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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portal's HTTP side on the JDK's {@link HttpServer}: sign-up, provisioning page, event stream, retry and
 * status JSON. It holds no state of its own: everything it shows comes from the {@link Tenantwright} it
 * embeds.
 *
 * <pre>
 * GET  /                                             sign-up form
 * POST /signup                                       create the tenant, provision demo and live → 303 to its page
 * GET  /tenants/{id}                                 provisioning page
 * GET  /tenants/{id}/events                          text/event-stream of the tenant's runs
 * GET  /tenants/{id}/environments/{env}/status       environments().status(...) as JSON, with the links
 * POST /tenants/{id}/environments/{env}/retry        environments().retry(...) → 303 to the page
 * GET  /static/portal.css, /static/portal.js
 * </pre>
 *
 * <p>Every page is sent with a Content-Security-Policy that allows only this origin's scripts and styles; form
 * posts from another origin are refused.
 */
final class PortalServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PortalServer.class);
  private static final Pattern TENANT = Pattern.compile("/tenants/([a-z0-9][a-z0-9-]{0,62})");
  private static final Pattern EVENTS = Pattern.compile("/tenants/([a-z0-9][a-z0-9-]{0,62})/events");
  private static final Pattern ENVIRONMENT = Pattern.compile(
      "/tenants/([a-z0-9][a-z0-9-]{0,62})/environments/(demo|live|test-[a-z][a-z0-9-]{0,19})/(status|retry)");
  private static final Map<String, String> STATIC = Map.of(
      "/static/portal.css", "text/css; charset=utf-8",
      "/static/portal.js", "text/javascript; charset=utf-8");
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  private final Tenantwright tw;
  private final Pages pages;
  private final int maxProvisionAttempts;
  private final Map<String, String> parameters;
  private final ObjectMapper json = new ObjectMapper();
  private final ProgressStreams streams;
  private final ExecutorService executor;
  private final HttpServer server;

  PortalServer(Tenantwright tw, boolean sandbox, int maxProvisionAttempts, Map<String, String> parameters,
      InetSocketAddress address) throws IOException {
    this.tw = tw;
    this.parameters = Map.copyOf(parameters);
    this.pages = new Pages(sandbox);
    this.maxProvisionAttempts = maxProvisionAttempts;
    this.streams = new ProgressStreams(tw, json, maxProvisionAttempts, 200);
    AtomicInteger threads = new AtomicInteger();
    // Each open provisioning page holds one thread for its event stream, so the pool grows with the pages.
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "portal-http-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(address, 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  void start() {
    server.start();
  }

  /** The address the portal listens on (with the actual port when 0 was asked for). */
  InetSocketAddress address() {
    return server.getAddress();
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
      Matcher m;
      if (path.equals("/")) {
        if (allow(ex, "GET")) {
          html(ex, 200, pages.signup(SignupForm.EMPTY, Map.of(), null));
        }
      } else if (path.equals("/signup")) {
        if (allow(ex, "POST") && sameOrigin(ex)) {
          signup(ex);
        }
      } else if ((m = TENANT.matcher(path)).matches()) {
        if (allow(ex, "GET")) {
          tenantPage(ex, m.group(1), 200, null);
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
        } else if (allow(ex, "POST") && sameOrigin(ex)) {
          retry(ex, m.group(1), m.group(2));
        }
      } else if (STATIC.containsKey(path)) {
        if (allow(ex, "GET")) {
          resource(ex, path);
        }
      } else {
        html(ex, 404, pages.message("Not found", "There is no page at this address."));
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

  // ------------------------------------------------------------------------------------------ sign-up

  private void signup(HttpExchange ex) throws IOException {
    Map<String, String> fields;
    try (InputStream body = ex.getRequestBody()) {
      fields = Forms.read(body);
    } catch (IOException e) {
      html(ex, 413, pages.message("Too much data", "The form was larger than the portal accepts."));
      return;
    }
    SignupForm form = new SignupForm(fields.getOrDefault("company", "").strip(),
        fields.getOrDefault("email", "").strip(), fields.getOrDefault("industry", "").strip());
    if (!Pages.INDUSTRIES.containsKey(form.industry())) {
      html(ex, 422, pages.signup(form, Map.of("industry", "Choose the industry closest to yours."), null));
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
      html(ex, 409, pages.signup(form, Map.of("email", "Already registered for another company."),
          "This e-mail address already belongs to another company's account. Sign up with a different "
              + "address, or ask your colleague to invite you."));
      return;
    }
    LOG.info("sign-up of tenant {}: provisioning demo and live", tenant.id());
    for (EnvironmentKind kind : List.of(EnvironmentKind.DEMO, EnvironmentKind.LIVE)) {
      // The key makes a repeated sign-up (same company and e-mail) show the runs of the first one.
      String environment = kind.name().toLowerCase(Locale.ROOT);
      RunOptions options = options(tenant.id(), environment).reason("sign-up")
          .idempotencyKey("portal-signup:" + tenant.id() + ":" + environment);
      try {
        tw.environments().provision(tenant.id(), kind, options);
      } catch (ConflictException | PolicyViolationException e) {
        LOG.info("tenant {}: {} not provisioned now: {}", tenant.id(), kind, e.getMessage());
      }
    }
    redirect(ex, "/tenants/" + tenant.id());
  }

  /** Options of a run the portal starts: the configured blueprint vars, for this tenant and environment. */
  private RunOptions options(String tenantId, String environment) {
    RunOptions options = RunOptions.defaults().actor("portal");
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

  // ------------------------------------------------------------------------------------------ tenant page

  private void tenantPage(HttpExchange ex, String tenantId, int code, String notice) throws IOException {
    Optional<Tenant> tenant = tw.tenants().find(tenantId);
    if (tenant.isEmpty()) {
      html(ex, 404, pages.message("No such tenant", "There is no tenant with the id " + tenantId + "."));
      return;
    }
    List<EnvironmentView> views = new ArrayList<>();
    tw.environments().list(tenantId).stream()
        .sorted(Comparator.comparingInt((Environment e) -> e.kind().ordinal()).thenComparing(Environment::name))
        .forEach(e -> views.add(EnvironmentView.of(tw, tenantId, e.name(), maxProvisionAttempts)));
    html(ex, code, pages.tenant(tenant.get(), views, notice));
  }

  private void events(HttpExchange ex, String tenantId) throws IOException {
    if (tw.tenants().find(tenantId).isEmpty()) {
      ex.sendResponseHeaders(404, -1);
      return;
    }
    streams.stream(ex, tenantId);
  }

  private void retry(HttpExchange ex, String tenantId, String environment) throws IOException {
    ex.getRequestBody().close();
    try {
      tw.environments().retry(tenantId, environment, options(tenantId, environment).reason("retry button"));
      LOG.info("tenant {}: retrying {}", tenantId, environment);
      redirect(ex, "/tenants/" + tenantId);
    } catch (NotFoundException e) {
      html(ex, 404, pages.message("Not found", e.getMessage()));
    } catch (ConflictException | PolicyViolationException e) {
      tenantPage(ex, tenantId, 409, "Not retried: " + e.getMessage());
    }
  }

  private void status(HttpExchange ex, String tenantId, String environment) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    int code;
    try {
      EnvironmentStatus s = tw.environments().status(tenantId, environment);
      ObjectNode node = json.valueToTree(s);
      node.set("links", json.valueToTree(s.state() == EnvironmentState.READY
          ? tw.environments().find(tenantId, environment).map(EnvironmentView::links).orElse(List.of())
          : List.of()));
      send(ex, 200, "application/json", json.writeValueAsBytes(node));
      return;
    } catch (NotFoundException e) {
      code = 404;
      body.put("error", e.getMessage());
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

  /**
   * Refuses a form posted from another site: browsers say where a request comes from in
   * {@code Sec-Fetch-Site} (or, older ones, in {@code Origin}); clients that send neither are not browsers.
   */
  private boolean sameOrigin(HttpExchange ex) throws IOException {
    String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
    String origin = ex.getRequestHeaders().getFirst("Origin");
    String host = ex.getRequestHeaders().getFirst("Host");
    boolean allowed;
    if (site != null) {
      allowed = site.equals("same-origin") || site.equals("none");
    } else {
      allowed = origin == null || host != null && sameHost(origin, host);
    }
    if (!allowed) {
      LOG.warn("refused a cross-site {} to {} (origin {}, site {})", ex.getRequestMethod(), ex.getRequestURI(),
          origin, site);
      html(ex, 403, pages.message("Refused", "This form was sent from another site."));
    }
    return allowed;
  }

  private static boolean sameHost(String origin, String host) {
    try {
      URI o = URI.create(origin);
      String authority = o.getPort() == -1 ? o.getHost() : o.getHost() + ":" + o.getPort();
      return "http".equals(o.getScheme()) && host.equalsIgnoreCase(authority);
    } catch (IllegalArgumentException e) {
      return false;
    }
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
    ex.sendResponseHeaders(code, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
