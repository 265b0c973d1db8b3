package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.CompensationFailedException;
import dev.tenantwright.core.EngineObserver;
import dev.tenantwright.core.EngineObserver.RunOutcome;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.StepState;
import dev.tenantwright.core.internal.commands.TraceEnvCommandRunner;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.JournalException;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.EventRecord;
import dev.tenantwright.core.internal.journal.Records.RunRecord;
import dev.tenantwright.core.internal.journal.Records.StepRecord;
import dev.tenantwright.core.internal.json.JournalCodec;
import dev.tenantwright.core.internal.json.Scopes;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.CreateResult.Origin;
import dev.tenantwright.spi.EnvironmentInfo;
import dev.tenantwright.spi.TenantInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One run being executed by this engine: the run loop. It schedules steps as their dependencies finish
 * ({@link #pump}), starts the rollback when a step failed or the run was cancelled, undoes in reverse
 * dependency order, and finishes the run. One forward attempt of a step is a {@link ForwardAttempt}, one
 * attempt to undo it a {@link CompensationAttempt}; specs are resolved by {@link StepSpecs}.
 *
 * <p>Every state change goes through {@link #commit(Change)}: journal first, memory after. If the journal
 * cannot be written (after its own bounded retries) the execution is abandoned: it stops, writes nothing more,
 * gives its lease back, and the run is resumed from what the journal holds — by this engine's sweep once the
 * calls still in flight have returned, or by another engine. State is guarded by the run's lock; backend calls
 * happen outside it, on the engine's workers.
 */
final class RunExecution {

  private static final Logger LOG = LoggerFactory.getLogger(RunExecution.class);

  /** Thrown inside a worker when this execution stopped: nothing more is written, the run resumes elsewhere. */
  static final class Abandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abandoned() {
      super("execution stopped", null, false, false);
    }

    /** A wait that an interrupt (engine stop, cancel, deadline) ends. */
    @FunctionalInterface
    interface Wait {
      void await() throws InterruptedException;
    }

    /** Waits; an interrupt abandons the execution, keeping the interrupt set. */
    static void unlessInterrupted(Wait wait) {
      try {
        wait.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Abandoned();
      }
    }
  }

  /** The journal could not record a transition (an outage, or an unknown commit outcome). */
  static final class JournalDown extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JournalDown(JournalException cause) {
      super(cause.getMessage(), cause, false, false);
    }

    JournalException journalCause() {
      return (JournalException) getCause();
    }
  }

  final Engine engine;
  final RunLock lock;
  final TenantInfo tenant;
  final EnvironmentInfo envInfo;
  final RunSpec spec;
  final StepSpecs specs;
  final Redactor redactor;
  final JournalCodec codec;
  private final Journal journal;
  private final Map<String, StepExec> steps;
  private final CompletableFuture<RunState> done = new CompletableFuture<>();
  private final long generation;
  private final EngineObserver.RunInfo observed;
  /** Whether the observers were told that this execution started, and whether they were told that it is over. */
  private final AtomicBoolean observing = new AtomicBoolean();
  private final AtomicBoolean observedEnd = new AtomicBoolean();
  private volatile long startedNanos;

  private RunRecord run;
  private EnvironmentRecord env;
  private volatile boolean cancelRequested;
  private volatile boolean stopped;
  private boolean failed;
  private String failure;
  private int inFlight;
  private boolean rollbackStarted;
  private boolean finished;

  RunExecution(Engine engine, RunRecord run, EnvironmentRecord env, TenantInfo tenant, RunSpec spec,
      Map<String, StepExec> steps, StepSpecs specs, Redactor redactor, long generation) {
    this.engine = engine;
    this.lock = new RunLock(engine::publish);
    this.journal = engine.journal();
    this.codec = engine.codec();
    this.generation = generation;
    this.run = run;
    this.env = env;
    this.tenant = tenant;
    this.envInfo = new EnvironmentInfo(env.tenantId(), env.name(), env.kind());
    this.spec = spec;
    this.steps = steps;
    this.specs = specs;
    this.redactor = redactor;
    this.observed = new EngineObserver.RunInfo(run.id(), tenant.id(), envInfo.name(), run.kind());
    if (run.state() == RunState.ROLLING_BACK || run.state() == RunState.CANCELLING) {
      failed = true;
      failure = run.error();
      rollbackStarted = run.state() == RunState.ROLLING_BACK;
      cancelRequested = run.state() == RunState.CANCELLING;
    }
    for (StepExec s : steps.values()) {
      StepState st = s.rec.state();
      if (!failed && (st == StepState.FAILED || st == StepState.COMPENSATING || st == StepState.COMPENSATED
          || st == StepState.COMPENSATION_FAILED)) {
        // a step failed before an interruption, while the run was still RUNNING: go on with the rollback
        failed = true;
        failure = "step '" + s.name() + "' (" + s.rec.type() + ") failed: " + s.rec.error();
      }
      if (st == StepState.RUNNING || st == StepState.IN_DOUBT) {
        s.freshDeadline = true;
      }
    }
  }

  String id() {
    return run.id();
  }

  /** The lease generation this execution's writes carry. */
  long generation() {
    return generation;
  }

  CompletableFuture<RunState> completion() {
    return done;
  }

  RunState state() {
    lock.lock();
    try {
      return run.state();
    } finally {
      lock.unlock();
    }
  }

  boolean isStopped() {
    return stopped || engine.isStopped();
  }

  /** Whether any of its steps is still calling a backend or waiting for a retry. */
  boolean busy() {
    lock.lock();
    try {
      return inFlight > 0;
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------------------------------ observers

  /** The run as the observers see it. */
  EngineObserver.RunInfo observed() {
    return observed;
  }

  /** Tells the observers that this engine starts executing the run; called once, before {@link #start()}. */
  void observeStart(boolean resumed) {
    startedNanos = System.nanoTime();
    if (observing.compareAndSet(false, true)) {
      engine.observers().runStarted(new EngineObserver.RunStarted(observed, steps.size(), resumed));
    }
  }

  /** Tells the observers that execution stopped here without an end (at most once, and only if it started). */
  void observeStopped(String why) {
    observeEnd(RunOutcome.STOPPED, why);
  }

  private void observeEnd(RunOutcome outcome, String error) {
    if (observing.get() && observedEnd.compareAndSet(false, true)) {
      engine.observers().runFinished(new EngineObserver.RunFinished(observed, outcome,
          Duration.ofNanos(System.nanoTime() - startedNanos), error));
    }
  }

  /** Starts observing one attempt of {@code s}: the observers hear of it and give it its trace headers. */
  ObservedAttempt observeAttempt(StepExec s, boolean compensation, int attempt) {
    return ObservedAttempt.start(engine.observers(), new EngineObserver.StepAttempt(observed, s.name(), s.rec.type(),
        s.type.backend(), s.action(), compensation, attempt));
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  /** Marks steps interrupted by a crash as in doubt, then starts scheduling. */
  void start() {
    lock.lock();
    try {
      try {
        Change c = change();
        for (StepExec s : steps.values()) {
          if (s.rec.state() == StepState.RUNNING) {
            c.step(s, s.rec.interrupted("outcome unknown after an interruption"))
                .event(EventType.STEP_IN_DOUBT, s, "outcome unknown after an interruption; resolving with read");
          }
        }
        if (!c.isEmpty()) {
          commit(c);
        }
      } catch (JournalDown e) {
        abandon(e);
        return;
      } catch (Abandoned a) {
        return;
      }
    } finally {
      lock.unlock();
    }
    pump();
  }

  /**
   * Cancel was recorded in the journal (by this engine or another): roll back. Retries waiting for their
   * back-off run now, so the rollback does not wait for them.
   */
  void cancelled(String message) {
    lock.lock();
    try {
      if (finished || stopped || cancelRequested) {
        return;
      }
      cancelRequested = true;
      if (run.state() == RunState.QUEUED || run.state() == RunState.RUNNING) {
        run = run.moveTo(RunState.CANCELLING, message, now().toEpochMilli());
      }
      if (!failed) {
        failed = true;
        failure = message;
      }
      hurryRetries();
    } finally {
      lock.unlock();
    }
    pump();
  }

  /**
   * The run failed or was cancelled: a forward retry waiting for its back-off (up to a long Retry-After) runs now,
   * sees the failure and ends its step, so the rollback does not wait for it. Called with the lock held.
   */
  private void hurryRetries() {
    for (StepExec s : steps.values()) {
      if (s.retry != null && s.rec.state() != StepState.COMPENSATING && s.retry.cancel(false)) {
        s.retry = null;
        engine.submit(s.retryTask);
      }
    }
  }

  /** Another engine took the run over: stop here, write nothing more. */
  void fence() {
    stop("taken over by another engine");
  }

  /**
   * Stops this execution after the journal could not be written: nothing more is written here, its lease is
   * given back, and the run resumes from the journal.
   */
  void abandon(JournalDown cause) {
    if (stop("the journal could not be written: " + cause.getMessage())) {
      LOG.warn("run {}: the journal could not be written ({}); abandoning this execution — the run resumes from "
          + "the journal", run.id(), cause.getMessage());
      engine.abandoned(this, cause.journalCause());
    }
  }

  private boolean stop(String why) {
    List<StepExec> waiting = new ArrayList<>();
    lock.lock();
    try {
      if (stopped) {
        return false;
      }
      stopped = true;
      for (StepExec s : steps.values()) {
        if (s.retry != null && s.retry.cancel(false)) {
          s.retry = null;
          waiting.add(s);
        } else if (s.ticket != null && s.ticket.cancel()) {
          waiting.add(s);
        }
        s.ticket = null;
      }
    } finally {
      lock.unlock();
    }
    observeStopped(why);
    waiting.forEach(this::settle);
    return true;
  }

  // ------------------------------------------------------------------------------------------ scheduling

  /** Schedules what can run now, starts the rollback or finishes the run. */
  void pump() {
    List<Runnable> toSubmit = new ArrayList<>();
    lock.lock();
    try {
      if (finished || isStopped()) {
        return;
      }
      try {
        if (!rollbackStarted) {
          if (failed) {
            if (inFlight > 0) {
              return;
            }
            beginRollback();
          } else {
            boolean allDone = true;
            for (StepExec s : steps.values()) {
              StepState st = s.rec.state();
              if (st != StepState.SUCCEEDED && st != StepState.SKIPPED) {
                allDone = false;
              }
              if (!s.inFlight && (st == StepState.PENDING || st == StepState.IN_DOUBT || st == StepState.RUNNING)
                  && ready(s)) {
                s.inFlight = true;
                inFlight++;
                toSubmit.add(() -> attempt(s, false, new ForwardAttempt(this, s)::run));
              }
            }
            if (allDone && inFlight == 0) {
              finishSucceeded();
              return;
            }
            if (toSubmit.isEmpty() && inFlight == 0) {
              failed = true;
              failure = "no step can run: a dependency is missing from the plan";
              beginRollback();
            }
          }
        }
        if (rollbackStarted && !finished) {
          markKeptParents();
          boolean allSettled = true;
          for (StepExec s : steps.values()) {
            if (!needsCompensation(s)) {
              continue;
            }
            allSettled = false;
            if (!s.inFlight && dependentsSettled(s)) {
              s.inFlight = true;
              inFlight++;
              toSubmit.add(() -> attempt(s, true, new CompensationAttempt(this, s)::run));
            }
          }
          if (allSettled && inFlight == 0) {
            finishRolledBack();
            return;
          }
        }
      } catch (JournalDown e) {
        abandon(e);
        return;
      } catch (Abandoned a) {
        return;
      }
    } finally {
      lock.unlock();
    }
    for (Runnable r : toSubmit) {
      engine.submit(r);
    }
  }

  /**
   * Starts one attempt of a step: first through its backend's limits ({@link BackendPermits}: waiting there holds no
   * worker), then on a worker, where the attempt returns true when it scheduled another one (the step stays in
   * flight), else the step is settled — whatever happened, so the run never waits for a step that will not come
   * back.
   */
  void attempt(StepExec s, boolean compensation, Supplier<Boolean> body) {
    long asked = System.nanoTime();
    BackendPermits.Ticket ticket = engine.permits().ticket(s.type.backend(),
        permit -> run(s, compensation, body, permit, asked));
    boolean stoppedHere;
    lock.lock();
    try {
      stoppedHere = stopped;
      if (!stoppedHere) {
        s.ticket = ticket; // from here on stop() cancels it
      }
    } finally {
      lock.unlock();
    }
    if (stoppedHere) {
      settle(s);
      return;
    }
    try {
      ticket.start();
    } catch (RuntimeException e) {
      if (ticket.cancel()) {
        // not let through, and never will be: the step must still end, or the run would wait for it forever
        LOG.error("internal error while step {} of run {} waited for its backend's limits", s.name(), run.id(), e);
        internalError(s, e);
        settle(s);
      }
    }
  }

  private void run(StepExec s, boolean compensation, Supplier<Boolean> body, BackendPermits.Permit permit,
      long asked) {
    boolean rescheduled = false;
    try (permit) {
      if (!isStopped()) {
        mdc(s);
        permit.check();
        if (engine.permits().limits(s.type.backend())) {
          engine.observers().backendPermitWaited(new EngineObserver.PermitWait(observed, s.name(), s.type.backend(),
              compensation, Duration.ofNanos(System.nanoTime() - asked)));
        }
        Abandoned.unlessInterrupted(engine.stepThreads()::enter);
        try {
          rescheduled = body.get();
        } finally {
          engine.stepThreads().leave();
        }
      }
    } catch (Abandoned a) {
      // stopped: nothing more is written here
    } catch (JournalDown e) {
      abandon(e);
    } catch (RuntimeException | Error e) {
      if (!isStopped()) {
        LOG.error("internal error in step {} of run {}", s.name(), run.id(), e);
        internalError(s, e);
      }
    } finally {
      MDC.clear();
      if (!rescheduled) {
        settle(s);
      }
    }
  }

  private void internalError(StepExec s, Throwable e) {
    lock.lock();
    try {
      try {
        String msg = "internal error: " + e;
        if (s.rec.state() == StepState.COMPENSATING) {
          commit(change().step(s, s.rec.compensationFailed(redactor.redact(msg), now().toEpochMilli()))
              .event(EventType.STEP_COMPENSATION_FAILED, s, msg));
        } else if (s.rec.state().canMoveTo(StepState.FAILED)) {
          commit(failStep(change(), s, msg, true));
        }
      } catch (JournalDown j) {
        abandon(j);
      } catch (Abandoned | IllegalStateException ignored) {
        // nothing more can be recorded here; the journal decides on resume
      }
    } finally {
      lock.unlock();
    }
  }

  private void settle(StepExec s) {
    lock.lock();
    try {
      if (s.inFlight) {
        s.inFlight = false;
        inFlight--;
      }
    } finally {
      lock.unlock();
    }
    if (isStopped()) {
      engine.settled(this);
    } else {
      pump();
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

  /** Whether rolling back must still undo this step (it succeeded, or it may have had its effect). */
  boolean needsCompensation(StepExec s) {
    if (s.keptBecause != null || run.kind() == RunKind.DESTROY) {
      return false;
    }
    StepAction a = s.action();
    return switch (s.rec.state()) {
      case SUCCEEDED -> a == StepAction.CREATE || revertible(s);
      case FAILED -> s.rec.inDoubt() && (a == StepAction.CREATE || a == StepAction.REPLACE || revertible(s));
      case COMPENSATING -> true;
      default -> false;
    };
  }

  /** An update or promotion the type can reverse by updating back to the previous spec. */
  static boolean revertible(StepExec s) {
    return (s.action() == StepAction.UPDATE || s.action() == StepAction.PROMOTE) && s.type.canUpdate()
        && s.before != null;
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

  /** Marks the steps whose undo must wait for ever because a child still exists (until nothing changes). */
  private void markKeptParents() {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (StepExec s : steps.values()) {
        if (needsCompensation(s) && !s.inFlight && s.rec.state() != StepState.COMPENSATING && dependentsSettled(s)) {
          String child = childStillThere(s);
          if (child != null) {
            s.keptBecause = child;
            changed = true;
          }
        }
      }
    }
  }

  /**
   * A step whose undo deletes its object keeps it while a step that depends on it still has an object (its
   * undo failed, or it cannot be undone): a parent is never deleted from under a child.
   */
  private String childStillThere(StepExec s) {
    boolean deletes = s.action() == StepAction.CREATE || s.action() == StepAction.REPLACE;
    if (!deletes || s.rec.origin() == Origin.ADOPTED) {
      return null;
    }
    for (StepExec other : steps.values()) {
      if (other != s && other.waits.contains(s.name()) && other.row != null) {
        return other.name();
      }
    }
    return null;
  }

  private void beginRollback() {
    Change c = change();
    long now = now().toEpochMilli();
    if (run.state() == RunState.RUNNING || run.state() == RunState.QUEUED) {
      RunRecord to = run.moveTo(RunState.ROLLING_BACK, failure, now);
      c.run(run, to).event(EventType.RUN_ROLLING_BACK, null, run.kind() == RunKind.DESTROY
          ? "destroy failed: " + failure : "rolling back: " + failure);
    }
    for (StepExec s : steps.values()) {
      if (s.rec.state() == StepState.PENDING) {
        c.step(s, s.rec.skipped(now)).event(EventType.STEP_SKIPPED, s, "skipped");
      } else if (s.rec.state() == StepState.IN_DOUBT || s.rec.state() == StepState.RUNNING) {
        String why = "abandoned while in doubt: " + failure;
        c.step(s, s.rec.failed(redactor.redact(why), true, now)).event(EventType.STEP_FAILED, s, why);
      }
    }
    commit(c.then(() -> rollbackStarted = true));
  }

  // ------------------------------------------------------------------------------------------ finishing

  /**
   * Signals the run's end once the listeners have had its last event: until then the engine still counts it as
   * active, so a caller of {@code Run.await} waits for the signal rather than reading the journal, and finds that
   * the listeners have every event of the run.
   */
  private void finishedAfterUnlock(RunState end, String error) {
    lock.afterUnlock(() -> {
      observeEnd(switch (end) {
        case SUCCEEDED -> RunOutcome.SUCCEEDED;
        case ROLLED_BACK -> RunOutcome.ROLLED_BACK;
        default -> RunOutcome.FAILED;
      }, error);
      engine.finished(this);
      done.complete(end);
    });
  }

  private void finishSucceeded() {
    commit(succeeded(change()));
    finishedAfterUnlock(RunState.SUCCEEDED, null);
  }

  /** Adds the run's successful end to {@code c}: run and environment moved, names no longer used freed, event. */
  private Change succeeded(Change c) {
    long now = now().toEpochMilli();
    RunRecord to = run.moveTo(RunState.SUCCEEDED, null, now);
    EnvironmentState envState = run.kind() == RunKind.DESTROY ? EnvironmentState.DESTROYED : EnvironmentState.READY;
    c.run(run, to);
    if (run.kind() != RunKind.REFRESH) {
      // a refresh only reads: the environment keeps its state and error
      c.environment(env.moveTo(envState, null, now));
    }
    releaseUnusedNames(c);
    return c.event(EventType.RUN_SUCCEEDED, null, run.kind() == RunKind.DESTROY ? "destroyed"
            : run.kind() == RunKind.REFRESH ? "refreshed" : "ready")
        .then(() -> finished = true);
  }

  /**
   * Commits {@code c}, the success of step {@code s}; when nothing else of the run is left to do, the run's end goes
   * into the same commit (one commit per run fewer than ending it separately). Called with the lock held.
   */
  void commitSuccess(Change c, StepExec s) {
    boolean last = !failed && !cancelRequested && !rollbackStarted && !finished && inFlight == 1 && s.inFlight;
    for (StepExec o : steps.values()) {
      StepState st = o.rec.state();
      if (o != s && st != StepState.SUCCEEDED && st != StepState.SKIPPED) {
        last = false;
        break;
      }
    }
    if (!last) {
      commit(c);
      return;
    }
    commit(succeeded(c));
    finishedAfterUnlock(RunState.SUCCEEDED, null);
  }

  private void finishRolledBack() {
    long now = now().toEpochMilli();
    List<String> attention = new ArrayList<>();
    if (run.kind() != RunKind.DESTROY) {
      for (StepExec s : steps.values()) {
        String problem = problem(s);
        if (problem != null) {
          attention.add(s.name() + " (" + s.rec.type() + "): " + problem);
        }
      }
    }
    RunState end;
    String error;
    if (run.kind() == RunKind.DESTROY) {
      end = RunState.FAILED;
      error = failure;
    } else if (attention.isEmpty()) {
      end = RunState.ROLLED_BACK;
      error = failure;
    } else {
      end = RunState.FAILED;
      error = failure + "; " + CompensationFailedException.describe(attention);
    }
    error = redactor.redact(error);
    RunRecord to = run.moveTo(end, error, now).withLeftBehind(attention.stream().map(redactor::redact).toList());
    boolean restored = end == RunState.ROLLED_BACK && spec.previousState() == EnvironmentState.READY;
    EnvironmentRecord envTo = env.moveTo(restored ? EnvironmentState.READY : EnvironmentState.FAILED, error, now);
    if (run.kind() != RunKind.DESTROY) {
      // the run's blueprint and parameters did not take: the environment keeps what it had before
      envTo = envTo.withBlueprint(spec.previousBlueprint() != null ? spec.previousBlueprint() : env.blueprint(),
          codec.write(spec.previousVars(), Scopes.parameters(env.id())), now);
    }
    Change c = run.kind() == RunKind.REFRESH ? change().run(run, to) : change().run(run, to).environment(envTo);
    releaseUnusedNames(c);
    commit(c.event(end == RunState.ROLLED_BACK ? EventType.RUN_ROLLED_BACK : EventType.RUN_FAILED, null,
            end == RunState.ROLLED_BACK ? "rolled back: " + error : "failed, needs attention: " + error)
        .then(() -> finished = true));
    finishedAfterUnlock(end, error);
  }

  /** Names claimed for resources the environment does not have in the end (a step that never got its object). */
  private void releaseUnusedNames(Change c) {
    for (StepExec s : steps.values()) {
      if (HostNames.declares(s.type.specType())) {
        c.batch.releaseOrphanHostNames(env.id());
        return;
      }
    }
  }

  /** What a rolled-back step left that needs attention, or null. */
  private String problem(StepExec s) {
    StepState st = s.rec.state();
    StepAction a = s.action();
    if (st == StepState.COMPENSATION_FAILED) {
      return "left behind: " + s.rec.error();
    }
    if (s.keptBecause != null) {
      return "kept, because '" + s.keptBecause + "' that depends on it still exists";
    }
    boolean touched = st == StepState.SUCCEEDED || st == StepState.FAILED && s.rec.inDoubt();
    boolean previousGone = s.before != null && s.before.origin() == Origin.CREATED && !sameObject(s);
    return switch (a) {
      case REPLACE -> previousGone && (touched || st == StepState.FAILED || st == StepState.COMPENSATED)
          ? "replaced: the previous object is gone and cannot be restored"
              + (s.row != null ? " (the new one is kept)" : "") : null;
      case RESET -> touched ? "reset to its baseline: what it held before cannot be restored" : null;
      case DELETE -> touched && s.before != null && s.before.origin() == Origin.CREATED
          ? (st == StepState.SUCCEEDED ? "deleted: it cannot be restored" : "may have been deleted") : null;
      case UPDATE, PROMOTE -> touched && !revertible(s) && s.before != null
          ? "changed, and " + s.rec.type() + " cannot change it back" : null;
      default -> null;
    };
  }

  /** Whether the step's current row is still the object recorded before the run. */
  private static boolean sameObject(StepExec s) {
    return s.row != null && s.row == s.before;
  }

  // ------------------------------------------------------------------------------------------ journal

  /** A new change of this run. */
  Change change() {
    return new Change(journal.batch());
  }

  /**
   * Records a change: writes it (fenced by this execution's lease) with its events, then applies it in memory
   * and queues the events for the listeners, who get them once the lock is released. Called with the lock
   * held.
   *
   * @throws Abandoned when this execution stopped or lost its lease
   * @throws JournalDown when the journal could not be written
   */
  void commit(Change c) {
    if (isStopped()) {
      throw new Abandoned();
    }
    List<Event> published = new ArrayList<>(c.events.size());
    RunState runState = c.run != null ? c.run.state() : run.state();
    for (Change.Pending p : c.events) {
      // a step's event counts the run's progress before the run's own end that may share the commit
      published.add(event(c.batch, p, p.step() != null ? run.state() : runState, c.next));
    }
    engine.commit(this, c.batch);
    c.onCommit.forEach(Runnable::run);
    if (c.run != null) {
      run = c.run;
    }
    if (c.environment != null) {
      env = c.environment;
    }
    for (Event e : published) {
      lock.publishAfterUnlock(e);
    }
  }

  /** Fails a step in {@code c}, recording the run's failure once the change is committed. */
  Change failStep(Change c, StepExec s, String message, boolean unknownOutcome) {
    String msg = redactor.redact(message);
    c.step(s, s.rec.failed(msg, unknownOutcome, now().toEpochMilli())).event(EventType.STEP_FAILED, s, msg);
    return c.then(() -> {
      if (!failed) {
        failed = true;
        failure = "step '" + s.name() + "' (" + s.rec.type() + ") failed: " + msg;
        hurryRetries();
      }
    });
  }

  boolean failed() {
    return failed;
  }

  String failure() {
    return failure;
  }

  boolean cancelRequested() {
    return cancelRequested;
  }

  private Event event(Journal.Batch b, Change.Pending p, RunState runState, Map<StepExec, StepRecord> next) {
    Instant now = now();
    StepExec s = p.step();
    String msg = redactor.redact(p.message());
    int index = s == null ? 0 : s.rec.seq() + 1;
    int percent = percent(runState, next);
    b.event(new EventRecord(0, run.id(), tenant.id(), env.id(), s == null ? null : s.name(), p.type(), index,
        steps.size(), percent, msg, spec.actor(), now.toEpochMilli()));
    return new Event(p.type(), tenant.id(), envInfo.name(), run.id(), s == null ? null : s.name(), index, steps.size(),
        percent, msg, spec.actor(), now);
  }

  /** Completion in percent: finished forward steps over all steps (100 when the run succeeded). */
  int percent() {
    lock.lock();
    try {
      return percent(run.state(), Map.of());
    } finally {
      lock.unlock();
    }
  }

  private int percent(RunState runState, Map<StepExec, StepRecord> next) {
    if (runState == RunState.SUCCEEDED) {
      return 100;
    }
    if (steps.isEmpty()) {
      return runState.isTerminal() ? 100 : 0;
    }
    int doneCount = 0;
    for (StepExec s : steps.values()) {
      StepState st = next.getOrDefault(s, s.rec).state();
      if (st == StepState.SUCCEEDED || st == StepState.SKIPPED || st == StepState.FAILED
          || st == StepState.COMPENSATED || st == StepState.COMPENSATION_FAILED) {
        doneCount++;
      }
    }
    return Math.min(99, doneCount * 100 / steps.size());
  }

  /** Reports a step's progress: published at once, written to the journal at most every progress interval. */
  void progress(StepExec s, int pct, String message) {
    int clamped = Math.max(0, Math.min(100, pct));
    String msg = redactor.redact(message) + " (" + clamped + "%)";
    lock.lock();
    try {
      if (finished || isStopped()) {
        return;
      }
      long now = now().toEpochMilli();
      if (now - s.lastProgressWrite >= engine.options().progressInterval().toMillis()) {
        s.lastProgressWrite = now;
        commit(change().event(EventType.STEP_PROGRESS, s, msg));
      } else {
        lock.publishAfterUnlock(new Event(EventType.STEP_PROGRESS, tenant.id(), envInfo.name(), run.id(), s.name(),
            s.rec.seq() + 1, steps.size(), percent(run.state(), Map.of()), msg, spec.actor(), now()));
      }
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------------------------------ helpers for attempts

  /**
   * The context of one attempt of a step. A forward attempt sees the run's cancel as cancellation; an undo
   * ({@code compensating}) does not — it is the cancel's own work, and a plugin that polls while it deletes
   * ({@code ctx.pause}) would otherwise give up and leave its object behind — only this execution's stopping.
   */
  EngineStepContext context(StepExec s, int attempt, Instant deadline, boolean compensating,
      Map<String, String> traceHeaders) {
    java.util.function.BooleanSupplier cancelled = compensating ? this::isStopped
        : () -> cancelRequested || isStopped();
    CommandRunner commands = traceHeaders.isEmpty() ? engine.commands()
        : new TraceEnvCommandRunner(engine.commands(), traceHeaders);
    return new EngineStepContext(tenant, envInfo, run.id(), s.name(), s.type.backend(), attempt, deadline,
        engine.options().clock(), cancelled, (pct, msg) -> progress(s, pct, msg),
        specs::secret, commands, engine.configs(), env.naming(), engine.stepThreads().waiting(),
        new StepCheckpoints() {
          @Override
          public void record(String name, String value) {
            checkpoint(s, attempt, name, value);
          }

          @Override
          public Optional<String> read(String name) {
            return checkpoint(s, name);
          }
        }, traceHeaders);
  }

  /**
   * Records a checkpoint of a step, committed and fenced by this execution's lease before it returns. Called on the
   * step's worker, outside the lock: it changes nothing in memory. When it cannot be recorded this execution stops
   * (the run resumes from the journal), so whatever the plugin does with the exception, nothing more is written here.
   *
   * @throws Abandoned when this execution stopped or lost its lease
   * @throws JournalDown when the journal could not be written
   */
  private void checkpoint(StepExec s, int attempt, String name, String value) {
    if (isStopped()) {
      throw new Abandoned();
    }
    try {
      engine.checkpoint(this, s.name(), attempt, name, value);
    } catch (JournalDown e) {
      abandon(e);
      throw e;
    }
  }

  /** A step's checkpoint as the journal holds it (a takeover or an earlier attempt may have written it). */
  private Optional<String> checkpoint(StepExec s, String name) {
    if (isStopped()) {
      throw new Abandoned();
    }
    try {
      return journal.checkpoint(id(), s.name(), name);
    } catch (JournalException e) {
      JournalDown down = new JournalDown(e);
      abandon(down);
      throw down;
    }
  }

  /** Runs a backend call with a watchdog that interrupts it at the deadline. */
  <T> T withWatchdog(Instant deadline, Supplier<T> call) {
    return engine.watchdog().call(deadline, call, this::isStopped);
  }

  Duration timeout(StepExec s) {
    return s.def != null && s.def.timeout() != null ? s.def.timeout() : engine.options().stepTimeout();
  }

  int maxAttempts(StepExec s) {
    return s.def != null && s.def.maxAttempts() != null ? s.def.maxAttempts() : engine.options().maxAttempts();
  }

  String describe(Throwable e) {
    String m = e.getMessage();
    return redactor.redact(m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
  }

  String startMessage(StepExec s) {
    return s.action().name().toLowerCase(Locale.ROOT) + " " + s.rec.type();
  }

  Instant now() {
    return engine.options().clock().instant();
  }

  String environmentId() {
    return env.id();
  }

  RunKind kind() {
    return run.kind();
  }

  private void mdc(StepExec s) {
    MDC.put("tenant", tenant.id());
    MDC.put("environment", envInfo.name());
    MDC.put("run", run.id());
    MDC.put("step", s.name());
  }

  Map<String, StepExec> steps() {
    return steps;
  }
}
