package dev.tenantwright.spi;

import java.util.Map;
import java.util.Objects;

/**
 * What a step may know about the tenant it provisions for.
 *
 * @param id the tenant's DNS-safe slug, unique, e.g. {@code abc-corporation}
 * @param displayName the company name as the customer typed it
 * @param email the contact e-mail
 * @param plan the plan name, e.g. {@code starter}
 * @param attributes host-defined attributes such as industry or size; never null
 */
public record TenantInfo(String id, String displayName, String email, String plan, Map<String, String> attributes) {

  /** Validates presence and copies the attributes. */
  public TenantInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(plan, "plan");
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }
}
