/**
 * How the Frappe plugin reaches {@code bench}: the three transports (local process, {@code docker exec},
 * {@code ssh}), POSIX shell quoting for the ssh command string, the bench operations the site type uses, and
 * the classification of bench's failures into retryable and permanent ones.
 *
 * <p>Internal: not API, may change in any release.
 */
package dev.tenantwright.plugin.frappe.internal;
