/**
 * The Traefik backend: the {@code traefik.route} resource type, which writes one dynamic-configuration file
 * per route into Traefik's file-provider directory (atomically, after schema validation) and verifies it
 * through Traefik's read-only API.
 *
 * <p>Public plugin API: spec, outputs and config records are what blueprints and hosts see; they change only
 * compatibly within a major version.
 */
package dev.tenantwright.plugin.traefik;
