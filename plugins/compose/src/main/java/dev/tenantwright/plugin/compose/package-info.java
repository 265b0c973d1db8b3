/**
 * The Docker Compose backend: the {@code compose.project} resource type, which renders a per-site folder
 * (compose file with Traefik labels and a {@code .env} of secrets) and drives {@code docker compose} through
 * the engine's command runner, plus {@link dev.tenantwright.plugin.compose.WebhookVerifier} for redeploys
 * on signed git webhooks.
 *
 * <p>Public plugin API: spec, outputs and config records are what blueprints and hosts see; they change
 * only compatibly within a major version.
 */
package dev.tenantwright.plugin.compose;
