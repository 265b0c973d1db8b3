package dev.tenantwright.spring.demo;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Policy;
import dev.tenantwright.core.PolicyViolationException;
import dev.tenantwright.core.TenantwrightConfig;
import dev.tenantwright.spring.TenantwrightBuilderCustomizer;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A small host application: its own resource type, listener, policy, blueprint and builder customizer as beans,
 * {@code tenantwright.*} in its {@code application.yaml}, and the actuator's health endpoint.
 */
@SpringBootApplication
public class DemoApplication {

  @Bean
  DemoSiteType demoSiteType() {
    return new DemoSiteType();
  }

  @Bean
  RecordedEvents recordedEvents() {
    return new RecordedEvents();
  }

  /** Refuses every run for a tenant marked {@code frozen}. */
  @Bean
  Policy frozenTenants() {
    return request -> {
      if ("yes".equals(request.tenant().attributes().get("frozen"))) {
        throw new PolicyViolationException("frozen", "tenant " + request.tenant().id() + " is frozen");
      }
    };
  }

  /** A blueprint given as a bean, beside the ones in the blueprint directory. */
  @Bean
  Blueprint beanBlueprint() {
    return Blueprint.builder("bean-blueprint").resource("site", "demo.site", r -> r
        .param("title", "from a bean")
        .param("url", "http://127.0.0.1/")).build();
  }

  /** The builder's configuration as the customizer saw it: what the properties and beans set. */
  @Bean
  AtomicReference<TenantwrightConfig> builtFrom() {
    return new AtomicReference<>();
  }

  @Bean
  TenantwrightBuilderCustomizer recordAndAddABlueprint(AtomicReference<TenantwrightConfig> builtFrom) {
    return builder -> {
      builtFrom.set(builder.config());
      builder.blueprint(Blueprint.builder("customized").resource("site", "demo.site", r -> r
          .param("title", "from a customizer")
          .param("url", "http://127.0.0.1/")).build());
    };
  }
}
