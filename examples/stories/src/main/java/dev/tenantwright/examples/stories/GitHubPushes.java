package dev.tenantwright.examples.stories;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.plugin.github.GitHubWebhooks;
import dev.tenantwright.plugin.github.PushEvent;
import dev.tenantwright.plugin.github.WebhookDelivery;
import dev.tenantwright.plugin.github.WebhookRejectedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The host's push endpoint, as a website host would write it: {@code POST /hooks/github/<tenant>/<environment>}. It
 * checks each delivery against that environment's own generated {@code webhook-secret} through
 * {@code environments().verifySignature} — the host never holds the secret — answers GitHub's {@code ping}, and keeps
 * each push once (by {@code X-GitHub-Delivery}) for the host to redeploy its revision.
 */
public final class GitHubPushes implements AutoCloseable {

  /** A verified push for an environment. */
  public record Push(String tenantId, String environment, String deliveryId, PushEvent event) {}

  private final HttpServer server;
  private final AtomicReference<Tenantwright> engine = new AtomicReference<>();
  private final List<Push> pushes = new CopyOnWriteArrayList<>();
  private final Set<String> deliveries = ConcurrentHashMap.newKeySet();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger pings = new AtomicInteger();

  private GitHubPushes(HttpServer server) {
    this.server = server;
    server.createContext("/hooks/github/", this::handle);
    server.start();
  }

  static GitHubPushes start() {
    try {
      return new GitHubPushes(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The endpoint's base, the blueprint's {@code hook-url}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/github";
  }

  /** The engine whose environments' secrets check the deliveries (until set, every delivery is answered 503). */
  public void checkWith(Tenantwright tw) {
    engine.set(tw);
  }

  public List<Push> pushes() {
    return List.copyOf(pushes);
  }

  public int refused() {
    return refused.get();
  }

  public int pings() {
    return pings.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String[] parts = ex.getRequestURI().getPath().substring("/hooks/github/".length()).split("/");
      Tenantwright tw = engine.get();
      int status;
      String text;
      if (parts.length != 2 || !"POST".equals(ex.getRequestMethod())) {
        status = 404;
        text = "no such hook";
      } else if (tw == null) {
        status = 503;
        text = "not ready";
      } else {
        String tenant = parts[0];
        String environment = parts[1];
        GitHubWebhooks hooks = GitHubWebhooks.withVerifier((signature, body) ->
            tw.environments().verifySignature(tenant, environment, "webhook-secret", body, signature));
        try {
          WebhookDelivery d = hooks.receive(ex.getRequestHeaders()::getFirst, ex.getRequestBody());
          if (d instanceof WebhookDelivery.Push push && deliveries.add(push.deliveryId())) {
            pushes.add(new Push(tenant, environment, push.deliveryId(), push.event()));
          } else if (d instanceof WebhookDelivery.Ping) {
            pings.incrementAndGet();
          }
          status = d.status();
          text = d.responseText();
        } catch (WebhookRejectedException e) {
          refused.incrementAndGet();
          status = e.status();
          text = e.getMessage();
        }
      }
      byte[] out = text.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, out.length);
      ex.getResponseBody().write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
