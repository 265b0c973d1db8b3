package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.DriftReport;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.TenantState;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.journal.Records.RunRecord;
import dev.tenantwright.core.internal.journal.Records.StepRecord;
import dev.tenantwright.core.internal.journal.Records.TenantRecord;
import dev.tenantwright.core.internal.json.JournalCodec;
import dev.tenantwright.core.internal.json.Scopes;
import dev.tenantwright.core.internal.plugins.TypeRegistry;
import dev.tenantwright.spi.TenantInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Plans a run from a request: reads the tenant, the environment and its resources (and a promotion's source),
 * chooses the blueprint, merges its variables, and lets the {@link Planner} decide each step. Reads the journal,
 * writes nothing. Thread-safe.
 */
public final class RunPlanner {

  private final Journal journal;
  private final Function<String, Optional<Blueprint>> blueprints;
  private final Planner planner;
  private final SpecHasher hasher;
  private final JournalCodec codec;

  RunPlanner(Journal journal, TypeRegistry types, Function<String, Optional<Blueprint>> blueprints, SpecHasher hasher,
      JournalCodec codec) {
    this.journal = journal;
    this.blueprints = blueprints;
    this.planner = new Planner(types);
    this.hasher = hasher;
    this.codec = codec;
  }

  /**
   * Reads and plans.
   *
   * @throws NotFoundException when the tenant, the environment (for anything but a provisioning) or the blueprint
   *     does not exist
   * @throws ConflictException when the tenant or environment is in a state that does not allow the run
   */
  public PreparedRun prepare(Engine.StartRequest r) {
    TenantRecord tenant = journal.tenant(r.tenantId())
        .orElseThrow(() -> new NotFoundException("tenant '" + r.tenantId() + "' does not exist"));
    if (tenant.state() != TenantState.ACTIVE && r.runKind() != RunKind.DESTROY) {
      throw new ConflictException("tenant '" + tenant.id() + "' is " + tenant.state() + ": no runs can be started");
    }
    Optional<EnvironmentRecord> env = journal.environment(tenant.id() + "/" + r.environment());
    check(r, tenant, env);
    Map<String, Object> sourceVars = null;
    String sourceBlueprint = null;
    Map<String, ResourceRecord> sourceRows = Map.of();
    if (r.source() != null) {
      EnvironmentRecord source = journal.environment(tenant.id() + "/" + r.source()).orElseThrow(
          () -> new NotFoundException("environment '" + r.source() + "' of tenant '" + tenant.id() + "' does not exist"));
      sourceVars = codec.readParams(source.parametersJson(), Scopes.parameters(source.id()));
      sourceBlueprint = source.blueprint();
      sourceRows = byName(journal.resources(source.id()));
    }
    String bpName = r.blueprint() != null ? r.blueprint() : sourceBlueprint != null ? sourceBlueprint
        : env.map(EnvironmentRecord::blueprint).orElse(null);
    if (bpName == null) {
      throw new ValidationException("blueprint", "no blueprint given and none registered as default");
    }
    Blueprint bp = blueprints.apply(bpName)
        .orElseThrow(() -> new NotFoundException("blueprint '" + bpName + "' is not registered"));
    Map<String, Object> vars = new LinkedHashMap<>(bp.vars());
    Map<String, Object> carried = sourceVars != null ? sourceVars
        : env.map(e -> codec.readParams(e.parametersJson(), Scopes.parameters(e.id()))).orElse(Map.of());
    carried.forEach((k, v) -> {
      if (bp.vars().containsKey(k)) {
        vars.put(k, v);
      }
    });
    if (r.parameters() != null) {
      for (Map.Entry<String, Object> e : r.parameters().entrySet()) {
        if (!bp.vars().containsKey(e.getKey())) {
          throw new ValidationException("parameters." + e.getKey(), "blueprint '" + bp.name() + "' declares no such var");
        }
        vars.put(e.getKey(), e.getValue());
      }
    }
    if (r.runKind() != RunKind.DESTROY) {
      for (Map.Entry<String, Object> e : vars.entrySet()) {
        if (e.getValue() == null) {
          throw new ValidationException("parameters." + e.getKey(), "required by blueprint '" + bp.name() + "' but not given");
        }
      }
    }
    Map<String, ResourceRecord> recorded = byName(journal.resources(tenant.id() + "/" + r.environment()));
    TenantInfo info = Engine.info(tenant);
    Map<String, DriftReport.ResourceDrift> drift = r.runKind() == RunKind.REPAIR
        ? findings(tenant.id() + "/" + r.environment(), r.environment(), recorded) : Map.of();
    List<PlannedStep> plan = planner.plan(r.runKind(), bp, r.kind(), recorded, sourceRows,
        def -> hasher.hash(def, info, r.environment(), r.kind(), vars, bp), drift);
    return new PreparedRun(r, tenant, env, bp, vars, plan, recorded, sourceRows);
  }

  private static void check(Engine.StartRequest r, TenantRecord tenant, Optional<EnvironmentRecord> env) {
    String where = "environment '" + r.environment() + "' of tenant '" + tenant.id() + "'";
    if (env.isEmpty()) {
      if (r.runKind() != RunKind.PROVISION) {
        throw new NotFoundException(where + " does not exist");
      }
      return;
    }
    EnvironmentState state = env.get().state();
    switch (r.runKind()) {
      case PROVISION -> {
        // provisioning converges any environment that is not busy
      }
      case DESTROY, REFRESH -> {
        if (state == EnvironmentState.DESTROYED) {
          throw new ConflictException(where + " was destroyed");
        }
      }
      default -> {
        if (state == EnvironmentState.DESTROYED) {
          throw new ConflictException(where + " was destroyed");
        }
        if (state == EnvironmentState.FAILED) {
          throw new ConflictException(where + " is FAILED (" + env.get().lastError() + "); retry its provisioning "
              + "(optionally with new parameters) or destroy it");
        }
      }
    }
  }

  /**
   * What the latest refresh found. Its findings hold only while nothing changed since it read: a resource
   * Tenantwright changed afterwards (an update, another repair) makes them stale, and a repair from stale findings could
   * undo that change.
   *
   * @throws ConflictException when there is no refresh, or a resource changed after it
   */
  private Map<String, DriftReport.ResourceDrift> findings(String environmentId, String environment,
      Map<String, ResourceRecord> recorded) {
    RunRecord refresh = journal.latestRun(environmentId, RunKind.REFRESH, RunState.SUCCEEDED).orElseThrow(
        () -> new ConflictException("environment '" + environment + "' was never refreshed: refresh it, then repair"));
    Map<String, DriftReport.ResourceDrift> out = new LinkedHashMap<>();
    boolean stale = false;
    for (StepRecord step : journal.steps(refresh.id())) {
      ResourceRecord rec = recorded.get(step.name());
      if (rec == null) {
        continue;
      }
      if (rec.updatedAt() > refresh.createdAt()) {
        stale = true;
        continue;
      }
      DriftCheck.read(step.name(), step.type(), rec.origin().name(), step.outputsJson()).ifPresent(f -> out.put(f.name(), f));
    }
    if (stale) {
      throw new ConflictException("environment '" + environment + "' changed after its latest refresh: refresh it again,"
          + " then repair");
    }
    return out;
  }

  /** The variables the last provisioning run of an environment was started with (for a retry), or empty. */
  public Map<String, Object> lastProvisionVars(String environmentId) {
    List<RunRecord> runs = journal.runs(environmentId);
    for (int i = runs.size() - 1; i >= 0; i--) {
      if (runs.get(i).kind() == RunKind.PROVISION) {
        return codec.read(runs.get(i).optionsJson(), RunSpec.class, Scopes.run(runs.get(i).id())).vars();
      }
    }
    return Map.of();
  }

  static Map<String, ResourceRecord> byName(List<ResourceRecord> rows) {
    Map<String, ResourceRecord> m = new LinkedHashMap<>();
    rows.forEach(row -> m.put(row.name(), row));
    return m;
  }
}
