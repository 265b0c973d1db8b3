package dev.tenantwright.core.engine;

/** The lifecycle rules on the embedded H2 file store. */
class H2LifecycleTest extends LifecycleContract {
  H2LifecycleTest() {
    super(new H2());
  }
}
