package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.DriftStatus;
import dev.tenantwright.core.EngineObserver.StepOutcome;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.StepState;
import dev.tenantwright.core.internal.journal.JournalException;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.journal.Records.StepRecord;
import dev.tenantwright.core.internal.json.Scopes;
import dev.tenantwright.core.internal.plugins.TypeHandle;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.CreateResult.Origin;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forward attempt of one step: resolve its spec, record the intent (RUNNING, with attempt and deadline),
 * call the backend, then record the result — succeeded with its outputs and resource row, a retry after a
 * back-off, or failed. A step in doubt (its last call may have had an effect) is read before it acts again.
 *
 * <p>Runs on an engine worker outside the run's lock; every journal write takes the lock.
 */
final class ForwardAttempt {

  private static final Logger LOG = LoggerFactory.getLogger(ForwardAttempt.class);

  private final RunExecution run;
  private final StepExec s;

  ForwardAttempt(RunExecution run, StepExec s) {
    this.run = run;
    this.s = s;
  }

  /** Runs the attempt; true when another one was scheduled (the step stays in flight). */
  boolean run() {
    run.lock.lock();
    try {
      s.retry = null;
      if (run.failed()) {
        stopBecauseTheRunFailed();
        return false;
      }
    } finally {
      run.lock.unlock();
    }
    ObservedAttempt observed = run.observeAttempt(s, false, s.rec.attempt() + 1);
    try {
      return attempt(observed);
    } catch (RuntimeException | Error e) {
      observed.finishAfter(e, run.describe(e));
      throw e;
    }
  }

  /** The attempt itself, which tells {@code observed} how it ended before it records that. */
  private boolean attempt(ObservedAttempt observed) {
    StepAction action = s.action();
    StepSpecs.Resolved resolved;
    try {
      // a delete removes what is recorded, with the spec it was made with: it never needs other resources' outputs
      ResourceRecord row = s.row != null ? s.row : s.before;
      resolved = (action == StepAction.DELETE || action == StepAction.READ) && row != null
          ? new StepSpecs.Resolved(null, run.specs.recorded(row, s.type, s.name())) : run.specs.resolve(s);
    } catch (PermanentException e) {
      observed.finish(StepOutcome.PERMANENT_FAILURE, run.describe(e));
      run.lock.lock();
      try {
        run.commit(run.failStep(run.change(), s, run.describe(e), false));
      } finally {
        run.lock.unlock();
      }
      return false;
    }
    Instant now = run.now();
    Set<String> names = Set.of();
    if (action != StepAction.DELETE && action != StepAction.READ && HostNames.declares(s.type.specType())) {
      // the names the resource answers for are the tenant's before the backend is called
      names = HostNames.of(resolved.spec());
      try {
        run.engine.hostNames().claim(run.tenant.id(), run.environmentId(), s.name(), names, now.toEpochMilli());
      } catch (PermanentException e) {
        observed.finish(StepOutcome.PERMANENT_FAILURE, run.describe(e));
        run.lock.lock();
        try {
          run.commit(run.failStep(run.change(), s, run.describe(e), false));
        } finally {
          run.lock.unlock();
        }
        return false;
      } catch (JournalException e) {
        throw new RunExecution.JournalDown(e);
      }
    }
    Set<String> claimed = names;
    int attempt = s.rec.attempt() + 1;
    boolean inDoubt = s.rec.inDoubt();
    long deadlineMs;
    run.lock.lock();
    try {
      deadlineMs = s.rec.deadline() != null && !s.freshDeadline ? s.rec.deadline()
          : now.plus(run.timeout(s)).toEpochMilli();
      Change c = run.change().step(s, s.rec.running(attempt, deadlineMs, now.toEpochMilli()))
          .then(() -> s.freshDeadline = false);
      if (attempt == 1) {
        c.event(EventType.STEP_STARTED, s, run.startMessage(s));
      }
      run.commit(c);
    } finally {
      run.lock.unlock();
    }
    Instant deadline = Instant.ofEpochMilli(deadlineMs);
    EngineStepContext ctx = run.context(s, attempt, deadline, false, observed.traceHeaders());
    Object result;
    try {
      result = run.withWatchdog(deadline, () -> invoke(action, resolved.spec(), ctx, inDoubt));
    } catch (RunExecution.Abandoned | RunExecution.JournalDown stop) {
      throw stop;
    } catch (RetryableException e) {
      observed.finish(e.outcomeUnknown() ? StepOutcome.IN_DOUBT : StepOutcome.RETRYABLE_FAILURE, run.describe(e));
      return retryOrFail(attempt, deadline, e, e.outcomeUnknown(), observed);
    } catch (PermanentException e) {
      observed.finish(StepOutcome.PERMANENT_FAILURE, run.describe(e));
      fail(run.describe(e), false);
      return false;
    } catch (CancellationException e) {
      checkLive();
      String why = run.now().isAfter(deadline) ? "timed out after " + run.timeout(s) : "cancelled";
      observed.finish(StepOutcome.IN_DOUBT, why);
      fail(why, true);
      return false;
    } catch (RuntimeException e) {
      checkLive();
      observed.finish(StepOutcome.IN_DOUBT, run.describe(e));
      fail(run.describe(e), true);
      return false;
    }
    checkLive();
    if (run.now().isAfter(deadline)) {
      String why = "passed its deadline of " + run.timeout(s);
      observed.finish(StepOutcome.IN_DOUBT, why);
      fail(why, true);
      return false;
    }
    observed.finish(StepOutcome.SUCCEEDED, null);
    succeed(action, resolved, result, claimed);
    return false;
  }

  /** The run failed while this step waited: a step that never started is skipped, one that did fails. */
  private void stopBecauseTheRunFailed() {
    if (s.rec.state() == StepState.PENDING) {
      run.commit(run.change().step(s, s.rec.skipped(run.now().toEpochMilli()))
          .event(EventType.STEP_SKIPPED, s, "skipped: " + run.failure()));
    } else if (s.rec.state().canMoveTo(StepState.FAILED)) {
      run.commit(run.failStep(run.change(), s, "abandoned after another step failed: " + run.failure(),
          s.rec.inDoubt() || s.rec.state() == StepState.IN_DOUBT));
    }
  }

  private Object invoke(StepAction action, Object spec, EngineStepContext ctx, boolean inDoubt) {
    TypeHandle t = s.type;
    Object recorded = run.specs.outputs(s.name());
    switch (action) {
      case CREATE -> {
        if (inDoubt) {
          boolean found = t.read(spec, null, ctx).isPresent();
          LOG.debug("in-doubt create of {} resolved by read: {}", s.name(), found ? "exists" : "absent");
        }
        return t.create(spec, ctx);
      }
      case REPLACE -> {
        removePrevious(ctx);
        return t.create(spec, ctx);
      }
      case UPDATE -> {
        if (inDoubt && t.read(spec, recorded, ctx).isEmpty()) {
          throw new PermanentException("resource '" + s.name() + "' vanished from its backend during an update");
        }
        Object previous = s.before == null ? spec : run.specs.recorded(s.before, t, s.name());
        return t.update(spec, previous, recorded, ctx);
      }
      case DELETE -> {
        ResourceRecord row = s.row != null ? s.row : s.before;
        if (row != null && row.origin() == Origin.ADOPTED) {
          return Outcome.RELEASED;
        }
        if (row == null || inDoubt && t.read(spec, recorded, ctx).isEmpty()) {
          return Outcome.DELETED;
        }
        t.delete(spec, recorded, ctx);
        return Outcome.DELETED;
      }
      case RESET -> {
        return t.reset(spec, recorded, ctx);
      }
      case PROMOTE -> {
        ResourceRecord source = run.spec.sourceRows().get(s.name());
        Object sourceOutputs = run.codec.read(source.outputsJson(), t.outputType(),
            Scopes.resource(source.environmentId(), source.name(), "outputs"));
        return t.promote(spec, recorded, run.specs.source(source, t), sourceOutputs, ctx);
      }
      case NOOP -> {
        return recorded;
      }
      case READ -> {
        return DriftCheck.compare(recorded, t.read(spec, recorded, ctx));
      }
      default -> throw new IllegalStateException("unknown action " + action);
    }
  }

  /**
   * The first half of a replace: deletes the previous object through the type that made it (the old type of a
   * type change) with the spec it was made with, and records that it is gone before anything new is made. An
   * attempt resumed after the deletion was recorded finds no row and goes straight to the create.
   */
  private void removePrevious(EngineStepContext ctx) {
    ResourceRecord row = s.row;
    if (row == null) {
      return;
    }
    if (row.origin() == Origin.ADOPTED) {
      throw new PermanentException("resource '" + s.name() + "' was adopted, not created by Tenantwright: "
          + "refusing to replace (delete) it");
    }
    TypeHandle old = s.beforeType != null ? s.beforeType : s.type;
    Object oldSpec = run.specs.recorded(row, old, s.name());
    Object oldOutputs = run.codec.read(row.outputsJson(), old.outputType(),
        Scopes.resource(row.environmentId(), row.name(), "outputs"));
    old.delete(oldSpec, oldOutputs, ctx);
    run.lock.lock();
    try {
      run.commit(run.change().noRow(s).then(() -> run.specs.removeOutputs(s.name()))
          .event(EventType.STEP_PROGRESS, s, "deleted the previous " + row.type() + " to replace it"));
    } finally {
      run.lock.unlock();
    }
  }

  private void succeed(StepAction action, StepSpecs.Resolved resolved, Object result, Set<String> names) {
    run.lock.lock();
    try {
      long now = run.now().toEpochMilli();
      Change c = run.change();
      String message;
      Origin origin = s.rec.origin();
      String outJson = s.rec.outputsJson();
      switch (action) {
        case CREATE, REPLACE, UPDATE, RESET, PROMOTE -> {
          Object out;
          if (result instanceof CreateResult<?> cr) {
            origin = cr.origin();
            out = cr.outputs();
            message = origin == Origin.ADOPTED ? "adopted existing object"
                : action == StepAction.REPLACE ? "replaced" : "created";
          } else {
            out = result;
            origin = s.row != null ? s.row.origin() : s.before != null ? s.before.origin() : Origin.CREATED;
            message = action == StepAction.UPDATE ? "updated" : action == StepAction.PROMOTE
                ? "promoted from " + run.spec.source() : "reset to its baseline";
          }
          run.specs.putOutputs(s.name(), out);
          outJson = run.codec.write(out, Scopes.resource(run.environmentId(), s.name(), "outputs"), run.redactor::redact);
          String resolvedJson = resolved.values() == null ? (s.row != null ? s.row.resolvedJson() : null)
              : run.codec.write(resolved.values(), Scopes.resource(run.environmentId(), s.name(), "resolved"),
                  run.redactor::redact);
          c.row(s, new ResourceRecord(run.environmentId(), s.name(), s.rec.type(), origin, paramsJson(), s.hash,
              outJson, now, resolvedJson));
          if (HostNames.declares(s.type.specType())
              || s.beforeType != null && HostNames.declares(s.beforeType.specType())) {
            // names the previous spec used and this one no longer does are free again
            c.batch.releaseHostNames(run.environmentId(), s.name(), names);
          }
        }
        case DELETE -> {
          c.noRow(s).then(() -> run.specs.removeOutputs(s.name()));
          outJson = null;
          message = result == Outcome.RELEASED ? "adopted object released, left in place" : "deleted";
        }
        case READ -> {
          DriftCheck.Finding finding = (DriftCheck.Finding) result;
          message = finding.message();
          outJson = DriftCheck.write(finding);
          origin = s.row != null ? s.row.origin() : origin;
          if (finding.status() != DriftStatus.IN_SYNC) {
            c.event(EventType.DRIFT_FOUND, s, s.name() + " (" + s.rec.type() + ") " + message);
          }
        }
        default -> message = "up to date";
      }
      StepRecord done = s.rec.succeeded(origin, outJson, now);
      run.commitSuccess(c.step(s, done).event(EventType.STEP_SUCCEEDED, s, message), s);
    } finally {
      run.lock.unlock();
    }
  }

  private String paramsJson() {
    if (s.paramsJson == null) {
      s.paramsJson = s.def != null ? run.codec.write(s.def.params(), Scopes.resource(run.environmentId(), s.name(), "params"))
          : s.row != null ? s.row.paramsJson() : s.before.paramsJson();
    }
    return s.paramsJson;
  }

  private boolean retryOrFail(int attempt, Instant deadline, RetryableException e, boolean unknownOutcome,
      ObservedAttempt observed) {
    int max = run.maxAttempts(s);
    Duration delay = run.engine.backoff().delay(attempt, e.retryAfter());
    boolean again = attempt < max && run.now().plus(delay).isBefore(deadline);
    boolean scheduled = false;
    run.lock.lock();
    try {
      checkLive();
      if (!again || run.failed()) {
        String why = run.failed() ? "abandoned after another step failed: " + run.describe(e)
            : attempt >= max ? "gave up after " + attempt + " attempts: " + run.describe(e)
            : "deadline reached after " + attempt + " attempts: " + run.describe(e);
        run.commit(run.failStep(run.change(), s, why, unknownOutcome));
        return false;
      }
      // a call whose outcome is unknown is IN_DOUBT: the next attempt reads before it acts
      run.commit(run.change().step(s, s.rec.retrying(run.describe(e), unknownOutcome))
          .event(unknownOutcome ? EventType.STEP_IN_DOUBT : EventType.STEP_RETRYING, s, "attempt " + attempt
              + (max == Integer.MAX_VALUE ? "" : " of " + max) + " failed (" + run.describe(e) + "); retrying in "
              + delay.toMillis() + " ms"));
      s.retryTask = () -> run.attempt(s, false, new ForwardAttempt(run, s)::run);
      s.retry = run.engine.schedule(delay, s.retryTask);
      scheduled = s.retry != null;
      return scheduled;
    } finally {
      run.lock.unlock();
      if (scheduled) {
        observed.retryScheduled(delay);
      }
    }
  }

  private void fail(String message, boolean unknownOutcome) {
    run.lock.lock();
    try {
      run.commit(run.failStep(run.change(), s, message, unknownOutcome && s.action() != StepAction.NOOP));
    } finally {
      run.lock.unlock();
    }
  }

  private void checkLive() {
    if (run.isStopped()) {
      throw new RunExecution.Abandoned();
    }
  }

  /** What a delete step did. */
  private enum Outcome {
    DELETED,
    RELEASED
  }
}
