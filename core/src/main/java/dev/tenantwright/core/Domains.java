package dev.tenantwright.core;

import java.util.List;

/**
 * Custom domains: a tenant proves it owns a domain before any of its resources may answer for it (a route, a DNS
 * record, a domain on a hosting provider). Names under the platform's own domains need no proof. Obtained from
 * {@link Tenantwright#domains()}; thread-safe.
 *
 * <pre>{@code
 * DomainChallenge c = tw.domains().challenge(tenant.id(), "shop.acme.com");
 * // show the customer: add a TXT record c.recordName() with the value c.value()
 * if (tw.domains().verify(tenant.id(), "shop.acme.com")) {
 *   tw.environments().update(tenant.id(), "live", RunOptions.defaults().parameter("domain", "shop.acme.com"));
 * }
 * }</pre>
 */
public interface Domains {

  /**
   * The TXT record that proves the tenant owns {@code domain} (and every name under it). The value is bound to the
   * tenant: no other tenant can use the same record.
   *
   * @throws ValidationException when {@code domain} is not a host name, or is one the platform gives out
   */
  DomainChallenge challenge(String tenantId, String domain);

  /**
   * Looks the challenge's TXT record up in DNS now. When it is there, the domain is recorded as the tenant's (an
   * audited event) and this returns true; when it is not (yet), false — DNS changes can take minutes to be seen.
   */
  boolean verify(String tenantId, String domain);

  /** The custom domains the tenant has proved it owns. */
  List<String> verified(String tenantId);
}
