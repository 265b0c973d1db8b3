package dev.tenantwright.examples.quickstart;

import com.sun.net.httpserver.HttpServer;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The quickstart's sandbox backend: "deploys" a site by starting a small HTTP server on 127.0.0.1 inside
 * this process, so the quickstart runs offline. It lives as long as the CLI runs.
 */
final class SandboxSite implements ProvisioningStep<SandboxSite.Params, SandboxSite.Outputs> {

  /** Where and what to serve. */
  public record Params(int port, String title, Secret adminPassword) {}

  /** The site's address. */
  public record Outputs(String url) {}

  private static final Map<Integer, HttpServer> SERVERS = new ConcurrentHashMap<>();

  @Override
  public String type() {
    return "sandbox.site";
  }

  @Override
  public Class<Params> parametersType() {
    return Params.class;
  }

  @Override
  public Class<Outputs> outputType() {
    return Outputs.class;
  }

  @Override
  public Outputs apply(Params p, StepContext ctx) {
    ctx.progress().report(20, "starting sandbox web server on port " + p.port());
    SERVERS.computeIfAbsent(p.port(), port -> start(port, p.title()));
    return new Outputs("http://127.0.0.1:" + p.port() + "/");
  }

  @Override
  public void compensate(Params p, Outputs outputs, StepContext ctx) {
    HttpServer server = SERVERS.remove(p.port());
    if (server != null) {
      server.stop(0);
    }
  }

  private static HttpServer start(int port, String title) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
      byte[] page = ("<!doctype html><title>" + escape(title) + "</title><h1>" + escape(title) + "</h1>\n")
          .getBytes(StandardCharsets.UTF_8);
      server.createContext("/", exchange -> {
        exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, page.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(page);
        }
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new PermanentException("sandbox: cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Stops every sandbox server (at exit). */
  static void stopAll() {
    SERVERS.values().forEach(s -> s.stop(0));
    SERVERS.clear();
  }
}
