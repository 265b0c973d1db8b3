/**
 * The resource types that ship with core — {@code secret}, {@code port} and {@code http.health-check} — with
 * their spec and output records. Internal, not API.
 */
package dev.tenantwright.core.internal.types;
