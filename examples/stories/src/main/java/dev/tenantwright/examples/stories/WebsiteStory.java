package dev.tenantwright.examples.stories;

import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.plugin.compose.WebhookVerifier;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.compose.DockerComposeFake;
import dev.tenantwright.testkit.compose.DockerComposeFake.ContainerView;
import dev.tenantwright.testkit.github.GitHubFake;
import dev.tenantwright.testkit.tls.TlsFake;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

  @Override
  public String name() {
    return "website";
  }

  @Override
  public String description() {
    return "Website per customer on Compose, Traefik, DNS, TLS and GitHub: two sites with their repositories, a push redeploys";
  }

  @Override
  public String blueprint() {
    return "website-compose";
  }

  @Override
  public Set<Backend> backends() {
    return EnumSet.of(Backend.COMPOSE, Backend.TRAEFIK, Backend.CLOUDFLARE, Backend.GITHUB);
  }

  /**
   * The site's host name is {@code <environment>.<tenant>.example.com} (and {@code www.} before it), served over
   * HTTPS by a TLS endpoint of the sandbox standing in for Traefik once ACME has issued both certificates.
   */
  @Override
  public Map<String, Object> parameters(Sandbox sandbox, String tenantId, String environment) {
    String domain = domain(tenantId, environment);
    TlsFake https = ENVIRONMENTS.contains(environment)
        ? sandbox.tls(ENVIRONMENTS.stream().flatMap(e -> Stream.of(domain(tenantId, e), "www." + domain(tenantId, e)))
            .toArray(String[]::new))
        : sandbox.tls(domain, "www." + domain);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("domain", domain);
    p.put("server-ip", SERVER_IP);
    p.put("tls-connect", https.address());
    p.put("tls-port", https.port());
    p.put("tls-trust", https.caPem().replace('\n', ' '));
    p.put("hook-url", sandbox.gitHubPushes().url());
    p.put("template", environment.startsWith("blog") ? "blog" : "ecommerce");
    return p;
  }

  static String domain(String tenantId, String environment) {
    return environment + "." + tenantId + "." + Sandbox.ZONE;
  }

  @Override
  public List<Scene> scenes() {
    return List.of(twoSites(), pushRedeploysTheRevision(), destroyRemovesRepositoryAndHook());
  }

  /** One customer, two sites: {@code shop-live} and {@code blog-live}, provisioned side by side. */
  private Scene twoSites() {
    return new Scene("Acme Shop gets two websites, its shop (e-commerce template) and its blog (blog template), each a"
        + " live site with its own git repository and push webhook", ctx -> {
      ctx.sandbox().gitHubPushes().checkWith(ctx.tw());
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
        String repo = repository(ctx, t, env);
        GitHubFake github = ctx.sandbox().github();
        ctx.say(env + ": repository " + repo + " (private " + github.isPrivate(repo) + ", from "
            + Sandbox.TEMPLATE_ORG + "/site-" + (site.equals("blog") ? "blog" : "ecommerce") + "), push webhook "
            + github.hooks(repo).stream().map(h -> h.url().replaceAll("\\?.*", "")).toList()
            + " signed with the environment's generated secret (kept in the site's .env)");
        ctx.expect(github.hooks(repo).size() == 1, env + "'s repository has one push webhook");
      }
    });
  }

  /** The repository an environment's {@code repo} resource made. */
  private static String repository(StoryContext ctx, Tenant t, String environment) {
    return String.valueOf(ctx.tw().environments().find(t.id(), environment).orElseThrow().resource("repo").outputs()
        .get("fullName"));
  }

  /**
   * A push to the shop's repository: GitHub delivers it, signed with the shop's generated secret; the host's endpoint
   * checks it against that environment's secret without holding it, and redeploys {@code shop-live} with the pushed
   * revision. A delivery signed with another secret is refused.
   */
  private Scene pushRedeploysTheRevision() {
    return new Scene("A push to the shop's repository redeploys shop-live with the pushed revision", ctx -> {
      Tenant t = ctx.customers().get(0);
      GitHubFake github = ctx.sandbox().github();
      GitHubPushes endpoint = ctx.sandbox().gitHubPushes();
      String repo = repository(ctx, t, "shop-live");
      String revision = github.push(repo, "A new landing page");
      github.awaitDeliveries();
      GitHubPushes.Push push = endpoint.pushes().stream().filter(p -> p.event().after().equals(revision)).findFirst()
          .orElse(null);
      ctx.expect(push != null, "the push of " + revision + " reached the host's endpoint, verified");
      if (push == null) {
        return;
      }
      int refusedBefore = endpoint.refused();
      int forged = forge(endpoint.url() + "/" + t.id() + "/shop-live", push);
      ctx.say("a delivery signed with another secret: HTTP " + forged);
      ctx.expect(forged == 401 && endpoint.refused() == refusedBefore + 1, "a forged push is refused");

      ContainerView before = web(ctx, t, "shop-live");
      ctx.await(ctx.tw().environments().update(t.id(), push.environment(), ctx.options(t.id(), push.environment())
          .idempotencyKey("push-" + push.deliveryId()).parameter("revision", push.event().after())
          .actor("git:" + push.event().repository()).reason("push to " + push.event().ref())));
      ContainerView after = web(ctx, t, "shop-live");
      String running = after == null ? null : after.labels().get("dev.tenantwright.revision");
      ctx.say("shop-live runs revision " + running + " (container generation " + (before == null ? "-"
          : before.generation()) + " -> " + (after == null ? "-" : after.generation()) + ", secrets kept); "
          + "blog-live is untouched");
      ctx.expect(revision.equals(running), "shop-live runs the pushed revision");
    });
  }

  /** A push body signed with a secret that is not the environment's, sent to the endpoint; the HTTP status. */
  private static int forge(String url, GitHubPushes.Push push) {
    byte[] body = ("{\"ref\":\"refs/heads/main\",\"after\":\"" + "0".repeat(40) + "\",\"repository\":"
        + "{\"full_name\":\"" + push.event().repository() + "\"}}").getBytes(StandardCharsets.UTF_8);
    try {
      HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
          .header("Content-Type", "application/json").header("X-GitHub-Event", "push")
          .header("X-GitHub-Delivery", "forged-1")
          .header("X-Hub-Signature-256", WebhookVerifier.sign(Secret.of("a guess"), body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The blog closes: destroying blog-live (live: approved) deletes its repository and webhook, and only those. */
  private Scene destroyRemovesRepositoryAndHook() {
    return new Scene("Acme closes its blog: blog-live is destroyed, with its repository and webhook", ctx -> {
      Tenant t = ctx.customers().get(0);
      GitHubFake github = ctx.sandbox().github();
      String repo = repository(ctx, t, "blog-live");
      ctx.await(ctx.tw().environments().destroy(t.id(), "blog-live",
          ctx.options().approval("ops@acme-shop.example", "the blog is closed")));
      ctx.say("blog-live destroyed: repository " + repo + (github.exists(repo) ? " still exists" : " deleted")
          + "; shop's repository " + repository(ctx, t, "shop-live") + " kept");
      ctx.expect(!github.exists(repo), "the blog's repository and webhook are gone");
      ctx.expect(github.exists(repository(ctx, t, "shop-live")), "the shop's repository is untouched");
    });
  }

  @Override
  public Failure failure() {
    return new Failure("A test instance of the shop whose web container never becomes healthy", sandbox -> {
      DockerComposeFake compose = sandbox.compose();
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
