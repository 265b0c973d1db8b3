package dev.tenantwright.examples.stories;

import static dev.tenantwright.examples.stories.StoryContext.MAIN_SITE;

import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.tls.TlsFake;
import dev.tenantwright.testkit.vercel.VercelFake;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Client site on Vercel (use case 5): {@code examples/blueprints/vercel-site.yaml} against the Vercel and Cloudflare
 * fakes — a live site and a test instance building another branch, a redeploy while the old deployment keeps
 * serving, and a failed build rolled back.
 */
final class VercelSiteStory implements Story {

  @Override
  public String name() {
    return "vercel-site";
  }

  @Override
  public String description() {
    return "Client site on Vercel with Cloudflare DNS: deploy, domain, certificate, redeploy, a failed build";
  }

  @Override
  public String blueprint() {
    return "vercel-site";
  }

  @Override
  public Set<Backend> backends() {
    return EnumSet.of(Backend.VERCEL, Backend.CLOUDFLARE);
  }

  /**
   * The environments it makes (and the portal's demo and live): one TLS endpoint per tenant covers all their domains,
   * as making a certificate takes a few seconds.
   */
  static final List<String> ENVIRONMENTS = List.of("demo", "live", "test-next", "test-broken");

  /** The client's domain is {@code <environment>.<tenant>.example.com}, served by a TLS endpoint of the sandbox. */
  @Override
  public Map<String, Object> parameters(Sandbox sandbox, String tenantId, String environment) {
    String domain = domain(tenantId, environment);
    TlsFake https = ENVIRONMENTS.contains(environment)
        ? sandbox.tls(ENVIRONMENTS.stream().map(e -> domain(tenantId, e)).toArray(String[]::new))
        : sandbox.tls(domain);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("domain", domain);
    p.put("health-url", sandbox.healthUrl());
    p.put("git-org", tenantId);
    p.put("git-repo", "site");
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
    return List.of(
        new Scene("ACME Shop's client site goes live: https://live.acme-shop.example.com/", ctx -> {
          Tenant t = ctx.customer(NewTenant.company("ACME Shop").email("ops@acme-shop.example"));
          ctx.await(ctx.provision(t, MAIN_SITE, EnvironmentKind.LIVE));
          String domain = domain(t.id(), "live");
          VercelFake vercel = ctx.sandbox().vercel();
          ctx.say("Vercel serves " + domain + " from deployment " + vercel.servedDeployment(domain).orElse("(none)")
              + "; Cloudflare: " + domain + " CNAME " + vercel.recommendedCname(project(ctx, t, "live")));
          ctx.expect(vercel.servedDeployment(domain).isPresent(), "Vercel serves " + domain);
        }),
        new Scene("A test instance builds the branch `next`", ctx -> {
          Tenant t = ctx.customers().get(0);
          ctx.await(ctx.createTest(t, MAIN_SITE, "next", Map.of("git-ref", "next")));
          ctx.say("test-next serves https://" + domain(t.id(), "test-next") + "/ built from acme-shop/site@next");
        }),
        new Scene("Redeploy live: a new build, while the previous deployment keeps serving", ctx -> {
          Tenant t = ctx.customers().get(0);
          String domain = domain(t.id(), "live");
          VercelFake vercel = ctx.sandbox().vercel();
          String before = vercel.servedDeployment(domain).orElse("(none)");
          ctx.await(ctx.tw().environments().redeploy(t.id(), "live", ctx.options()));
          String after = vercel.servedDeployment(domain).orElse("(none)");
          ctx.say(domain + " was served by " + before + " until " + after + " was READY; "
              + before + " is kept for a rollback");
          ctx.expect(!after.equals(before), "the redeploy serves a new deployment");
        }));
  }

  @Override
  public Failure failure() {
    return new Failure("A test instance whose Vercel build fails (the fake Vercel fails builds for this run)",
        sandbox -> {
          VercelFake vercel = sandbox.vercel();
          vercel.failBuilds("BUILD_FAILED", "Command \"npm run build\" exited with 1");
          return vercel::succeedBuilds;
        },
        ctx -> ctx.createTest(ctx.customers().get(0), MAIN_SITE, "broken", Map.of()));
  }

  private static String project(StoryContext ctx, Tenant t, String environment) {
    return ctx.tw().environments().backendName(t.id(), environment, "site");
  }
}
