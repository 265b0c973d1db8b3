package dev.tenantwright.plugin.incus;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.tenantwright.testkit.incus.ExecCall;
import dev.tenantwright.testkit.incus.InstanceView;
import dev.tenantwright.testkit.incus.IncusFake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ERP use case end to end on the Incus fake: the plugin loaded as a real PF4J jar, the example blueprint
 * {@code examples/blueprints/erp-incus.yaml}, a tenant made from a company name, a demo and a test instance,
 * destroy.
 */
class ErpBlueprintTest {

  static final Duration WAIT = Duration.ofMinutes(1);

  final IncusFake fake = new IncusFake();
  @TempDir Path dir;

  @AfterEach
  void close() {
    try {
      fake.assertContractRespected();
    } finally {
      fake.close();
    }
  }

  /** {@code examples/blueprints/erp-incus.yaml}, found from the module directory upwards. */
  static Path example() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("examples/blueprints/erp-incus.yaml");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("examples/blueprints/erp-incus.yaml not found above " + Path.of("").toAbsolutePath());
  }

  @Test
  void theErpExampleProvisionsACustomerWorldThroughThePluginJar() {
    Path plugins = dir.resolve("plugins");
    PluginJars.build(IncusPlugin.class, plugins);
    try (Tenantwright tw = Tenantwright.builder()
        .embedded(dir.resolve("data"))
        .plugins(plugins)
        .classpathPlugins(false)
        .pluginConfig("incus", Map.of("url", fake.baseUrl(), "addressTimeoutSeconds", 0))
        .blueprint(Blueprint.fromYaml(example()))
        .portRange(24100, 24199)
        .build()) {
      assertThat(tw.resourceTypes()).contains(IncusInstanceType.TYPE);

      Tenant abc = tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
      assertThat(abc.id()).isEqualTo("abc-corporation");
      Run demo = tw.environments().provision(abc.id(), EnvironmentKind.DEMO).await(WAIT);
      Run qa = tw.environments().createTest(abc.id(), "qa", RunOptions.defaults()).await(WAIT);
      assertThat(demo.state()).as(String.valueOf(demo.error())).isEqualTo(RunState.SUCCEEDED);
      assertThat(qa.state()).as(String.valueOf(qa.error())).isEqualTo(RunState.SUCCEEDED);

      Environment env = tw.environments().find(abc.id(), "demo").orElseThrow();
      Map<String, Object> erp = env.resource("erp").outputs();
      int port = ((Number) env.resource("port").outputs().get("port")).intValue();
      assertThat(erp).containsEntry("name", "abc-corporation--demo--erp")
          .containsEntry("status", "Running")
          .containsEntry("url", "http://127.0.0.1:" + port + "/");

      InstanceView instance = fake.instance("default", "abc-corporation--demo--erp").orElseThrow();
      assertThat(instance.config()).containsEntry("environment.CUSTOMER_ID", "abc-corporation")
          .containsEntry("environment.COMPANY_NAME", "ABC Corporation")
          .containsEntry("environment.CONTACT_EMAIL", "ops@abc.example")
          .containsEntry("environment.ERP_ENVIRONMENT", "demo")
          .containsEntry("environment.TZ", "UTC")
          .containsEntry("limits.memory", "256MiB")
          .containsKey(IncusExecType.MARK_PREFIX + "sample-data");
      assertThat(instance.devices().values()).singleElement()
          .satisfies(d -> assertThat(d).containsEntry("listen", "tcp:127.0.0.1:" + port)
              .containsEntry("connect", "tcp:127.0.0.1:8080"));
      assertThat(instance.snapshots()).containsExactly(IncusInstanceType.BASELINE);
      // The init commands, then the demo's sample data; the test instance gets the init commands only.
      assertThat(fake.execs()).filteredOn(c -> c.instance().equals("abc-corporation--demo--erp"))
          .extracting(c -> c.command().get(0))
          .containsExactly("/bin/mkdir", "/bin/cp", "/bin/mkdir", "/usr/bin/awk");
      assertThat(fake.execs()).filteredOn(c -> c.instance().equals("abc-corporation--demo--erp"))
          .extracting(ExecCall::command).startsWith(List.of("/bin/mkdir", "-p", "/srv/erp/data"),
              List.of("/bin/cp", "/proc/sys/kernel/hostname", "/www/instance.txt"))
          .contains(List.of("/bin/mkdir", "-p", "/srv/erp/data/sample"));
      assertThat(fake.execs()).filteredOn(c -> c.instance().equals("abc-corporation--test-qa--erp"))
          .extracting(ExecCall::command)
          .containsExactly(List.of("/bin/mkdir", "-p", "/srv/erp/data"),
              List.of("/bin/cp", "/proc/sys/kernel/hostname", "/www/instance.txt"));
      assertThat(env.resources()).extracting(Environment.Resource::name)
          .containsExactlyInAnyOrder("port", "erp", "sample-data");
      assertThat(tw.environments().find(abc.id(), "test-qa").orElseThrow().resources())
          .extracting(Environment.Resource::name).containsExactlyInAnyOrder("port", "erp");

      String qaUrl = (String) tw.environments().find(abc.id(), "test-qa").orElseThrow().resource("erp").outputs()
          .get("url");
      assertThat(qaUrl).startsWith("http://127.0.0.1:").isNotEqualTo(erp.get("url"));
      assertThat(fake.instances()).extracting(InstanceView::name)
          .containsExactlyInAnyOrder("abc-corporation--demo--erp", "abc-corporation--test-qa--erp");

      assertThat(tw.environments().destroy(abc.id(), "test-qa", RunOptions.defaults()).await(WAIT).state())
          .isEqualTo(RunState.SUCCEEDED);
      assertThat(tw.environments().destroy(abc.id(), "demo", RunOptions.defaults()).await(WAIT).state())
          .isEqualTo(RunState.SUCCEEDED);
      fake.assertNothingLeaked();
    }
  }

  @Test
  void theDemosSampleDataIsNotLoadedAgainByAnUpdateButIsAfterAReset() {
    Path plugins = dir.resolve("plugins");
    PluginJars.build(IncusPlugin.class, plugins);
    try (Tenantwright tw = Tenantwright.builder()
        .embedded(dir.resolve("data"))
        .plugins(plugins)
        .classpathPlugins(false)
        .pluginConfig("incus", Map.of("url", fake.baseUrl(), "addressTimeoutSeconds", 0))
        .blueprint(Blueprint.fromYaml(example()))
        .portRange(24100, 24199)
        .build()) {
      Tenant abc = tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
      String demo = "abc-corporation--demo--erp";
      assertThat(tw.environments().provision(abc.id(), EnvironmentKind.DEMO).await(WAIT).state())
          .isEqualTo(RunState.SUCCEEDED);
      assertThat(loads(demo)).isEqualTo(1);

      Run updated = tw.environments().update(abc.id(), "demo",
          RunOptions.defaults().parameter("memory", "512MiB")).await(WAIT);

      assertThat(updated.state()).as(String.valueOf(updated.error())).isEqualTo(RunState.SUCCEEDED);
      assertThat(fake.instance("default", demo).orElseThrow().config()).containsEntry("limits.memory", "512MiB");
      assertThat(loads(demo)).as("the update leaves the sample data alone").isEqualTo(1);

      Run reset = tw.environments().reset(abc.id(), "demo", RunOptions.defaults()).await(WAIT);

      assertThat(reset.state()).as(String.valueOf(reset.error())).isEqualTo(RunState.SUCCEEDED);
      assertThat(loads(demo)).as("the reset restored the baseline without it and loads it again").isEqualTo(2);
      assertThat(fake.instance("default", demo).orElseThrow().config())
          .containsKey(IncusExecType.MARK_PREFIX + "sample-data")
          .containsEntry("limits.memory", "512MiB");

      assertThat(tw.environments().destroy(abc.id(), "demo", RunOptions.defaults()).await(WAIT).state())
          .isEqualTo(RunState.SUCCEEDED);
      assertThat(fake.execs()).filteredOn(c -> c.instance().equals(demo)).extracting(ExecCall::command)
          .endsWith(List.of("/bin/rm", "-rf", "/srv/erp/data/sample"));
      fake.assertNothingLeaked();
    }
  }

  /** How often the sample data was loaded into the instance. */
  private long loads(String instance) {
    return fake.execs().stream()
        .filter(c -> c.instance().equals(instance) && c.command().get(0).equals("/usr/bin/awk")).count();
  }
}
