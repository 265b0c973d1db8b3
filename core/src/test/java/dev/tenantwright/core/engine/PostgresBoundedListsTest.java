package dev.tenantwright.core.engine;

/** Bounded reads and pages on a real PostgreSQL. */
class PostgresBoundedListsTest extends BoundedListsContract {
  PostgresBoundedListsTest() {
    super(new Postgres());
  }
}
