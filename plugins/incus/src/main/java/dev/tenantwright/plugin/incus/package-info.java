/**
 * The Incus backend: the {@code incus.instance} resource type (a container or VM from an image, with
 * environment, limits, init commands, host port proxies and a baseline snapshot for reset) and its
 * configuration record.
 *
 * <p>Public plugin API: the spec, output and configuration records are what blueprints and host
 * configuration bind to; they change only with the plugin's minor versions. Everything that talks HTTP
 * lives in {@code .internal}.
 */
package dev.tenantwright.plugin.incus;
