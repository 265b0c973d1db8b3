/**
 * The GitHub backend: {@code github.repository} (generated from a template repository, waited for until GitHub has
 * copied it) and {@code github.webhook} (signed with a secret of the environment), each owned through a Tenantwright
 * ownership marker; and {@link dev.tenantwright.plugin.github.GitHubWebhooks}, the receiver a host runs behind its
 * webhook endpoint.
 *
 * <p>Public plugin API: the spec, output and configuration records are what blueprints and hosts bind to, and the
 * receiver's types are what hosts call; they evolve with the SPI's minor versions.
 */
package dev.tenantwright.plugin.github;
