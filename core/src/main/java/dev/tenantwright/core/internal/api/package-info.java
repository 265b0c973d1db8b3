/**
 * The implementations behind the public API: start-up wiring, tenants, environments and run handles.
 * Internal, not API.
 */
package dev.tenantwright.core.internal.api;
