/**
 * A stateful fake of the Vercel REST API — projects, environment variables, domains and deployments that
 * build over time — validated against Vercel's published OpenAPI document.
 *
 * <p>Public test-kit API for the Vercel plugin's tests and for hosts testing blueprints that use it; it
 * evolves with the project's minor versions.
 */
package dev.tenantwright.testkit.vercel;
