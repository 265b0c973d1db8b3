/**
 * The public API a host application embeds: {@link dev.tenantwright.core.Tenantwright} and its builder or
 * Guice module, tenants, environments, runs, blueprints, events and the exceptions they throw.
 *
 * <p>Stable API. Everything under {@code dev.tenantwright.core.internal} is implementation and may change
 * in any release.
 */
package dev.tenantwright.core;
