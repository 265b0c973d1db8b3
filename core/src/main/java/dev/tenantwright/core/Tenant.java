package dev.tenantwright.core;

import java.time.Instant;
import java.util.Map;

/**
 * A customer: the owner of a demo, test instances and a live environment.
 *
 * @param id a DNS-safe slug made from the company name, unique, e.g. {@code abc-corporation}
 * @param displayName the company name as given
 * @param email the contact e-mail, unique across tenants (stored lowercase)
 * @param plan the plan name
 * @param attributes host-defined attributes (industry, size, …)
 * @param state the tenant's state
 * @param createdAt when it was created
 */
public record Tenant(
    String id,
    String displayName,
    String email,
    String plan,
    Map<String, String> attributes,
    TenantState state,
    Instant createdAt) {

  /** Copies the attributes. */
  public Tenant {
    attributes = Map.copyOf(attributes);
  }
}
