package dev.tenantwright.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.ReadmeSnippets;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README.md shows the compiled example and describes every meter there is. */
class ReadmeTest {

  static final Path README = Path.of("README.md");

  @Test
  void theReadmeShowsTheCompiledExample() throws IOException {
    ReadmeSnippets.assertShows(README, "## Use", Path.of("src/test/java/dev/tenantwright/micrometer/MetricsWiring.java"),
        "README");
  }

  @Test
  void theReadmeExampleCountsARealProvisioning(@TempDir Path dir) {
    MeterRegistry registry = new SimpleMeterRegistry();
    Blueprint website = Blueprint.builder("website")
        .resource("admin-password", "secret", r -> r.param("length", 32))
        .build();
    try (Tenantwright tw = MetricsWiring.open(dir, website, registry)) {
      Tenant t = tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
      Run done = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(Duration.ofSeconds(30));

      assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(registry.get("tenantwright.runs").tags("app", "portal", "outcome", "succeeded").counter().count())
          .isEqualTo(1);
      assertThat(registry.get("tenantwright.steps.duration").tags("type", "secret", "action", "create").timer()
          .count()).isEqualTo(1);
    }
  }

  @Test
  void everyMeterTheModuleRegistersIsInTheReadmeTableAndNothingElse() throws IOException {
    Set<String> documented = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `(tenantwright\\.[a-z.]+)` \\|").matcher(Files.readString(README));
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertThat(documented).containsExactlyInAnyOrderElementsOf(TenantwrightMetrics.METER_NAMES);

    MeterRegistry registry = new SimpleMeterRegistry();
    Feeds.everyCallback(new TenantwrightMetrics(registry));
    Set<String> registered = registry.getMeters().stream().map(Meter::getId).map(Meter.Id::getName)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(registered).containsExactlyInAnyOrderElementsOf(documented);
  }
}
