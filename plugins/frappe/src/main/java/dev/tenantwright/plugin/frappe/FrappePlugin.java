package dev.tenantwright.plugin.frappe;

import org.pf4j.Plugin;

/**
 * The PF4J entry of the Frappe plugin.
 *
 * <p>It holds no state and needs no start or stop work: the resource type is found through the extension
 * index, and every {@code bench} invocation goes through the host's {@link dev.tenantwright.spi.CommandRunner}.
 */
public final class FrappePlugin extends Plugin {

  /** Created by PF4J when the plugin is loaded. */
  public FrappePlugin() {
    super();
  }
}
