package dev.tenantwright.spring;

import dev.tenantwright.micrometer.TenantwrightMetrics;
import dev.tenantwright.opentelemetry.TenantwrightTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Hands the application's metrics and traces to the engine: with {@code tenantwright-micrometer} on the class path
 * and a {@link MeterRegistry} bean (Spring Boot's, or the application's own), the engine's runs, steps, retries,
 * takeovers and permit waits are metered in it ({@link TenantwrightMetrics}); with {@code tenantwright-opentelemetry}
 * and an {@link OpenTelemetry} bean, each run and step attempt is a span and plugins' HTTP calls and commands carry
 * its context ({@link TenantwrightTracing}).
 *
 * <p>Each is a {@link TenantwrightBuilderCustomizer} that looks its bean up when the engine is built, so it does not
 * depend on the order in which Spring Boot's own metrics or tracing auto-configurations run; a missing bean wires
 * nothing. Turned off with {@code tenantwright.metrics.enabled=false} / {@code tenantwright.tracing.enabled=false}.
 */
@AutoConfiguration(before = TenantwrightAutoConfiguration.class)
public class TenantwrightObservabilityAutoConfiguration {

  /** Metrics through Micrometer, when the application has a registry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({TenantwrightMetrics.class, MeterRegistry.class})
  @ConditionalOnBooleanProperty(name = "tenantwright.metrics.enabled", matchIfMissing = true)
  static class Metrics {

    /** Adds {@link TenantwrightMetrics} over the application's registry, if it has one. */
    @Bean
    TenantwrightBuilderCustomizer tenantwrightMetrics(ObjectProvider<MeterRegistry> registry) {
      return builder -> registry.ifAvailable(r -> builder.observer(new TenantwrightMetrics(r)));
    }
  }

  /** Traces through OpenTelemetry, when the application has an instance. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({TenantwrightTracing.class, OpenTelemetry.class})
  @ConditionalOnBooleanProperty(name = "tenantwright.tracing.enabled", matchIfMissing = true)
  static class Tracing {

    /** Adds {@link TenantwrightTracing} over the application's OpenTelemetry, if it has one. */
    @Bean
    TenantwrightBuilderCustomizer tenantwrightTracing(ObjectProvider<OpenTelemetry> openTelemetry) {
      return builder -> openTelemetry.ifAvailable(o -> builder.observer(new TenantwrightTracing(o)));
    }
  }
}
