package dev.tenantwright.core.engine;

/** The day-two suite on the embedded H2 file store. */
class H2DayTwoTest extends DayTwoContract {
  H2DayTwoTest() {
    super(new H2());
  }
}
