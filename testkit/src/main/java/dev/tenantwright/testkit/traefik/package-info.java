/**
 * A fake of Traefik v3's read-only API that reflects the dynamic-configuration files in a file-provider
 * directory, so a plugin that writes route files can verify them as it would against a real Traefik.
 *
 * <p>Public test-kit API; it evolves with the project's minor versions.
 */
package dev.tenantwright.testkit.traefik;
