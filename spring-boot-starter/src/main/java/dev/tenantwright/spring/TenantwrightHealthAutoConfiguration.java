package dev.tenantwright.spring;

import dev.tenantwright.core.Tenantwright;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Adds {@link TenantwrightHealthIndicator} as the {@code tenantwright} health component when Spring Boot's health
 * support ({@code spring-boot-health}, part of the actuator) is on the class path and there is a {@link Tenantwright}
 * bean — the auto-configured one or the application's own.
 *
 * <p>A separate auto-configuration so that the starter works without the actuator: its conditions are read before
 * any health type is loaded. {@code management.health.tenantwright.enabled=false} turns it off; a bean named
 * {@code tenantwrightHealthIndicator} replaces it.
 */
@AutoConfiguration(after = TenantwrightAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(Tenantwright.class)
@ConditionalOnEnabledHealthIndicator("tenantwright")
public class TenantwrightHealthAutoConfiguration {

  /** The indicator; the bean name gives the component its name, {@code tenantwright}. */
  @Bean
  @ConditionalOnMissingBean(name = "tenantwrightHealthIndicator")
  public TenantwrightHealthIndicator tenantwrightHealthIndicator(Tenantwright tenantwright) {
    return new TenantwrightHealthIndicator(tenantwright);
  }
}
