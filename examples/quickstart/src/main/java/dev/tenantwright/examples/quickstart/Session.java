package dev.tenantwright.examples.quickstart;

import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.examples.stories.Sandbox;

/**
 * One opened engine and, without {@code --config}, the sandbox it runs against; closing it closes both.
 *
 * @param tw the engine on the {@code --data} journal
 * @param sandbox the in-process backends, or null when {@code --config} names real ones
 */
record Session(Tenantwright tw, Sandbox sandbox) implements AutoCloseable {

  boolean isSandbox() {
    return sandbox != null;
  }

  @Override
  public void close() {
    try {
      tw.close();
    } finally {
      if (sandbox != null) {
        sandbox.close();
      }
    }
  }
}
