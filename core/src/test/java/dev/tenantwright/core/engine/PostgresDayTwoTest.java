package dev.tenantwright.core.engine;

/** The day-two suite on PostgreSQL. */
class PostgresDayTwoTest extends DayTwoContract {
  PostgresDayTwoTest() {
    super(new Postgres());
  }
}
