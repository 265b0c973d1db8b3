package dev.tenantwright.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.DriftReport;
import dev.tenantwright.core.FleetOperation;
import dev.tenantwright.core.FleetRequest;
import dev.tenantwright.core.FleetState;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The day-two example in core/README.md is this code, and it works. */
class DayTwoReadmeTest {

  @TempDir
  Path dataDir;

  @Test
  void theDayTwoExampleRuns() {
    Blueprint website = Blueprint.builder("website").var("theme", "classic")
        .resource("admin-password", "secret", r -> r.param("length", 32)).build();
    Blueprint websiteV2 = Blueprint.builder("website").version(2).var("theme", "classic")
        .resource("admin-password", "secret", r -> r.param("length", 40)).build();
    Duration timeout = Duration.ofMinutes(1);
    Tenantwright setup = Tenantwright.builder().embedded(dataDir).blueprint(website).build();
    String tenantId = setup.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example")).id();
    setup.environments().provision(tenantId, EnvironmentKind.DEMO).awaitSuccess(timeout);
    setup.environments().provision(tenantId, EnvironmentKind.LIVE).awaitSuccess(timeout);
    setup.close();
    // DAY-TWO-BEGIN
    Tenantwright tw = Tenantwright.builder().embedded(dataDir)
        .blueprint(website)                                          // version 1
        .blueprint(websiteV2)                                        // version 2, registered beside it
        .waveGate("smoke", (op, wave, updated) -> Optional.empty())  // the host's check after each wave
        .build();
      tw.environments().refresh(tenantId, "live", RunOptions.defaults()).awaitSuccess(timeout);
      DriftReport drift = tw.environments().drift(tenantId, "live").orElseThrow();
      if (!drift.inSync()) {                                         // gone, or changed outside Tenantwright
        tw.environments().repair(tenantId, "live",
            RunOptions.defaults().approval("alice", "INC-77 put DNS back")).awaitSuccess(timeout);
      }
      tw.environments().pin(tenantId, "demo", 1, "alice");           // roll-outs leave it on version 1
      FleetOperation op = tw.fleet().start(FleetRequest.update().blueprintVersion("website", 2)
          .canary(5).growth(2).maxInFlight(20).failureThreshold(0.1).gate("smoke"));
      op = tw.fleet().await(op.id(), Duration.ofHours(2));           // COMPLETED, or HALTED with its reason
      tw.fleet().schedule("nightly-drift", Duration.ofHours(24), FleetRequest.refresh().maxInFlight(50));
    // DAY-TWO-END
    assertThat(drift.inSync()).isTrue();
    assertThat(op.state()).isEqualTo(FleetState.COMPLETED);
    assertThat(op.counts().succeeded()).isEqualTo(1);
    assertThat(op.counts().skipped()).isEqualTo(1);
    assertThat(tw.environments().find(tenantId, "live").orElseThrow().blueprintVersion()).isEqualTo(2);
    assertThat(tw.fleet().schedules()).hasSize(1);
    tw.close();
  }

  @Test
  void theReadmeShowsExactlyThisCode() throws Exception {
    ReadmeSnippets.assertShows(Path.of("README.md"), "## Day two: drift, versions, roll-outs",
        Path.of("src/test/java/dev/tenantwright/core/docs/DayTwoReadmeTest.java"), "DAY-TWO");
  }
}
