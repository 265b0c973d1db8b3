package dev.tenantwright.micrometer;

import dev.tenantwright.core.EngineObserver;
import dev.tenantwright.core.EngineObserver.RunInfo;
import dev.tenantwright.core.EngineObserver.StepAttempt;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.StepAction;
import java.time.Duration;

/** Callbacks as the engine makes them, for checks that need every kind at least once. */
final class Feeds {

  private Feeds() {}

  /** Calls every callback of {@code observer} once, as one run with a failed, retried and limited step would. */
  static void everyCallback(EngineObserver observer) {
    RunInfo run = new RunInfo("r1", "acme", "live", RunKind.PROVISION);
    StepAttempt attempt = new StepAttempt(run, "web", "box.item", "box", StepAction.CREATE, false, 1);
    observer.runStarted(new EngineObserver.RunStarted(run, 1, true));
    observer.leaseTakenOver(new EngineObserver.LeaseTakeover(run, "engine-a", "engine-b"));
    observer.backendPermitWaited(new EngineObserver.PermitWait(run, "web", "box", false, Duration.ofMillis(5)));
    observer.stepStarted(attempt);
    observer.traceHeaders(attempt);
    observer.stepFinished(new EngineObserver.StepFinished(attempt, EngineObserver.StepOutcome.RETRYABLE_FAILURE,
        Duration.ofMillis(20), "box: busy"));
    observer.retryScheduled(new EngineObserver.RetryScheduled(attempt, Duration.ofMillis(200)));
    observer.runFinished(new EngineObserver.RunFinished(run, EngineObserver.RunOutcome.ROLLED_BACK,
        Duration.ofSeconds(1), "step 'web' failed"));
  }
}
