package dev.tenantwright.plugin.incus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.PluginJars;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ERP use case on the real {@code incusd}: the plugin loaded as a PF4J jar, the example blueprint
 * {@code examples/blueprints/erp-incus.yaml}, a customer from a company name, the access URL answering through
 * the proxied host port, destroy leaving nothing behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErpBlueprintIT {

  static final Duration WAIT = Duration.ofMinutes(2);

  RealIncus incus;
  @TempDir Path dir;

  @BeforeAll
  void project() {
    incus = new RealIncus("erp");
  }

  @AfterAll
  void cleanUp() {
    if (incus != null) {
      incus.close();
    }
  }

  @Test
  void aCustomerGetsAnErpContainerReachableAtItsAccessUrlAndDestroyRemovesIt() throws Exception {
    Path plugins = dir.resolve("plugins");
    PluginJars.build(IncusPlugin.class, plugins);
    int from = RealIncus.freePort();
    try (Tenantwright tw = Tenantwright.builder()
        .embedded(dir.resolve("data"))
        .plugins(plugins)
        .classpathPlugins(false)
        .pluginConfig("incus", incus.configSection())
        .blueprint(Blueprint.fromYaml(ErpBlueprintTest.example()))
        .portRange(from, Math.min(from + 50, 65535))
        .build()) {
      Tenant abc = tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
      Run run = tw.environments().provision(abc.id(), EnvironmentKind.DEMO).await(WAIT);
      assertThat(run.state()).as(String.valueOf(run.error())).isEqualTo(RunState.SUCCEEDED);

      Environment demo = tw.environments().find(abc.id(), "demo").orElseThrow();
      Map<String, Object> erp = demo.resource("erp").outputs();
      String url = (String) erp.get("url");
      assertThat(url).isEqualTo("http://127.0.0.1:" + demo.resource("port").outputs().get("port") + "/");
      assertThat(incus.instances()).containsExactly("abc-corporation--demo--erp");

      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      String hostname = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> http.send(HttpRequest.newBuilder(URI.create(url + "instance.txt")).build(),
              HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 200)
          .body();
      assertThat(hostname.strip()).isEqualTo("abc-corporation--demo--erp");
      assertThat(incus.exec("abc-corporation--demo--erp", "/usr/bin/env").stdout())
          .contains("CUSTOMER_ID=abc-corporation", "COMPANY_NAME=ABC Corporation", "ERP_ENVIRONMENT=demo");

      Run destroyed = tw.environments().destroy(abc.id(), "demo", RunOptions.defaults()).await(WAIT);
      assertThat(destroyed.state()).as(String.valueOf(destroyed.error())).isEqualTo(RunState.SUCCEEDED);
      assertThat(incus.instances()).isEmpty();
    }
  }
}
