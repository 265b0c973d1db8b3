package dev.tenantwright.plugin.compose;

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
import dev.tenantwright.testkit.CommandRunnerFake;
import dev.tenantwright.testkit.PluginJars;
import dev.tenantwright.testkit.ReadmeSnippets;
import dev.tenantwright.testkit.compose.DockerComposeFake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The module as a real PF4J plugin jar, running the README's blueprint through the engine. */
class ComposePluginTest {

  @TempDir
  Path tmp;

  @Test
  void theReadmeBlueprintProvisionsAndDestroysThroughThePluginJar() throws Exception {
    Path plugins = tmp.resolve("plugins");
    PluginJars.build(ComposePlugin.class, plugins);
    DockerComposeFake compose = new DockerComposeFake().validateWith(SchemaValidator.compose()::validateYaml)
        .externalNetwork("traefik");
    CommandRunnerFake runner = new CommandRunnerFake().on(compose);
    Path sites = tmp.resolve("sites");
    Blueprint readme = Blueprint.fromYaml("README.md", ReadmeSnippets.firstYamlBlock(Path.of("README.md")));

    try (Tenantwright tw = Tenantwright.builder()
        .platformDomains("acme.example")
        .embedded(tmp.resolve("data"))
        .plugins(plugins)
        .classpathPlugins(false)
        .commandRunner(runner)
        .pluginConfig("compose", Map.of("rootDir", sites.toString(), "certResolver", "le", "traefikNetwork", "traefik"))
        .blueprint(readme)
        .build()) {
      assertThat(tw.resourceTypes()).contains("compose.project");
      Tenant t = tw.tenants().create(NewTenant.company("Acme Shop").email("ops@acme-shop.example"));

      Run done = tw.environments().provision(t.id(), EnvironmentKind.DEMO,
          RunOptions.defaults().parameter("domain", "shop.acme.example")).await(Duration.ofMinutes(1));

      assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.SUCCEEDED);
      String project = t.id() + "--demo--site";
      Path folder = sites.resolve(project);
      String yaml = Files.readString(folder.resolve("compose.yaml"));
      assertThat(SchemaValidator.compose().validateYaml(yaml)).isEmpty();
      assertThat(yaml).contains("Host(`shop.acme.example`)");
      assertThat(Files.readString(folder.resolve(".env"))).matches("(?s).*DB_PASSWORD='[A-Za-z0-9]{32}'\n.*");
      assertThat(compose.containers(project).get("web").health()).isEqualTo("healthy");
      Environment.Resource site = tw.environments().find(t.id(), "demo").orElseThrow().resource("site");
      assertThat(site.outputs()).containsEntry("project", project).containsEntry("url", "https://shop.acme.example/");
      assertThat(site.outputs().get("publishedPort")).isNotNull();

      Run destroyed = tw.environments().destroy(t.id(), "demo", RunOptions.defaults()).await(Duration.ofMinutes(1));

      assertThat(destroyed.state()).as(String.valueOf(destroyed.error())).isEqualTo(RunState.SUCCEEDED);
      assertThat(compose.liveObjects()).isEmpty();
      assertThat(folder).doesNotExist();
    }
  }
}
