/**
 * Where core types may connect on a tenant's behalf: the egress policy that keeps URLs taken from parameters away
 * from loopback, link-local and private addresses. Internal, not API.
 */
package dev.tenantwright.core.internal.net;
