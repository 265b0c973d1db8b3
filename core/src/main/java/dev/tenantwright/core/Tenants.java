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

  /** Every tenant, oldest first; for many tenants use {@link #list(PageRequest)}. */
  List<Tenant> list();

  /**
   * One page of the tenants, by id; {@link Page#nextCursor()} reads on. Each page is one indexed query however many
   * tenants there are.
   *
   * @throws ValidationException naming {@code cursor} when the cursor is not one this list gave
   */
  Page<Tenant> list(PageRequest page);

  /** Suspends the tenant: no run can start for it (except destroying) until it is resumed. */
  Tenant suspend(String id, String actor);

  /** Resumes a suspended tenant. */
  Tenant resume(String id, String actor);

  /**
   * Moves the tenant to another plan (an upgrade or a downgrade). The new plan's {@link PlanLimits} are checked
   * against what the tenant holds now, with its row locked so no run start slips in between; a plan it does not fit
   * is refused naming the limit and nothing changes. Then every READY environment whose blueprint depends on the plan
   * (through {@code ${tenant.plan}}, directly or in what it derives) gets an update run; the others are left alone.
   *
   * @throws ValidationException naming {@code plan} when the plan name is not 1-63 of {@code [a-z0-9-]}
   * @throws PolicyViolationException when the tenant holds more than the new plan allows
   * @throws ConflictException when the tenant is not ACTIVE
   */
  PlanChange changePlan(String tenantId, String plan, RunOptions options);

  /**
   * Deletes the tenant: destroys every environment (live last, which needs {@code options}' approval), then
   * marks the tenant DELETED. Blocks until done or {@code timeout}.
   *
   * @throws ConflictException when an environment has an active run
   * @throws PolicyViolationException when live exists and no approval is given
   */
  Tenant delete(String id, RunOptions options, java.time.Duration timeout);

  /**
   * The tenant's history, oldest first: every event the journal holds about it and its environments' runs. Without
   * {@linkplain Tenantwright.Builder#retention retention} nothing is ever pruned, so a long-lived tenant's history is
   * long; with it, the progress events of runs older than the retention age are gone while the audit trail stays
   * (tenant changes, refusals, approvals, the start and end of every live run). Pages and views should use
   * {@link #history(String, PageRequest)}.
   */
  List<Event> history(String tenantId);

  /**
   * One page of the tenant's history, newest first; {@link Page#nextCursor()} reads on to older events. Each page is
   * one indexed query however long the history is.
   *
   * @throws NotFoundException when there is no such tenant
   * @throws ValidationException naming {@code cursor} when the cursor is not one this list gave
   */
  Page<Event> history(String tenantId, PageRequest page);

  /**
   * The newest {@code limit} events of the tenant's audit trail, oldest first.
   *
   * @throws IllegalArgumentException when {@code limit} is not positive
   */
  List<Event> history(String tenantId, int limit);
}
