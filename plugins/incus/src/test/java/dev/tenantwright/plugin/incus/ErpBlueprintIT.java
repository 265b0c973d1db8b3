package dev.tenantwright.plugin.incus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.PolicyViolationException;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.PluginJars;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A customer's whole ERP world on the real {@code incusd}, through the public API only: the plugin loaded as a
 * PF4J jar, the example blueprint {@code examples/blueprints/erp-incus.yaml}, a tenant with a unique id per run.
 * Demo and live are provisioned (sample data on demo only), the customer writes data on live, the demo is
 * edited and reset (its sample data back), two test instances are made, one is changed and reset to its
 * baseline, the other — with a changed configuration — is promoted to live in place (the same container, the
 * customer's data kept), and everything is destroyed again until the server holds nothing of the tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErpBlueprintIT {

  private static final Logger LOG = LoggerFactory.getLogger(ErpBlueprintIT.class);
  static final Duration WAIT = Duration.ofMinutes(2);
  static final String SAMPLE = "/srv/erp/data/sample/customers.csv";
  static final String CUSTOMER_DATA = "/srv/erp/data/customer-orders.txt";

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  RealIncus incus;
  Set<String> before;
  @TempDir Path dir;

  @BeforeAll
  void project() {
    incus = new RealIncus("erp");
    before = incus.inventory();
  }

  @AfterAll
  void cleanUp() {
    if (incus != null) {
      incus.close();
    }
  }

  @Test
  void aCustomersDemoLiveAndTestInstancesLiveThroughProvisionResetPromoteAndDestroy() throws Exception {
    Path plugins = dir.resolve("plugins");
    PluginJars.build(IncusPlugin.class, plugins);
    int from = RealIncus.freePort();
    String id = "abc-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    try (Tenantwright tw = Tenantwright.builder()
        .embedded(dir.resolve("data"))
        .plugins(plugins)
        .classpathPlugins(false)
        .pluginConfig("incus", incus.configSection())
        .blueprint(Blueprint.fromYaml(ErpBlueprintTest.example()))
        .portRange(from, Math.min(from + 50, 65535))
        .build()) {
      Tenant abc = tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example").slug(id));
      assertThat(abc.id()).isEqualTo(id);
      String demo = id + "--demo--erp";
      String live = id + "--live--erp";
      String qa = id + "--test-qa--erp";
      String uat = id + "--test-uat--erp";
      long t0 = System.nanoTime();

      // Demo and live, side by side: the sample data is demo's only.
      Run demoRun = tw.environments().provision(abc.id(), EnvironmentKind.DEMO);
      Run liveRun = tw.environments().provision(abc.id(), EnvironmentKind.LIVE);
      succeeded(demoRun);
      succeeded(liveRun);
      t0 = phase("provision demo + live", t0);
      assertThat(incus.instances()).containsExactlyInAnyOrder(demo, live);
      Environment demoEnv = tw.environments().find(abc.id(), "demo").orElseThrow();
      Environment liveEnv = tw.environments().find(abc.id(), "live").orElseThrow();
      assertThat(demoEnv.resources()).extracting(Environment.Resource::name)
          .containsExactlyInAnyOrder("port", "erp", "sample-data");
      assertThat(liveEnv.resources()).extracting(Environment.Resource::name).containsExactlyInAnyOrder("port", "erp");
      String demoUrl = (String) demoEnv.resource("erp").outputs().get("url");
      String liveUrl = (String) liveEnv.resource("erp").outputs().get("url");
      assertThat(demoUrl).isEqualTo("http://127.0.0.1:" + demoEnv.resource("port").outputs().get("port") + "/");
      assertThat(served(demoUrl + "instance.txt").strip()).isEqualTo(demo);
      assertThat(served(liveUrl + "instance.txt").strip()).isEqualTo(live);
      assertThat(incus.exec(demo, "/usr/bin/env").stdout())
          .contains("CUSTOMER_ID=" + id, "COMPANY_NAME=ABC Corporation", "ERP_ENVIRONMENT=demo");
      assertSampleData(demo);
      assertThat(exists(live, SAMPLE)).isFalse();
      assertThat(exists(live, "/srv/erp/data")).isTrue();

      // The customer works on live: data only live has.
      assertThat(incus.exec(live, "/bin/cp", "/proc/sys/kernel/random/uuid", CUSTOMER_DATA).exitCode()).isZero();
      String customerData = incus.exec(live, "/bin/cat", CUSTOMER_DATA).stdout();
      assertThat(customerData).isNotBlank();
      JsonNode liveBefore = incus.instance(live);

      // A prospect edits the demo, which is then reset (while two test instances are made, uat with the
      // configuration to be promoted): the edits go, the sample data comes back.
      assertThat(incus.exec(demo, "/bin/rm", SAMPLE).exitCode()).isZero();
      assertThat(incus.exec(demo, "/bin/touch", "/srv/erp/data/prospect-notes.txt").exitCode()).isZero();
      Run demoReset = tw.environments().reset(abc.id(), "demo", RunOptions.defaults());
      Run qaRun = tw.environments().createTest(abc.id(), "qa", RunOptions.defaults());
      Run uatRun = tw.environments().createTest(abc.id(), "uat",
          RunOptions.defaults().parameter("memory", "384MiB").parameter("timezone", "Europe/Berlin"));
      succeeded(demoReset);
      succeeded(qaRun);
      succeeded(uatRun);
      t0 = phase("reset demo + create test-qa + test-uat", t0);
      assertThat(exists(demo, "/srv/erp/data/prospect-notes.txt")).isFalse();
      assertSampleData(demo);
      assertThat(incus.instances()).containsExactlyInAnyOrder(demo, live, qa, uat);
      assertThat(exists(qa, SAMPLE)).isFalse();
      assertThat(exists(uat, SAMPLE)).isFalse();
      assertThat(exists(uat, CUSTOMER_DATA)).isFalse();
      assertThat(incus.instance(uat).path("config").path("limits.memory").asText()).isEqualTo("384MiB");

      // qa is changed, then reset: the baseline snapshot comes back.
      String qaUrl = (String) tw.environments().find(abc.id(), "test-qa").orElseThrow().resource("erp").outputs()
          .get("url");
      assertThat(incus.exec(qa, "/bin/rm", "/www/instance.txt").exitCode()).isZero();
      assertThat(incus.exec(qa, "/bin/touch", "/srv/erp/data/scratch.txt").exitCode()).isZero();
      succeeded(tw.environments().reset(abc.id(), "test-qa", RunOptions.defaults().actor("qa-bot")));
      t0 = phase("reset test-qa", t0);
      assertThat(tw.environments().find(abc.id(), "test-qa").orElseThrow().state()).isEqualTo(EnvironmentState.READY);
      assertThat(exists(qa, "/srv/erp/data/scratch.txt")).isFalse();
      assertThat(exists(qa, "/www/instance.txt")).isTrue();
      assertThat(served(qaUrl + "instance.txt").strip()).isEqualTo(qa);
      assertThat(incus.snapshots(qa)).containsExactly(IncusInstanceType.BASELINE);

      // uat is promoted: live is updated in place with uat's configuration, never its data.
      succeeded(tw.environments().promote(abc.id(), "test-uat", RunOptions.defaults().actor("alice")));
      t0 = phase("promote test-uat", t0);
      JsonNode liveAfter = incus.instance(live);
      assertThat(liveAfter.path("created_at").asText()).isEqualTo(liveBefore.path("created_at").asText());
      assertThat(liveAfter.path("config").path("volatile.uuid").asText())
          .isEqualTo(liveBefore.path("config").path("volatile.uuid").asText()).isNotEmpty();
      assertThat(liveAfter.path("config").path("limits.memory").asText()).isEqualTo("384MiB");
      assertThat(liveBefore.path("config").path("limits.memory").asText()).isEqualTo("256MiB");
      assertThat(incus.exec(live, "/bin/cat", CUSTOMER_DATA).stdout()).isEqualTo(customerData);
      assertThat(incus.exec(live, "/usr/bin/env").stdout()).contains("TZ=Europe/Berlin", "ERP_ENVIRONMENT=live");
      assertThat(exists(live, SAMPLE)).isFalse();
      assertThat(served(liveUrl + "instance.txt").strip()).isEqualTo(live);
      assertThat(tw.environments().find(abc.id(), "live").orElseThrow().state()).isEqualTo(EnvironmentState.READY);

      // Test instances go; then demo, and live with an approval.
      Run qaGone = tw.environments().destroy(abc.id(), "test-qa", RunOptions.defaults());
      Run uatGone = tw.environments().destroy(abc.id(), "test-uat", RunOptions.defaults());
      succeeded(qaGone);
      succeeded(uatGone);
      t0 = phase("destroy test-qa + test-uat", t0);
      assertThat(incus.instances()).containsExactlyInAnyOrder(demo, live);
      assertThatThrownBy(() -> tw.environments().destroy(abc.id(), "live", RunOptions.defaults()))
          .isInstanceOf(PolicyViolationException.class);
      assertThat(incus.instances()).containsExactlyInAnyOrder(demo, live);
      Run demoGone = tw.environments().destroy(abc.id(), "demo", RunOptions.defaults());
      Run liveGone = tw.environments().destroy(abc.id(), "live",
          RunOptions.defaults().approval("bob", "customer cancelled"));
      succeeded(demoGone);
      succeeded(liveGone);
      phase("destroy demo + live", t0);

      assertThat(incus.instances()).isEmpty();
      Set<String> after = incus.inventory();
      Set<String> added = new TreeSet<>(after);
      added.removeAll(before);
      assertThat(added).as("left on the server").isEmpty();
      assertThat(after).as("anything naming the tenant").noneMatch(line -> line.contains(id));
      for (String url : List.of(demoUrl, liveUrl, qaUrl)) {
        assertThat(listening(URI.create(url).getPort())).as(url).isFalse();
      }
    }
  }

  /** The demo's sample data: a header and 25 customers. */
  private void assertSampleData(String instance) {
    RealIncus.Exec sample = incus.exec(instance, "/bin/cat", SAMPLE);
    assertThat(sample.exitCode()).isZero();
    assertThat(sample.stdout().lines().toList()).hasSize(26)
        .startsWith("id,company,contact,city", "1001,Sample Customer 1,buyer1@example.com,Springfield")
        .endsWith("1025,Sample Customer 25,buyer25@example.com,Springfield");
  }

  private static void succeeded(Run run) {
    Run done = run.await(WAIT);
    assertThat(done.state()).as(done.kind() + " " + done.environment() + ": " + done.error())
        .isEqualTo(RunState.SUCCEEDED);
  }

  private static long phase(String what, long since) {
    long now = System.nanoTime();
    LOG.info("{}: {} ms", what, (now - since) / 1_000_000);
    return now;
  }

  private boolean exists(String instance, String path) {
    return incus.exec(instance, "/usr/bin/test", "-e", path).exitCode() == 0;
  }

  private String served(String url) {
    return await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 200)
        .body();
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return s.isConnected();
    } catch (IOException e) {
      return false;
    }
  }
}
