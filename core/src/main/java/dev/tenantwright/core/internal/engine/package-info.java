/**
 * The provisioning engine: plans runs, executes their step DAG in parallel with retries and deadlines,
 * rolls back in reverse dependency order, resumes unfinished runs, and publishes events. Internal, not API.
 */
package dev.tenantwright.core.internal.engine;
