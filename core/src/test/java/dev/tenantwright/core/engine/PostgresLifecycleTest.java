package dev.tenantwright.core.engine;

/** The lifecycle rules on a real PostgreSQL. */
class PostgresLifecycleTest extends LifecycleContract {
  PostgresLifecycleTest() {
    super(new Postgres());
  }
}
