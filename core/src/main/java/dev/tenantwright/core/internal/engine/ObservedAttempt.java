package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.EngineObserver.RetryScheduled;
import dev.tenantwright.core.EngineObserver.StepAttempt;
import dev.tenantwright.core.EngineObserver.StepFinished;
import dev.tenantwright.core.EngineObserver.StepOutcome;
import java.time.Duration;
import java.util.Map;

/**
 * One step attempt as the {@link Observers} see it: started when made, finished exactly once — by the attempt before it
 * records its result, or, when the attempt ends by an exception (the execution stopped, the journal failed, an
 * internal error), by the attempt's guard as {@link StepOutcome#IN_DOUBT}. Used by the attempt's worker thread only.
 */
final class ObservedAttempt {

  private final Observers observers;
  private final StepAttempt attempt;
  private final Map<String, String> traceHeaders;
  private final long startedNanos;
  private boolean finished;

  private ObservedAttempt(Observers observers, StepAttempt attempt) {
    this.observers = observers;
    this.attempt = attempt;
    this.startedNanos = System.nanoTime();
    this.traceHeaders = observers.stepStarted(attempt);
  }

  /** Tells the observers that the attempt starts and takes the trace headers they give it. */
  static ObservedAttempt start(Observers observers, StepAttempt attempt) {
    return new ObservedAttempt(observers, attempt);
  }

  /** The headers the attempt passes on to its backend (empty when nothing is traced). */
  Map<String, String> traceHeaders() {
    return traceHeaders;
  }

  /** Reports the attempt's end, once; later calls do nothing. */
  void finish(StepOutcome outcome, String error) {
    if (finished) {
      return;
    }
    finished = true;
    observers.stepFinished(new StepFinished(attempt, outcome, Duration.ofNanos(System.nanoTime() - startedNanos),
        outcome == StepOutcome.SUCCEEDED ? null : error));
  }

  /** Reports the attempt's end when it ended by {@code e} before it reported one. */
  void finishAfter(Throwable e, String described) {
    finish(StepOutcome.IN_DOUBT, e instanceof RunExecution.Abandoned ? "execution stopped on this engine" : described);
  }

  /** Reports that the step will be tried again after {@code delay}. */
  void retryScheduled(Duration delay) {
    observers.retryScheduled(new RetryScheduled(attempt, delay));
  }
}
