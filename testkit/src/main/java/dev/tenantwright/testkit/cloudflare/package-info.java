/**
 * A stateful fake of Cloudflare's DNS records API v4, with its envelope and duplicate/conflict codes,
 * validated against Cloudflare's published OpenAPI document.
 *
 * <p>Public test-kit API for the Cloudflare plugin's tests and for hosts testing blueprints that use it; it
 * evolves with the project's minor versions.
 */
package dev.tenantwright.testkit.cloudflare;
