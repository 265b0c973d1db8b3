package dev.tenantwright.plugin.cloudflare.internal;

import dev.tenantwright.spi.Nullable;

/**
 * A Cloudflare zone as the plugin uses it.
 *
 * @param id the zone's identifier
 * @param name its domain name, lower case
 * @param status {@code active} when Cloudflare's name servers answer for it, {@code pending} before the
 *     domain's name servers are switched; null when unknown (a zone named in the configuration, not read)
 */
public record Zone(String id, String name, @Nullable String status) {

  /** Whether Cloudflare answers DNS questions for this zone (assumed when the status was not read). */
  public boolean active() {
    return status == null || status.equals("active");
  }

  /** Whether {@code recordName} is this zone's name or a name below it. */
  public boolean holds(String recordName) {
    return within(recordName, name);
  }

  /** Whether {@code name} equals {@code domain} or lies below it, label-wise. */
  public static boolean within(String name, String domain) {
    return name.equals(domain) || name.endsWith("." + domain);
  }

  /** {@code "example.com (023e...)"}, for messages. */
  public String describe() {
    return name + " (" + id + ")";
  }
}
