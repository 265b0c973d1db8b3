package dev.tenantwright.core;

import java.util.List;

/**
 * What {@link Tenants#changePlan} did.
 *
 * @param tenant the tenant on its new plan
 * @param previousPlan the plan it had before
 * @param updates the update runs started for the environments whose blueprint depends on the plan (await them to
 *     know the change reached the backends)
 */
public record PlanChange(Tenant tenant, String previousPlan, List<Run> updates) {

  /** Copies the runs. */
  public PlanChange {
    updates = List.copyOf(updates);
  }
}
