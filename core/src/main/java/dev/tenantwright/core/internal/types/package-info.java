/**
 * The resource types that ship with core — {@code secret}, {@code port}, {@code http.health-check} and
 * {@code tls.certificate} — with their spec and output records. Internal, not API.
 */
package dev.tenantwright.core.internal.types;
