package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.internal.engine.Engine.StartRequest;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.TenantRecord;
import java.util.List;
import java.util.Optional;

/**
 * Checked by the engine after a run is planned and before anything is written or called: quotas, live
 * protection and host policies. Refuses by throwing {@link dev.tenantwright.core.PolicyViolationException}.
 */
@FunctionalInterface
public interface RunGate {

  /** Lets every run through. */
  RunGate OPEN = (request, tenant, environment, blueprint, plan) -> {};

  void check(StartRequest request, TenantRecord tenant, Optional<EnvironmentRecord> environment, Blueprint blueprint,
      List<PlannedStep> plan);
}
