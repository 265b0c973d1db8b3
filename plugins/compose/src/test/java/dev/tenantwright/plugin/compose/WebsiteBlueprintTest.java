package dev.tenantwright.plugin.compose;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepState;
import dev.tenantwright.core.StepStatus;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.plugin.cloudflare.CloudflarePlugin;
import dev.tenantwright.plugin.compose.GitHubWebhook.Delivery;
import dev.tenantwright.plugin.compose.GitHubWebhook.Outcome;
import dev.tenantwright.plugin.support.SchemaValidator;
import dev.tenantwright.plugin.traefik.TraefikPlugin;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.CommandRunnerFake;
import dev.tenantwright.testkit.PluginJars;
import dev.tenantwright.testkit.ReadmeSnippets;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import dev.tenantwright.plugin.github.GitHubPlugin;
import dev.tenantwright.testkit.compose.DockerComposeFake;
import dev.tenantwright.testkit.github.GitHubFake;
import dev.tenantwright.testkit.compose.DockerComposeFake.ContainerView;
import dev.tenantwright.testkit.tls.TlsFake;
import dev.tenantwright.testkit.traefik.TraefikFake;
import java.net.URLEncoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/blueprints/website-compose.yaml} end to end with the fakes: the Compose, Traefik and
 * Cloudflare plugins loaded as real PF4J plugin jars, a site provisioned, redeployed by a signed webhook, and
 * destroyed without leaving anything in any fake.
 */
class WebsiteBlueprintTest {

  static final Path BLUEPRINT = Path.of("../../examples/blueprints/website-compose.yaml");
  static final Duration WAIT = Duration.ofMinutes(1);
  static final String DOMAIN = "acme-shop.example.com";
  static final String FORM = "application/x-www-form-urlencoded";

  @TempDir
  Path tmp;

  final DockerComposeFake compose = new DockerComposeFake().validateWith(SchemaValidator.compose()::validateYaml)
      .externalNetwork("traefik");
  final CommandRunnerFake runner = new CommandRunnerFake().on(compose);
  final CloudflareFake cloudflare = new CloudflareFake();
  final GitHubFake github = new GitHubFake();
  final WireMockServer site = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
  /** Traefik's HTTPS entry point, once ACME has issued the certificates of both routes. */
  final TlsFake https = TlsFake.serving(DOMAIN, "www." + DOMAIN);
  final Secret webhookSecret = Secret.of("webhook-shared-secret");
  final List<String> audit = new ArrayList<>();
  TraefikFake traefik;
  Tenantwright tw;
  Path sites;

  @BeforeEach
  void start() throws Exception {
    site.start();
    site.stubFor(get("/").willReturn(aResponse().withStatus(200).withBody("tenantwright-busybox ok")));
    Path dynamic = Files.createDirectories(tmp.resolve("traefik-dynamic"));
    traefik = new TraefikFake(dynamic).throttle(Duration.ofMillis(100)).knownService("acme-shop--demo--site-web@docker")
        .validateWith(SchemaValidator.traefik()::validateYaml);
    sites = tmp.resolve("sites");
    Path plugins = tmp.resolve("plugins");
    PluginJars.build(ComposePlugin.class, plugins);
    PluginJars.build(TraefikPlugin.class, plugins);
    PluginJars.build(CloudflarePlugin.class, plugins);
    PluginJars.build(GitHubPlugin.class, plugins);
    github.putTemplate("tenantwright-templates", "site-portfolio");
    tw = Tenantwright.builder()
        .platformDomains("example.com")
        .egressAllow("127.0.0.1")
        .embedded(tmp.resolve("data"))
        .plugins(plugins)
        .classpathPlugins(false)
        .commandRunner(runner)
        // the one port the `port` resource can lease is where the stand-in for the published site listens
        .portRange(site.port(), site.port())
        .backoff(Duration.ofMillis(10), Duration.ofMillis(100))
        .pluginConfig("compose", Map.of("rootDir", sites.toString(), "certResolver", "le", "traefikNetwork", "traefik"))
        .pluginConfig("traefik", Map.of("directory", dynamic.toString(), "apiUrl", traefik.baseUrl(),
            "serviceProviders", List.of("docker"),
            "certResolver", "le", "verifyTimeoutSeconds", 10, "pollIntervalMillis", 50))
        .pluginConfig("cloudflare", Map.of("token", CloudflareFake.TOKEN, "zoneId", CloudflareFake.ZONE_ID,
            "baseUrl", cloudflare.baseUrl()))
        .pluginConfig("github", Map.of("token", GitHubFake.TOKEN, "apiUrl", github.baseUrl(), "pollInterval", "5ms",
            "maxPollInterval", "20ms", "allowHttpHooks", true))
        .blueprint(Blueprint.fromYaml(BLUEPRINT))
        .build();
  }

  @AfterEach
  void stop() {
    if (tw != null) {
      tw.close(Duration.ZERO);
    }
    traefik.close();
    cloudflare.close();
    github.close();
    site.stop();
    https.close();
  }

  @Test
  void aSiteIsProvisionedRedeployedByASignedWebhookAndDestroyedWithoutLeavingAnything() throws Exception {
    Tenant t = tw.tenants().create(NewTenant.company("Acme Shop").email("ops@acme-shop.example"));
    String project = t.id() + "--demo--site";
    assertThat(project).isEqualTo("acme-shop--demo--site");

    Run provisioned = tw.environments().provision(t.id(), EnvironmentKind.DEMO, RunOptions.defaults()
        .parameter("domain", DOMAIN).parameter("server-ip", "203.0.113.10")
        .parameter("hook-url", "http://127.0.0.1:9/hooks/github")
        .parameter("tls-connect", https.address()).parameter("tls-port", https.port())
        .parameter("tls-trust", https.caPem().replace('\n', ' '))).await(WAIT);

    assertThat(provisioned.state()).as(String.valueOf(provisioned.error())).isEqualTo(RunState.SUCCEEDED);
    assertThat(provisioned.steps()).extracting(StepStatus::name).containsExactlyInAnyOrder("db-password", "app-key",
        "webhook-secret", "repo", "hook", "port", "site", "dns", "dns-www", "www", "tls", "tls-www", "health");
    assertThat(github.liveObjects()).as("the customer's repository from the template, with its push webhook")
        .contains("repository tenantwright-sites/acme-shop--demo--repo").anyMatch(o -> o.startsWith("hook "));
    assertThat(provisioned.steps()).extracting(StepStatus::state).containsOnly(StepState.SUCCEEDED);
    assertThat(https.handshakes()).as("both certificates were checked, each by its name")
        .containsExactlyInAnyOrder(DOMAIN, "www." + DOMAIN);

    Path folder = sites.resolve(project);
    String yaml = Files.readString(folder.resolve("compose.yaml"));
    assertThat(SchemaValidator.compose().validateYaml(yaml)).isEmpty();
    String env = Files.readString(folder.resolve(".env"));
    assertThat(env).containsPattern("DB_PASSWORD='[A-Za-z0-9]{32}'\n").containsPattern("APP_KEY='[A-Za-z0-9]{64}'\n");
    ContainerView web = compose.containers(project).get("web");
    assertThat(web.health()).isEqualTo("healthy");
    assertThat(web.labels()).containsEntry("traefik.http.routers." + project + "-web.rule", "Host(`" + DOMAIN + "`)")
        .containsEntry("traefik.http.routers." + project + "-web.tls.certresolver", "le")
        .containsEntry("dev.tenantwright.revision", "initial");
    assertThat(web.publishers()).extracting(DockerComposeFake.Publisher::publishedPort).containsExactly(site.port());
    assertThat(web.environment().get("DB_PASSWORD")).hasSize(32);
    assertThat(runner.invocations()).allSatisfy(c -> assertThat(c.argv().toString()).doesNotContain(
        web.environment().get("DB_PASSWORD")).doesNotContain(web.environment().get("APP_KEY")));

    String routeFile = Files.readString(traefik.directory().resolve("acme-shop--demo--www.yml"));
    assertThat(SchemaValidator.traefik().validateYaml(routeFile)).isEmpty();
    assertThat(traefik.router("acme-shop--demo--www@file")).hasValueSatisfying(r ->
        assertThat(r.get("status").asText()).isEqualTo("enabled"));
    assertThat(cloudflare.liveObjects()).hasSize(2).anySatisfy(r -> assertThat(r).startsWith(
        "dns A " + DOMAIN + " -> 203.0.113.10")).anySatisfy(r -> assertThat(r).startsWith(
        "dns CNAME www." + DOMAIN + " -> " + DOMAIN));

    // A push webhook arrives, form-encoded as GitHub sends it by default: a forged one is refused and recorded,
    // the signed one redeploys, and a replay with a new (unsigned) delivery id is the same run.
    String after = "9f2c1e7d4b3a29f1c0e5d6b7a8c9d0e1f2a3b4c5";
    String json = "{\"ref\":\"refs/heads/main\",\"before\":\"1111111111111111111111111111111111111111\","
        + "\"after\":\"" + after + "\",\"repository\":{\"full_name\":\"acme/shop\",\"pushed_at\":"
        + Instant.now().getEpochSecond() + "}}";
    byte[] body = ("payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);

    assertThat(onPush(t.id(), FORM, "push", body, WebhookVerifier.sign(Secret.of("guess"), body), "delivery-0")).isNull();
    assertThat(onPush(t.id(), FORM, "push", body, null, "delivery-0")).isNull();
    assertThat(onPush(t.id(), "application/json", "ping", "{\"zen\":\"hi\"}".getBytes(StandardCharsets.UTF_8),
        WebhookVerifier.sign(webhookSecret, "{\"zen\":\"hi\"}".getBytes(StandardCharsets.UTF_8)), "delivery-p")).isNull();
    assertThat(audit).containsExactly(
        "deploy webhook refused for acme-shop: signature does not match the body (wrong secret, or the body was changed)",
        "deploy webhook refused for acme-shop: missing X-Hub-Signature-256 header");

    Run redeployed = onPush(t.id(), FORM, "push", body, WebhookVerifier.sign(webhookSecret, body), "delivery-1")
        .await(WAIT);

    assertThat(redeployed.state()).as(String.valueOf(redeployed.error())).isEqualTo(RunState.SUCCEEDED);
    ContainerView again = compose.containers(project).get("web");
    assertThat(again.generation()).isEqualTo(2);
    assertThat(again.labels()).containsEntry("dev.tenantwright.revision", after);
    assertThat(again.environment().get("DB_PASSWORD")).as("secrets survive a redeploy")
        .isEqualTo(web.environment().get("DB_PASSWORD"));
    assertThat(compose.pulls()).containsEntry("local/busybox:1", 1);
    assertThat(onPush(t.id(), FORM, "push", body, WebhookVerifier.sign(webhookSecret, body), "delivery-1").id())
        .as("a redelivered webhook is the same run").isEqualTo(redeployed.id());
    assertThat(onPush(t.id(), FORM, "push", body, WebhookVerifier.sign(webhookSecret, body), "replayed-2").id())
        .as("sec6: a replay with a fresh delivery id is the same run too").isEqualTo(redeployed.id());

    Run destroyed = tw.environments().destroy(t.id(), "demo", RunOptions.defaults()).await(WAIT);

    assertThat(destroyed.state()).as(String.valueOf(destroyed.error())).isEqualTo(RunState.SUCCEEDED);
    assertThat(compose.liveObjects()).as("containers, volumes, networks").isEmpty();
    assertThat(traefik.liveObjects()).as("route files").isEmpty();
    assertThat(cloudflare.liveObjects()).as("DNS records").isEmpty();
    assertThat(github.liveObjects()).as("the repository and its webhook").isEmpty();
    assertThat(folder).as("the site folder with its .env").doesNotExist();
    assertThat(traefik.router("acme-shop--demo--www@file")).isEmpty();
    assertThat(compose.validatedFiles()).as("every compose file Compose read was checked").hasSizeGreaterThan(2);
    assertThat(traefik.validatedFiles()).as("every route file Traefik loaded was checked").isPositive();
    assertThat(traefik.loadErrors()).isEmpty();
  }

  @Test
  void c3_routedResourcesWaitForTheDnsRecordOfTheirHost() throws Exception {
    Blueprint blueprint = Blueprint.fromYaml(BLUEPRINT);

    assertThat(blueprint.resource("site").orElseThrow().needs()).as("site carries a Traefik route for ${domain}")
        .contains("dns");
    assertThat(blueprint.resource("www").orElseThrow().needs()).as("www routes www.${domain}").contains("dns-www");
  }

  @Test
  void theRunEndsOnlyAfterTheCertificatesOfBothRoutesAreChecked() throws Exception {
    Blueprint blueprint = Blueprint.fromYaml(BLUEPRINT);

    assertThat(blueprint.resource("tls").orElseThrow().type()).isEqualTo("tls.certificate");
    assertThat(blueprint.resource("tls").orElseThrow().needs()).as("the router of ${domain} is in site")
        .contains("site");
    assertThat(blueprint.resource("tls-www").orElseThrow().needs()).contains("www");
    assertThat(blueprint.resource("health").orElseThrow().needs()).contains("tls", "tls-www");
  }

  @Test
  void theReadmeShowsTheCompiledWebhookExample() throws Exception {
    ReadmeSnippets.assertShows(Path.of("README.md"), "## Redeploy on a signed git webhook",
        Path.of("src/test/java/dev/tenantwright/plugin/compose/WebsiteBlueprintTest.java"), "WEBHOOK");
  }

  /**
   * What a host's webhook endpoint does with a request: {@code contentType}, {@code event} and {@code signature}
   * are its {@code Content-Type}, {@code X-GitHub-Event} and {@code X-Hub-Signature-256} headers (null when
   * absent). {@code deliveryId} ({@code X-GitHub-Delivery}) is deliberately unused: it is not signed. Returns the
   * redeploy run, or null.
   */
  private Run onPush(String tenantId, String contentType, String event, byte[] body, String signature,
      String deliveryId) throws IOException {
    InputStream request = new ByteArrayInputStream(body);
    // WEBHOOK-BEGIN
    GitHubWebhook hook = GitHubWebhook.builder(webhookSecret, "acme/shop").branch("main").build();
    byte[] received = GitHubWebhook.readBody(request, GitHubWebhook.DEFAULT_MAX_BODY_BYTES);
    Delivery d = hook.receive(contentType, event, signature, received);
    if (d.outcome() == Outcome.REFUSED) {
      audit.add("deploy webhook refused for " + tenantId + ": " + d.reason());
    }
    if (d.outcome() != Outcome.PUSH) {
      return null;
    }
    return tw.environments().update(tenantId, "demo", RunOptions.defaults()
        .idempotencyKey(d.idempotencyKey())
        .parameter("revision", d.push().after())
        .actor("git:" + d.push().repository())
        .reason("push to " + d.push().ref()));
    // WEBHOOK-END
  }
}
