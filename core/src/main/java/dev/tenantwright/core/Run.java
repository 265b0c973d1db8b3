package dev.tenantwright.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One operation on one environment — provision, update, reset, promote, redeploy or destroy — and a handle
 * to follow it.
 *
 * <p>Accessors return the state as of when this handle was obtained or last {@linkplain #refresh()
 * refreshed}; {@link #await(Duration)} blocks until the run is finished. Handles are cheap and thread-safe.
 *
 * <pre>{@code
 * Run run = tw.environments().provision(tenant.id(), EnvironmentKind.DEMO);
 * Run done = run.await(Duration.ofMinutes(5));
 * if (done.state() != RunState.SUCCEEDED) {
 *   log.warn("provisioning failed: {}", done.error());
 * }
 * }</pre>
 */
public interface Run {

  String id();

  String tenantId();

  /** The environment name, e.g. {@code demo}. */
  String environment();

  RunKind kind();

  RunState state();

  /** Why the run failed or rolled back, or null. Never contains a secret value. */
  String error();

  /** The idempotency key the run was started with (a generated one when none was given). */
  String idempotencyKey();

  /** Completion, 0 to 100. */
  int percent();

  List<StepStatus> steps();

  Instant createdAt();

  Instant finishedAt();

  /** The run's events (its audit trail), oldest first. */
  List<Event> events();

  /** A fresh view of this run. */
  Run refresh();

  /**
   * Waits until the run is finished and returns its final view.
   *
   * @throws dev.tenantwright.spi.TenantwrightException when it is not finished within {@code timeout}
   */
  Run await(Duration timeout);

  /** Asks the run to stop; it rolls back what it created. Returns a fresh view. */
  Run cancel();
}
