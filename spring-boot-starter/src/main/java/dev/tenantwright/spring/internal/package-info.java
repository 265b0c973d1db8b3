/**
 * How the starter builds and closes the engine: properties applied to the builder, and the lifecycle that drains it
 * with the application. Internal, not API: may change in any release.
 */
package dev.tenantwright.spring.internal;
