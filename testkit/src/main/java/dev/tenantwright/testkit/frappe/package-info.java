/**
 * A stateful fake of Frappe's {@code bench} CLI for the {@link dev.tenantwright.testkit.FakeCommandRunner}: sites,
 * apps, users, API keys, site config and backups kept in memory, with bench's real answers and quirks, reached
 * locally, through {@code docker exec} or through {@code ssh} (whose command string a small POSIX-shell
 * interpreter parses back).
 *
 * <p>Public test-kit API: stable within a minor version.
 */
package dev.tenantwright.testkit.frappe;
