/**
 * A stateful fake of the Docker Compose v2 command line ({@code docker compose} or the standalone
 * {@code docker-compose}) for the {@link dev.tenantwright.testkit.CommandRunnerFake}: projects, containers,
 * volumes and networks kept in memory, answered with Compose's own output shapes and messages.
 *
 * <p>Public test-kit API; it evolves with the project's minor versions.
 */
package dev.tenantwright.testkit.compose;
