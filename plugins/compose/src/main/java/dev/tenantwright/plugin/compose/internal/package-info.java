/**
 * Internals of the Compose plugin: rendering the compose file and {@code .env}, the site folder's atomic
 * file handling, and the {@code docker compose} command line with its error classification. Not API.
 */
package dev.tenantwright.plugin.compose.internal;
