/**
 * The Tenantwright test kit: stateful HTTP fakes on WireMock with fault injection and OpenAPI contract
 * validation, and a {@link dev.tenantwright.spi.CommandRunner} fake for CLI backends.
 *
 * <p>Public API for host applications and plugin vendors; it evolves with the project's minor versions.
 * Start with {@link dev.tenantwright.testkit.BackendFake} for HTTP backends and
 * {@link dev.tenantwright.testkit.CommandRunnerFake} for command-line ones.
 */
package dev.tenantwright.testkit;
