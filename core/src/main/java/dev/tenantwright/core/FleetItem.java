package dev.tenantwright.core;

/**
 * One environment of a {@link FleetOperation}: the final report lists one per environment.
 *
 * @param tenantId the tenant
 * @param environment the environment's name
 * @param wave the wave it belongs to (0 is the canary)
 * @param state where it stands
 * @param runId its run, or null when none was started
 * @param detail why it was skipped or failed, or null
 */
public record FleetItem(String tenantId, String environment, int wave, FleetItemState state, String runId,
    String detail) {}
