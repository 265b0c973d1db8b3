/**
 * Internals of the Compose fake: compose-go's {@code .env} parser and {@code ${VAR}} interpolation ported to
 * Java, the project loader, and the in-memory state of projects and containers. Not API: use
 * {@link dev.tenantwright.testkit.compose.DockerComposeFake}.
 */
package dev.tenantwright.testkit.compose.internal;
