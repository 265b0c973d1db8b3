package dev.tenantwright.core.engine;

/** Bounded reads and pages on the embedded H2 file store. */
class H2BoundedListsTest extends BoundedListsContract {
  H2BoundedListsTest() {
    super(new H2());
  }
}
