/**
 * Metrics of the Tenantwright engine through Micrometer: {@link dev.tenantwright.micrometer.TenantwrightMetrics}, an
 * {@link dev.tenantwright.core.EngineObserver} that counts and times runs, step attempts, retries, takeovers and
 * waits for backend limits in a host's {@code MeterRegistry}. Public API: meter names and tags change only with a
 * note in the module's README.
 */
package dev.tenantwright.micrometer;
