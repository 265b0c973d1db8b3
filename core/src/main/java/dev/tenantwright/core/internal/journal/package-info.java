/**
 * The durable journal: tenants, environments, resources, runs, steps, the event audit trail and port
 * leases, stored over plain JDBC in H2 or PostgreSQL and migrated by Flyway. Internal, not API.
 */
package dev.tenantwright.core.internal.journal;
