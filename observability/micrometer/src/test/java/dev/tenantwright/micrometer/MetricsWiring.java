package dev.tenantwright.micrometer;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Tenantwright;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.nio.file.Path;

// README-BEGIN
final class MetricsWiring {

  /** A Tenantwright whose runs, steps and backends are counted and timed in the host's registry. */
  static Tenantwright open(Path dataDir, Blueprint website, MeterRegistry registry) {
    return Tenantwright.builder()
        .embedded(dataDir)
        .blueprint(website)
        .observer(new TenantwrightMetrics(registry, Tags.of("app", "portal")))
        .build();
  }
}
// README-END
