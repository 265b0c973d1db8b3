package dev.tenantwright.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding example in the root README is this code, and it works. */
class ReadmeExampleTest {

  @TempDir
  Path data;

  void example(Path dataDir) {
    // README-BEGIN
    Blueprint website = Blueprint.builder("website")
        .resource("admin-password", "secret", r -> r.param("length", 32))
        .resource("http-port", "port")
        .build();

    try (Tenantwright tw = Tenantwright.builder()
        .embedded(dataDir)                       // or .dataSource(ds).secretKey(key) for PostgreSQL
        .blueprint(website)                      // or .blueprints(Path.of("blueprints"))
        .listener(event -> System.out.println(event))
        .build()) {
      Tenant t = tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
      Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO);
      Run done = run.await(Duration.ofMinutes(5));     // SUCCEEDED, or ROLLED_BACK with done.error()
      System.out.println(done.state() + " " + tw.environments().find(t.id(), "demo").orElseThrow().resources());
    }
    // README-END
  }

  @Test
  void theReadmeExampleProvisionsADemo() {
    example(data);
    try (Tenantwright tw = Tenantwright.builder().embedded(data).classpathPlugins(false).build()) {
      assertThat(tw.environments().find("abc-corporation", "demo").orElseThrow().state())
          .isEqualTo(dev.tenantwright.core.EnvironmentState.READY);
      assertThat(tw.runs().list("abc-corporation", "demo")).extracting(Run::state).containsExactly(RunState.SUCCEEDED);
    }
  }

  @Test
  void theReadmeShowsExactlyThisCode() throws Exception {
    ReadmeSnippets.assertShows(Path.of("..", "README.md"), "## Embed",
        Path.of("src/test/java/dev/tenantwright/core/docs/ReadmeExampleTest.java"), "README");
  }
}
