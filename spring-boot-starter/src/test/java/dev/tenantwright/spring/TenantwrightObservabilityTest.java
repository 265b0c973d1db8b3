package dev.tenantwright.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spring.demo.DemoApplication;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

/**
 * With a {@link MeterRegistry} and an {@link OpenTelemetry} bean in the application, the auto-configured engine
 * meters and traces its runs in them; with the properties off, it reports to neither.
 */
class TenantwrightObservabilityTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  /** What a host with Micrometer and OpenTelemetry has: a registry and an SDK (here exporting to memory). */
  @Configuration(proxyBeanMethods = false)
  static class ObservabilityBeans {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    /** One per application: closing the SDK with its context shuts its exporter down. */
    @Bean
    InMemorySpanExporter spans() {
      return InMemorySpanExporter.create();
    }

    @Bean
    OpenTelemetry openTelemetry(InMemorySpanExporter spans) {
      return OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
          .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    }
  }

  private ConfigurableApplicationContext start(Map<String, Object> extra) {
    Map<String, Object> properties = new HashMap<>(extra);
    properties.put("spring.datasource.url", "jdbc:h2:async:" + dir.resolve("app") + ";WRITE_DELAY=0;REUSE_SPACE=FALSE");
    properties.put("spring.datasource.username", "sa");
    properties.put("tenantwright.secret-key-file", dir.resolve("secret.key").toString());
    return new SpringApplicationBuilder(DemoApplication.class, ObservabilityBeans.class)
        .web(WebApplicationType.NONE)
        .initializers(context -> context.getEnvironment().getPropertySources()
            .addFirst(new MapPropertySource("test", properties)))
        .run();
  }

  private static Run provisionDemo(Tenantwright tw) {
    Tenant t = tw.tenants().create(NewTenant.company("Observed Corp").email("ops@observed.example"));
    return tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
  }

  @Test
  void theEngineIsMeteredAndTracedInTheApplicationsOwnRegistryAndOpenTelemetry() throws IOException {
    try (ConfigurableApplicationContext app = start(Map.of())) {
      Run run = provisionDemo(app.getBean(Tenantwright.class));
      MeterRegistry registry = app.getBean(MeterRegistry.class);

      assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(registry.get("tenantwright.runs").tags("kind", "provision", "outcome", "succeeded").counter()
          .count()).isEqualTo(1.0);
      assertThat(registry.get("tenantwright.steps.duration").timers()).isNotEmpty();
      assertThat(app.getBean(InMemorySpanExporter.class).getFinishedSpanItems()).extracting(SpanData::getName)
          .contains("tenantwright.run provision");
      String readme = Files.readString(Path.of("README.md"));
      assertThat(registry.getMeters()).extracting(m -> m.getId().getName()).filteredOn(n -> n.startsWith("tenantwright."))
          .isNotEmpty().allSatisfy(name -> assertThat(readme).as("README.md lists the meter").contains("`" + name + "`"));
    }
  }

  @Test
  void thePropertiesTurnEitherOff() {
    try (ConfigurableApplicationContext app = start(Map.of("tenantwright.metrics.enabled", "false",
        "tenantwright.tracing.enabled", "false"))) {
      provisionDemo(app.getBean(Tenantwright.class));

      assertThat(app.getBean(MeterRegistry.class).find("tenantwright.runs").counters()).isEmpty();
      assertThat(app.getBean(InMemorySpanExporter.class).getFinishedSpanItems()).isEmpty();
    }
  }
}
