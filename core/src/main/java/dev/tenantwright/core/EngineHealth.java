package dev.tenantwright.core;

import java.time.Instant;
import java.util.Objects;

/**
 * How an engine's journal is doing, for a host's health check or monitoring: whether the journal answers, and how
 * many runs wait for something other than their backends — an engine to take them over, or an operator.
 *
 * <p>A snapshot from {@link Tenantwright#health()}: one read of the journal, never retried, so that a probe answers
 * quickly; it waits at most as long as the journal's DataSource takes to give or refuse a connection (the embedded
 * store's pool: 10 seconds). The counts are about the whole journal, not only this engine's runs, so every engine
 * on one PostgreSQL reports the same numbers. Neither count makes the journal unhealthy: both are work for someone,
 * which a host may alert on.
 *
 * @param journalReachable whether the journal answered just now; when false the counts are 0 because they are
 *     unknown, and {@code journalError} says why
 * @param runsAwaitingTakeover unfinished runs that no engine holds and that are not stalled: their lease was given
 *     up (an engine stopped with the run unfinished, or abandoned it after a journal failure) or has expired (the
 *     engine that held it died or lost the database). Every engine on the journal claims such runs within about a
 *     second, so this is normally 0; a count that stays above 0 means no engine is running on this journal, or
 *     none can claim them
 * @param runsNeedingAttention runs that do not resolve on their own: unfinished runs that are stalled — no engine can
 *     resume them because their blueprint or a type's plugin is gone, or their journal rows could not be written;
 *     their events say "stalled" — and that no engine executes now (see {@link Runs#forceFail}); plus runs that ended
 *     {@link RunState#FAILED} and are still the newest run of their environment — a compensation or a destroy failed,
 *     a change that cannot be undone was rolled back, or an operator force-failed a run, so something may be left in
 *     a backend (failed steps in doubt, compensations that failed). Retrying or destroying that environment starts a
 *     newer run and takes the failed one off the count
 * @param journalError why the journal did not answer (the error's message), or null when it did
 * @param checkedAt when the snapshot was taken, on the engine's clock
 */
public record EngineHealth(boolean journalReachable, int runsAwaitingTakeover, int runsNeedingAttention,
    String journalError, Instant checkedAt) {

  /** Checks that the counts are not negative and that an unreachable journal comes with its error. */
  public EngineHealth {
    Objects.requireNonNull(checkedAt, "checkedAt");
    if (runsAwaitingTakeover < 0 || runsNeedingAttention < 0) {
      throw new IllegalArgumentException("run counts cannot be negative");
    }
    if (!journalReachable && (journalError == null || journalError.isBlank())) {
      throw new IllegalArgumentException("an unreachable journal needs its error");
    }
  }
}
