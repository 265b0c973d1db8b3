/**
 * The GitHub plugin's internals: the REST API client, how GitHub's errors and rate limits are read, and where
 * ownership markers live on repositories and webhooks. Not API.
 */
package dev.tenantwright.plugin.github.internal;
