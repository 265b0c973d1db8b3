package dev.tenantwright.core;

import dev.tenantwright.spi.Nullable;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Watches the engine at work — runs, step attempts, retries, takeovers, waits for backend limits — so that a host can
 * count and time them (metrics) or follow them (traces) with the library of its choice. The optional modules
 * {@code tenantwright-micrometer} and {@code tenantwright-opentelemetry} are such observers; core itself knows no
 * metrics or tracing library.
 *
 * <p>Every method has an empty default: override what you need. Each callback gets one small immutable value, so
 * callbacks can gain fields without breaking observers. Register with {@link Tenantwright.Builder#observer}; several
 * observers are called in the order they were added.
 *
 * <h2>Threads and timing</h2>
 *
 * Callbacks come from the engine's own threads, for many runs and steps at once: an observer must be thread-safe.
 * Within one step attempt the order is {@link #stepStarted}, {@link #traceHeaders}, {@link #stepFinished}, then
 * possibly {@link #retryScheduled}, all on the attempt's worker thread; a run's {@link #runStarted} comes before any
 * of its steps' callbacks and {@link #runFinished} after all of them — except that after a {@link RunOutcome#STOPPED}
 * a call still in a backend reports its end later, and that a retry scheduled with almost no delay may be reported
 * after the attempt it scheduled has run. Each method says on which thread it is called.
 *
 * <p>An observer <strong>must not block and must not throw</strong>: it runs on the threads that execute steps, so a
 * slow observer slows every tenant's provisioning. Record and return — hand anything slow to a thread of your own.
 * An exception thrown by an observer is caught, logged once per observer (later ones at debug) and otherwise ignored:
 * it never fails, delays or changes a run. Observers are never called while the engine holds a run's lock, and are
 * not told about events of the audit trail — that is what {@link Listener}s are for; an observer sees the engine's
 * work as it happens, including attempts and waits the journal does not record.
 *
 * <pre>{@code
 * Tenantwright tw = Tenantwright.builder()
 *     .observer(new EngineObserver() {
 *       @Override
 *       public void stepFinished(StepFinished step) {
 *         if (step.outcome() != StepOutcome.SUCCEEDED) {
 *           log.info("{} {} on {}: {}", step.attempt().actionName(), step.attempt().step(),
 *               step.attempt().backend(), step.outcome());
 *         }
 *       }
 *     })
 *     .build();
 * }</pre>
 */
public interface EngineObserver {

  /**
   * This engine starts executing a run: a new one, or one it resumes ({@link RunStarted#resumed()}).
   *
   * <p>For a new run it is called on the thread that started it — the caller of {@code provision}, {@code update},
   * {@code destroy} and the like — after the run is committed and before its first step, so the caller's context
   * (a current span, an MDC) is visible here. For a resumed run it is called on the engine's timer thread (a
   * takeover, or a run resumed after a journal outage) or on the thread that built the {@link Tenantwright} (runs
   * resumed at start-up).
   */
  default void runStarted(RunStarted run) {}

  /**
   * This engine stopped executing a run: it ended ({@link RunOutcome#SUCCEEDED}, {@link RunOutcome#ROLLED_BACK},
   * {@link RunOutcome#FAILED}) or execution stopped here without an end ({@link RunOutcome#STOPPED}). Called once per
   * {@link #runStarted}. An end is reported after it is committed and before {@code Run.await} returns it, on the
   * thread that delivers the run's last events to the listeners (usually the worker of the run's last step); a stop
   * on the thread that noticed it.
   */
  default void runFinished(RunFinished run) {}

  /**
   * A step attempt begins: an attempt to do the step's action ({@code create}, {@code update}, …) or to undo it
   * during a rollback ({@link StepAttempt#compensation()}). Called on the attempt's worker thread before the step's
   * spec is resolved and its backend called.
   */
  default void stepStarted(StepAttempt attempt) {}

  /**
   * The trace context the attempt passes on to its backend, as W3C Trace Context headers ({@code traceparent} and
   * optionally {@code tracestate}, lower-case names): what {@code StepContext.traceHeaders()} returns to the plugin,
   * what plugin support's REST client sends, and what processes the step runs get as the environment variables
   * {@code TRACEPARENT} and {@code TRACESTATE}. Called right after {@link #stepStarted} on the same thread; the
   * default is none. With several observers, the first to name a header wins.
   */
  default Map<String, String> traceHeaders(StepAttempt attempt) {
    return Map.of();
  }

  /**
   * A step attempt is over: its backend call returned or failed (or the attempt failed before the call, e.g. its
   * spec could not be resolved). Called on the attempt's worker thread once per {@link #stepStarted}, before the
   * result is recorded — so before the run's end that the result may bring.
   */
  default void stepFinished(StepFinished step) {}

  /**
   * A failed attempt will be tried again after {@link RetryScheduled#delay()}. Called on the attempt's worker
   * thread after {@link #stepFinished} and after the retry is recorded and scheduled — not while the engine holds the
   * run — so with a delay of a few milliseconds the next attempt may already have started (even ended) on another
   * thread.
   */
  default void retryScheduled(RetryScheduled retry) {}

  /**
   * This engine took over a run whose lease another engine held — that engine died, paused or lost the database for
   * longer than the lease — and resumes it. Called right after the run's {@link #runStarted} (resumed), on the same
   * thread. A run handed back by an engine that closed gracefully, or resumed by the engine that had it, is not a
   * takeover. On H2 (one engine) a restart under a new engine id counts the runs it resumes as taken over from the
   * previous process.
   */
  default void leaseTakenOver(LeaseTakeover takeover) {}

  /**
   * A step attempt on a backend with limits ({@code backendConcurrency}, {@code sharedBackendConcurrency},
   * {@code backendRate}) got through them after {@link PermitWait#waited()} (zero when a permit was free). Called on
   * the attempt's worker thread just before {@link #stepStarted}; not called for backends without limits.
   */
  default void backendPermitWaited(PermitWait wait) {}

  /**
   * The run a callback is about.
   *
   * @param id the run's id
   * @param tenantId the tenant's id
   * @param environment the environment's name, e.g. {@code live}
   * @param kind what the run does
   */
  record RunInfo(String id, String tenantId, String environment, RunKind kind) {
    public RunInfo {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(tenantId, "tenantId");
      Objects.requireNonNull(environment, "environment");
      Objects.requireNonNull(kind, "kind");
    }
  }

  /**
   * A run this engine starts executing.
   *
   * @param run the run
   * @param steps how many steps it has
   * @param resumed false for a run just started here; true for one resumed from the journal — after a restart, a
   *     journal outage or a takeover — which may have been started by another engine or another process
   */
  record RunStarted(RunInfo run, int steps, boolean resumed) {}

  /** How a run's execution on this engine ended. */
  enum RunOutcome {
    /** Every step succeeded. */
    SUCCEEDED,
    /** A step failed or the run was cancelled, and everything the run did was undone. */
    ROLLED_BACK,
    /** The run ended needing attention: something could not be undone, or a destroy could not finish. */
    FAILED,
    /**
     * Execution stopped on this engine without an end: the engine closed, another engine took the run over, or the
     * journal could not be written. The run resumes from the journal, here or elsewhere.
     */
    STOPPED;

    /** The lower-case name, e.g. {@code rolled_back}, for a metric tag or a span attribute. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A run's execution on this engine is over.
   *
   * @param run the run
   * @param outcome how it ended
   * @param duration from {@link #runStarted} to now, measured on this engine (a resumed run's earlier part is not in it)
   * @param error why it did not succeed, with secrets masked; null when it succeeded
   */
  record RunFinished(RunInfo run, RunOutcome outcome, Duration duration, @Nullable String error) {}

  /**
   * One attempt of one step.
   *
   * @param run the run
   * @param step the step's name in the blueprint, e.g. {@code web}
   * @param resourceType the resource type or provisioning step, e.g. {@code vercel.project}
   * @param backend the backend the type belongs to, e.g. {@code vercel} ({@code core} for the built-in types)
   * @param action what the step does to its resource; a compensation undoes it
   * @param compensation whether this attempt undoes the step during a rollback
   * @param attempt the 1-based attempt number, counted separately for doing and for undoing
   */
  record StepAttempt(RunInfo run, String step, String resourceType, String backend, StepAction action,
      boolean compensation, int attempt) {

    /** {@code compensate} for an undo, else the action in lower case ({@code create}, {@code update}, …). */
    public String actionName() {
      return compensation ? "compensate" : action.name().toLowerCase(Locale.ROOT);
    }
  }

  /** How one step attempt ended. */
  enum StepOutcome {
    /** The backend did what was asked. */
    SUCCEEDED,
    /** A transient failure whose effect is known (none): the step may be tried again ({@link #retryScheduled}). */
    RETRYABLE_FAILURE,
    /** A failure retrying cannot fix: bad input, a conflict, a refused request. */
    PERMANENT_FAILURE,
    /**
     * The attempt may or may not have had its effect — a timeout, a lost answer, an interruption, an unexpected
     * error, or this engine stopped executing the run during it; the next attempt reads before it acts.
     */
    IN_DOUBT;

    /** The lower-case name, e.g. {@code in_doubt}, for a metric tag or a span attribute. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A step attempt that is over.
   *
   * @param attempt the attempt
   * @param outcome how it ended
   * @param duration from {@link #stepStarted} to its end: mostly the backend's time
   * @param error what went wrong, with secrets masked; null when it succeeded
   */
  record StepFinished(StepAttempt attempt, StepOutcome outcome, Duration duration, @Nullable String error) {}

  /**
   * A retry scheduled after a failed attempt.
   *
   * @param attempt the attempt that failed
   * @param delay how long the step waits before its next attempt (back-off with jitter, or the backend's
   *     {@code Retry-After})
   */
  record RetryScheduled(StepAttempt attempt, Duration delay) {}

  /**
   * A run taken over from another engine.
   *
   * @param run the run
   * @param previousOwner the id of the engine whose lease expired
   * @param owner this engine's id
   */
  record LeaseTakeover(RunInfo run, String previousOwner, String owner) {}

  /**
   * A step attempt that got through its backend's limits.
   *
   * @param run the run
   * @param step the step's name
   * @param backend the limited backend
   * @param compensation whether the attempt undoes the step
   * @param waited how long it waited for a permit or a turn
   */
  record PermitWait(RunInfo run, String step, String backend, boolean compensation, Duration waited) {}
}
