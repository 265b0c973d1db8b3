/**
 * The supported seam between core and test kits: what a kit that runs plugins outside an engine needs to behave
 * exactly as the engine does — names and ownership markers, spec and configuration binding, a real step context,
 * the process runner and its shell rules, and a dump of an embedded journal.
 *
 * <p>API, versioned with core (the compatibility check covers it); {@code tenantwright-testkit} reaches core
 * only through here and the public {@code dev.tenantwright.core} package, never through {@code internal}.
 * Host applications have no use for it.
 */
package dev.tenantwright.core.testing;
