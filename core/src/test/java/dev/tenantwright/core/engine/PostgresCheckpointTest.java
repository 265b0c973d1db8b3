package dev.tenantwright.core.engine;

/** {@link CheckpointContract} on a real PostgreSQL. */
class PostgresCheckpointTest extends CheckpointContract {
  PostgresCheckpointTest() {
    super(new Postgres());
  }
}
