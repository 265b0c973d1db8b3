/**
 * Fleet operations: a run kind applied to a selection of environments in waves, driven from the journal by every
 * engine ({@link dev.tenantwright.core.internal.fleet.FleetDriver}), and their schedules.
 */
package dev.tenantwright.core.internal.fleet;
