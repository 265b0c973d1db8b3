package dev.tenantwright.core.internal.api;

import dev.tenantwright.core.Approval;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.Plan;
import dev.tenantwright.core.PlanLimits;
import dev.tenantwright.core.Policy;
import dev.tenantwright.core.PolicyRequest;
import dev.tenantwright.core.PolicyViolationException;
import dev.tenantwright.core.ResourceDefinition;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.internal.engine.Engine.StartRequest;
import dev.tenantwright.core.internal.engine.EventBus;
import dev.tenantwright.core.internal.engine.PlannedStep;
import dev.tenantwright.core.internal.engine.RunGate;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.EventRecord;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.journal.Records.TenantRecord;
import dev.tenantwright.core.internal.plugins.TypeHandle;
import dev.tenantwright.core.internal.plugins.TypeRegistry;
import dev.tenantwright.spi.EnvironmentKind;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checks every run passes before anything is written or called: plan quotas, live protection, then the
 * host's policies. A refusal is recorded in the tenant's audit trail and thrown as a
 * {@link PolicyViolationException}.
 */
final class PolicyGate implements RunGate {

  private final Journal journal;
  private final TypeRegistry types;
  private final Map<String, PlanLimits> limits;
  private final List<Policy> policies;
  private final EventBus bus;
  private final Clock clock;

  PolicyGate(Journal journal, TypeRegistry types, Map<String, PlanLimits> limits, List<Policy> policies, EventBus bus,
      Clock clock) {
    this.journal = journal;
    this.types = types;
    this.limits = limits;
    this.policies = policies;
    this.bus = bus;
    this.clock = clock;
  }

  @Override
  public void check(StartRequest r, TenantRecord tenant, Optional<EnvironmentRecord> env, Blueprint blueprint,
      List<PlannedStep> plan) {
    try {
      liveProtection(r, plan);
      quota(r, tenant, env, plan);
      if (!policies.isEmpty()) {
        Plan publicPlan = new Plan(tenant.id(), r.environment(), r.runKind(), blueprint.name(), plan.stream()
            .map(p -> new Plan.Step(p.name(), p.type(), p.action(), p.reason(), List.copyOf(p.waitsFor()))).toList());
        PolicyRequest req = new PolicyRequest(DefaultTenants.tenant(tenant), r.environment(), r.kind(), r.runKind(),
            publicPlan, r.approval(), r.actor());
        for (Policy p : policies) {
          p.check(req);
        }
      }
    } catch (PolicyViolationException e) {
      long now = clock.millis();
      EventRecord ev = new EventRecord(0, null, tenant.id(), tenant.id() + "/" + r.environment(), null,
          EventType.POLICY_REFUSED, 0, 0, 0, "refused " + r.runKind().name().toLowerCase(java.util.Locale.ROOT)
          + " of " + r.environment() + ": " + e.getMessage(), r.actor(), now);
      journal.commit(journal.batch().event(ev));
      bus.publish(Events.of(ev));
      throw e;
    }
  }

  private void liveProtection(StartRequest r, List<PlannedStep> plan) {
    if (r.kind() != EnvironmentKind.LIVE) {
      return;
    }
    Approval approval = r.approval();
    if ((r.runKind() == RunKind.RESET || r.runKind() == RunKind.DESTROY) && approval == null) {
      throw new PolicyViolationException("live-protection", r.runKind().name().toLowerCase(java.util.Locale.ROOT)
          + " of live needs an explicit approval (RunOptions.approval(who, why))");
    }
    for (PlannedStep s : plan) {
      boolean removes = s.action() == StepAction.DELETE || s.action() == StepAction.REPLACE
          || s.action() == StepAction.RESET;
      if (removes && (destructive(s) || dataBearing(s)) && approval == null) {
        throw new PolicyViolationException("live-protection", "step '" + s.name() + "' would "
            + s.action().name().toLowerCase(java.util.Locale.ROOT) + " " + (dataBearing(s) ? "data-bearing" : "destructive")
            + " resource '" + s.name() + "' (" + s.type() + ") on live; that needs an explicit approval");
      }
      if (destructive(s) && s.action() != StepAction.NOOP && approval == null) {
        throw new PolicyViolationException("live-protection", "step '" + s.name() + "' is marked destructive and "
            + "would run on live; that needs an explicit approval");
      }
    }
  }

  private static boolean destructive(PlannedStep s) {
    return s.definition() != null && s.definition().destructive();
  }

  private boolean dataBearing(PlannedStep s) {
    ResourceDefinition def = s.definition();
    if (def != null && def.dataBearing() != null) {
      return def.dataBearing();
    }
    return types.find(s.type()).map(TypeHandle::dataBearing).orElse(false);
  }

  private void quota(StartRequest r, TenantRecord tenant, Optional<EnvironmentRecord> env, List<PlannedStep> plan) {
    PlanLimits l = limits.get(tenant.plan());
    if (l == null || r.runKind() == RunKind.DESTROY) {
      return;
    }
    List<EnvironmentRecord> envs = journal.environments(tenant.id()).stream()
        .filter(e -> e.state() != EnvironmentState.DESTROYED).toList();
    boolean isNew = env.isEmpty() || env.get().state() == EnvironmentState.DESTROYED;
    if (isNew && l.maxEnvironments() != null && envs.size() + 1 > l.maxEnvironments()) {
      throw new PolicyViolationException("quota", "plan '" + tenant.plan() + "' allows " + l.maxEnvironments()
          + " environments; tenant '" + tenant.id() + "' has " + envs.size());
    }
    if (isNew && r.kind() == EnvironmentKind.TEST && l.maxTestInstances() != null) {
      long tests = envs.stream().filter(e -> e.kind() == EnvironmentKind.TEST).count();
      if (tests + 1 > l.maxTestInstances()) {
        throw new PolicyViolationException("quota", "plan '" + tenant.plan() + "' allows " + l.maxTestInstances()
            + " test instances; tenant '" + tenant.id() + "' has " + tests);
      }
    }
    if (!l.maxResourcesPerType().isEmpty()) {
      Map<String, Integer> counts = new HashMap<>();
      for (EnvironmentRecord e : envs) {
        for (ResourceRecord res : journal.resources(e.id())) {
          counts.merge(res.type(), 1, Integer::sum);
        }
      }
      for (PlannedStep s : plan) {
        if (s.action() == StepAction.CREATE) {
          counts.merge(s.type(), 1, Integer::sum);
        } else if (s.action() == StepAction.DELETE) {
          counts.merge(s.type(), -1, Integer::sum);
        }
      }
      for (Map.Entry<String, Integer> max : l.maxResourcesPerType().entrySet()) {
        int n = counts.getOrDefault(max.getKey(), 0);
        if (n > max.getValue()) {
          int now = n - (int) plan.stream().filter(s -> s.action() == StepAction.CREATE && s.type().equals(max.getKey())).count();
          throw new PolicyViolationException("quota", "plan '" + tenant.plan() + "' allows " + max.getValue() + " "
              + max.getKey() + " resources; tenant '" + tenant.id() + "' has " + now + " and this run would add "
              + (n - now));
        }
      }
    }
  }
}
