package dev.tenantwright.opentelemetry;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Tenantwright;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;

// README-BEGIN
final class TracingWiring {

  /** A Tenantwright whose runs and steps are traced with the host's OpenTelemetry (never the global one). */
  static Tenantwright open(Path dataDir, Blueprint website, OpenTelemetry openTelemetry) {
    return Tenantwright.builder()
        .embedded(dataDir)
        .blueprint(website)
        .observer(new TenantwrightTracing(openTelemetry))
        .build();
  }
}
// README-END
