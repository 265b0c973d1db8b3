/**
 * Blueprint internals: YAML reading, structural checks, interpolation of {@code ${...}} expressions,
 * validation against the known resource types, and the per-environment-kind dependency graph.
 *
 * <p>Not API: the engine uses these types and they change without notice; hosts use
 * {@link dev.tenantwright.core.Blueprint} instead.
 */
package dev.tenantwright.core.internal.blueprint;
