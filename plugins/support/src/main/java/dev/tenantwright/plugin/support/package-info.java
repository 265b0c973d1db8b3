/**
 * What backend plugins share from the host's class path: {@link dev.tenantwright.plugin.support.RestClient}
 * with one error classification for every HTTP backend, the shared JSON mapper, JSON-schema validation of
 * generated files, and helpers for CLI output, backend names and durations.
 *
 * <p>Evolving API for plugin authors; unlike the SPI it may expose OkHttp and Jackson types. Everything in
 * {@code .internal} is implementation and may change at any time.
 */
package dev.tenantwright.plugin.support;
