package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tenantwright.core.EngineHealth;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The health checks on a real PostgreSQL, and a PostgreSQL server that stops under a running engine. */
class PostgresHealthTest extends HealthContract {
  PostgresHealthTest() {
    super(new Postgres());
  }

  @Test
  void aStoppedPostgresServerIsReportedUnreachable() throws Exception {
    // a server of its own: the shared one serves the other tests
    EmbeddedPostgres server = EmbeddedPostgres.builder().start();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(server.getJdbcUrl("postgres", "postgres"));
    config.setUsername("postgres");
    config.setConnectionTimeout(1000);
    config.setPoolName("stopping-postgres");
    try (HikariDataSource pool = new HikariDataSource(config)) {
      Tenantwright tw = Stores.on(pool).blueprint(EngineContract.chain()).resourceType(backend.type()).build();
      try {
        assertThat(tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT).state())
            .isEqualTo(RunState.SUCCEEDED);
        assertThat(tw.health().journalReachable()).isTrue();

        server.close();
        EngineHealth down = tw.health();

        assertThat(down.journalReachable()).isFalse();
        assertThat(down.journalError()).isNotBlank();
      } finally {
        tw.close(Duration.ZERO);
      }
    }
  }
}
