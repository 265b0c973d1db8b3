package dev.tenantwright.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.TenantwrightConfig;
import dev.tenantwright.spring.internal.TenantwrightShutdown;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * The auto-configuration's choices without a web server: where the journal lives, when it backs off, what it refuses,
 * customizer order, the health indicator's DOWN, and closing an engine whose context failed to start.
 */
class TenantwrightAutoConfigurationTest {

  private static final String KEY_FILE = "tenantwright.secret-key-file=";

  @TempDir
  Path dir;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(TenantwrightAutoConfiguration.class,
          TenantwrightHealthAutoConfiguration.class))
      .withPropertyValues("tenantwright.classpath-plugins=false");

  @Test
  void withoutADataSourceTheJournalIsTheEmbeddedFileInEmbeddedDir() {
    runner.withPropertyValues("tenantwright.embedded-dir=" + dir.resolve("journal")).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(Tenantwright.class).hasSingleBean(TenantwrightShutdown.class);
      assertThat(dir.resolve("journal/tenantwright.mv.db")).exists();
      assertThat(dir.resolve("journal/secret.key")).as("the embedded key's default place").exists();
    });
  }

  @Test
  void journalEmbeddedKeepsTheJournalOutOfTheApplicationsDataSource() {
    runner.withBean(DataSource.class, () -> h2(dir.resolve("app")))
        .withPropertyValues("tenantwright.journal=embedded", "tenantwright.embedded-dir=" + dir.resolve("journal"))
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(Tenantwright.class);
          assertThat(dir.resolve("journal/tenantwright.mv.db")).exists();
          try (Connection c = context.getBean(DataSource.class).getConnection()) {
            assertThat(c.getMetaData().getTables(null, null, "TW_RUN", null).next()).isFalse();
          }
        });
  }

  @Test
  void theApplicationsDataSourceWithoutASecretKeyFailsNamingTheProperty() {
    runner.withBean(DataSource.class, () -> h2(dir.resolve("app"))).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tenantwright.secret-key-file");
    });
  }

  @Test
  void journalDataSourceWithoutADataSourceFailsNamingTheProperty() {
    runner.withPropertyValues("tenantwright.journal=data-source").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tenantwright.journal")
          .hasMessageContaining("no DataSource bean");
    });
  }

  @Test
  void aStatusWebhookWithoutASecretFailsNamingItsProperty() {
    runner.withPropertyValues("tenantwright.embedded-dir=" + dir,
        "tenantwright.status-webhooks.master-db.url=https://admin.example.com/hooks").run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause()
              .hasMessageContaining("tenantwright.status-webhooks.master-db").hasMessageContaining("secret");
        });
  }

  @Test
  void anApplicationsOwnTenantwrightBeanReplacesTheAutoConfiguredOneAndGetsTheHealthIndicator() {
    runner.withUserConfiguration(OwnTenantwright.class).withPropertyValues("demo.dir=" + dir).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(Tenantwright.class)
          .doesNotHaveBean(TenantwrightShutdown.class).hasSingleBean(TenantwrightHealthIndicator.class);
      assertThat(context.getBean(Tenantwright.class).blueprints()).isEmpty();
      assertThat(context.getBean(TenantwrightHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
    });
  }

  @Test
  void enabledFalseLeavesNoTenantwright() {
    runner.withPropertyValues("tenantwright.enabled=false").run(context -> assertThat(context).hasNotFailed()
        .doesNotHaveBean(Tenantwright.class).doesNotHaveBean(TenantwrightHealthIndicator.class));
  }

  @Test
  void theHealthIndicatorCanBeTurnedOffLikeAnyOther() {
    runner.withPropertyValues("tenantwright.embedded-dir=" + dir, "management.health.tenantwright.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Tenantwright.class)
            .doesNotHaveBean(TenantwrightHealthIndicator.class));
  }

  @Test
  void customizersRunInTheirOrderAfterThePropertiesWereApplied() {
    runner.withUserConfiguration(OrderedCustomizers.class)
        .withPropertyValues("tenantwright.embedded-dir=" + dir, "tenantwright.owner=from-properties").run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(OrderedCustomizers.class).seen)
              .containsExactly("first saw from-properties", "second saw first");
        });
  }

  @Test
  void healthIsDownWithTheJournalsErrorWhileTheDatabaseDoesNotAnswer() {
    SwitchableDataSource database = new SwitchableDataSource(h2(dir.resolve("app")));
    runner.withBean(DataSource.class, () -> database)
        .withPropertyValues(KEY_FILE + dir.resolve("secret.key")).run(context -> {
          TenantwrightHealthIndicator indicator = context.getBean(TenantwrightHealthIndicator.class);
          assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

          database.down = true;
          Health down = indicator.health();

          assertThat(down.getStatus()).isEqualTo(Status.DOWN);
          assertThat(down.getDetails()).containsOnlyKeys("journalError");
          assertThat((String) down.getDetails().get("journalError")).contains("database is down");
          database.down = false;
        });
  }

  @Test
  void anEngineIsClosedWhenItsApplicationFailsToStart() {
    Path journal = dir.resolve("journal");
    runner.withUserConfiguration(FailsAfterTheEngine.class)
        .withPropertyValues("tenantwright.embedded-dir=" + journal).run(context -> assertThat(context).hasFailed());

    // H2 serves one engine per process: a second one opens only if the first was closed
    try (Tenantwright again = Tenantwright.builder().embedded(journal).classpathPlugins(false).build()) {
      assertThat(again.health().journalReachable()).isTrue();
    }
  }

  private static DataSource h2(Path file) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:async:" + file.toAbsolutePath() + ";WRITE_DELAY=0;REUSE_SPACE=FALSE");
    ds.setUser("sa");
    return ds;
  }

  /** An application that builds its own Tenantwright (and so closes it itself). */
  @Configuration(proxyBeanMethods = false)
  static class OwnTenantwright {
    @Bean
    Tenantwright tenantwright(org.springframework.core.env.Environment env) {
      return Tenantwright.builder().embedded(Path.of(env.getProperty("demo.dir"))).classpathPlugins(false).build();
    }
  }

  /** Two customizers declared out of order, recording what each saw. */
  @Configuration(proxyBeanMethods = false)
  static class OrderedCustomizers {
    final List<String> seen = new ArrayList<>();

    @Bean
    @Order(2)
    TenantwrightBuilderCustomizer second() {
      return b -> seen.add("second saw " + b.config().owner());
    }

    @Bean
    @Order(1)
    TenantwrightBuilderCustomizer first() {
      return b -> {
        seen.add("first saw " + b.config().owner());
        b.owner("first");
      };
    }
  }

  /** A bean that needs the engine and then fails, so that the context fails after the engine was built. */
  @Configuration(proxyBeanMethods = false)
  static class FailsAfterTheEngine {
    @Bean
    AtomicReference<TenantwrightConfig> failing(Tenantwright tenantwright) {
      throw new IllegalStateException("the application cannot start");
    }
  }

  /** A DataSource whose database can be made unreachable: every connection is refused while {@link #down}. */
  static final class SwitchableDataSource implements DataSource {
    private final DataSource target;
    volatile boolean down;

    SwitchableDataSource(DataSource target) {
      this.target = target;
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (down) {
        throw new SQLTransientConnectionException("the journal database is down (test)", "08001");
      }
      return target.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
      return target.isWrapperFor(iface);
    }
  }
}
