package dev.tenantwright.examples.stories;

import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.plugin.compose.GitHubWebhook;
import dev.tenantwright.plugin.compose.GitHubWebhook.Delivery;
import dev.tenantwright.plugin.compose.GitHubWebhook.Outcome;
import dev.tenantwright.plugin.compose.WebhookVerifier;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.compose.FakeDockerCompose;
import dev.tenantwright.testkit.compose.FakeDockerCompose.ContainerView;
import dev.tenantwright.testkit.tls.FakeTls;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Website per customer (use case 3): {@code examples/blueprints/website-compose.yaml} against the Compose, Traefik
 * and Cloudflare fakes and the sandbox's TLS endpoints — one customer with two sites, {@code shop} and {@code blog},
 * each its own live website; a signed push to the shop's repository redeploys the pushed revision; a test instance
 * whose container never gets healthy is rolled back.
 *
 * <p>Scenes are listed in {@link #scenes()}, one method each; a scene that pushes through a repository and webhook
 * the blueprint made is one more method there.
 */
final class WebsiteStory implements Story {

  static final String SERVER_IP = "203.0.113.10";
  static final List<String> SITES = List.of("shop", "blog");
  /**
   * The environments it makes (and the portal's demo and live): one TLS endpoint per tenant covers all their names,
   * as making a certificate takes a few seconds.
   */
  static final List<String> ENVIRONMENTS = List.of("demo", "live", "shop-live", "blog-live", "shop-test-broken");

  /** The secret the host shares with the shop's repository for its push webhook. */
  private final Secret webhookSecret = Secret.generate(32);

  @Override
  public String name() {
    return "website";
  }

  @Override
  public String description() {
    return "Website per customer on Compose, Traefik, DNS and TLS: two sites, a signed push redeploys";
  }

  @Override
  public String blueprint() {
    return "website-compose";
  }

  @Override
  public Set<Backend> backends() {
    return EnumSet.of(Backend.COMPOSE, Backend.TRAEFIK, Backend.CLOUDFLARE);
  }

  /**
   * The site's host name is {@code <environment>.<tenant>.example.com} (and {@code www.} before it), served over
   * HTTPS by a TLS endpoint of the sandbox standing in for Traefik once ACME has issued both certificates.
   */
  @Override
  public Map<String, Object> parameters(Sandbox sandbox, String tenantId, String environment) {
    String domain = domain(tenantId, environment);
    FakeTls https = ENVIRONMENTS.contains(environment)
        ? sandbox.tls(ENVIRONMENTS.stream().flatMap(e -> Stream.of(domain(tenantId, e), "www." + domain(tenantId, e)))
            .toArray(String[]::new))
        : sandbox.tls(domain, "www." + domain);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("domain", domain);
    p.put("server-ip", SERVER_IP);
    p.put("tls-connect", https.address());
    p.put("tls-port", https.port());
    p.put("tls-trust", https.caPem().replace('\n', ' '));
    return p;
  }

  static String domain(String tenantId, String environment) {
    return environment + "." + tenantId + "." + Sandbox.ZONE;
  }

  @Override
  public List<Scene> scenes() {
    return List.of(twoSites(), pushRedeploysTheRevision());
  }

  /** One customer, two sites: {@code shop-live} and {@code blog-live}, provisioned side by side. */
  private Scene twoSites() {
    return new Scene("Acme Shop gets two websites, its shop and its blog, each a live site of its own", ctx -> {
      Tenant t = ctx.customer(NewTenant.company("Acme Shop").email("ops@acme-shop.example"));
      List<Run> runs = new ArrayList<>();
      for (String site : SITES) {
        runs.add(ctx.provision(t, site, EnvironmentKind.LIVE));
      }
      ctx.awaitAll(runs.toArray(Run[]::new));
      ctx.say("sites of " + t.id() + ": " + ctx.tw().environments().sites(t.id()));
      ctx.expect(ctx.tw().environments().sites(t.id()).containsAll(SITES), "the tenant has the sites " + SITES);
      for (String site : SITES) {
        String env = StoryContext.environmentName(site, EnvironmentKind.LIVE);
        ContainerView web = web(ctx, t, env);
        ctx.say(env + ": https://" + domain(t.id(), env) + "/ -> container " + (web == null ? "(none)"
            : web.name() + " " + web.health() + ", route Host(`" + domain(t.id(), env) + "`)"));
        ctx.expect(web != null && "healthy".equals(web.health()), env + " runs a healthy web container");
      }
    });
  }

  /**
   * A push to the shop's repository arrives as GitHub delivers it, signed with the webhook secret: a forged
   * delivery is refused, the signed one updates {@code shop-live} to the pushed revision.
   */
  private Scene pushRedeploysTheRevision() {
    return new Scene("A signed push to acme-shop/shop redeploys shop-live with the pushed revision", ctx -> {
      Tenant t = ctx.customers().get(0);
      String repository = t.id() + "/shop";
      String revision = "9f2c1e7d4b3a29f1c0e5d6b7a8c9d0e1f2a3b4c5";
      byte[] body = ("{\"ref\":\"refs/heads/main\",\"before\":\"1111111111111111111111111111111111111111\","
          + "\"after\":\"" + revision + "\",\"repository\":{\"full_name\":\"" + repository + "\",\"pushed_at\":"
          + Instant.now().getEpochSecond() + "}}").getBytes(StandardCharsets.UTF_8);
      GitHubWebhook hook = GitHubWebhook.builder(webhookSecret, repository).branch("main").build();

      String guessed = WebhookVerifier.sign(Secret.of("a guess"), body);
      Delivery forged = hook.receive("application/json", "push", guessed, body);
      ctx.say("a delivery signed with another secret: " + forged.outcome() + " (" + forged.reason() + ")");
      ctx.expect(forged.outcome() == Outcome.REFUSED, "a forged push is refused");

      Delivery d = hook.receive("application/json", "push", WebhookVerifier.sign(webhookSecret, body), body);
      ctx.expect(d.outcome() == Outcome.PUSH, "the signed push is accepted: " + d.reason());
      if (d.outcome() != Outcome.PUSH) {
        return;
      }
      ContainerView before = web(ctx, t, "shop-live");
      ctx.await(ctx.tw().environments().update(t.id(), "shop-live", ctx.options(t.id(), "shop-live")
          .idempotencyKey(d.idempotencyKey()).parameter("revision", d.push().after())
          .actor("git:" + d.push().repository()).reason("push to " + d.push().ref())));
      ContainerView after = web(ctx, t, "shop-live");
      String running = after == null ? null : after.labels().get("dev.tenantwright.revision");
      ctx.say("shop-live runs revision " + running + " (container generation " + (before == null ? "-"
          : before.generation()) + " -> " + (after == null ? "-" : after.generation()) + ", secrets kept); "
          + "blog-live is untouched");
      ctx.expect(revision.equals(running), "shop-live runs the pushed revision");
    });
  }

  @Override
  public Failure failure() {
    return new Failure("A test instance of the shop whose web container never becomes healthy", sandbox -> {
      FakeDockerCompose compose = sandbox.compose();
      compose.unhealthy("web");
      return compose::clearFailures;
    }, ctx -> ctx.createTest(ctx.customers().get(0), "shop", "broken", Map.of()));
  }

  /** The web container of an environment's Compose project, or null. */
  private static ContainerView web(StoryContext ctx, Tenant t, String environment) {
    String project = ctx.tw().environments().backendName(t.id(), environment, "site");
    return ctx.sandbox().compose().containers(project).get("web");
  }
}
