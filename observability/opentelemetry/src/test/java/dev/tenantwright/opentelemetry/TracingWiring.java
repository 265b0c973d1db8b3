package dev.tenantwright.opentelemetry;

// README-BEGIN
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.opentelemetry.TenantwrightTracing;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;

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
