package dev.tenantwright.core;

import java.time.Instant;

/**
 * Something that happened to a tenant or run, delivered to {@link Listener}s and kept as the audit trail.
 *
 * @param type what happened
 * @param tenantId the tenant
 * @param environment the environment name, or null for tenant-level events
 * @param runId the run, or null for tenant-level events
 * @param step the step (resource name), or null for run-level events
 * @param stepIndex the 1-based number of the step in its run ("step n of m"), 0 for run-level events
 * @param stepCount the number of steps in the run ("m")
 * @param percent the run's completion, 0 to 100
 * @param message a human-readable message; never contains a secret value
 * @param actor who asked for it (an approval's author), or null
 * @param at when it happened
 */
public record Event(
    EventType type,
    String tenantId,
    String environment,
    String runId,
    String step,
    int stepIndex,
    int stepCount,
    int percent,
    String message,
    String actor,
    Instant at) {

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(type).append(' ').append(tenantId);
    if (environment != null) {
      sb.append('/').append(environment);
    }
    if (step != null) {
      sb.append(" [").append(stepIndex).append('/').append(stepCount).append(' ').append(step).append(']');
    }
    sb.append(' ').append(percent).append('%');
    if (message != null && !message.isEmpty()) {
      sb.append(" - ").append(message);
    }
    return sb.toString();
  }
}
