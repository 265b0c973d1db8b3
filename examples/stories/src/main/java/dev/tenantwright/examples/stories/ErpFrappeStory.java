package dev.tenantwright.examples.stories;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.frappe.BenchFake;
import dev.tenantwright.testkit.webhooks.WebhookReceiver;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ERP site per signup (use case 2): {@code examples/blueprints/erp-frappe.yaml} against the test kit's Frappe bench —
 * a signup gets its site with ERPNext, its admin user and API keys, and is registered in the host's master database
 * (the signed status webhook {@value Sandbox#MASTER_DB});
 * the same signup again is the same tenant and the same run; an e-mail that owns a tenant is refused kindly; a signup
 * the master database refuses leaves no site behind.
 */
final class ErpFrappeStory implements Story {

  /** The event the blueprint's {@code register} step reports. */
  private static final String REGISTERED = "tenant.registered";
  private static final NewTenant ACME = NewTenant.company("Acme Corp").email("ops@acme.example").slug("acme");

  private Run signup;

  @Override
  public String name() {
    return "erp-frappe";
  }

  @Override
  public String description() {
    return "ERP site per signup on a Frappe bench: ERPNext, admin, API keys, registered; an idempotent repeat";
  }

  @Override
  public String blueprint() {
    return "erp-frappe";
  }

  @Override
  public Set<Backend> backends() {
    return EnumSet.of(Backend.FRAPPE, Backend.MASTER_DB);
  }

  /** The blueprint's defaults do: the site is {@code <tenant>.erp.example.com}, in the sandbox's zone. */
  @Override
  public Map<String, Object> parameters(Sandbox sandbox, String tenantId, String environment) {
    return Map.of();
  }

  @Override
  public List<Scene> scenes() {
    return List.of(
        new Scene("Acme Corp signs up for the subdomain acme", ctx -> {
          Tenant t = ctx.customer(ACME);
          signup = ctx.await(launch(ctx, t));
          BenchFake bench = ctx.sandbox().bench();
          String site = t.id() + ".erp.example.com";
          BenchFake.SiteView made = bench.site(site).orElse(null);
          BenchFake.UserView owner = made == null ? null : made.users().get(t.email());
          ctx.expect(made != null && made.apps().contains("erpnext"),
              "the bench has the site " + site + " with ERPNext");
          ctx.expect(owner != null && owner.systemManager(), t.email() + " is its System Manager");
          if (made != null) {
            ctx.say("Bench site " + made.name() + ": apps " + made.apps() + ", first user " + t.email()
                + (owner != null && owner.systemManager() ? " (System Manager)" : "") + ", scheduler "
                + (made.schedulerActive() ? "on" : "off"));
          }
          JsonNode row = ctx.sandbox().masterDb().records(REGISTERED).get(t.id() + "/live");
          ctx.expect(row != null && owner != null && owner.apiKey().equals(row.path("apiKey").asText()),
              "the host's master database has " + t.id() + "/live with its API key");
          if (row != null) {
            ctx.say("Registered in the host's master database (signed webhook " + Sandbox.MASTER_DB + "): " + t.id()
                + "/live -> " + row.path("url").asText() + ", API key " + row.path("apiKey").asText()
                + " (its secret only inside the signed body)");
          }
        }),
        new Scene("The same signup again (a double click, a retried request): same tenant, same run", ctx -> {
          Tenant again = ctx.tw().tenants().create(ACME);
          Run repeated = launch(ctx, again);
          ctx.say("Tenant '" + again.id() + "', run " + repeated.id() + " (the first signup's run: " + signup.id()
              + "); the bench holds " + ctx.sandbox().bench().sites());
          ctx.expect(again.id().equals(signup.tenantId()), "the repeated signup finds tenant " + signup.tenantId());
          ctx.expect(repeated.id().equals(signup.id()), "the repeated signup is run " + signup.id());
          ctx.expect(ctx.sandbox().bench().sites().size() == 1, "the bench made one site");
        }),
        new Scene("Another company signs up with an e-mail that already owns a tenant", ctx -> {
          int calls = ctx.sandbox().bench().calls();
          try {
            ctx.tw().tenants().create(NewTenant.company("Acme Two").email("OPS@acme.example").slug("acme-two"));
            ctx.expect(false, "a second tenant for ops@acme.example is refused");
          } catch (ConflictException e) {
            ctx.say("Refused, as the sign-up page would say it: " + e.getMessage());
          }
          ctx.expect(ctx.sandbox().bench().calls() == calls, "nothing ran on the bench for it");
        }));
  }

  @Override
  public Failure failure() {
    return new Failure("Globex signs up while the master database refuses registrations (409): the site made for "
        + "it is dropped again",
        sandbox -> {
          WebhookReceiver masterDb = sandbox.masterDb();
          masterDb.answer(REGISTERED, 409);
          return masterDb::clearAnswers;
        },
        ctx -> launch(ctx, ctx.customer(NewTenant.company("Globex Corporation").email("ops@globex.example")
            .slug("globex"))));
  }

  /** What the host's "Launch" button does: provision live, keyed by the signup, so a repeat is the same run. */
  private static Run launch(StoryContext ctx, Tenant t) {
    return ctx.tw().environments().provision(t.id(), EnvironmentKind.LIVE,
        ctx.options(t.id(), "live").reason("signup").idempotencyKey(ctx.key("signup-" + t.id())));
  }
}
