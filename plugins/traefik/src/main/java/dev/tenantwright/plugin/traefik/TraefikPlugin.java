package dev.tenantwright.plugin.traefik;

import org.pf4j.Plugin;

/**
 * The PF4J entry of the Traefik plugin ({@code tenantwright.traefik}); it contributes the
 * {@code traefik.route} resource type through its {@code @Extension}.
 *
 * <p>Nothing to start or stop: the type writes files and talks to Traefik's API with the shared REST client.
 */
public final class TraefikPlugin extends Plugin {

  /** Creates the plugin; PF4J calls this when it loads the jar. */
  public TraefikPlugin() {
    super();
  }
}
