package dev.tenantwright.plugin.github;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.github.GitHubFake;
import dev.tenantwright.testkit.github.HookDelivery;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole way round: a run makes the repository and its webhook, GitHub (the fake) delivers a push to the host's
 * endpoint, and the host's receiver verifies and reads it.
 */
class GitHubEndToEndTest {

  @TempDir
  Path dir;

  final GitHubFake fake = new GitHubFake();
  final List<PushEvent> pushes = new CopyOnWriteArrayList<>();
  final AtomicReference<GitHubWebhooks> receiver = new AtomicReference<>();
  HttpServer server;

  GitHubEndToEndTest() throws IOException {
    fake.putTemplate(Fixtures.ORG, "portfolio");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hooks/github", exchange -> {
      GitHubWebhooks webhooks = receiver.get();
      if (webhooks == null) {
        exchange.sendResponseHeaders(503, -1);
        exchange.close();
        return;
      }
      // RECEIVER-BEGIN
      int status;
      String text;
      try {
        WebhookDelivery d = webhooks.receive(exchange.getRequestHeaders()::getFirst, exchange.getRequestBody());
        if (d instanceof WebhookDelivery.Push push) {
          pushes.add(push.event());           // hand it on (a queue, a redeploy run); answer at once
        }
        status = d.status();                  // ping 200 "pong", push 202, other events 202
        text = d.responseText();
      } catch (WebhookRejectedException e) {
        status = e.status();                  // 401 bad signature, 413 too large, 415, 400
        text = e.getMessage();
      }
      byte[] out = text.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
      // RECEIVER-END
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    fake.assertContractRespected();
    fake.close();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/github";
  }

  Tenantwright.Builder host(Blueprint blueprint) {
    return Tenantwright.builder().embedded(dir).classpathPlugins(false)
        .resourceType(new GitHubRepositoryType()).resourceType(new GitHubWebhookType())
        .pluginConfig("github", Fixtures.section(fake))
        .blueprint(blueprint).defaultBlueprint(blueprint.name());
  }

  static Blueprint site(String endpoint, String contentType, boolean generatedSecret) {
    Blueprint.Builder b = Blueprint.builder("github-site");
    if (generatedSecret) {
      b.resource("webhook-secret", "secret", r -> r.param("length", 40));
    }
    b.resource("site-repo", "github.repository", r -> r.params(Map.of("template", Fixtures.TEMPLATE,
        "owner", Fixtures.ORG, "description", "Website of ${tenant.name}")));
    b.resource("site-hook", "github.webhook", r -> {
      r.params(Map.of("repository", "${site-repo.fullName}", "url", endpoint + "/${tenant.id}",
          "contentType", contentType, "secret", "webhook-secret"));
      if (generatedSecret) {
        r.needs("webhook-secret");
      }
    });
    return b.build();
  }

  @Test
  void aPushToTheProvisionedRepositoryReachesTheHostSignedWithTheGeneratedSecret() throws Exception {
    try (Tenantwright tw = host(site(endpoint(), "json", true)).build()) {
      Tenant t = tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
      Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(Duration.ofMinutes(2));
      assertThat(run.state()).as(String.valueOf(run.error())).isEqualTo(RunState.SUCCEEDED);
      Environment env = tw.environments().find(t.id(), "demo").orElseThrow();
      String repo = (String) env.resource("site-repo").outputs().get("fullName");
      assertThat(env.resource("site-hook").outputs()).doesNotContainKey("secret")
          .containsEntry("url", endpoint() + "/" + t.id());

      // what GitHub holds is the environment's generated secret; the host's copy comes from the same place
      String generated = fake.hooks(repo).get(0).secret();
      assertThat(generated).hasSize(40);
      receiver.set(GitHubWebhooks.withSecret(Secret.of(generated)));
      String sha = fake.push(repo, "Publish the new home page");

      assertThat(pushes).singleElement().satisfies(p -> {
        assertThat(p.repository()).isEqualTo(repo);
        assertThat(p.after()).isEqualTo(sha);
        assertThat(p.branch()).contains("main");
        assertThat(p.headCommitMessage()).isEqualTo("Publish the new home page");
      });
      HookDelivery delivered = fake.deliveries().get(fake.deliveries().size() - 1);
      assertThat(delivered.status()).isEqualTo(202);
      assertThat(delivered.url()).startsWith(endpoint() + "/" + t.id() + "?tenantwright_owner=");

      // the same delivery with one byte changed, or signed with another secret, is refused
      String tampered = delivered.body().replace("Publish", "Publisj");
      assertThat(post(delivered.url(), delivered.headers(), tampered).statusCode()).isEqualTo(401);
      Map<String, String> forged = new java.util.HashMap<>(delivered.headers());
      forged.put("X-Hub-Signature-256", "sha256=" + "0".repeat(64));
      assertThat(post(delivered.url(), forged, delivered.body()).statusCode()).isEqualTo(401);
      assertThat(pushes).hasSize(1);
    }
  }

  @Test
  void aFormHookIsPingedAndItsPushesAreReadToo() throws Exception {
    Secret known = Secret.generate(32);
    receiver.set(GitHubWebhooks.withSecret(known));
    try (Tenantwright tw = host(site(endpoint(), "form", false)).secret("webhook-secret", known).build()) {
      Tenant t = tw.tenants().create(NewTenant.company("Globex").email("ops@globex.example"));
      Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(Duration.ofMinutes(2));
      assertThat(run.state()).as(String.valueOf(run.error())).isEqualTo(RunState.SUCCEEDED);
      String repo = (String) tw.environments().find(t.id(), "demo").orElseThrow().resource("site-repo").outputs()
          .get("fullName");

      fake.awaitDeliveries();
      assertThat(fake.deliveries()).singleElement().satisfies(ping -> {
        assertThat(ping.event()).isEqualTo("ping");
        assertThat(ping.headers()).containsEntry("Content-Type", "application/x-www-form-urlencoded");
        assertThat(ping.status()).as("answered pong").isEqualTo(200);
      });
      String sha = fake.push(repo, "Form-encoded");
      assertThat(pushes).extracting(PushEvent::after).containsExactly(sha);
    }
  }

  static HttpResponse<String> post(String url, Map<String, String> headers, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach((k, v) -> {
      if (!k.equalsIgnoreCase("Content-Length") && !k.equalsIgnoreCase("Host")) {
        b.header(k, v);
      }
    });
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
