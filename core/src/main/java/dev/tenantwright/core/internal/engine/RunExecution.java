package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.CompensationFailedException;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.ResourceDefinition;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.StepState;
import dev.tenantwright.core.internal.blueprint.Interpolator;
import dev.tenantwright.core.internal.blueprint.Resolver;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.EventRecord;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.journal.Records.RunRecord;
import dev.tenantwright.core.internal.journal.Records.StepRecord;
import dev.tenantwright.core.internal.plugins.TypeHandle;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.CreateResult.Origin;
import dev.tenantwright.spi.EnvironmentInfo;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantInfo;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One run being executed by this engine: schedules its steps as their dependencies finish, retries,
 * records every transition before the next side effect, and rolls back in reverse dependency order.
 *
 * <p>State changes and their journal writes happen under the run's lock, so a run's events are committed
 * and published in order; backend calls happen outside it on the engine's workers.
 */
final class RunExecution {

  private static final Logger LOG = LoggerFactory.getLogger(RunExecution.class);

  /** Thrown inside a worker when the engine stopped: nothing more is written, the run resumes elsewhere. */
  static final class Abandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abandoned() {
      super("engine stopped", null, false, false);
    }
  }

  /** A step and what the engine knows about it in memory. */
  static final class StepExec {
    StepRecord rec;
    final ResourceDefinition def;
    final TypeHandle type;
    final Set<String> waits;
    final String hash;
    final ResourceRecord before;
    boolean inFlight;
    boolean compensationSettled;
    int compensationAttempts;
    long lastProgressWrite;

    StepExec(StepRecord rec, ResourceDefinition def, TypeHandle type, Set<String> waits, String hash,
        ResourceRecord before) {
      this.rec = rec;
      this.def = def;
      this.type = type;
      this.waits = waits;
      this.hash = hash;
      this.before = before;
    }

    String name() {
      return rec.name();
    }
  }

  private final Engine engine;
  private final Journal journal;
  private final Object lock = new Object();
  private final TenantInfo tenant;
  private final EnvironmentInfo envInfo;
  private final Blueprint blueprint;
  private final RunSpec spec;
  private final Map<String, StepExec> steps;
  private final Map<String, Object> outputs = new ConcurrentHashMap<>();
  private final Redactor redactor = new Redactor();
  private final CompletableFuture<RunState> done = new CompletableFuture<>();
  private final List<String> leftBehind = new ArrayList<>();
  private final Map<String, Secret> blueprintSecrets = new ConcurrentHashMap<>();

  private final long generation;
  private RunRecord run;
  private EnvironmentRecord env;
  private volatile boolean cancelRequested;
  private volatile boolean fenced;
  private boolean failed;
  private String failure;
  private int inFlight;
  private boolean rollbackStarted;
  private boolean finished;

  RunExecution(Engine engine, RunRecord run, EnvironmentRecord env, TenantInfo tenant, Blueprint blueprint,
      RunSpec spec, Map<String, StepExec> steps, Map<String, ResourceRecord> recorded, long generation) {
    this.engine = engine;
    this.generation = generation;
    this.journal = engine.journal();
    this.run = run;
    this.env = env;
    this.tenant = tenant;
    this.envInfo = new EnvironmentInfo(env.tenantId(), env.name(), env.kind());
    this.blueprint = blueprint;
    this.spec = spec;
    this.steps = steps;
    engine.hostSecrets().values().forEach(redactor::add);
    for (Object v : spec.vars().values()) {
      if (v instanceof Secret s) {
        redactor.add(s);
      }
    }
    for (ResourceRecord r : recorded.values()) {
      engine.types().find(r.type()).ifPresent(t -> {
        Object out = engine.readOutputs(r.outputsJson(), t.outputType());
        outputs.put(r.name(), out);
        registerSecrets(out);
      });
    }
    if (run.state() == RunState.ROLLING_BACK || run.state() == RunState.CANCELLING) {
      failed = true;
      failure = run.error();
    }
  }

  String id() {
    return run.id();
  }

  /** The lease generation this execution's writes carry. */
  long generation() {
    return generation;
  }

  /** Stops this execution without writing anything more: another engine owns the run now. */
  void fence() {
    fenced = true;
  }

  CompletableFuture<RunState> completion() {
    return done;
  }

  RunState state() {
    synchronized (lock) {
      return run.state();
    }
  }

  /** Claims the run, moves a queued run to RUNNING or resumes an interrupted one, and starts scheduling. */
  void start() {
    synchronized (lock) {
      Instant now = now();
      Journal.Batch b = journal.batch();
      List<Event> published = new ArrayList<>();
      if (run.state() == RunState.QUEUED) {
        run = withRun(RunState.RUNNING, run.error(), now.toEpochMilli(), null);
        b.run(run);
        published.add(event(b, EventType.RUN_STARTED, null, "started " + run.kind().name().toLowerCase(Locale.ROOT)
            + " of " + envInfo.name() + " (" + steps.size() + " steps)"));
      }
      for (StepExec s : steps.values()) {
        if (s.rec.state() == StepState.RUNNING) {
          s.rec = withStep(s.rec, StepState.IN_DOUBT, s.rec.attempt(), s.rec.error(), true);
          b.step(s.rec);
          published.add(event(b, EventType.STEP_IN_DOUBT, s, "outcome unknown after an interruption; resolving with read"));
        }
      }
      commit(b, published);
    }
    pump();
  }

  void cancel(String actor) {
    synchronized (lock) {
      if (finished || rollbackStarted || cancelRequested) {
        return;
      }
      cancelRequested = true;
      if (run.state().canMoveTo(RunState.CANCELLING)) {
        Journal.Batch b = journal.batch();
        run = withRun(RunState.CANCELLING, "cancelled" + (actor == null ? "" : " by " + actor), null, null);
        b.run(run);
        Event e = event(b, EventType.RUN_CANCELLING, null, "cancel requested" + (actor == null ? "" : " by " + actor));
        commit(b, List.of(e));
      }
      if (!failed) {
        failed = true;
        failure = "cancelled";
      }
    }
    pump();
  }

  // ------------------------------------------------------------------------------------------ scheduling

  private void pump() {
    List<Runnable> toSubmit = new ArrayList<>();
    synchronized (lock) {
      if (finished || engine.isStopped() || fenced) {
        return;
      }
      if (!rollbackStarted) {
        if (failed) {
          if (inFlight == 0) {
            beginRollback();
          } else {
            return;
          }
        } else {
          boolean allDone = true;
          for (StepExec s : steps.values()) {
            StepState st = s.rec.state();
            if (st != StepState.SUCCEEDED && st != StepState.SKIPPED) {
              allDone = false;
            }
            if (!s.inFlight && (st == StepState.PENDING || st == StepState.IN_DOUBT) && ready(s)) {
              s.inFlight = true;
              inFlight++;
              toSubmit.add(() -> runForward(s));
            }
          }
          if (allDone && inFlight == 0) {
            finishSucceeded();
            return;
          }
          if (toSubmit.isEmpty() && inFlight == 0 && !allDone) {
            failed = true;
            failure = "no step can run: a dependency is missing from the plan";
            beginRollback();
          }
        }
      }
      if (rollbackStarted && !finished) {
        boolean allSettled = true;
        for (StepExec s : steps.values()) {
          if (!needsCompensation(s)) {
            continue;
          }
          allSettled = false;
          if (!s.inFlight && dependentsSettled(s)) {
            s.inFlight = true;
            inFlight++;
            toSubmit.add(() -> runCompensation(s));
          }
        }
        if (allSettled && inFlight == 0) {
          finishRolledBack();
          return;
        }
      }
    }
    for (Runnable r : toSubmit) {
      engine.submit(r);
    }
  }

  private boolean ready(StepExec s) {
    for (String w : s.waits) {
      StepExec d = steps.get(w);
      if (d != null && d.rec.state() != StepState.SUCCEEDED && d.rec.state() != StepState.SKIPPED) {
        return false;
      }
    }
    return true;
  }

  private boolean needsCompensation(StepExec s) {
    if (s.compensationSettled) {
      return false;
    }
    StepAction a = s.rec.action();
    return switch (s.rec.state()) {
      case SUCCEEDED -> a == StepAction.CREATE || a == StepAction.REPLACE || a == StepAction.UPDATE
          || a == StepAction.PROMOTE;
      case FAILED -> s.rec.inDoubt() && (a == StepAction.CREATE || a == StepAction.REPLACE);
      case COMPENSATING -> true;
      default -> false;
    };
  }

  /** A step is undone only after every step that depends on it is undone (reverse dependency order). */
  private boolean dependentsSettled(StepExec s) {
    for (StepExec other : steps.values()) {
      if (other != s && other.waits.contains(s.name()) && needsCompensation(other)) {
        return false;
      }
    }
    return true;
  }

  private void beginRollback() {
    rollbackStarted = true;
    Journal.Batch b = journal.batch();
    List<Event> published = new ArrayList<>();
    if (run.kind() == RunKind.DESTROY) {
      for (StepExec s : steps.values()) {
        s.compensationSettled = true;
      }
    }
    if (run.state() == RunState.RUNNING) {
      run = withRun(RunState.ROLLING_BACK, failure, null, null);
      b.run(run);
      published.add(event(b, EventType.RUN_ROLLING_BACK, null, run.kind() == RunKind.DESTROY
          ? "destroy failed: " + failure : "rolling back: " + failure));
    }
    for (StepExec s : steps.values()) {
      if (s.rec.state() == StepState.PENDING) {
        s.rec = withStep(s.rec, StepState.SKIPPED, s.rec.attempt(), null, false);
        b.step(s.rec);
        published.add(event(b, EventType.STEP_SKIPPED, s, "skipped"));
      } else if (s.rec.state() == StepState.IN_DOUBT) {
        s.rec = withStep(s.rec, StepState.FAILED, s.rec.attempt(), "abandoned while in doubt: " + failure, true);
        b.step(s.rec);
        published.add(event(b, EventType.STEP_FAILED, s, s.rec.error()));
      }
    }
    commit(b, published);
  }

  // ------------------------------------------------------------------------------------------ forward steps

  private void runForward(StepExec s) {
    boolean rescheduled = false;
    try {
      mdc(s);
      try (Engine.Permit p = engine.permit(s.type.backend())) {
        rescheduled = forward(s);
      }
    } catch (Abandoned a) {
      return;
    } catch (RuntimeException | Error e) {
      if (engine.isStopped() || fenced) {
        return;
      }
      LOG.error("internal error in step {}", s.name(), e);
      synchronized (lock) {
        fail(s, "internal error: " + e, true);
      }
    } finally {
      MDC.clear();
    }
    if (!rescheduled) {
      settle(s);
    }
  }

  private void settle(StepExec s) {
    synchronized (lock) {
      s.inFlight = false;
      inFlight--;
    }
    pump();
  }

  /** Runs one attempt; returns true when it scheduled another attempt (the step stays in flight). */
  private boolean forward(StepExec s) {
    Instant now = now();
    long deadlineMs = s.rec.deadline() != null ? s.rec.deadline() : now.plus(timeout(s)).toEpochMilli();
    Instant deadline = Instant.ofEpochMilli(deadlineMs);
    int attempt = s.rec.attempt() + 1;
    boolean wasInDoubt = s.rec.state() == StepState.IN_DOUBT;
    StepAction action = s.rec.action();
    Object specObj;
    try {
      specObj = resolveSpec(s, action == StepAction.DELETE ? s.before.paramsJson() : null);
    } catch (RuntimeException e) {
      synchronized (lock) {
        fail(s, describe(e), false);
      }
      return false;
    }
    synchronized (lock) {
      if (failed) {
        if (s.rec.state() == StepState.PENDING) {
          s.rec = withStep(s.rec, StepState.SKIPPED, s.rec.attempt(), null, false);
          Journal.Batch b = journal.batch().step(s.rec);
          commit(b, List.of(event(b, EventType.STEP_SKIPPED, s, "skipped: " + failure)));
        } else {
          fail(s, "abandoned after another step failed: " + failure, wasInDoubt || s.rec.inDoubt());
        }
        return false;
      }
      Journal.Batch b = journal.batch();
      StepRecord r = s.rec;
      s.rec = new StepRecord(r.runId(), r.name(), r.seq(), r.action(), r.type(), StepState.RUNNING, attempt,
          deadlineMs, r.origin(), r.outputsJson(), r.error(), r.inDoubt(),
          r.startedAt() == null ? now.toEpochMilli() : r.startedAt(), null);
      b.step(s.rec);
      List<Event> ev = attempt == 1 ? List.of(event(b, EventType.STEP_STARTED, s, startMessage(s))) : List.of();
      commit(b, ev);
    }
    EngineStepContext ctx = context(s, attempt, deadline);
    Object result;
    try {
      result = withWatchdog(deadline, () -> invokeForward(s, action, specObj, ctx, wasInDoubt));
    } catch (Abandoned a) {
      throw a;
    } catch (RetryableException e) {
      return retryOrFail(s, attempt, deadline, e, mutates(action) && e.outcomeUnknown());
    } catch (PermanentException e) {
      synchronized (lock) {
        fail(s, describe(e), false);
      }
      return false;
    } catch (CancellationException e) {
      checkStopped();
      synchronized (lock) {
        fail(s, now().isAfter(deadline) ? "timed out after " + timeout(s) : "cancelled", mutates(action));
      }
      return false;
    } catch (RuntimeException e) {
      checkStopped();
      synchronized (lock) {
        fail(s, describe(e), mutates(action));
      }
      return false;
    }
    checkStopped();
    if (now().isAfter(deadline)) {
      synchronized (lock) {
        fail(s, "passed its deadline of " + timeout(s), mutates(action));
      }
      return false;
    }
    succeed(s, action, result);
    return false;
  }

  private Object invokeForward(StepExec s, StepAction action, Object specObj, EngineStepContext ctx,
      boolean wasInDoubt) {
    TypeHandle t = s.type;
    Object recordedOut = outputs.get(s.name());
    switch (action) {
      case CREATE -> {
        if (wasInDoubt) {
          Optional<Object> found = t.read(specObj, null, ctx);
          LOG.debug("in-doubt create of {} resolved by read: {}", s.name(), found.isPresent() ? "exists" : "absent");
        }
        return t.create(specObj, ctx);
      }
      case REPLACE -> {
        if (s.before != null && s.before.origin() == Origin.CREATED && recordedOut != null) {
          Object oldSpec = resolveSpec(s, s.before.paramsJson());
          t.delete(oldSpec, recordedOut, ctx);
        } else if (s.before != null && s.before.origin() == Origin.ADOPTED) {
          throw new PermanentException("resource '" + s.name() + "' was adopted, not created by Tenantwright: "
              + "refusing to replace (delete) it");
        }
        return t.create(specObj, ctx);
      }
      case UPDATE -> {
        if (wasInDoubt && t.read(specObj, recordedOut, ctx).isEmpty()) {
          throw new PermanentException("resource '" + s.name() + "' vanished from its backend during an update");
        }
        Object previous = s.before == null ? specObj : resolveSpec(s, s.before.paramsJson());
        return t.update(specObj, previous, recordedOut, ctx);
      }
      case DELETE -> {
        if (s.before != null && s.before.origin() == Origin.ADOPTED) {
          return "released";
        }
        if (wasInDoubt && t.read(specObj, recordedOut, ctx).isEmpty()) {
          return "deleted";
        }
        t.delete(specObj, recordedOut, ctx);
        return "deleted";
      }
      case RESET -> {
        return t.reset(specObj, recordedOut, ctx);
      }
      case PROMOTE -> {
        ResourceRecord source = spec.sourceRows().get(s.name());
        Object sourceOutputs = engine.readOutputs(source.outputsJson(), t.outputType());
        // the source's parameters resolve with the promoted (source) variables this run carries
        Object sourceSpec = resolveSpec(s, source.paramsJson(), false);
        return t.promote(specObj, recordedOut, sourceSpec, sourceOutputs, ctx);
      }
      case NOOP -> {
        return recordedOut;
      }
      default -> throw new IllegalStateException("unknown action " + action);
    }
  }

  private void succeed(StepExec s, StepAction action, Object result) {
    synchronized (lock) {
      Instant now = now();
      Journal.Batch b = journal.batch();
      String message;
      Origin origin = s.rec.origin();
      String outJson = s.rec.outputsJson();
      switch (action) {
        case CREATE, REPLACE -> {
          @SuppressWarnings("unchecked")
          CreateResult<Object> cr = (CreateResult<Object>) result;
          origin = cr.origin();
          Object out = cr.outputs();
          registerSecrets(out);
          outputs.put(s.name(), out);
          outJson = engine.writeOutputs(out, redactor::redact);
          b.resource(resourceRow(s, origin, outJson, s.def.params(), now), s.before != null);
          message = origin == Origin.ADOPTED ? "adopted existing object" : action == StepAction.REPLACE ? "replaced" : "created";
        }
        case UPDATE, RESET, PROMOTE -> {
          Object out = result;
          registerSecrets(out);
          outputs.put(s.name(), out);
          outJson = engine.writeOutputs(out, redactor::redact);
          origin = s.before.origin();
          b.resource(resourceRow(s, origin, outJson, s.def.params(), now), true);
          message = action == StepAction.UPDATE ? "updated"
              : action == StepAction.PROMOTE ? "promoted from " + spec.source() : "reset to baseline";
        }
        case DELETE -> {
          b.deleteResource(env.id(), s.name());
          outJson = null;
          message = "released".equals(result) ? "adopted object released, left in place" : "deleted";
        }
        default -> message = "up to date";
      }
      s.rec = new StepRecord(s.rec.runId(), s.rec.name(), s.rec.seq(), s.rec.action(), s.rec.type(),
          StepState.SUCCEEDED, s.rec.attempt(), s.rec.deadline(), origin, outJson, null, false, s.rec.startedAt(),
          now.toEpochMilli());
      b.step(s.rec);
      commit(b, List.of(event(b, EventType.STEP_SUCCEEDED, s, message)));
    }
  }

  private boolean retryOrFail(StepExec s, int attempt, Instant deadline, RetryableException e, boolean inDoubt) {
    int max = maxAttempts(s);
    Duration delay = engine.backoff().delay(attempt, e.retryAfter());
    boolean again = attempt < max && now().plus(delay).isBefore(deadline);
    synchronized (lock) {
      if (!again || failed) {
        String why = failed ? "abandoned after another step failed: " + describe(e)
            : attempt >= max ? "gave up after " + attempt + " attempts: " + describe(e)
            : "deadline reached after " + attempt + " attempts: " + describe(e);
        fail(s, why, inDoubt || s.rec.inDoubt());
        return false;
      }
      Journal.Batch b = journal.batch();
      // a call whose outcome is unknown is IN_DOUBT: the next attempt reads before it acts
      StepState next = inDoubt ? StepState.IN_DOUBT : StepState.RUNNING;
      s.rec = withStep(s.rec, next, attempt, describe(e), inDoubt || s.rec.inDoubt());
      b.step(s.rec);
      commit(b, List.of(event(b, inDoubt ? EventType.STEP_IN_DOUBT : EventType.STEP_RETRYING, s,
          "attempt " + attempt + " of " + max + " failed (" + describe(e) + "); retrying in " + delay.toMillis() + " ms")));
    }
    engine.schedule(delay, () -> runForward(s));
    return true;
  }

  private void fail(StepExec s, String message, boolean inDoubt) {
    String msg = redactor.redact(message);
    Journal.Batch b = journal.batch();
    s.rec = new StepRecord(s.rec.runId(), s.rec.name(), s.rec.seq(), s.rec.action(), s.rec.type(), StepState.FAILED,
        s.rec.attempt(), s.rec.deadline(), s.rec.origin(), s.rec.outputsJson(), msg, inDoubt, s.rec.startedAt(),
        now().toEpochMilli());
    b.step(s.rec);
    if (!failed) {
      failed = true;
      failure = "step '" + s.name() + "' (" + s.rec.type() + ") failed: " + msg;
    }
    commit(b, List.of(event(b, EventType.STEP_FAILED, s, msg)));
  }

  // ------------------------------------------------------------------------------------------ compensation

  private void runCompensation(StepExec s) {
    boolean rescheduled = false;
    try {
      mdc(s);
      try (Engine.Permit p = engine.permit(s.type.backend())) {
        rescheduled = compensate(s);
      }
    } catch (Abandoned a) {
      return;
    } catch (RuntimeException | Error e) {
      if (engine.isStopped() || fenced) {
        return;
      }
      LOG.error("internal error compensating {}", s.name(), e);
      synchronized (lock) {
        compensationFailed(s, "internal error: " + e);
      }
    } finally {
      MDC.clear();
    }
    if (!rescheduled) {
      settle(s);
    }
  }

  /** Runs one compensation attempt; returns true when it scheduled another (the step stays in flight). */
  private boolean compensate(StepExec s) {
    StepAction action = s.rec.action();
    s.compensationAttempts++;
    Instant deadline = now().plus(timeout(s));
    synchronized (lock) {
      Journal.Batch b = journal.batch();
      boolean first = s.rec.state() != StepState.COMPENSATING;
      s.rec = withStep(s.rec, StepState.COMPENSATING, s.rec.attempt(), s.rec.error(), s.rec.inDoubt());
      b.step(s.rec);
      commit(b, first ? List.of(event(b, EventType.STEP_COMPENSATING, s, compensationMessage(s))) : List.of());
    }
    EngineStepContext ctx = context(s, s.compensationAttempts, deadline);
    String outcome;
    try {
      Object specObj = resolveSpec(s, null);
      outcome = withWatchdog(deadline, () -> invokeCompensation(s, action, specObj, ctx));
    } catch (Abandoned a) {
      throw a;
    } catch (RetryableException e) {
      int max = maxAttempts(s);
      if (s.compensationAttempts < max) {
        Duration delay = engine.backoff().delay(s.compensationAttempts, e.retryAfter());
        synchronized (lock) {
          Journal.Batch b = journal.batch();
          commit(b, List.of(event(b, EventType.STEP_RETRYING, s, "compensation attempt " + s.compensationAttempts
              + " failed (" + describe(e) + "); retrying in " + delay.toMillis() + " ms")));
        }
        engine.schedule(delay, () -> runCompensation(s));
        return true;
      }
      synchronized (lock) {
        compensationFailed(s, "gave up after " + s.compensationAttempts + " attempts: " + describe(e));
      }
      return false;
    } catch (RuntimeException e) {
      checkStopped();
      synchronized (lock) {
        compensationFailed(s, describe(e));
      }
      return false;
    }
    checkStopped();
    synchronized (lock) {
      Journal.Batch b = journal.batch();
      Instant now = now();
      boolean reverted = action == StepAction.UPDATE || action == StepAction.PROMOTE && s.type.canUpdate();
      if (reverted && s.before != null) {
        b.resource(s.before, true);
      } else if (action == StepAction.PROMOTE) {
        // the promotion stays (the type cannot revert it); its row already says so
        s.compensationSettled = true;
      } else if (s.before == null || action == StepAction.REPLACE) {
        b.deleteResource(env.id(), s.name());
      }
      s.rec = withStep(s.rec, StepState.COMPENSATED, s.rec.attempt(), s.rec.error(), s.rec.inDoubt());
      s.rec = new StepRecord(s.rec.runId(), s.rec.name(), s.rec.seq(), s.rec.action(), s.rec.type(), s.rec.state(),
          s.rec.attempt(), s.rec.deadline(), s.rec.origin(), s.rec.outputsJson(), s.rec.error(), s.rec.inDoubt(),
          s.rec.startedAt(), now.toEpochMilli());
      s.compensationSettled = true;
      b.step(s.rec);
      commit(b, List.of(event(b, EventType.STEP_COMPENSATED, s, outcome)));
    }
    return false;
  }

  private String invokeCompensation(StepExec s, StepAction action, Object specObj, EngineStepContext ctx) {
    TypeHandle t = s.type;
    Object out = outputs.get(s.name());
    if (s.rec.state() == StepState.COMPENSATING && s.rec.inDoubt() && s.rec.origin() == null) {
      // a create whose outcome was never learned: find it, and let create tell whether this step made it
      if (t.read(specObj, null, ctx).isEmpty()) {
        return "nothing was created";
      }
      CreateResult<Object> cr = t.create(specObj, ctx);
      if (cr.origin() == Origin.ADOPTED) {
        return "adopted object left in place";
      }
      t.delete(specObj, cr.outputs(), ctx);
      return "deleted";
    }
    switch (action) {
      case CREATE, REPLACE -> {
        if (s.rec.origin() == Origin.ADOPTED) {
          return "adopted object left in place";
        }
        t.delete(specObj, out, ctx);
        return "deleted";
      }
      case UPDATE, PROMOTE -> {
        if (!t.canUpdate()) {
          return "kept: " + t.type() + " cannot restore its previous configuration";
        }
        Object previous = resolveSpec(s, s.before.paramsJson());
        Object restored = t.update(previous, specObj, out, ctx);
        outputs.put(s.name(), restored);
        return "restored previous configuration";
      }
      default -> {
        return "nothing to undo";
      }
    }
  }

  private void compensationFailed(StepExec s, String message) {
    String msg = redactor.redact(message);
    Journal.Batch b = journal.batch();
    s.rec = withStep(s.rec, StepState.COMPENSATION_FAILED, s.rec.attempt(), msg, s.rec.inDoubt());
    s.compensationSettled = true;
    leftBehind.add(s.name() + " (" + s.rec.type() + "): " + msg);
    b.step(s.rec);
    commit(b, List.of(event(b, EventType.STEP_COMPENSATION_FAILED, s, msg)));
  }

  private String compensationMessage(StepExec s) {
    if (s.rec.origin() == Origin.ADOPTED) {
      return "releasing adopted object (it will not be deleted)";
    }
    return s.rec.action() == StepAction.UPDATE || s.rec.action() == StepAction.PROMOTE
        ? "restoring previous configuration" : "undoing";
  }

  // ------------------------------------------------------------------------------------------ finishing

  private void finishSucceeded() {
    finished = true;
    Instant now = now();
    Journal.Batch b = journal.batch();
    run = withRun(RunState.SUCCEEDED, null, null, now.toEpochMilli());
    b.run(run);
    EnvironmentState envState = run.kind() == RunKind.DESTROY ? EnvironmentState.DESTROYED : EnvironmentState.READY;
    env = env.with(envState, null, now.toEpochMilli());
    b.environment(env);
    Event e = event(b, EventType.RUN_SUCCEEDED, null, run.kind() == RunKind.DESTROY ? "destroyed" : "ready");
    commit(b, List.of(e));
    engine.finished(this);
    done.complete(RunState.SUCCEEDED);
  }

  private void finishRolledBack() {
    finished = true;
    Instant now = now();
    Journal.Batch b = journal.batch();
    RunState end;
    String error;
    if (run.kind() == RunKind.DESTROY) {
      end = RunState.FAILED;
      error = failure;
    } else if (leftBehind.isEmpty()) {
      end = RunState.ROLLED_BACK;
      error = failure;
    } else {
      end = RunState.FAILED;
      error = failure + "; " + new CompensationFailedException(leftBehind).getMessage();
    }
    error = redactor.redact(error);
    run = withRun(end, error, null, now.toEpochMilli());
    b.run(run);
    EnvironmentState envState = switch (run.kind()) {
      case PROVISION -> EnvironmentState.FAILED;
      case DESTROY -> EnvironmentState.FAILED;
      default -> end == RunState.ROLLED_BACK ? EnvironmentState.READY : EnvironmentState.FAILED;
    };
    env = env.with(envState, error, now.toEpochMilli());
    if (run.kind() != RunKind.DESTROY) {
      // the run's blueprint and parameters did not take: the environment keeps what it had before
      env = env.withBlueprint(spec.previousBlueprint() != null ? spec.previousBlueprint() : env.blueprint(),
          engine.writeParams(spec.previousVars()), now.toEpochMilli());
    }
    b.environment(env);
    Event e = event(b, end == RunState.ROLLED_BACK ? EventType.RUN_ROLLED_BACK : EventType.RUN_FAILED, null,
        end == RunState.ROLLED_BACK ? "rolled back: " + error : "failed, needs attention: " + error);
    commit(b, List.of(e));
    engine.finished(this);
    done.complete(end);
  }

  // ------------------------------------------------------------------------------------------ helpers

  private void commit(Journal.Batch b, List<Event> published) {
    checkStopped();
    engine.commit(this, b);
    for (Event e : published) {
      engine.publish(e);
    }
  }

  private void checkStopped() {
    if (engine.isStopped() || fenced) {
      throw new Abandoned();
    }
  }

  private Event event(Journal.Batch b, EventType type, StepExec s, String message) {
    Instant now = now();
    String msg = redactor.redact(message);
    int index = s == null ? 0 : s.rec.seq() + 1;
    int percent = percent();
    b.event(new EventRecord(0, run.id(), tenant.id(), env.id(), s == null ? null : s.name(), type, index,
        steps.size(), percent, msg, spec.actor(), now.toEpochMilli()));
    return new Event(type, tenant.id(), envInfo.name(), run.id(), s == null ? null : s.name(), index, steps.size(),
        percent, msg, spec.actor(), now);
  }

  /** Completion in percent: finished forward steps over all steps (100 when the run succeeded). */
  int percent() {
    if (run.state() == RunState.SUCCEEDED) {
      return 100;
    }
    if (steps.isEmpty()) {
      return run.state().isTerminal() ? 100 : 0;
    }
    int doneCount = 0;
    for (StepExec s : steps.values()) {
      StepState st = s.rec.state();
      if (st == StepState.SUCCEEDED || st == StepState.SKIPPED || st == StepState.FAILED
          || st == StepState.COMPENSATED || st == StepState.COMPENSATION_FAILED) {
        doneCount++;
      }
    }
    return Math.min(99, doneCount * 100 / steps.size());
  }

  private void progress(StepExec s, int pct, String message) {
    int clamped = Math.max(0, Math.min(100, pct));
    String msg = redactor.redact(message) + " (" + clamped + "%)";
    synchronized (lock) {
      if (finished) {
        return;
      }
      long now = now().toEpochMilli();
      Journal.Batch b = journal.batch();
      Event e = event(b, EventType.STEP_PROGRESS, s, msg);
      if (now - s.lastProgressWrite >= engine.options().progressInterval().toMillis()) {
        s.lastProgressWrite = now;
        commit(b, List.of(e));
      } else {
        engine.publish(e);
      }
    }
  }

  private EngineStepContext context(StepExec s, int attempt, Instant deadline) {
    return new EngineStepContext(tenant, envInfo, run.id(), s.name(), s.type.backend(), attempt, deadline,
        engine.options().clock(), () -> cancelRequested || engine.isStopped() || fenced, (pct, msg) -> progress(s, pct, msg),
        this::secret, engine.commands(), engine.configs());
  }

  private <T> T withWatchdog(Instant deadline, java.util.function.Supplier<T> call) {
    Thread me = Thread.currentThread();
    long ms = Math.max(1, Duration.between(now(), deadline).toMillis());
    ScheduledFuture<?> dog = engine.timers().schedule(me::interrupt, ms, TimeUnit.MILLISECONDS);
    try {
      return call.get();
    } finally {
      dog.cancel(false);
      if (Thread.interrupted() && engine.isStopped()) {
        throw new Abandoned();
      }
    }
  }

  private Object resolveSpec(StepExec s, String paramsJson) {
    // a spec as it was before this run (old parameters, or a resource no longer in the blueprint) resolves
    // with the variables the environment had then
    return resolveSpec(s, paramsJson, paramsJson != null || s.def == null);
  }

  private Object resolveSpec(StepExec s, String paramsJson, boolean old) {
    Map<String, Object> params = paramsJson != null ? engine.readParams(paramsJson)
        : s.def != null ? s.def.params() : engine.readParams(s.before.paramsJson());
    Object resolved;
    try {
      resolved = Interpolator.resolve(params, resolver(old));
    } catch (RuntimeException e) {
      throw new PermanentException("resource '" + s.name() + "': " + redactor.redact(e.getMessage()), e);
    }
    try {
      return engine.bind(resolved, s.type.specType());
    } catch (IllegalArgumentException e) {
      throw new PermanentException("resource '" + s.name() + "' (" + s.type.type() + "): invalid parameters: "
          + redactor.redact(bindingProblem(e)), null);
    }
  }

  private Resolver resolver(boolean previousVars) {
    return new Resolver() {
      @Override
      public Object tenant(String field) {
        return Resolver.tenantField(tenant, field);
      }

      @Override
      public Object env(String field) {
        return switch (field) {
          case "name" -> envInfo.name();
          case "kind" -> envInfo.kind().name().toLowerCase(Locale.ROOT);
          default -> null;
        };
      }

      @Override
      public Object var(String name) {
        if (previousVars && spec.previousVars().containsKey(name)) {
          return spec.previousVars().get(name);
        }
        return spec.vars().get(name);
      }

      @Override
      public Secret secret(String name) {
        return RunExecution.this.secret(name).orElse(null);
      }

      @Override
      public Object output(String resource, String field) {
        Object out = outputs.get(resource);
        return out == null ? null : field(out, field);
      }
    };
  }

  private Optional<Secret> secret(String name) {
    Optional<ResourceDefinition> def = blueprint.resource(name);
    if (def.isPresent() && "secret".equals(def.get().type())) {
      Object out = outputs.get(name);
      Object v = out == null ? null : field(out, "value");
      return v instanceof Secret s ? Optional.of(s) : Optional.empty();
    }
    Secret s = engine.hostSecrets().get(name);
    if (s == null) {
      s = blueprintSecrets.get(name);
    }
    return Optional.ofNullable(s);
  }

  static Object field(Object out, String field) {
    if (out instanceof Map<?, ?> m) {
      return m.get(field);
    }
    if (out.getClass().isRecord()) {
      for (RecordComponent c : out.getClass().getRecordComponents()) {
        if (c.getName().equals(field)) {
          try {
            c.getAccessor().setAccessible(true);
            return c.getAccessor().invoke(out);
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read output field " + field, e);
          }
        }
      }
    }
    return null;
  }

  private void registerSecrets(Object out) {
    if (out == null) {
      return;
    }
    if (out instanceof Secret s) {
      redactor.add(s);
    } else if (out instanceof Map<?, ?> m) {
      m.values().forEach(this::registerSecrets);
    } else if (out instanceof Collection<?> c) {
      c.forEach(this::registerSecrets);
    } else if (out.getClass().isRecord()) {
      for (RecordComponent c : out.getClass().getRecordComponents()) {
        try {
          c.getAccessor().setAccessible(true);
          registerSecrets(c.getAccessor().invoke(out));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private ResourceRecord resourceRow(StepExec s, Origin origin, String outJson, Map<String, Object> params,
      Instant now) {
    return new ResourceRecord(env.id(), s.name(), s.rec.type(), origin, engine.writeParams(params), s.hash, outJson,
        now.toEpochMilli());
  }

  private RunRecord withRun(RunState next, String error, Long startedAt, Long finishedAt) {
    if (run.state() != next && !run.state().canMoveTo(next)) {
      throw new IllegalStateException("illegal run transition " + run.state() + " -> " + next);
    }
    RunRecord r = run;
    return new RunRecord(r.id(), r.environmentId(), r.tenantId(), r.kind(), next, r.idempotencyKey(), r.optionsJson(),
        r.stepCount(), r.owner(), r.leaseUntil(), r.leaseGeneration(), error,
        r.createdAt(), startedAt != null ? startedAt : r.startedAt(), finishedAt != null ? finishedAt : r.finishedAt());
  }

  private static StepRecord withStep(StepRecord r, StepState next, int attempt, String error, boolean inDoubt) {
    if (r.state() != next && !r.state().canMoveTo(next)) {
      throw new IllegalStateException("illegal step transition " + r.state() + " -> " + next + " for " + r.name());
    }
    return new StepRecord(r.runId(), r.name(), r.seq(), r.action(), r.type(), next, attempt, r.deadline(), r.origin(),
        r.outputsJson(), error, inDoubt, r.startedAt(), r.finishedAt());
  }

  private void mdc(StepExec s) {
    MDC.put("tenant", tenant.id());
    MDC.put("environment", envInfo.name());
    MDC.put("run", run.id());
    MDC.put("step", s.name());
  }

  private String startMessage(StepExec s) {
    return s.rec.action().name().toLowerCase(Locale.ROOT) + " " + s.rec.type();
  }

  private String describe(Throwable e) {
    String m = e.getMessage();
    return redactor.redact(m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
  }

  /** "field 'a.b': what is wrong", from Jackson's binding failure, without echoing the value. */
  static String bindingProblem(IllegalArgumentException e) {
    if (e.getCause() instanceof com.fasterxml.jackson.databind.JsonMappingException jm && !jm.getPath().isEmpty()) {
      StringBuilder field = new StringBuilder();
      for (com.fasterxml.jackson.databind.JsonMappingException.Reference ref : jm.getPath()) {
        if (ref.getFieldName() != null) {
          field.append(field.length() == 0 ? "" : ".").append(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          field.append('[').append(ref.getIndex()).append(']');
        }
      }
      return "field '" + field + "': " + firstLine(jm.getOriginalMessage());
    }
    return firstLine(e.getMessage());
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "invalid value";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private Duration timeout(StepExec s) {
    return s.def != null && s.def.timeout() != null ? s.def.timeout() : engine.options().stepTimeout();
  }

  private int maxAttempts(StepExec s) {
    return s.def != null && s.def.maxAttempts() != null ? s.def.maxAttempts() : engine.options().maxAttempts();
  }

  private static boolean mutates(StepAction a) {
    return a != StepAction.NOOP;
  }

  private Instant now() {
    return engine.options().clock().instant();
  }

  Map<String, StepExec> steps() {
    return steps;
  }

  static Map<String, StepExec> index(List<StepExec> list) {
    Map<String, StepExec> m = new LinkedHashMap<>();
    for (StepExec s : list) {
      m.put(s.name(), s);
    }
    return m;
  }
}
