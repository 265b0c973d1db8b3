package dev.tenantwright.core;

import java.time.Instant;

/**
 * A snapshot of a fleet operation — a run kind applied to a selection of environments in waves (see {@link Fleet}).
 *
 * @param id its id
 * @param kind the run kind each environment gets
 * @param state where it stands
 * @param wave the wave being worked on (0 is the canary); equals {@code waveCount} once every wave is done
 * @param waveCount how many waves it has
 * @param counts how many environments are in each state
 * @param reason why it halted, paused or was aborted (or the last resume), or null
 * @param schedule the schedule that started it, or null
 * @param createdAt when it was started
 * @param finishedAt when it completed or was aborted, or null
 */
public record FleetOperation(String id, RunKind kind, FleetState state, int wave, int waveCount, Counts counts,
    String reason, String schedule, Instant createdAt, Instant finishedAt) {

  /**
   * Environments per state.
   *
   * @param total every environment selected
   * @param pending not started yet
   * @param running in flight
   * @param succeeded updated (or read)
   * @param skipped left alone, each with its reason
   * @param failed failed, needing attention
   * @param rolledBack failed and rolled back cleanly
   */
  public record Counts(int total, int pending, int running, int succeeded, int skipped, int failed, int rolledBack) {}
}
