package dev.tenantwright.spring;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.BlueprintSelector;
import dev.tenantwright.core.Listener;
import dev.tenantwright.core.Policy;
import dev.tenantwright.core.StatusWebhook;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spring.internal.PropertyMapping;
import dev.tenantwright.spring.internal.TenantwrightShutdown;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the application's {@link Tenantwright} from {@link TenantwrightProperties} and its beans, and closes it with
 * the application, draining runs in flight ({@link TenantwrightShutdown}).
 *
 * <p>The journal is the application's {@link DataSource} bean when it has one (H2 or PostgreSQL; it then needs
 * {@code tenantwright.secret-key-file}), else the embedded H2 file in {@code tenantwright.embedded-dir};
 * {@code tenantwright.journal} forces either. Beans of type {@link ResourceType}, {@link ProvisioningStep},
 * {@link Listener}, {@link Policy}, {@link Blueprint} and {@link StatusWebhook} are added in their
 * {@link org.springframework.core.annotation.Order}, and a single {@link BlueprintSelector} or {@link CommandRunner}
 * bean is used; then every {@link TenantwrightBuilderCustomizer} may change the builder.
 *
 * <p>Backs off when the application defines its own {@code Tenantwright} bean (which it then closes itself), and when
 * {@code tenantwright.enabled=false}. Runs after Spring Boot's DataSource auto-configuration, so that the DataSource
 * it makes from {@code spring.datasource.*} is found.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnBooleanProperty(name = "tenantwright.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TenantwrightProperties.class)
public class TenantwrightAutoConfiguration {

  /** The engine and its shutdown, both only when the application has no Tenantwright bean of its own. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(Tenantwright.class)
  static class EngineConfiguration {

    /** Created before the engine, so that an engine that exists is always closed, even if the context fails. */
    @Bean
    TenantwrightShutdown tenantwrightShutdown(TenantwrightProperties properties) {
      return new TenantwrightShutdown(properties.getShutdown().getDrain());
    }

    /** Closed by {@link TenantwrightShutdown}, not by a destroy method: see there why. */
    @Bean(destroyMethod = "")
    Tenantwright tenantwright(TenantwrightProperties properties, TenantwrightShutdown shutdown,
        ObjectProvider<DataSource> dataSource, ObjectProvider<ResourceType<?, ?>> resourceTypes,
        ObjectProvider<ProvisioningStep<?, ?>> steps, ObjectProvider<Listener> listeners,
        ObjectProvider<Policy> policies, ObjectProvider<Blueprint> blueprints,
        ObjectProvider<StatusWebhook> statusWebhooks, ObjectProvider<BlueprintSelector> blueprintSelector,
        ObjectProvider<CommandRunner> commandRunner, ObjectProvider<TenantwrightBuilderCustomizer> customizers) {
      Tenantwright.Builder builder = Tenantwright.builder();
      DataSource journal = journal(properties.getJournal(), dataSource);
      if (journal != null) {
        builder.dataSource(journal);
      } else if (properties.getEmbeddedDir() != null) {
        builder.embedded(properties.getEmbeddedDir());
      }
      PropertyMapping.apply(properties, builder);
      resourceTypes.orderedStream().forEach(builder::resourceType);
      steps.orderedStream().forEach(builder::step);
      listeners.orderedStream().forEach(builder::listener);
      policies.orderedStream().forEach(builder::policy);
      blueprints.orderedStream().forEach(builder::blueprint);
      statusWebhooks.orderedStream().forEach(builder::statusWebhook);
      blueprintSelector.ifUnique(builder::blueprintSelector);
      commandRunner.ifUnique(builder::commandRunner);
      customizers.orderedStream().forEach(c -> c.customize(builder));
      Tenantwright tenantwright;
      try {
        tenantwright = builder.build();
      } catch (ValidationException e) {
        if (journal != null && "secretKey".equals(e.field())) {
          throw new ValidationException("tenantwright.secret-key-file", "required when the journal is the "
              + "application's DataSource (the same file on every node), or set a key with a "
              + "TenantwrightBuilderCustomizer (builder.secretKey(bytes))");
        }
        throw e;
      }
      shutdown.manage(tenantwright);
      return tenantwright;
    }

    private static DataSource journal(TenantwrightProperties.Journal journal, ObjectProvider<DataSource> dataSource) {
      return switch (journal) {
        case EMBEDDED -> null;
        case AUTO -> dataSource.getIfAvailable();
        case DATA_SOURCE -> {
          DataSource ds = dataSource.getIfAvailable();
          if (ds == null) {
            throw new ValidationException("tenantwright.journal", "is data-source, but the application has no "
                + "DataSource bean");
          }
          yield ds;
        }
      };
    }
  }
}
