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
import java.util.List;
import java.util.Map;

/**
 * The journal's row types: plain immutable values, JSON columns as already-sealed strings.
 *
 * <p>Runs, steps and environments change state only through their intention-named methods
 * ({@link StepRecord#running}, {@link RunRecord#moveTo}, {@link EnvironmentRecord#moveTo}, …), each of which
 * refuses a move its state machine ({@link StepState}, {@link RunState}, {@link EnvironmentState}) does not
 * allow with an {@link IllegalStateException}. The journal writes a changed row only where the stored row is
 * still in the state the change started from, so a transition is checked in memory and again in the database.
 */
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

  /**
   * A row of {@code tw_environment}; {@code id} is {@code tenantId/name}. {@code version} grows by one with every
   * write, so a run planned from one version is refused when the environment changed before it started.
   * {@code naming} is the scheme its resources' backend names follow (see {@code Naming}).
   */
  public record EnvironmentRecord(
      String id, String tenantId, String name, EnvironmentKind kind, EnvironmentState state, String blueprint,
      String parametersJson, String lastError, long createdAt, long updatedAt, long version, int naming) {

    /** Moves to {@code next} (the same state is allowed: a rewrite), recording {@code error} (null clears it). */
    public EnvironmentRecord moveTo(EnvironmentState next, String error, long now) {
      if (next != state && !state.canMoveTo(next)) {
        throw new IllegalStateException("illegal environment transition " + state + " -> " + next + " for " + id);
      }
      return new EnvironmentRecord(id, tenantId, name, kind, next, blueprint, parametersJson, error, createdAt, now,
          version, naming);
    }

    /** The same environment with its resources named by another scheme (a destroyed one starts afresh). */
    public EnvironmentRecord withNaming(int scheme) {
      return new EnvironmentRecord(id, tenantId, name, kind, state, blueprint, parametersJson, lastError, createdAt,
          updatedAt, version, scheme);
    }

    /** The same environment running another blueprint with other parameters. */
    public EnvironmentRecord withBlueprint(String bp, String params, long now) {
      return new EnvironmentRecord(id, tenantId, name, kind, state, bp, params, lastError, createdAt, now, version,
          naming);
    }
  }

  /**
   * A row of {@code tw_resource}: what exists in a backend for an environment. {@code resolvedJson} is the spec
   * as it was resolved when the object was last made or changed (secrets sealed), so that the object can be
   * removed later without the outputs of resources it took values from; null on rows written before it existed.
   */
  public record ResourceRecord(
      String environmentId, String name, String type, Origin origin, String paramsJson, String specHash,
      String outputsJson, long updatedAt, String resolvedJson) {}

  /** A row of {@code tw_run}. {@code stalled} says why no engine can resume it, or is null. */
  public record RunRecord(
      String id, String environmentId, String tenantId, RunKind kind, RunState state, String idempotencyKey,
      String optionsJson, int stepCount, String owner, Long leaseUntil, long leaseGeneration, String error,
      long createdAt, Long startedAt, Long finishedAt, String stalled, List<String> leftBehind) {

    /** Copies the list of resources left behind (empty when none). */
    public RunRecord {
      leftBehind = leftBehind == null ? List.of() : List.copyOf(leftBehind);
    }

    /** This run with the resources its rollback left behind, one line each. */
    public RunRecord withLeftBehind(List<String> lines) {
      return new RunRecord(id, environmentId, tenantId, kind, state, idempotencyKey, optionsJson, stepCount, owner,
          leaseUntil, leaseGeneration, error, createdAt, startedAt, finishedAt, stalled, lines);
    }

    /** Moves to {@code next}, refusing a transition {@link RunState} does not allow. */
    public RunRecord moveTo(RunState next, String newError, long now) {
      if (!state.canMoveTo(next)) {
        throw new IllegalStateException("illegal run transition " + state + " -> " + next + " for run " + id);
      }
      Long started = next == RunState.RUNNING && startedAt == null ? Long.valueOf(now) : startedAt;
      Long finished = next.isTerminal() ? Long.valueOf(now) : finishedAt;
      return new RunRecord(id, environmentId, tenantId, kind, next, idempotencyKey, optionsJson, stepCount, owner,
          leaseUntil, leaseGeneration, newError, createdAt, started, finished, stalled, leftBehind);
    }
  }

  /** A row of {@code tw_step}. */
  public record StepRecord(
      String runId, String name, int seq, StepAction action, String type, StepState state, int attempt,
      Long deadline, Origin origin, String outputsJson, String error, boolean inDoubt, Long startedAt,
      Long finishedAt) {

    /** A new step of a run: PENDING, or SUCCEEDED at once for a no-op that keeps the recorded outputs. */
    public static StepRecord planned(String runId, String name, int seq, StepAction action, String type,
        ResourceRecord recorded, long now) {
      boolean noop = action == StepAction.NOOP;
      return new StepRecord(runId, name, seq, action, type, noop ? StepState.SUCCEEDED : StepState.PENDING, 0, null,
          noop && recorded != null ? recorded.origin() : null, noop && recorded != null ? recorded.outputsJson() : null,
          null, false, null, noop ? Long.valueOf(now) : null);
    }

    /** Attempt {@code attempt} is about to call the backend (from PENDING, IN_DOUBT or a retried RUNNING). */
    public StepRecord running(int attempt, long deadlineAt, long now) {
      check(StepState.RUNNING, state == StepState.RUNNING);
      return new StepRecord(runId, name, seq, action, type, StepState.RUNNING, attempt, deadlineAt, origin,
          outputsJson, error, inDoubt, startedAt == null ? Long.valueOf(now) : startedAt, null);
    }

    /** The attempt failed retryably; the next one follows. In doubt when the call may have had its effect. */
    public StepRecord retrying(String why, boolean unknownOutcome) {
      StepState next = unknownOutcome ? StepState.IN_DOUBT : StepState.RUNNING;
      check(next, state == next);
      return new StepRecord(runId, name, seq, action, type, next, attempt, deadline, origin, outputsJson, why,
          inDoubt || unknownOutcome, startedAt, finishedAt);
    }

    /** Found RUNNING after an interruption: whether the backend call took effect is unknown. */
    public StepRecord interrupted(String why) {
      check(StepState.IN_DOUBT, false);
      return new StepRecord(runId, name, seq, action, type, StepState.IN_DOUBT, attempt, deadline, origin,
          outputsJson, why, true, startedAt, finishedAt);
    }

    /** The backend call succeeded; {@code outputs} is the sealed JSON of what it returned (null after a delete). */
    public StepRecord succeeded(Origin newOrigin, String outputs, long now) {
      check(StepState.SUCCEEDED, false);
      return new StepRecord(runId, name, seq, action, type, StepState.SUCCEEDED, attempt, deadline, newOrigin, outputs,
          null, false, startedAt, now);
    }

    /** The step failed; {@code unknownOutcome} when its last call may still have had an effect. */
    public StepRecord failed(String why, boolean unknownOutcome, long now) {
      check(StepState.FAILED, false);
      return new StepRecord(runId, name, seq, action, type, StepState.FAILED, attempt, deadline, origin, outputsJson,
          why, inDoubt || unknownOutcome, startedAt, now);
    }

    /** The run failed before this step began. */
    public StepRecord skipped(long now) {
      check(StepState.SKIPPED, false);
      return new StepRecord(runId, name, seq, action, type, StepState.SKIPPED, attempt, deadline, origin, outputsJson,
          error, false, startedAt, now);
    }

    /** Its undo is about to call the backend (again). */
    public StepRecord compensating() {
      check(StepState.COMPENSATING, state == StepState.COMPENSATING);
      return new StepRecord(runId, name, seq, action, type, StepState.COMPENSATING, attempt, deadline, origin,
          outputsJson, error, inDoubt, startedAt, finishedAt);
    }

    /** Undone. */
    public StepRecord compensated(long now) {
      check(StepState.COMPENSATED, false);
      return new StepRecord(runId, name, seq, action, type, StepState.COMPENSATED, attempt, deadline, origin,
          outputsJson, error, inDoubt, startedAt, now);
    }

    /** Its undo failed for good: what it made is left behind. */
    public StepRecord compensationFailed(String why, long now) {
      check(StepState.COMPENSATION_FAILED, false);
      return new StepRecord(runId, name, seq, action, type, StepState.COMPENSATION_FAILED, attempt, deadline, origin,
          outputsJson, why, inDoubt, startedAt, now);
    }

    private void check(StepState next, boolean sameAllowed) {
      if (!(sameAllowed && state == next) && !state.canMoveTo(next)) {
        throw new IllegalStateException("illegal step transition " + state + " -> " + next + " for step " + name
            + " of run " + runId);
      }
    }
  }

  /** A row of {@code tw_event}; {@code id} is 0 before insertion. */
  public record EventRecord(
      long id, String runId, String tenantId, String environmentId, String step, EventType type, int stepIndex,
      int stepCount, int percent, String message, String actor, long at) {}
}
