package dev.tenantwright.core.engine;

/** {@link CheckpointContract} on an embedded H2 file. */
class H2CheckpointTest extends CheckpointContract {
  H2CheckpointTest() {
    super(new H2());
  }
}
