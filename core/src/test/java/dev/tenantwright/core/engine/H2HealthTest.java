package dev.tenantwright.core.engine;

/** The health checks on the embedded H2 file store. */
class H2HealthTest extends HealthContract {
  H2HealthTest() {
    super(new H2());
  }
}
