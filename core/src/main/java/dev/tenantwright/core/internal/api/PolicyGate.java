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
import dev.tenantwright.core.internal.engine.PreparedRun;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.Optional;

/**
 * The checks every run passes before anything is written or called: live protection and the host's policies
 * before the run is started, plan quotas inside the transaction that starts it (so that concurrent starts
 * cannot exceed a quota together). A refusal is recorded in the tenant's audit trail and thrown as a
 * {@link PolicyViolationException}.
 */
final class PolicyGate {

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

  /** Live protection and host policies. */
  void check(PreparedRun p) {
    StartRequest r = p.request();
    TenantRecord tenant = p.tenant();
    try {
      liveProtection(r, p.plan());
      if (!policies.isEmpty()) {
        Plan publicPlan = new Plan(tenant.id(), r.environment(), r.runKind(), p.blueprint().name(), p.plan().stream()
            .map(ps -> new Plan.Step(ps.name(), ps.type(), ps.action(), ps.reason(), List.copyOf(ps.waitsFor()))).toList());
        PolicyRequest req = new PolicyRequest(DefaultTenants.tenant(tenant), r.environment(), r.kind(), r.runKind(),
            publicPlan, r.approval(), r.actor());
        for (Policy policy : policies) {
          policy.check(req);
        }
      }
    } catch (PolicyViolationException e) {
      refused(r, tenant, e);
      throw e;
    }
  }

  /**
   * The plan's quota check, run by the journal with the tenant locked and its usage read in the same
   * transaction as the run start; null when the tenant's plan has no limits or the run only removes things.
   */
  Journal.UsageCheck quota(PreparedRun p) {
    PlanLimits l = limits.get(p.tenant().plan());
    if (l == null || p.request().runKind() == RunKind.DESTROY) {
      return null;
    }
    return usage -> quota(p, l, usage);
  }

  /**
   * The check that a tenant's holdings fit {@code plan}'s limits, for a plan change; run by the journal with the tenant
   * locked. Refuses naming the first limit exceeded.
   */
  Journal.UsageCheck fits(String tenantId, String plan) {
    PlanLimits l = limits.get(plan);
    return usage -> {
      if (l == null) {
        return;
      }
      List<EnvironmentRecord> envs = usage.environments();
      long tests = envs.stream().filter(e -> e.kind() == EnvironmentKind.TEST).count();
      Set<String> sites = sites(envs);
      String who = "; tenant '" + tenantId + "' has ";
      if (l.maxEnvironments() != null && envs.size() > l.maxEnvironments()) {
        throw new PolicyViolationException("quota", "plan '" + plan + "' allows " + l.maxEnvironments()
            + " environments" + who + envs.size());
      }
      if (l.maxTestInstances() != null && tests > l.maxTestInstances()) {
        throw new PolicyViolationException("quota", "plan '" + plan + "' allows " + l.maxTestInstances()
            + " test instances" + who + tests);
      }
      if (l.maxSites() != null && sites.size() > l.maxSites()) {
        throw new PolicyViolationException("quota", "plan '" + plan + "' allows " + l.maxSites() + " sites" + who
            + sites.size() + " " + sites);
      }
      for (Map.Entry<String, Integer> max : l.maxResourcesPerType().entrySet()) {
        int n = usage.resourcesByType().getOrDefault(max.getKey(), 0);
        if (n > max.getValue()) {
          throw new PolicyViolationException("quota", "plan '" + plan + "' allows " + max.getValue() + " "
              + max.getKey() + " resources" + who + n);
        }
      }
    };
  }

  /** Records a refusal in the tenant's audit trail. */
  void refused(StartRequest r, TenantRecord tenant, PolicyViolationException e) {
    long now = clock.millis();
    EventRecord ev = new EventRecord(0, null, tenant.id(), tenant.id() + "/" + r.environment(), null,
        EventType.POLICY_REFUSED, 0, 0, 0, "refused " + r.runKind().name().toLowerCase(java.util.Locale.ROOT)
        + " of " + r.environment() + ": " + e.getMessage(), r.actor(), now);
    journal.commit(journal.batch().event(ev));
    bus.publish(Events.of(ev));
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
    if (r.runKind() == RunKind.REPAIR && approval == null
        && plan.stream().anyMatch(s -> s.action() != StepAction.NOOP)) {
      throw new PolicyViolationException("live-protection", "repairing live ("
          + plan.stream().filter(s -> s.action() != StepAction.NOOP).map(s -> s.name() + ": " + s.reason()).toList()
          + ") needs an explicit approval (RunOptions.approval(who, why))");
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

  /** Whether the step touches data: by its definition, else by its type — or the recorded (old) type it replaces. */
  private boolean dataBearing(PlannedStep s) {
    ResourceDefinition def = s.definition();
    if (def != null && def.dataBearing() != null) {
      return def.dataBearing();
    }
    boolean recorded = s.recorded() != null && types.find(s.recorded().type()).map(TypeHandle::dataBearing).orElse(false);
    return recorded || types.find(s.type()).map(TypeHandle::dataBearing).orElse(false);
  }

  private static void quota(PreparedRun p, PlanLimits l, Journal.Usage usage) {
    StartRequest r = p.request();
    TenantRecord tenant = p.tenant();
    List<EnvironmentRecord> envs = usage.environments().stream()
        .filter(e -> !e.id().equals(tenant.id() + "/" + r.environment())).toList();
    boolean isNew = p.environment().isEmpty() || p.environment().get().state() == EnvironmentState.DESTROYED;
    if (isNew && l.maxEnvironments() != null && envs.size() + 1 > l.maxEnvironments()) {
      throw new PolicyViolationException("quota", "plan '" + tenant.plan() + "' allows " + l.maxEnvironments()
          + " environments; tenant '" + tenant.id() + "' has " + envs.size());
    }
    if (isNew && l.maxSites() != null) {
      String site = EnvironmentNames.parse(r.environment()).site();
      Set<String> sites = sites(envs);
      if (!sites.contains(site) && sites.size() + 1 > l.maxSites()) {
        throw new PolicyViolationException("quota", "plan '" + tenant.plan() + "' allows " + l.maxSites()
            + " sites; tenant '" + tenant.id() + "' has " + sites.size() + " " + sites);
      }
    }
    if (isNew && r.kind() == EnvironmentKind.TEST && l.maxTestInstances() != null) {
      long tests = envs.stream().filter(e -> e.kind() == EnvironmentKind.TEST).count();
      if (tests + 1 > l.maxTestInstances()) {
        throw new PolicyViolationException("quota", "plan '" + tenant.plan() + "' allows " + l.maxTestInstances()
            + " test instances; tenant '" + tenant.id() + "' has " + tests);
      }
    }
    if (!l.maxResourcesPerType().isEmpty()) {
      Map<String, Integer> counts = new HashMap<>(usage.resourcesByType());
      for (PlannedStep s : p.plan()) {
        if (s.action() == StepAction.CREATE) {
          counts.merge(s.type(), 1, Integer::sum);
        } else if (s.action() == StepAction.DELETE) {
          counts.merge(s.type(), -1, Integer::sum);
        }
      }
      for (Map.Entry<String, Integer> max : l.maxResourcesPerType().entrySet()) {
        int n = counts.getOrDefault(max.getKey(), 0);
        if (n > max.getValue()) {
          int now = n - (int) p.plan().stream()
              .filter(s -> s.action() == StepAction.CREATE && s.type().equals(max.getKey())).count();
          throw new PolicyViolationException("quota", "plan '" + tenant.plan() + "' allows " + max.getValue() + " "
              + max.getKey() + " resources; tenant '" + tenant.id() + "' has " + now + " and this run would add "
              + (n - now));
        }
      }
    }
  }

  /** The sites these environments belong to, by name. */
  private static Set<String> sites(List<EnvironmentRecord> envs) {
    return envs.stream().map(e -> EnvironmentNames.parse(e.name()).site()).collect(Collectors.toCollection(TreeSet::new));
  }
}
