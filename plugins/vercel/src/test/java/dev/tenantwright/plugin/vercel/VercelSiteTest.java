package dev.tenantwright.plugin.vercel;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.DomainChallenge;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepState;
import dev.tenantwright.core.StepStatus;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.plugin.cloudflare.CloudflarePlugin;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.PluginJars;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import dev.tenantwright.testkit.dns.DnsFake;
import dev.tenantwright.testkit.tls.TlsFake;
import dev.tenantwright.testkit.vercel.VercelFake;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client-site use case end to end: {@code examples/blueprints/vercel-site.yaml} run by a real engine with
 * both plugins loaded as PF4J jars, against the Vercel and Cloudflare fakes and a local HTTP server standing in
 * for the live site.
 */
class VercelSiteTest {

  static final String DOMAIN = "shop.example.com";
  static final String PROJECT = "acme-shop--live--site";

  @TempDir
  Path dir;

  final VercelFake vercel = new VercelFake();
  final CloudflareFake cloudflare = new CloudflareFake();
  final DnsFake dns = new DnsFake();
  /** The client's domain served over HTTPS, once Vercel has issued its certificate. */
  final TlsFake https = TlsFake.serving(DOMAIN);
  final List<Event> events = new CopyOnWriteArrayList<>();
  final AtomicInteger healthChecks = new AtomicInteger();
  HttpServer site;
  Tenantwright tw;
  Tenant tenant;

  @BeforeEach
  void start() throws IOException {
    site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    site.createContext("/health", exchange -> {
      healthChecks.incrementAndGet();
      byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    site.start();
  }

  @AfterEach
  void stop() {
    if (tw != null) {
      tw.close(Duration.ZERO);
    }
    site.stop(0);
    vercel.assertContractRespected();
    cloudflare.assertContractRespected();
    vercel.close();
    cloudflare.close();
    dns.close();
    https.close();
  }

  Tenantwright open(int maxAttempts) throws IOException {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    PluginJars.build(VercelPlugin.class, plugins);
    PluginJars.build(CloudflarePlugin.class, plugins);
    tw = Tenantwright.builder()
        .embedded(dir.resolve("data"))
        .plugins(plugins)
        .classpathPlugins(false)
        .blueprint(Blueprint.fromYaml(VercelPluginTest.EXAMPLE))
        .pluginConfig("vercel", Map.of("token", VercelFake.TOKEN, "teamId", "team_acme", "baseUrl", vercel.baseUrl(),
            "pollInterval", "5ms", "maxPollInterval", "20ms"))
        .pluginConfig("cloudflare", Map.of("token", CloudflareFake.TOKEN, "zoneId", CloudflareFake.ZONE_ID,
            "baseUrl", cloudflare.baseUrl()))
        .dnsResolvers(dns.address())
        .egressAllow("127.0.0.1")
        .listener(events::add)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
        .maxAttempts(maxAttempts)
        .build();
    vercel.requireTeam("team_acme");
    // Vercel sees the domain configured once Cloudflare holds a record pointing at a recommended target
    vercel.dnsLookup((type, name) -> cloudflare.records().stream()
        .filter(r -> r.type().equals(type) && r.name().equals(name)).map(CloudflareFake.DnsRecord::content).toList());
    return tw;
  }

  Run provision(Tenantwright tw) {
    tenant = tw.tenants().create(NewTenant.company("ACME Shop").email("ops@acme.example"));
    // the customer proves it owns its domain: the TXT record the host shows it, published in its DNS
    DomainChallenge challenge = tw.domains().challenge(tenant.id(), DOMAIN);
    dns.txt(challenge.recordName(), challenge.value());
    assertThat(tw.domains().verify(tenant.id(), DOMAIN)).isTrue();
    return start(tw);
  }

  Run start(Tenantwright tw) {
    return tw.environments().provision(tenant.id(), EnvironmentKind.LIVE, RunOptions.defaults()
        .parameter("domain", DOMAIN)
        .parameter("health-url", "http://127.0.0.1:" + site.getAddress().getPort() + "/health")
        .parameter("tls-connect", https.address())
        .parameter("tls-port", https.port())
        .parameter("tls-trust", https.caPem().replace('\n', ' '))
        .parameter("git-org", "acme")
        .parameter("git-repo", "shop")).await(Duration.ofMinutes(2));
  }

  @Test
  void provisionsTheClientSiteEndToEndAndReportsProgress() throws IOException {
    Run run = provision(open(5));

    assertThat(run.state()).as(run.error()).isEqualTo(RunState.SUCCEEDED);
    assertThat(run.steps()).extracting(StepStatus::state).containsOnly(StepState.SUCCEEDED);
    assertThat(vercel.liveObjects()).filteredOn(s -> s.startsWith("project ")).singleElement().asString()
        .endsWith("acme-shop--live--site");
    assertThat(vercel.envKeys("acme-shop--live--site")).contains("API_URL", "TENANT_ID");
    assertThat(vercel.domains("acme-shop--live--site")).containsExactly(DOMAIN);
    assertThat(vercel.deploymentCount()).isEqualTo(1);
    assertThat(cloudflare.records()).singleElement().satisfies(r -> {
      assertThat(r.type()).isEqualTo("CNAME");
      assertThat(r.name()).isEqualTo(DOMAIN);
      assertThat(r.content()).as("the domain's recommended CNAME (V5)").isEqualTo(vercel.recommendedCname(PROJECT));
      assertThat(r.comment()).startsWith("tw:acme-shop/live/dns@");
    });
    assertThat(healthChecks.get()).isPositive();
    assertThat(https.handshakes()).as("the certificate of the domain was checked").containsExactly(DOMAIN);
    assertThat(vercel.requests()).allSatisfy(c -> assertThat(c.query()).contains("teamId=team_acme"));
    assertThat(events).filteredOn(e -> e.type() == EventType.STEP_PROGRESS && "deploy".equals(e.step()))
        .extracting(Event::message).anySatisfy(m -> assertThat(m).contains("is BUILDING"))
        .anySatisfy(m -> assertThat(m).contains("is READY"));
  }

  @Test
  void sec4_aCustomDomainItsTenantHasNotVerifiedIsRefusedBeforeAnyBackendIsCalled() throws IOException {
    Tenantwright tw = open(5);
    tenant = tw.tenants().create(NewTenant.company("ACME Shop").email("ops@acme.example"));
    Tenant other = tw.tenants().create(NewTenant.company("Mallory Ltd").email("m@mallory.example"));
    DomainChallenge theirs = tw.domains().challenge(other.id(), DOMAIN);
    dns.txt(theirs.recordName(), theirs.value());
    assertThat(tw.domains().verify(other.id(), DOMAIN)).isTrue();
    // the record another tenant published proves nothing for this one
    assertThat(tw.domains().verify(tenant.id(), DOMAIN)).isFalse();

    Run run = start(tw);

    assertThat(run.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(run.error()).contains("'" + DOMAIN + "' is a custom domain tenant 'acme-shop' has not verified");
    assertThat(vercel.domains(PROJECT)).isEmpty();
    assertThat(vercel.requests()).noneMatch(c -> c.path().contains("/domains"));
    assertThat(cloudflare.calls(CloudflareFake.CREATE)).isZero();
  }

  @Test
  void aFailedBuildRollsBackTheProjectAndTheDnsRecordButLeavesAForeignRecordAlone() throws IOException {
    String foreign = cloudflare.putRecord("A", "legacy.example.com", "198.51.100.7", "managed by hand");
    vercel.failBuilds("BUILD_FAILED", "Command \"npm run build\" exited with 1");
    vercel.holdBuildsUntil(() -> cloudflare.records().size() == 2);

    Run run = provision(open(5));

    assertThat(run.state()).as(run.error()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(run.error()).contains("BUILD_FAILED").contains("npm run build");
    assertThat(cloudflare.calls(CloudflareFake.CREATE)).as("the CNAME was made before the build failed").isEqualTo(1);
    assertThat(vercel.liveObjects()).filteredOn(s -> !s.startsWith("deployment ")).isEmpty();
    assertThat(vercel.deploymentCount()).as("deleting the project removes its deployments").isZero();
    assertThat(cloudflare.records()).singleElement().satisfies(r -> {
      assertThat(r.id()).isEqualTo(foreign);
      assertThat(r.content()).isEqualTo("198.51.100.7");
      assertThat(r.comment()).isEqualTo("managed by hand");
    });
    assertThat(healthChecks.get()).isZero();
  }

  @Test
  void aStormOf429sAnd5xxEndsSucceededWithoutADuplicateObject() throws IOException {
    vercel.inject(Fault.rateLimited(Duration.ofSeconds(1)).on(VercelFake.CREATE_PROJECT).times(2));
    vercel.inject(Fault.status(502).on(VercelFake.CREATE_PROJECT).afterHandler().times(1));
    vercel.inject(Fault.status(503).on(VercelFake.CREATE_ENV).afterHandler().times(1));
    vercel.inject(Fault.status(502).on(VercelFake.CREATE_DEPLOYMENT).afterHandler().times(1));
    vercel.inject(Fault.status(500).on(VercelFake.GET_DEPLOYMENT).nth(2).times(1));
    vercel.inject(Fault.rateLimited(Duration.ofSeconds(1)).on(VercelFake.ADD_DOMAIN).times(1));
    vercel.inject(Fault.status(504).on(VercelFake.ADD_DOMAIN).afterHandler().times(1));
    vercel.inject(Fault.status(503).rate(0.2).times(5));
    cloudflare.inject(Fault.rateLimited(Duration.ofSeconds(1)).on(CloudflareFake.LIST).times(2));
    cloudflare.inject(Fault.status(503).on(CloudflareFake.CREATE).afterHandler().times(1));
    cloudflare.inject(Fault.status(500).rate(0.2).times(3));

    Run run = provision(open(12));

    assertThat(run.state()).as(run.error()).isEqualTo(RunState.SUCCEEDED);
    assertThat(run.steps()).extracting(StepStatus::attempts).anySatisfy(a -> assertThat(a).isGreaterThan(1));
    assertThat(vercel.liveObjects()).filteredOn(s -> s.startsWith("project ")).hasSize(1);
    assertThat(vercel.envKeys("acme-shop--live--site")).doesNotHaveDuplicates().hasSize(4);
    assertThat(vercel.domains("acme-shop--live--site")).containsExactly(DOMAIN);
    assertThat(vercel.deploymentCount()).isEqualTo(1);
    assertThat(cloudflare.records()).hasSize(1);
    assertThat(vercel.requests()).anySatisfy(c -> assertThat(c.status()).isEqualTo(429));
    assertThat(cloudflare.requests()).anySatisfy(c -> assertThat(c.status()).isEqualTo(429));
  }

  Run update(RunOptions options) {
    return tw.environments().update(tenant.id(), "live", options).await(Duration.ofMinutes(2));
  }

  /** What the domain serves after every Vercel call from now on. */
  List<Optional<String>> watchWhatTheDomainServes() {
    List<Optional<String>> served = new CopyOnWriteArrayList<>();
    vercel.afterEachCall(n -> served.add(vercel.servedDeployment(DOMAIN)));
    return served;
  }

  @Test
  void v1_aRedeployKeepsTheOldDeploymentServingUntilTheNewOneIsAliased() throws IOException {
    assertThat(provision(open(5)).state()).isEqualTo(RunState.SUCCEEDED);
    String old = vercel.servedDeployment(DOMAIN).orElseThrow();
    List<Optional<String>> served = watchWhatTheDomainServes();

    Run run = update(RunOptions.defaults().parameter("git-ref", "v2"));

    assertThat(run.state()).as(run.error()).isEqualTo(RunState.SUCCEEDED);
    String now = vercel.servedDeployment(DOMAIN).orElseThrow();
    assertThat(now).isNotEqualTo(old);
    assertThat(served).as("the site was never down").allSatisfy(s -> assertThat(s).isPresent())
        .as("the old deployment served while the new one built").contains(Optional.of(old));
    assertThat(vercel.deploymentIds(PROJECT)).as("the old deployment is kept for a rollback").containsExactly(old, now);
  }

  @Test
  void v1_aRedeployRunWithoutAnyChangeBuildsAgainAndKeepsTheSiteUp() throws IOException {
    assertThat(provision(open(5)).state()).isEqualTo(RunState.SUCCEEDED);
    String old = vercel.servedDeployment(DOMAIN).orElseThrow();
    List<Optional<String>> served = watchWhatTheDomainServes();

    Run run = tw.environments().redeploy(tenant.id(), "live", RunOptions.defaults()).await(Duration.ofMinutes(2));

    assertThat(run.state()).as(run.error()).isEqualTo(RunState.SUCCEEDED);
    assertThat(vercel.servedDeployment(DOMAIN)).isPresent().get().isNotEqualTo(old);
    assertThat(served).allSatisfy(s -> assertThat(s).isPresent());
    assertThat(vercel.deploymentIds(PROJECT)).hasSize(2).contains(old);
  }

  @Test
  void v1_aFailedBuildDuringARedeployLeavesTheOldDeploymentServing() throws IOException {
    assertThat(provision(open(5)).state()).isEqualTo(RunState.SUCCEEDED);
    String old = vercel.servedDeployment(DOMAIN).orElseThrow();
    List<Optional<String>> served = watchWhatTheDomainServes();
    vercel.failBuilds("BUILD_FAILED", "Command \"npm run build\" exited with 1");

    Run run = update(RunOptions.defaults().parameter("git-ref", "v2"));

    assertThat(run.state()).isIn(RunState.FAILED, RunState.ROLLED_BACK);
    assertThat(run.error()).contains("BUILD_FAILED");
    assertThat(served).isNotEmpty().allSatisfy(s -> assertThat(s).contains(old));
    assertThat(vercel.deploymentIds(PROJECT)).contains(old);
  }

  @Test
  void v1_whenALaterStepFailsTheRollbackServesThePreviousDeploymentAgain() throws IOException {
    assertThat(provision(open(5)).state()).isEqualTo(RunState.SUCCEEDED);
    String old = vercel.servedDeployment(DOMAIN).orElseThrow();
    List<Optional<String>> served = watchWhatTheDomainServes();

    Run run = update(RunOptions.defaults().parameter("git-ref", "v2").parameter("health-url", "ftp://127.0.0.1/"));

    assertThat(run.state()).as(run.error()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(run.steps()).filteredOn(s -> s.name().equals("deploy")).extracting(StepStatus::state)
        .containsExactly(StepState.COMPENSATED);
    assertThat(vercel.servedDeployment(DOMAIN)).contains(old);
    assertThat(served).as("the site was never down").allSatisfy(s -> assertThat(s).isPresent());
    assertThat(vercel.deploymentIds(PROJECT)).as("the rolled-back deployment is deleted").containsExactly(old);
  }

  @Test
  void v4_anEnvironmentVariableChangeReachesTheSiteThroughANewDeployment() throws IOException {
    assertThat(provision(open(5)).state()).isEqualTo(RunState.SUCCEEDED);
    String old = vercel.servedDeployment(DOMAIN).orElseThrow();

    Run run = update(RunOptions.defaults().parameter("api-url", "https://api-v2.example.com"));

    assertThat(run.state()).as(run.error()).isEqualTo(RunState.SUCCEEDED);
    assertThat(vercel.envValue(PROJECT, "API_URL")).contains("https://api-v2.example.com");
    String now = vercel.servedDeployment(DOMAIN).orElseThrow();
    assertThat(now).as("a new deployment, built with the new value, serves the site").isNotEqualTo(old);
    String revision = vercel.deploymentMeta(now).get("tenantwrightEnvRevision");
    assertThat(revision).isNotBlank().isNotEqualTo(vercel.deploymentMeta(old).get("tenantwrightEnvRevision"))
        .doesNotContain("api-v2");
  }
}
