package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.EngineObserver.StepOutcome;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.StepState;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.json.Scopes;
import dev.tenantwright.core.internal.plugins.TypeHandle;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.CreateResult.Origin;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One attempt to undo one step during a rollback: delete what a create made (never an adopted object),
 * update back what an update or promotion changed (when the type can), and find out first what an in-doubt
 * create left. Transient failures are retried with back-off until the step's deadline; when the undo gives up,
 * the object is read once more — if it is gone after all, the step counts as undone, else it is left behind and
 * the run ends FAILED naming it.
 *
 * <p>Runs on an engine worker outside the run's lock; every journal write takes the lock.
 */
final class CompensationAttempt {

  private final RunExecution run;
  private final StepExec s;

  CompensationAttempt(RunExecution run, StepExec s) {
    this.run = run;
    this.s = s;
  }

  /** Runs the attempt; true when another one was scheduled (the step stays in flight). */
  boolean run() {
    Instant now = run.now();
    run.lock.lock();
    try {
      s.retry = null;
      s.compensationAttempts++;
      if (s.compensationDeadline == 0) {
        s.compensationDeadline = now.plus(run.timeout(s)).toEpochMilli();
      }
      boolean first = s.rec.state() != StepState.COMPENSATING;
      Change c = run.change().step(s, s.rec.compensating());
      if (first) {
        c.event(EventType.STEP_COMPENSATING, s, message());
      }
      run.commit(c);
    } finally {
      run.lock.unlock();
    }
    ObservedAttempt observed = run.observeAttempt(s, true, s.compensationAttempts);
    try {
      return attempt(observed);
    } catch (RuntimeException | Error e) {
      observed.finishAfter(e, run.describe(e));
      throw e;
    }
  }

  /** The attempt after its intent is recorded; it tells {@code observed} how it ended before it records that. */
  private boolean attempt(ObservedAttempt observed) {
    Instant deadline = Instant.ofEpochMilli(s.compensationDeadline);
    EngineStepContext ctx = run.context(s, s.compensationAttempts, deadline, true, observed.traceHeaders());
    Object spec;
    String outcome;
    try {
      spec = currentSpec();
      outcome = run.withWatchdog(deadline, () -> undo(spec, ctx));
    } catch (RunExecution.Abandoned | RunExecution.JournalDown stop) {
      throw stop;
    } catch (RetryableException e) {
      observed.finish(e.outcomeUnknown() ? StepOutcome.IN_DOUBT : StepOutcome.RETRYABLE_FAILURE, run.describe(e));
      int max = run.maxAttempts(s);
      Duration delay = run.engine.backoff().delay(s.compensationAttempts, e.retryAfter());
      if (s.compensationAttempts < max && run.now().plus(delay).isBefore(deadline)) {
        boolean scheduled = false;
        run.lock.lock();
        try {
          run.commit(run.change().event(EventType.STEP_RETRYING, s, "compensation attempt " + s.compensationAttempts
              + " failed (" + run.describe(e) + "); retrying in " + delay.toMillis() + " ms"));
          s.retryTask = () -> run.attempt(s, true, new CompensationAttempt(run, s)::run);
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
      gaveUp((s.compensationAttempts >= max ? "gave up after " : "deadline reached after ")
          + s.compensationAttempts + " attempts: " + run.describe(e), ctx);
      return false;
    } catch (RuntimeException e) {
      if (run.isStopped()) {
        throw new RunExecution.Abandoned();
      }
      observed.finish(e instanceof PermanentException ? StepOutcome.PERMANENT_FAILURE : StepOutcome.IN_DOUBT,
          run.describe(e));
      gaveUp(run.describe(e), ctx);
      return false;
    }
    if (run.isStopped()) {
      throw new RunExecution.Abandoned();
    }
    observed.finish(StepOutcome.SUCCEEDED, null);
    compensated(outcome);
    return false;
  }

  /** The spec of what this step made or changed: as recorded with its row, else as its definition resolves. */
  private Object currentSpec() {
    return s.row != null && s.rec.state() != StepState.FAILED
        ? run.specs.recorded(s.row, s.type, s.name()) : run.specs.resolve(s).spec();
  }

  private String undo(Object spec, EngineStepContext ctx) {
    TypeHandle t = s.type;
    Object out = run.specs.outputs(s.name());
    boolean unknownCreate = s.rec.inDoubt() && s.rec.origin() == null
        && (s.action() == StepAction.CREATE || s.action() == StepAction.REPLACE);
    if (unknownCreate) {
      // a create whose outcome was never learned: find it, and let create tell whether this run made it
      if (t.read(spec, null, ctx).isEmpty()) {
        return "nothing was created";
      }
      CreateResult<Object> cr = t.create(spec, ctx);
      if (cr.origin() == Origin.ADOPTED) {
        return "adopted object left in place";
      }
      t.delete(spec, cr.outputs(), ctx);
      return "deleted";
    }
    switch (s.action()) {
      case CREATE, REPLACE -> {
        if (s.rec.origin() == Origin.ADOPTED) {
          return "adopted object left in place";
        }
        t.delete(spec, out, ctx);
        return "deleted";
      }
      case UPDATE, PROMOTE -> {
        Object previous = run.specs.recorded(s.before, t, s.name());
        Object restored = t.update(previous, spec, out, ctx);
        run.specs.putOutputs(s.name(), restored);
        return "restored previous configuration";
      }
      default -> throw new IllegalStateException("nothing to undo for a " + s.action() + " step");
    }
  }

  private void compensated(String outcome) {
    run.lock.lock();
    try {
      Change c = run.change();
      boolean reverted = s.action() == StepAction.UPDATE || s.action() == StepAction.PROMOTE;
      if (reverted) {
        Object restored = run.specs.outputs(s.name());
        ResourceRecord b = s.before;
        c.row(s, new ResourceRecord(b.environmentId(), b.name(), b.type(), b.origin(), b.paramsJson(), b.specHash(),
            restored == null ? b.outputsJson()
                : run.codec.write(restored, Scopes.resource(b.environmentId(), b.name(), "outputs"), run.redactor::redact),
            run.now().toEpochMilli(), b.resolvedJson()));
      } else if (s.action() == StepAction.CREATE || "deleted".equals(outcome) || s.row != s.before) {
        // the object is gone (or, for a created step, an adopted one is no longer ours to track); a replace whose
        // previous object was never deleted keeps its row
        c.noRow(s).then(() -> run.specs.removeOutputs(s.name()));
      }
      run.commit(c.step(s, s.rec.compensated(run.now().toEpochMilli()))
          .event(EventType.STEP_COMPENSATED, s, outcome));
    } finally {
      run.lock.unlock();
    }
  }

  /**
   * The undo failed for good. Before saying so, read once more: an object that is gone after all (a delete
   * whose answer was lost) is undone, not left behind.
   */
  private void gaveUp(String why, EngineStepContext ctx) {
    boolean deletes = s.action() == StepAction.CREATE || s.action() == StepAction.REPLACE;
    if (deletes && s.rec.origin() != Origin.ADOPTED && !s.type.isStep()) {
      try {
        Object spec = currentSpec();
        Optional<Object> found = run.withWatchdog(run.now().plus(Duration.ofSeconds(30)),
            () -> s.type.read(spec, run.specs.outputs(s.name()), ctx));
        if (found.isEmpty()) {
          compensated("already gone");
          return;
        }
      } catch (RunExecution.Abandoned | RunExecution.JournalDown stop) {
        throw stop;
      } catch (RuntimeException unreadable) {
        // cannot tell: it is left behind
      }
    }
    run.lock.lock();
    try {
      String msg = run.redactor.redact(why);
      run.commit(run.change().step(s, s.rec.compensationFailed(msg, run.now().toEpochMilli()))
          .event(EventType.STEP_COMPENSATION_FAILED, s, msg));
    } finally {
      run.lock.unlock();
    }
  }

  private String message() {
    if (s.rec.origin() == Origin.ADOPTED) {
      return "releasing adopted object (it will not be deleted)";
    }
    return s.action() == StepAction.UPDATE || s.action() == StepAction.PROMOTE
        ? "restoring previous configuration" : "undoing";
  }
}
