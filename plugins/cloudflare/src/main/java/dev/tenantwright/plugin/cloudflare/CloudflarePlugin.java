package dev.tenantwright.plugin.cloudflare;

import org.pf4j.Plugin;

/**
 * The PF4J entry of the Cloudflare plugin; its resource types are the {@code @Extension} classes
 * {@link CloudflareDnsRecordType} and {@link CloudflareTxtVerificationType}.
 *
 * <p>It holds no state: each type builds its API client from the configuration the host binds for the
 * {@code cloudflare} section ({@link CloudflareConfig}).
 */
public final class CloudflarePlugin extends Plugin {

  /** Created by PF4J when the plugin loads. */
  public CloudflarePlugin() {
    super();
  }
}
