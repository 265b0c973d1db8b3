package dev.tenantwright.core;

import java.util.List;
import java.util.Optional;

/** Finds runs, and lets an operator end one that can never finish. Obtained from {@link Tenantwright#runs()}; thread-safe. */
public interface Runs {

  Optional<Run> find(String runId);

  /** @throws NotFoundException when there is no such run */
  Run get(String runId);

  /**
   * The runs of one environment, oldest first. Every run the journal still holds: an environment changed often has
   * many, so lists a user pages through should use {@link #list(String, String, PageRequest)}.
   */
  List<Run> list(String tenantId, String environment);

  /**
   * One page of an environment's runs, newest first; {@link Page#nextCursor()} reads on to older ones. Each page is
   * one indexed query however many runs the environment has. Runs older than the {@linkplain
   * Tenantwright.Builder#retention retention} may have been pruned; the newest run of an environment never is.
   *
   * @throws ValidationException naming {@code cursor} when the cursor is not one this list gave
   */
  Page<Run> list(String tenantId, String environment, PageRequest page);

  /**
   * Ends a run that can never finish — its blueprint or a plugin is gone and no engine can resume it (its events
   * say "stalled"), or no engine has executed it for longer than a lease — as {@link RunState#FAILED}, with
   * {@code actor} and {@code reason} in its audit trail. Steps that were in flight are marked failed in doubt;
   * what exists in backends stays recorded, and the environment becomes FAILED (destroy or retry it).
   *
   * @throws ConflictException when an engine executes the run now ({@link Run#cancel()} it instead) or it finished
   * @throws ValidationException when actor or reason is blank
   */
  Run forceFail(String runId, String actor, String reason);
}
