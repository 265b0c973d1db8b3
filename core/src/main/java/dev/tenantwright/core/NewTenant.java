package dev.tenantwright.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a host knows about a customer signing up; {@link Tenants#create(NewTenant)} turns it into a
 * {@link Tenant}.
 *
 * <pre>{@code
 * Tenant t = tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example").plan("pro"));
 * }</pre>
 *
 * <p>Immutable: every method returns a new instance. Validation happens in {@code create}, which names the
 * offending field.
 */
public final class NewTenant {

  private final String company;
  private final String email;
  private final String plan;
  private final String slug;
  private final Map<String, String> attributes;

  private NewTenant(String company, String email, String plan, String slug, Map<String, String> attributes) {
    this.company = company;
    this.email = email;
    this.plan = plan;
    this.slug = slug;
    this.attributes = Map.copyOf(attributes);
  }

  /** Starts a sign-up for the company with this display name; its id is derived from it (checked on create). */
  public static NewTenant company(String displayName) {
    return new NewTenant(displayName, null, "default", null, Map.of());
  }

  /** The contact e-mail (required, unique). */
  public NewTenant email(String email) {
    return new NewTenant(company, email, plan, slug, attributes);
  }

  /** The plan name (default {@code default}). */
  public NewTenant plan(String plan) {
    return new NewTenant(company, email, plan, slug, attributes);
  }

  /**
   * Asks for an exact id (e.g. the subdomain the customer chose) instead of one derived from the company
   * name. A repeated sign-up with the same id and e-mail returns the existing tenant.
   */
  public NewTenant slug(String slug) {
    return new NewTenant(company, email, plan, slug, attributes);
  }

  /** Adds a host-defined attribute such as {@code industry=manufacturing}. */
  public NewTenant attribute(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(attributes);
    if (key == null || value == null) {
      throw new ValidationException(key == null ? "attributes" : "attributes." + key, "keys and values must not be null");
    }
    copy.put(key, value);
    return new NewTenant(company, email, plan, slug, copy);
  }

  /** The company name. */
  public String companyName() {
    return company;
  }

  /** The contact e-mail, or null if not given yet. */
  public String emailAddress() {
    return email;
  }

  /** The plan name. */
  public String planName() {
    return plan;
  }

  /** The requested id, or null to derive one. */
  public String requestedSlug() {
    return slug;
  }

  /** The attributes. */
  public Map<String, String> attributes() {
    return attributes;
  }
}
