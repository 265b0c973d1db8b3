package dev.tenantwright.plugin.incus;

import org.pf4j.Plugin;

/**
 * The PF4J entry of the Incus plugin.
 *
 * <p>It holds no state and needs no start or stop work: the resource types are found through the
 * extension index, and REST clients are built lazily per configuration and share the host's connection pool.
 */
public final class IncusPlugin extends Plugin {

  /** Created by PF4J when the plugin is loaded. */
  public IncusPlugin() {
    super();
  }
}
