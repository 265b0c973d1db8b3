/**
 * Internals of the Traefik plugin: rendering route files, the ownership comment, atomic file replacement
 * and polling the API until a router is live. Not API.
 */
package dev.tenantwright.plugin.traefik.internal;
