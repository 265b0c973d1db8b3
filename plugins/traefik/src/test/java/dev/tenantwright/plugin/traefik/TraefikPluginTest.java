package dev.tenantwright.plugin.traefik;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.plugin.support.SchemaValidator;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.PluginJars;
import dev.tenantwright.testkit.ReadmeSnippets;
import dev.tenantwright.testkit.traefik.TraefikFake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The module as a real PF4J plugin jar, running the README's blueprint through the engine against {@link TraefikFake}. */
class TraefikPluginTest {

  @TempDir
  Path tmp;

  @Test
  void theReadmeBlueprintWritesAVerifiedRouteAndDestroyRemovesIt() throws Exception {
    // PLUGIN-JARS-BEGIN
    Path plugins = tmp.resolve("plugins");
    PluginJars.build(TraefikPlugin.class, plugins);                 // this module's jar, as a host loads it
    Blueprint readme = Blueprint.fromYaml("README.md", ReadmeSnippets.firstYamlBlock(Path.of("README.md")));
    // PLUGIN-JARS-END
    Path dynamic = Files.createDirectories(tmp.resolve("dynamic"));

    try (TraefikFake traefik = new TraefikFake(dynamic).reloadAfterCalls(1).throttle(Duration.ofMillis(100))
            .validateWith(SchemaValidator.traefik()::validateYaml);
        Tenantwright tw = Tenantwright.builder()
            .platformDomains("acme.example")
            .embedded(tmp.resolve("data"))
            .plugins(plugins)
            .classpathPlugins(false)
            .pluginConfig("traefik", Map.of("directory", dynamic.toString(), "apiUrl", traefik.baseUrl(),
                "serverNetworks", List.of("127.0.0.1/32"),
                "certResolver", "le", "pollIntervalMillis", 20))
            .blueprint(readme)
            .build()) {
      assertThat(tw.resourceTypes()).contains("traefik.route");
      Tenant t = tw.tenants().create(NewTenant.company("Acme Shop").email("ops@acme-shop.example"));

      Run done = tw.environments().provision(t.id(), EnvironmentKind.DEMO,
          RunOptions.defaults().parameter("domain", "shop.acme.example")).await(Duration.ofMinutes(1));

      assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.SUCCEEDED);
      Path file = dynamic.resolve(t.id() + "--demo--route.yml");
      assertThat(SchemaValidator.traefik().validateYaml(Files.readString(file))).isEmpty();
      assertThat(traefik.router(t.id() + "--demo--route@file")).hasValueSatisfying(r -> {
        assertThat(r.get("status").asText()).isEqualTo("enabled");
        assertThat(r.get("rule").asText()).isEqualTo("Host(`shop.acme.example`) && PathPrefix(`/shop`)");
      });
      Environment.Resource route = tw.environments().find(t.id(), "demo").orElseThrow().resource("route");
      assertThat(route.outputs()).containsEntry("verified", true).containsEntry("url", "https://shop.acme.example/shop");

      Run destroyed = tw.environments().destroy(t.id(), "demo", RunOptions.defaults()).await(Duration.ofMinutes(1));

      assertThat(destroyed.state()).as(String.valueOf(destroyed.error())).isEqualTo(RunState.SUCCEEDED);
      assertThat(traefik.liveObjects()).isEmpty();
      assertThat(traefik.validatedFiles()).isPositive();
      assertThat(traefik.loadErrors()).isEmpty();
    }
  }

  @Test
  void theTestKitReadmeShowsThisPluginJarsExample() throws Exception {
    ReadmeSnippets.assertShows(Path.of("../../testkit/README.md"), "## PluginJars",
        Path.of("src/test/java/dev/tenantwright/plugin/traefik/TraefikPluginTest.java"), "PLUGIN-JARS");
  }
}
