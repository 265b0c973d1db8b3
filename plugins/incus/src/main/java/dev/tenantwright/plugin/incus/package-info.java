/**
 * The Incus backend: the {@code incus.instance} resource type (a container or VM from an image, with
 * environment, limits, a readiness check, init commands, host port proxies, a root disk size and a baseline
 * snapshot for reset, updated in place), the {@code incus.exec} resource type (argv commands run in such an
 * instance, e.g. a demo's sample data) and the configuration record.
 *
 * <p>Public plugin API: the spec, output and configuration records are what blueprints and host
 * configuration bind to; they change only with the plugin's minor versions. Everything that talks HTTP
 * lives in {@code .internal}.
 */
package dev.tenantwright.plugin.incus;
