package dev.tenantwright.core.engine;

/** Retention on the embedded H2 file store. */
class H2RetentionTest extends RetentionContract {
  H2RetentionTest() {
    super(new H2());
  }
}
