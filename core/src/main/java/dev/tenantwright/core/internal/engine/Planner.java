package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.DriftReport;
import dev.tenantwright.core.DriftStatus;
import dev.tenantwright.core.ResourceDefinition;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.internal.blueprint.Dag;
import dev.tenantwright.core.internal.blueprint.Interpolator;
import dev.tenantwright.core.internal.blueprint.Reference;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.plugins.TypeHandle;
import dev.tenantwright.core.internal.plugins.TypeRegistry;
import dev.tenantwright.spi.CreateResult.Origin;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.TenantwrightException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns blueprint × environment × recorded state into the ordered steps of a run: create, update, replace,
 * delete, reset or no-op per resource.
 *
 * <p>A resource whose spec hash matches the journal is a no-op, unless a resource it takes outputs from
 * ({@code ${res.field}}) is created, replaced or updated in the same run, since those outputs may change. Pure function of its inputs; thread-safe.
 */
final class Planner {

  private final TypeRegistry types;

  Planner(TypeRegistry types) {
    this.types = types;
  }

  /**
   * Plans a run.
   *
   * @param hashOf the keyed hash of a definition's spec as it would be resolved now
   */
  List<PlannedStep> plan(RunKind kind, Blueprint blueprint, EnvironmentKind envKind,
      Map<String, ResourceRecord> recorded, Map<String, ResourceRecord> source,
      Function<ResourceDefinition, String> hashOf) {
    return plan(kind, blueprint, envKind, recorded, source, hashOf, Map.of());
  }

  /**
   * Plans a run; a repair also takes the latest refresh's findings, by resource name.
   *
   * @param drift what the latest refresh found (for {@link RunKind#REPAIR}; empty otherwise)
   */
  List<PlannedStep> plan(RunKind kind, Blueprint blueprint, EnvironmentKind envKind,
      Map<String, ResourceRecord> recorded, Map<String, ResourceRecord> source,
      Function<ResourceDefinition, String> hashOf, Map<String, DriftReport.ResourceDrift> drift) {
    return switch (kind) {
      case DESTROY -> destroy(blueprint, envKind, recorded);
      case RESET -> reset(blueprint, envKind, recorded, hashOf);
      case REFRESH -> refresh(blueprint, envKind, recorded);
      case PROVISION, UPDATE, PROMOTE, REDEPLOY, REPAIR ->
          converge(kind, blueprint, envKind, recorded, source, hashOf, drift);
    };
  }

  /**
   * A read of every recorded resource that has a backend object (provisioning steps have none), all at once: reads
   * have no effect, so they wait for nothing, and backend limits pace them.
   */
  private List<PlannedStep> refresh(Blueprint blueprint, EnvironmentKind envKind, Map<String, ResourceRecord> recorded) {
    List<String> order = new ArrayList<>();
    for (String n : Dag.of(blueprint, envKind).order()) {
      if (recorded.containsKey(n)) {
        order.add(n);
      }
    }
    recorded.keySet().stream().filter(n -> !order.contains(n)).forEach(order::add);
    Map<String, ResourceDefinition> defs = definitions(blueprint, envKind);
    List<PlannedStep> out = new ArrayList<>();
    for (String name : order) {
      ResourceRecord rec = recorded.get(name);
      if (types.find(rec.type()).map(TypeHandle::isStep).orElse(false)) {
        continue;
      }
      out.add(new PlannedStep(name, rec.type(), StepAction.READ, "read it from its backend", Set.of(), defs.get(name),
          rec, rec.specHash()));
    }
    return out;
  }

  private List<PlannedStep> converge(RunKind kind, Blueprint blueprint, EnvironmentKind envKind,
      Map<String, ResourceRecord> recorded, Map<String, ResourceRecord> source,
      Function<ResourceDefinition, String> hashOf, Map<String, DriftReport.ResourceDrift> drift) {
    Dag dag = Dag.of(blueprint, envKind);
    Map<String, ResourceDefinition> defs = definitions(blueprint, envKind);
    List<PlannedStep> out = new ArrayList<>();
    Set<String> changedOutputs = new HashSet<>();
    for (String name : dag.order()) {
      ResourceDefinition def = defs.get(name);
      TypeHandle type = type(def.type());
      ResourceRecord rec = recorded.get(name);
      String hash = hashOf.apply(def);
      Set<String> deps = dag.dependencies(name);
      StepAction action;
      String reason;
      boolean upstreamChanged = Interpolator.references(def.params()).stream()
          .anyMatch(ref -> ref.namespace() == Reference.Namespace.OUTPUT && changedOutputs.contains(ref.name()));
      ResourceRecord promoted = source.get(name);
      DriftReport.ResourceDrift found = rec == null ? null : drift.get(name);
      ResourceRecord before = rec;
      if (found != null && found.status() != DriftStatus.IN_SYNC && rec.origin() == Origin.ADOPTED) {
        action = StepAction.NOOP;
        reason = "adopted object " + (found.status() == DriftStatus.GONE ? "is gone"
            : "changed " + found.fields()) + ": reported, not touched";
      } else if (found != null && found.status() == DriftStatus.GONE) {
        action = StepAction.CREATE;
        reason = "gone from its backend: create it again";
        before = null;
      } else if (found != null && found.status() == DriftStatus.CHANGED && rec.type().equals(def.type())) {
        action = type.canUpdate() ? StepAction.UPDATE : StepAction.REPLACE;
        reason = "changed outside Tenantwright " + found.fields() + ": "
            + (type.canUpdate() ? "update it back" : "its type cannot update: replace it");
      } else if (rec == null) {
        action = StepAction.CREATE;
        reason = "does not exist";
      } else if (kind == RunKind.PROMOTE && type.canPromote() && promoted != null && rec.type().equals(def.type())
          && promoted.type().equals(def.type())) {
        action = StepAction.PROMOTE;
        reason = "promote the tested object with the type's own promotion";
      } else if (!rec.type().equals(def.type())) {
        action = StepAction.REPLACE;
        reason = "type changed from " + rec.type();
      } else if (!rec.specHash().equals(hash) || upstreamChanged || (kind == RunKind.REDEPLOY && type.canUpdate())) {
        action = type.canUpdate() ? StepAction.UPDATE : StepAction.REPLACE;
        reason = !rec.specHash().equals(hash) ? "spec changed"
            : upstreamChanged ? "a resource it depends on changes" : "redeploy";
      } else {
        action = StepAction.NOOP;
        reason = "up to date";
      }
      if (action == StepAction.CREATE || action == StepAction.REPLACE || action == StepAction.UPDATE
          || action == StepAction.PROMOTE) {
        changedOutputs.add(name);
      }
      out.add(new PlannedStep(name, def.type(), action, reason, deps, def, before, hash));
    }
    // a resource removed from the blueprint is deleted last: a delete cannot be undone, so it waits until every
    // other step of the run succeeded, and a failure before it leaves the resource in place
    Set<String> everythingElse = new LinkedHashSet<>();
    for (PlannedStep p : out) {
      everythingElse.add(p.name());
    }
    for (ResourceRecord rec : recorded.values()) {
      if (!defs.containsKey(rec.name())) {
        out.add(new PlannedStep(rec.name(), rec.type(), StepAction.DELETE, "no longer in the blueprint",
            Set.copyOf(everythingElse), null, rec, rec.specHash()));
      }
    }
    return out;
  }

  private List<PlannedStep> destroy(Blueprint blueprint, EnvironmentKind envKind, Map<String, ResourceRecord> recorded) {
    Map<String, ResourceDefinition> defs = definitions(blueprint, envKind);
    Dag dag = defs.isEmpty() ? null : Dag.of(blueprint, envKind);
    List<String> order = new ArrayList<>();
    if (dag != null) {
      for (String n : dag.order()) {
        if (recorded.containsKey(n)) {
          order.add(n);
        }
      }
    }
    for (String n : recorded.keySet()) {
      if (!order.contains(n)) {
        order.add(0, n);
      }
    }
    List<PlannedStep> out = new ArrayList<>();
    for (int i = order.size() - 1; i >= 0; i--) {
      String name = order.get(i);
      ResourceRecord rec = recorded.get(name);
      Set<String> waits = new LinkedHashSet<>();
      if (dag != null && defs.containsKey(name)) {
        for (String d : dag.dependents(name)) {
          if (recorded.containsKey(d)) {
            waits.add(d);
          }
        }
      }
      out.add(new PlannedStep(name, rec.type(), StepAction.DELETE, "environment destroyed", waits,
          defs.get(name), rec, rec.specHash()));
    }
    return out;
  }

  private List<PlannedStep> reset(Blueprint blueprint, EnvironmentKind envKind, Map<String, ResourceRecord> recorded,
      Function<ResourceDefinition, String> hashOf) {
    Dag dag = Dag.of(blueprint, envKind);
    Map<String, ResourceDefinition> defs = definitions(blueprint, envKind);
    List<PlannedStep> out = new ArrayList<>();
    for (String name : dag.order()) {
      ResourceDefinition def = defs.get(name);
      ResourceRecord rec = recorded.get(name);
      TypeHandle type = type(def.type());
      StepAction action;
      String reason;
      if (rec == null) {
        action = StepAction.CREATE;
        reason = "does not exist";
      } else if (type.canReset()) {
        action = StepAction.RESET;
        reason = "restore its baseline";
      } else {
        action = StepAction.REPLACE;
        reason = "no reset of its own: destroy and create";
      }
      out.add(new PlannedStep(name, def.type(), action, reason, dag.dependencies(name), def, rec, hashOf.apply(def)));
    }
    return out;
  }

  private static Map<String, ResourceDefinition> definitions(Blueprint blueprint, EnvironmentKind envKind) {
    Map<String, ResourceDefinition> defs = new LinkedHashMap<>();
    for (ResourceDefinition d : blueprint.resourcesFor(envKind)) {
      defs.put(d.name(), d);
    }
    return defs;
  }

  private TypeHandle type(String name) {
    return types.find(name).orElseThrow(() -> new TenantwrightException("unknown resource type '" + name + "'"));
  }
}
