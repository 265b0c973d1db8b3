package dev.tenantwright.core.internal.journal;

import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.StepState;
import dev.tenantwright.core.TenantState;
import dev.tenantwright.spi.CreateResult.Origin;
import dev.tenantwright.spi.EnvironmentKind;
import java.util.Map;

/** The journal's row types: plain immutable values, JSON columns as already-sealed strings. */
public final class Records {

  private Records() {}

  /** A row of {@code tw_tenant}. */
  public record TenantRecord(
      String id, String displayName, String email, String plan, Map<String, String> attributes,
      TenantState state, long createdAt, long updatedAt) {

    public TenantRecord withState(TenantState next, long now) {
      return new TenantRecord(id, displayName, email, plan, attributes, next, createdAt, now);
    }
  }

  /** A row of {@code tw_environment}; {@code id} is {@code tenantId/name}. */
  public record EnvironmentRecord(
      String id, String tenantId, String name, EnvironmentKind kind, EnvironmentState state, String blueprint,
      String parametersJson, String lastError, long createdAt, long updatedAt) {

    public EnvironmentRecord with(EnvironmentState next, String error, long now) {
      return new EnvironmentRecord(id, tenantId, name, kind, next, blueprint, parametersJson, error, createdAt, now);
    }

    public EnvironmentRecord withBlueprint(String bp, String params, long now) {
      return new EnvironmentRecord(id, tenantId, name, kind, state, bp, params, lastError, createdAt, now);
    }
  }

  /** A row of {@code tw_resource}: what exists in a backend for an environment. */
  public record ResourceRecord(
      String environmentId, String name, String type, Origin origin, String paramsJson, String specHash,
      String outputsJson, long updatedAt) {}

  /** A row of {@code tw_run}. */
  public record RunRecord(
      String id, String environmentId, String tenantId, RunKind kind, RunState state, String idempotencyKey,
      String optionsJson, int stepCount, String owner, Long leaseUntil, long leaseGeneration, String error,
      long createdAt, Long startedAt, Long finishedAt) {}

  /** A row of {@code tw_step}. */
  public record StepRecord(
      String runId, String name, int seq, StepAction action, String type, StepState state, int attempt,
      Long deadline, Origin origin, String outputsJson, String error, boolean inDoubt, Long startedAt,
      Long finishedAt) {}

  /** A row of {@code tw_event}; {@code id} is 0 before insertion. */
  public record EventRecord(
      long id, String runId, String tenantId, String environmentId, String step, EventType type, int stepIndex,
      int stepCount, int percent, String message, String actor, long at) {}
}
