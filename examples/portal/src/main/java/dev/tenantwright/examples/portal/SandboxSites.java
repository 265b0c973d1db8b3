package dev.tenantwright.examples.portal;

import com.sun.net.httpserver.HttpServer;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.PermanentException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SANDBOX backend: every tenant site is a tiny web server on 127.0.0.1 inside the portal process, so the
 * portal runs offline. The sites live as long as the portal; on start it serves the sites of READY
 * environments again from their recorded outputs ({@link #restore}). Thread-safe.
 */
final class SandboxSites implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxSites.class);

  private final Map<Integer, Site> sites = new ConcurrentHashMap<>();

  /** One served site; {@code sampleRecords} is what the demo's sample-data step loaded. */
  private static final class Site {
    final HttpServer server;
    final String title;
    final String environment;
    volatile int sampleRecords;

    Site(HttpServer server, String title, String environment) {
      this.server = server;
      this.title = title;
      this.environment = environment;
    }
  }

  /** Serves a site on {@code port} (again: a site already served there is kept) and returns its URL. */
  String start(int port, String title, String environment) {
    sites.computeIfAbsent(port, p -> serve(p, title, environment));
    return url(port);
  }

  /** Stops the site on {@code port}; stopping a stopped site is fine. */
  void stop(int port) {
    Site site = sites.remove(port);
    if (site != null) {
      site.server.stop(0);
    }
  }

  /** Records how many sample records the site at {@code url} holds; false when no such site is served. */
  boolean sampleData(String url, int records) {
    Site site = sites.get(portOf(url));
    if (site == null) {
      return false;
    }
    site.sampleRecords = records;
    return true;
  }

  static String url(int port) {
    return "http://127.0.0.1:" + port + "/";
  }

  private static int portOf(String url) {
    String prefix = "http://127.0.0.1:";
    if (url == null || !url.startsWith(prefix)) {
      return -1;
    }
    String rest = url.substring(prefix.length());
    int slash = rest.indexOf('/');
    try {
      return Integer.parseInt(slash < 0 ? rest : rest.substring(0, slash));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Serves again the sandbox sites of every READY environment in the journal (after a portal restart). */
  void restore(Tenantwright tw) {
    int restored = 0;
    for (Tenant t : tw.tenants().list()) {
      for (Environment env : tw.environments().list(t.id())) {
        if (env.state() != EnvironmentState.READY) {
          continue;
        }
        Environment.Resource site = env.resources().stream()
            .filter(r -> r.type().equals(SandboxSite.TYPE)).findFirst().orElse(null);
        if (site == null || !(site.outputs().get("port") instanceof Number port)) {
          continue;
        }
        try {
          String url = start(port.intValue(), String.valueOf(site.outputs().get("title")), env.name());
          restored++;
          env.resources().stream().filter(r -> r.type().equals(SampleData.TYPE)).findFirst()
              .filter(r -> r.outputs().get("loaded") instanceof Number)
              .ifPresent(r -> sampleData(url, ((Number) r.outputs().get("loaded")).intValue()));
        } catch (PermanentException e) {
          LOG.warn("sandbox site of {}/{} not restored: {}", t.id(), env.name(), e.getMessage());
        }
      }
    }
    if (restored > 0) {
      LOG.info("serving {} sandbox site(s) of earlier sign-ups again", restored);
    }
  }

  @Override
  public void close() {
    sites.keySet().forEach(this::stop);
  }

  private Site serve(int port, String title, String environment) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    } catch (IOException e) {
      throw new PermanentException("SANDBOX: cannot listen on 127.0.0.1:" + port + " (" + e.getMessage() + ")", e);
    }
    Site site = new Site(server, title, environment);
    server.createContext("/", exchange -> {
      byte[] page = page(site, port).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, page.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(page);
      }
    });
    server.start();
    return site;
  }

  private static String page(Site site, int port) {
    String data = site.sampleRecords > 0
        ? site.sampleRecords + " sample records loaded."
        : "No sample data in this environment.";
    return """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>%1$s</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f6fb; color: #1d2433; }
          .sandbox { background: #ffd84d; color: #3a2f00; font-weight: 700; letter-spacing: .08em;
                     padding: .4rem 1rem; }
          main { max-width: 42rem; margin: 3rem auto; background: #fff; padding: 2rem 2.5rem;
                 border-radius: 12px; box-shadow: 0 2px 12px rgba(20, 30, 60, .08); }
          code { background: #eef1f7; padding: .1rem .3rem; border-radius: 4px; }
        </style></head>
        <body>
        <div class="sandbox">SANDBOX SITE</div>
        <main>
          <h1>%1$s</h1>
          <p>Environment <code>%2$s</code>. %3$s</p>
          <p>This page is served by the Tenantwright portal on 127.0.0.1:%4$d. With real backends this would be
          the tenant's container, Compose project or deployment.</p>
        </main>
        </body>
        </html>
        """.formatted(Html.escape(site.title), Html.escape(site.environment), data, port);
  }
}
