package dev.tenantwright.examples.stories;

/**
 * A backend the {@link Sandbox} stands in for with a fake from the test kit; the plugins that talk to it load from
 * the classpath and the sandbox configures them.
 */
public enum Backend {

  /** {@code VercelFake}: projects, variables, deployments and domains, on 127.0.0.1. */
  VERCEL,
  /** {@code CloudflareFake}: DNS records of the zone {@code example.com}, on 127.0.0.1. */
  CLOUDFLARE,
  /** {@code DockerComposeFake} behind a fake command runner; published ports answer HTTP on 127.0.0.1. */
  COMPOSE,
  /** {@code TraefikFake}: the file provider's directory and Traefik's API, on 127.0.0.1. */
  TRAEFIK,
  /** {@code IncusFake}: instances, snapshots and exec, on 127.0.0.1. */
  INCUS,
  /** {@code BenchFake}: a Frappe bench ({@code bench} on the local transport) behind a fake command runner. */
  FRAPPE,
  /**
   * {@code WebhookReceiver}: the host's master database, the status webhook {@value Sandbox#MASTER_DB} that
   * {@code webhook.call} steps (e.g. registering a tenant) report to, on 127.0.0.1.
   */
  MASTER_DB,
  /**
   * {@code GitHubFake}: repositories generated from the site templates, their push webhooks, pushes delivered signed
   * to the sandbox's push endpoint ({@link Sandbox#gitHubPushes()}), on 127.0.0.1.
   */
  GITHUB,
  /**
   * GreenMail: an SMTP server on 127.0.0.1 that takes every message for any address and keeps it, for
   * {@code mail.message} steps (a welcome mail); a sent message cannot be unsent, see {@link Sandbox#leftovers}.
   */
  MAIL
}
