package dev.tenantwright.core.engine;

/** The engine suite on the embedded H2 file store. */
class H2EngineTest extends EngineContract {
  H2EngineTest() {
    super(new H2());
  }
}
