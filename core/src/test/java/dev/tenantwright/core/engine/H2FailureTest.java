package dev.tenantwright.core.engine;

/** The failure suite on the embedded H2 file store. */
class H2FailureTest extends FailureContract {
  H2FailureTest() {
    super(new H2());
  }
}
