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
 *
 * <h2>Errors</h2>
 * A run's outcome is its {@link #state()}; {@link #error()} says why it did not succeed and {@link #leftBehind()}
 * what its rollback could not undo. {@link #await(Duration)} returns the final view whatever it is;
 * {@link #awaitSuccess(Duration)} throws instead when the run did not succeed. Waiting throws only these, all
 * {@link dev.tenantwright.spi.TenantwrightException}s:
 * <ul>
 *   <li>{@link RunFailedException} — ended ROLLED_BACK, CANCELLED or FAILED ({@code awaitSuccess} only);
 *   <li>{@link CompensationFailedException} — a {@code RunFailedException} whose rollback left resources behind;
 *   <li>{@link RunTimeoutException} — still running when the wait ended;
 *   <li>{@link EngineStoppedException} — this engine closed during the wait (the run resumes later);
 *   <li>{@link NotFoundException} — no such run.
 * </ul>
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

  /**
   * What the run's rollback could not undo, one line per resource ({@code name (type): why}); empty when nothing
   * was left behind. Non-empty only for a {@link RunState#FAILED} run, whose environment then needs an operator.
   */
  List<String> leftBehind();

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
   * Waits until the run is finished and returns its final view, whether it succeeded or not.
   *
   * @throws RunTimeoutException when it is not finished within {@code timeout}
   * @throws EngineStoppedException when this engine closes during the wait
   */
  Run await(Duration timeout);

  /**
   * Waits until the run is finished and returns its final view when it {@linkplain RunState#SUCCEEDED succeeded}.
   *
   * @throws CompensationFailedException when it failed and its rollback left resources behind
   * @throws RunFailedException when it rolled back, was cancelled or failed
   * @throws RunTimeoutException when it is not finished within {@code timeout}
   * @throws EngineStoppedException when this engine closes during the wait
   */
  Run awaitSuccess(Duration timeout);

  /** Asks the run to stop; it rolls back what it created. Returns a fresh view. */
  Run cancel();
}
