package dev.tenantwright.core.engine;

/** The tenant-boundary suite on the embedded H2 file store. */
class H2TenantBoundaryTest extends TenantBoundaryContract {
  H2TenantBoundaryTest() {
    super(new H2());
  }
}
