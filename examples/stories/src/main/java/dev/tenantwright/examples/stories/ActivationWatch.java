package dev.tenantwright.examples.stories;

import dev.tenantwright.core.ActivationStatus;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenantwright;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The activation statuses one environment goes through while the next run works on it, as a sign-up page shows them
 * ({@link ActivationStatus}): {@code PENDING} when the run is queued, {@code IN_PROGRESS} once it starts,
 * {@code ROLLBACK} while a failure is undone, and, when it ended, the environment's own
 * ({@code environments().status(...).activation()}: {@code COMPLETED} or {@code FAILED}).
 *
 * <p>A listener subscribed before the run starts: run events arrive in commit order, so no status is missed however
 * fast the run goes, which polling {@code status(...)} cannot promise. One watch serves one run; close it when done.
 * Thread-safe.
 */
final class ActivationWatch implements AutoCloseable {

  private static final Set<EventType> END = EnumSet.of(EventType.RUN_SUCCEEDED, EventType.RUN_ROLLED_BACK,
      EventType.RUN_FAILED);

  private final Tenantwright tw;
  private final String tenantId;
  private final String environment;
  private final List<ActivationStatus> seen = new ArrayList<>();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final AutoCloseable subscription;

  private ActivationWatch(Tenantwright tw, String tenantId, String environment) {
    this.tw = tw;
    this.tenantId = tenantId;
    this.environment = environment;
    this.subscription = tw.subscribe(this::onEvent);
  }

  /** Starts watching {@code tenantId/environment}; start the run after this. */
  static ActivationWatch start(Tenantwright tw, String tenantId, String environment) {
    return new ActivationWatch(tw, tenantId, environment);
  }

  private void onEvent(Event e) {
    if (e.runId() == null || !tenantId.equals(e.tenantId()) || !environment.equals(e.environment())) {
      return;
    }
    ActivationStatus status = switch (e.type()) {
      case RUN_QUEUED -> ActivationStatus.of(EnvironmentState.PROVISIONING, RunState.QUEUED);
      case RUN_STARTED -> ActivationStatus.of(EnvironmentState.PROVISIONING, RunState.RUNNING);
      case RUN_ROLLING_BACK -> ActivationStatus.of(EnvironmentState.PROVISIONING, RunState.ROLLING_BACK);
      case RUN_CANCELLING -> ActivationStatus.of(EnvironmentState.PROVISIONING, RunState.CANCELLING);
      case RUN_SUCCEEDED, RUN_ROLLED_BACK, RUN_FAILED -> tw.environments().status(tenantId, environment).activation();
      default -> null;
    };
    if (status == null) {
      return;
    }
    synchronized (seen) {
      if (seen.isEmpty() || seen.get(seen.size() - 1) != status) {
        seen.add(status);
      }
    }
    if (END.contains(e.type())) {
      ended.countDown();
    }
  }

  /**
   * The statuses seen, each once in a row, after waiting up to {@code timeout} for the run's end to be seen too
   * (a listener may hear of it just after {@code Run.await} returned).
   */
  List<ActivationStatus> await(Duration timeout) {
    try {
      ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  @Override
  public void close() {
    try {
      subscription.close();
    } catch (Exception e) {
      // a subscription that is already gone: nothing is watched any more either way
    }
  }
}
