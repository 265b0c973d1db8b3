package dev.tenantwright.plugin.vercel;

import org.pf4j.Plugin;

/**
 * The PF4J entry of the Vercel plugin; its resource types are the {@code @Extension} classes
 * {@link VercelProjectType}, {@link VercelEnvType}, {@link VercelDeploymentType}, {@link VercelDomainType} and
 * {@link VercelDomainCheckType}.
 *
 * <p>It holds no state: each type builds its API client from the configuration the host binds for the
 * {@code vercel} section ({@link VercelConfig}).
 */
public final class VercelPlugin extends Plugin {

  /** Created by PF4J when the plugin loads. */
  public VercelPlugin() {
    super();
  }
}
