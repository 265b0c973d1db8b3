/**
 * A stateful fake of Frappe's {@code bench} CLI (as frappe v15 answers) for the
 * {@link dev.tenantwright.testkit.CommandRunnerFake}: sites, apps, users, API keys, the scheduler flag, site config
 * and backup files kept in memory on a fake clock, with bench's real answers and quirks, reached locally, through
 * {@code docker exec} or through {@code ssh} (whose command string — like a local or in-container {@code sh -c} —
 * a small POSIX-shell interpreter parses back), under {@code flock} and {@code timeout}, with bench processes that
 * outlive a killed client.
 *
 * <p>Public test-kit API: stable within a minor version.
 */
package dev.tenantwright.testkit.frappe;
