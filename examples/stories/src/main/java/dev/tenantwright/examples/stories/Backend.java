package dev.tenantwright.examples.stories;

/**
 * A backend the {@link Sandbox} can stand in for with a fake from the test kit, and the plugin that talks to it
 * (loaded from the classpath, configured by the sandbox).
 */
public enum Backend {

  /** {@code VercelFake}: projects, variables, deployments and domains, on 127.0.0.1. */
  VERCEL("vercel"),
  /** {@code CloudflareFake}: DNS records of the zone {@code example.com}, on 127.0.0.1. */
  CLOUDFLARE("cloudflare"),
  /** {@code FakeDockerCompose} behind a fake command runner; published ports answer HTTP on 127.0.0.1. */
  COMPOSE("compose"),
  /** {@code TraefikFake}: the file provider's directory and Traefik's API, on 127.0.0.1. */
  TRAEFIK("traefik"),
  /** {@code IncusFake}: instances, snapshots and exec, on 127.0.0.1. */
  INCUS("incus"),
  /** {@code FakeBench}: a Frappe bench ({@code bench} on the local transport) behind a fake command runner. */
  FRAPPE("frappe");

  private final String plugin;

  Backend(String plugin) {
    this.plugin = plugin;
  }

  /** The plugin's configuration section, e.g. {@code vercel}. */
  public String plugin() {
    return plugin;
  }
}
