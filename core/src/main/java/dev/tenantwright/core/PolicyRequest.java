package dev.tenantwright.core;

import dev.tenantwright.spi.EnvironmentKind;

/**
 * A run about to start, as policies see it.
 *
 * @param tenant the tenant
 * @param environment the environment name
 * @param kind the environment kind
 * @param runKind what the run would do
 * @param plan the steps it would execute
 * @param approval the approval the call carries, or null
 * @param actor who asks, or null
 */
public record PolicyRequest(
    Tenant tenant, String environment, EnvironmentKind kind, RunKind runKind, Plan plan, Approval approval,
    String actor) {}
