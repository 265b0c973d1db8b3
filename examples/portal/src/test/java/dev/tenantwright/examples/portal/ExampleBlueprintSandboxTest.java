package dev.tenantwright.examples.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.examples.portal.PortalTest.Sse;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The portal started with {@code --blueprint vercel-site} and no real backends: that example blueprint runs on the
 * SANDBOX — the test kit's Vercel and Cloudflare fakes in the portal's process, the plugins from its classpath —
 * and a signed-in page follows its runs over server-sent events.
 */
class ExampleBlueprintSandboxTest {

  @TempDir
  static Path data;

  private static final RecordingMailer mail = new RecordingMailer();
  private static Portal portal;

  @BeforeAll
  static void start() throws Exception {
    Portal.RateLimit plenty = new Portal.RateLimit(1000, Duration.ofHours(1));
    portal = Portal.start(Portal.Settings.defaults(data).withBackends(null, null, "vercel-site", Map.of())
        .withMailer(mail).withAccess(Portal.Access.defaults().withSignupLimits(plenty, plenty, plenty)));
  }

  @AfterAll
  static void stop() {
    if (portal != null) {
      portal.close();
    }
  }

  @Test
  void theVercelSiteBlueprintRunsOnTheFakesAndTheEventStreamShowsItsStepsUntilDemoAndLiveAreReady()
      throws Exception {
    AtomicBoolean watching = new AtomicBoolean();
    portal.sandbox().vercel().holdBuildsUntil(watching::get);   // builds wait until the page is watching
    Visitor acme = new Visitor(portal, mail);
    acme.signup("ACME Shop", "ops@acme-shop.example", "retail");
    String page = acme.signIn("ops@acme-shop.example");

    HttpResponse<InputStream> stream = acme.http.send(acme.request(page + "/events").build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.headers().firstValue("Content-Type")).get().asString().startsWith("text/event-stream");
    List<Sse> events = new ArrayList<>();
    try (InputStream body = stream.body()) {
      BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      events.addAll(PortalTest.readUntil(reader, e -> e.name().equals("environment")
          && e.data().path("name").asText().equals("live")));
      watching.set(true);
      Set<String> ready = new HashSet<>();
      events.addAll(PortalTest.readUntil(reader, e -> {
        if (e.name().equals("environment") && e.data().path("state").asText().equals("READY")) {
          ready.add(e.data().path("name").asText());
        }
        return ready.containsAll(List.of("demo", "live"));
      }));
    }

    List<JsonNode> progress = events.stream().filter(e -> e.name().equals("progress")).map(Sse::data).toList();
    assertThat(progress).anySatisfy(p -> {
      assertThat(p.path("environment").asText()).isEqualTo("live");
      assertThat(p.path("step").asText()).isEqualTo("deploy");
      assertThat(p.path("stepCount").asInt()).isEqualTo(8);
      assertThat(p.path("message").asText()).matches("deployment dpl_\\w+ is READY \\(\\d+%\\)");
    });
    assertThat(progress).anySatisfy(p -> {
      assertThat(p.path("environment").asText()).isEqualTo("live");
      assertThat(p.path("step").asText()).isEqualTo("health");
      assertThat(p.path("message").asText()).contains("is healthy (status 200)");
    });
    assertThat(progress).anySatisfy(p -> {
      assertThat(p.path("environment").asText()).isEqualTo("demo");
      assertThat(p.path("type").asText()).isEqualTo("RUN_SUCCEEDED");
      assertThat(p.path("percent").asInt()).isEqualTo(100);
    });
    JsonNode live = events.stream().filter(e -> e.name().equals("environment")
        && e.data().path("name").asText().equals("live")).reduce((a, b) -> b).orElseThrow().data();
    assertThat(live.path("state").asText()).isEqualTo("READY");
    assertThat(StreamSupport.stream(live.path("links").spliterator(), false).map(l -> l.path("url").asText()))
        .anySatisfy(url -> assertThat(url).matches("https://acme-shop--live--site-\\w+\\.vercel\\.app/"));

    assertThat(portal.sandbox().vercel().servedDeployment("live.acme-shop.example.com")).isPresent();
    assertThat(portal.sandbox().cloudflare().records()).extracting(CloudflareFake.DnsRecord::name)
        .containsExactlyInAnyOrder("demo.acme-shop.example.com", "live.acme-shop.example.com");
  }

  @ParameterizedTest
  @ValueSource(strings = {"erp-frappe", "erp-incus", "website-compose", "merchant"})
  void everyOtherExampleBlueprintProvisionsDemoAndLiveOnItsOwnSandbox(String blueprint, @TempDir Path dir)
      throws Exception {
    Portal.RateLimit plenty = new Portal.RateLimit(1000, Duration.ofHours(1));
    try (Portal other = Portal.start(Portal.Settings.defaults(dir).withBackends(null, null, blueprint, Map.of())
        .withMailer(mail).withAccess(Portal.Access.defaults().withSignupLimits(plenty, plenty, plenty)))) {
      Visitor globex = new Visitor(other, mail);
      globex.signup("Globex " + blueprint, blueprint + "@globex.example", "services");
      globex.signIn(blueprint + "@globex.example");
      String tenant = other.tenantwright().tenants().list().get(0).id();

      await(blueprint).atMost(Duration.ofMinutes(2)).until(() -> other.tenantwright().environments().list(tenant)
          .stream().filter(e -> e.state() == EnvironmentState.READY).count() == 2);

      assertThat(other.sandbox().backends()).isNotEmpty();
      assertThat(other.sandbox().liveObjects()).as("what the sandbox's fakes hold for " + tenant).isNotEmpty();
      assertThat(other.tenantwright().environments().list(tenant)).extracting(Environment::blueprint)
          .containsOnly(blueprint);
    }
  }

  @Test
  void thePagesSayTheBackendsAreSandboxFakesAndOfferNoSampleDataFailure() throws Exception {
    String page = new Visitor(portal, mail).get("/").body();

    assertThat(page).contains(">SANDBOX</span>", "every backend is a fake from the test kit inside this portal process")
        .doesNotContain("sample-data step fail");
  }
}
