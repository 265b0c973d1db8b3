package dev.tenantwright.core;

import java.util.List;
import java.util.Optional;

/**
 * Creates and finds tenants. Obtained from {@link Tenantwright#tenants()}; thread-safe.
 *
 * <pre>{@code
 * Tenant t = tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
 * }</pre>
 */
public interface Tenants {

  /**
   * Creates a tenant whose id is a DNS-safe slug of the company name (a short suffix is added when it is
   * taken), or returns the existing tenant for a repeated sign-up with the same requested slug and e-mail.
   *
   * @throws ValidationException naming the field when the company name, e-mail, plan, slug or an attribute is invalid
   * @throws ConflictException when the e-mail already owns another tenant, or a requested slug is taken
   */
  Tenant create(NewTenant tenant);

  Optional<Tenant> find(String id);

  /** @throws NotFoundException when there is no such tenant */
  Tenant get(String id);

  List<Tenant> list();

  /** Suspends the tenant: no run can start for it (except destroying) until it is resumed. */
  Tenant suspend(String id, String actor);

  /** Resumes a suspended tenant. */
  Tenant resume(String id, String actor);

  /**
   * Deletes the tenant: destroys every environment (live last, which needs {@code options}' approval), then
   * marks the tenant DELETED. Blocks until done or {@code timeout}.
   *
   * @throws ConflictException when an environment has an active run
   * @throws PolicyViolationException when live exists and no approval is given
   */
  Tenant delete(String id, RunOptions options, java.time.Duration timeout);

  /**
   * The tenant's audit trail: every event of every run of its environments, oldest first. The trail is never
   * pruned, so a long-lived tenant's is long; pages and views should use {@link #history(String, int)}.
   */
  List<Event> history(String tenantId);

  /**
   * The newest {@code limit} events of the tenant's audit trail, oldest first.
   *
   * @throws IllegalArgumentException when {@code limit} is not positive
   */
  List<Event> history(String tenantId, int limit);
}
