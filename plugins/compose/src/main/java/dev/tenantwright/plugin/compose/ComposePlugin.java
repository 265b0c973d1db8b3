package dev.tenantwright.plugin.compose;

import org.pf4j.Plugin;

/**
 * The PF4J entry of the Compose plugin ({@code tenantwright.compose}); it contributes the
 * {@code compose.project} resource type through its {@code @Extension}.
 *
 * <p>Nothing to start or stop: the type is stateless and runs {@code docker compose} through the engine's
 * command runner, so the host controls processes, timeouts and output redaction.
 */
public final class ComposePlugin extends Plugin {

  /** Creates the plugin; PF4J calls this when it loads the jar. */
  public ComposePlugin() {
    super();
  }
}
