package dev.tenantwright.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Applies a run kind to many environments at once — a roll-out of a blueprint version, a parameter change, a drift
 * scan — in waves: a canary wave, then growing ones, with at most a given number of runs in flight, a failure
 * threshold that halts the operation within the wave that crosses it, and a {@link WaveGate} after each wave.
 * Obtained from {@link Tenantwright#fleet()}; thread-safe.
 *
 * <p>Durable: an operation lives in the journal, every engine on the journal drives it (so several engines share its
 * work, and one crashing leaves the rest to the others or to its next start), and each environment's run is started
 * with an idempotency key of the operation, so no environment is ever run twice for one operation.
 *
 * <pre>{@code
 * FleetOperation op = tw.fleet().start(FleetRequest.update().blueprintVersion("website", 3).canary(5).maxInFlight(20));
 * op = tw.fleet().await(op.id(), Duration.ofHours(1));
 * if (op.state() == FleetState.HALTED) {
 *   tw.fleet().items(op.id(), PageRequest.first(100)).items().stream()
 *       .filter(i -> i.state() == FleetItemState.FAILED).forEach(i -> log.warn("{}", i));
 * }
 * }</pre>
 */
public interface Fleet {

  /**
   * Selects the environments and starts the operation; returns at once.
   *
   * @throws ValidationException when the request names a gate, blueprint or version that is not registered
   */
  FleetOperation start(FleetRequest request);

  Optional<FleetOperation> find(String operationId);

  /** @throws NotFoundException when there is no such operation */
  FleetOperation get(String operationId);

  /** Operations, newest first. */
  Page<FleetOperation> list(PageRequest page);

  /** The operation's environments with their outcome — the report — in wave order. */
  Page<FleetItem> items(String operationId, PageRequest page);

  /** Starts no new run until {@link #resume}; runs in flight finish. @throws ConflictException unless RUNNING */
  FleetOperation pause(String operationId, String actor);

  /**
   * Goes on with a PAUSED operation, or with a HALTED one — accepting the wave that halted it, so its failures no
   * longer count. @throws ConflictException unless PAUSED or HALTED
   */
  FleetOperation resume(String operationId, String actor);

  /** Skips every environment not started yet; runs in flight finish. @throws ConflictException when it is over */
  FleetOperation abort(String operationId, String actor);

  /**
   * Waits until the operation is no longer RUNNING (completed, halted, paused or aborted), or {@code timeout} passed
   * (or the thread was interrupted), and returns it as it is then.
   */
  FleetOperation await(String operationId, Duration timeout);

  /**
   * Starts {@code request} every {@code interval} (at least 1 s), first one interval from now, replacing a schedule of
   * that name. Durable: the schedule is in the journal and fires once per interval however many engines watch it; a
   * firing is skipped while the operation it started last still runs.
   *
   * @throws ValidationException naming {@code name} (1–63 of {@code [a-z0-9-]}) or {@code interval}
   */
  FleetSchedule schedule(String name, Duration interval, FleetRequest request);

  /** Removes a schedule; false when there was none. Operations it started go on. */
  boolean unschedule(String name);

  /** The schedules, by name. */
  List<FleetSchedule> schedules();
}
