/**
 * Traces of the Tenantwright engine through OpenTelemetry: {@link dev.tenantwright.opentelemetry.TenantwrightTracing},
 * an {@link dev.tenantwright.core.EngineObserver} that makes a span per run and per step attempt with the host's
 * {@code OpenTelemetry} and hands each attempt's trace context to the plugins. Public API: span names and attribute
 * keys change only with a note in the module's README.
 */
package dev.tenantwright.opentelemetry;
