package dev.tenantwright.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.PlanLimits;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.TenantState;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle example in core/README.md is this code, and it works. */
class LifecycleReadmeTest {

  @TempDir
  Path dataDir;

  @Test
  void theLifecycleExampleRuns() {
    List<RunState> states = new ArrayList<>();
    Blueprint website = Blueprint.builder("website")
        .var("theme", "classic")
        .resource("admin-password", "secret", r -> r.param("length", 32))
        .resource("http-port", "port")
        .build();
    Duration timeout = Duration.ofMinutes(1);
    Tenant last;
    // LIFECYCLE-BEGIN
    Tenantwright tw = Tenantwright.builder().embedded(dataDir).blueprint(website)
        .planLimits("starter", PlanLimits.unlimited().maxTestInstances(3))
        .build();
      Tenant t = tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example").plan("starter"));
      tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(timeout);            // demo with sample data
      tw.environments().provision(t.id(), EnvironmentKind.LIVE).await(timeout);            // protected live
      tw.environments().createTest(t.id(), "new-theme",                                     // a test instance
          RunOptions.defaults().parameter("theme", "modern")).await(timeout);
      tw.environments().reset(t.id(), "test-new-theme", RunOptions.defaults()).await(timeout);
      Run promoted = tw.environments().promote(t.id(), "test-new-theme",                  // config to live, never data
          RunOptions.defaults().actor("alice")).await(timeout);
      tw.environments().destroy(t.id(), "test-new-theme", RunOptions.defaults()).await(timeout);
      tw.environments().provision(t.id(), "blog", EnvironmentKind.LIVE,                    // a second site: blog-live
          RunOptions.defaults()).await(timeout);
      tw.tenants().changePlan(t.id(), "pro", RunOptions.defaults().actor("billing"));     // quotas re-checked
      tw.environments().reset(t.id(), "live",                                             // live needs an approval
          RunOptions.defaults().approval("alice", "CHG-1234 restore after incident")).await(timeout);
      Tenant gone = tw.tenants().delete(t.id(),                                            // live last, approved
          RunOptions.defaults().approval("bob", "customer cancelled"), timeout);
    // LIFECYCLE-END
    states.add(promoted.state());
    last = gone;
    tw.close();
    assertThat(states).containsExactly(RunState.SUCCEEDED);
    assertThat(last.state()).isEqualTo(TenantState.DELETED);
  }

  @Test
  void theReadmeShowsExactlyThisCode() throws Exception {
    ReadmeSnippets.assertShows(Path.of("README.md"), "## Environment lifecycle",
        Path.of("src/test/java/dev/tenantwright/core/docs/LifecycleReadmeTest.java"), "LIFECYCLE");
  }
}
