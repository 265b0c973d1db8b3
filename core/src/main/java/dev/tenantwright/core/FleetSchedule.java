package dev.tenantwright.core;

import java.time.Duration;
import java.time.Instant;

/**
 * A fleet operation started every interval (see {@link Fleet#schedule}).
 *
 * @param name its name
 * @param kind the run kind it applies
 * @param interval how often it fires
 * @param nextAt when it fires next
 * @param lastOperationId the operation it started last, or null
 */
public record FleetSchedule(String name, RunKind kind, Duration interval, Instant nextAt, String lastOperationId) {}
