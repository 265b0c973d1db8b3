/**
 * The Incus REST client of the plugin: operation waiting, instance calls, exec, snapshots and the TLS set-up
 * for remote servers. Not API: it changes without notice.
 */
package dev.tenantwright.plugin.incus.internal;
