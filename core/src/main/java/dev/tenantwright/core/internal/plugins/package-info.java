/**
 * The PF4J plugin host, the type registry with its adapters over resource types and provisioning steps, and
 * per-backend plugin configuration binding. Internal, not API.
 */
package dev.tenantwright.core.internal.plugins;
