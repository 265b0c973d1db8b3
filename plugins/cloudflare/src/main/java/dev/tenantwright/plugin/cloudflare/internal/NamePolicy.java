package dev.tenantwright.plugin.cloudflare.internal;

import dev.tenantwright.plugin.cloudflare.CloudflareConfig;
import dev.tenantwright.spi.PermanentException;

/**
 * Refuses record names that hand control of a domain to whoever writes them, unless the host's configuration
 * allows them by name: {@code _acme-challenge.*} (a DNS-01 challenge, or a CNAME delegating it, gets a certificate
 * for the domain issued), a leading {@code *} (a wildcard answers for every sub-domain nobody has claimed) and the
 * zone apex (where mail, SPF and third-party site verifications live). Tenant-typed text reaches record names, so
 * these are refused before anything is written; reading and deleting are never refused.
 *
 * <p>Stateless; thread-safe.
 */
public final class NamePolicy {

  private static final String ACME = "_acme-challenge";

  private final CloudflareConfig config;

  NamePolicy(CloudflareConfig config) {
    this.config = config;
  }

  /** The checks that need only the name: made before any call. */
  public void checkName(String field, String name) {
    String first = name.substring(0, name.indexOf('.') < 0 ? name.length() : name.indexOf('.'));
    if (first.equals(ACME) && !config.acmeChallengeAllowed()) {
      throw refused(field, name, "starts with " + ACME + ", which lets its writer obtain TLS certificates for the"
          + " domain", "allowAcmeChallenge");
    }
    if (first.equals("*") && !config.wildcardAllowed()) {
      throw refused(field, name, "is a wildcard, which answers for every sub-domain nobody has claimed",
          "allowWildcard");
    }
  }

  /** The checks that need the record's zone. */
  public void checkInZone(String field, String name, Zone zone) {
    if (name.equals(zone.name()) && !config.apexAllowed()) {
      throw refused(field, name, "is the apex of zone " + zone.describe() + ", where the domain's mail, SPF and"
          + " site verifications live", "allowApex");
    }
  }

  private static PermanentException refused(String field, String name, String why, String flag) {
    return new PermanentException("field '" + field + "': \"" + name + "\" " + why + "; refused unless the"
        + " cloudflare plugin configuration sets " + flag + ": true");
  }
}
