package dev.tenantwright.plugin.frappe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.CommandRunnerFake;
import dev.tenantwright.testkit.PluginJars;
import dev.tenantwright.testkit.ReadmeSnippets;
import dev.tenantwright.testkit.frappe.BenchFake;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's blueprint, run by the plugin loaded as a real PF4J jar; and the use-case blueprint's structure. */
class ReadmeBlueprintTest {

  @TempDir
  Path dir;

  @Test
  void theReadmeBlueprintProvisionsResetsAndDestroysASiteWithThePluginLoadedFromItsJar() throws IOException {
    Blueprint blueprint = Blueprint.fromYaml("README.md", ReadmeSnippets.firstYamlBlock(Path.of("README.md")));
    Path plugins = dir.resolve("plugins");
    PluginJars.build(FrappePlugin.class, plugins);
    BenchFake fake = TestConfigs.fakeBench();
    CommandRunnerFake runner = fake.attachTo(new CommandRunnerFake());
    try (Tenantwright tw = Tenantwright.builder().embedded(dir.resolve("data")).plugins(plugins)
        .platformDomains("erp.example.com")
        .classpathPlugins(false).pluginConfig("frappe", TestConfigs.local()).commandRunner(runner)
        .blueprint(blueprint).build()) {
      assertThat(tw.resourceTypes()).contains("frappe.site");
      Tenant t = tw.tenants().create(NewTenant.company("Acme Corp").email("ops@acme.example"));
      Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(Duration.ofMinutes(1));
      assertThat(run.state()).as(run.error()).isEqualTo(RunState.SUCCEEDED);
      assertThat(fake.site("acme-corp-demo.erp.example.com")).hasValueSatisfying(s -> {
        assertThat(s.apps()).containsExactly("frappe", "erpnext");
        assertThat(s.config()).containsEntry("mute_emails", true);
        assertThat(s.users()).containsKey("ops@acme.example");
      });
      assertThat(tw.environments().find(t.id(), "demo").orElseThrow().resource("site").outputs())
          .containsEntry("url", "https://acme-corp-demo.erp.example.com");

      runner.run(Command.builder("bench", "--site", "acme-corp-demo.erp.example.com", "add-user", "test@acme.example")
          .workingDir(Path.of(BenchFake.DEFAULT_BENCH_DIR)).build()).requireSuccess();
      Run reset = tw.environments().reset(t.id(), "demo", RunOptions.defaults()).await(Duration.ofMinutes(1));
      assertThat(reset.state()).as(reset.error()).isEqualTo(RunState.SUCCEEDED);
      assertThat(fake.site("acme-corp-demo.erp.example.com").orElseThrow().users())
          .as("reset restored the baseline backup").doesNotContainKey("test@acme.example");
      assertThat(fake.received("--site", "acme-corp-demo.erp.example.com", "--force", "restore")).hasSize(1);
      assertThat(fake.site("acme-corp-demo.erp.example.com").orElseThrow().schedulerActive()).isTrue();

      Run destroyed = tw.environments().destroy(t.id(), "demo", RunOptions.defaults()).await(Duration.ofMinutes(1));
      assertThat(destroyed.state()).as(destroyed.error()).isEqualTo(RunState.SUCCEEDED);
      assertThat(fake.liveObjects()).isEmpty();
    }
  }

  @Test
  void theUseCaseBlueprintLoads() {
    Blueprint erp = Blueprint.fromYaml(ErpSignupUseCaseTest.BLUEPRINT);
    assertThat(erp.name()).isEqualTo("erp-frappe");
    assertThat(erp.resource("site")).hasValueSatisfying(r -> assertThat(r.type()).isEqualTo("frappe.site"));
    assertThat(erp.resource("register")).hasValueSatisfying(r -> assertThat(r.type()).isEqualTo("webhook.call"));
  }

  @Test
  void theReadmeShowsTheCompiledConfigurationExample() throws IOException {
    ReadmeSnippets.assertShows(Path.of("README.md"), "## Configuration",
        Path.of("src/test/java/dev/tenantwright/plugin/frappe/ReadmeBlueprintTest.java"), "CONFIG");
  }

  /** The README's configuration example: compiled here, not run (it needs a real bench and its password). */
  static Tenantwright readmeConfiguration() {
    // CONFIG-BEGIN
    Tenantwright tw = Tenantwright.builder()
        .plugins(Path.of("plugins"))
        .platformDomains("erp.example.com")              // site names under it are the platform's to give out
        .pluginConfig("frappe", Map.of(
            "transport", "docker",
            "container", "frappe-backend",
            "dbRootPassword", System.getenv("MARIADB_ROOT_PASSWORD")))
        .build();
    // CONFIG-END
    return tw;
  }
}
