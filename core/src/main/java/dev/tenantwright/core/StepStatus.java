package dev.tenantwright.core;

import java.time.Duration;
import java.time.Instant;

/**
 * One step of a run as it stands.
 *
 * @param index the 1-based position in the run
 * @param name the resource (or provisioning step) name
 * @param type the resource type
 * @param action what the step does
 * @param state the step's state
 * @param attempts how many attempts were made
 * @param origin {@code CREATED} or {@code ADOPTED} once known, else null
 * @param error the last error, or null
 * @param startedAt when the first attempt started, or null
 * @param finishedAt when it finished, or null
 */
public record StepStatus(
    int index, String name, String type, StepAction action, StepState state, int attempts, String origin,
    String error, Instant startedAt, Instant finishedAt) {

  /** How long the step ran, or null when it has not finished. */
  public Duration duration() {
    return startedAt == null || finishedAt == null ? null : Duration.between(startedAt, finishedAt);
  }
}
