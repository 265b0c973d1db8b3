package dev.tenantwright.core.internal.blueprint;

import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantInfo;

/**
 * Supplies the values {@link Interpolator#resolve} substitutes for {@code ${...}} expressions; the engine
 * implements it for one step of one run.
 *
 * <p>Every method returns null when it has no value, and the interpolator then fails with an error naming
 * the expression. Implementations are called on the thread that resolves the step.
 */
public interface Resolver {

  /**
   * A tenant field: {@code id}, {@code name} (the display name), {@code email}, {@code plan}, or
   * {@code attributes.KEY}.
   */
  Object tenant(String field);

  /** An environment field: {@code name} or {@code kind}. */
  Object env(String field);

  /** The value of a blueprint variable: the one supplied for this environment, else its default. */
  Object var(String name);

  /**
   * A secret: the {@code value} output of the {@code secret} resource of that name when the blueprint
   * declares one, else the host-provided secret of that name.
   */
  Secret secret(String name);

  /** An output field of a resource that has already been provisioned in this environment. */
  Object output(String resource, String field);

  /**
   * The value of {@code ${tenant.FIELD}} for {@code tenant}: {@code id}, {@code name} (display name),
   * {@code email}, {@code plan} or {@code attributes.KEY}; null when there is none. Every resolver uses it
   * so that the fields mean the same everywhere.
   */
  static Object tenantField(TenantInfo tenant, String field) {
    if (field.startsWith("attributes.")) {
      return tenant.attributes().get(field.substring("attributes.".length()));
    }
    return switch (field) {
      case "id" -> tenant.id();
      case "name" -> tenant.displayName();
      case "email" -> tenant.email();
      case "plan" -> tenant.plan();
      default -> null;
    };
  }
}
