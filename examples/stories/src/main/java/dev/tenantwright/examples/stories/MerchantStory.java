package dev.tenantwright.examples.stories;

import static dev.tenantwright.examples.stories.StoryContext.MAIN_SITE;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.core.ActivationStatus;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.PlanChange;
import dev.tenantwright.core.PlanLimits;
import dev.tenantwright.core.PolicyViolationException;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import dev.tenantwright.testkit.compose.DockerComposeFake.ContainerView;
import dev.tenantwright.testkit.vercel.VercelFake;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Merchant activation (use case 4): {@code examples/blueprints/merchant.yaml} against the Compose, Traefik, Vercel
 * and Cloudflare fakes, the host's master database and an SMTP server — a merchant signs up on the starter plan and
 * its shop is activated (workspace, dashboard route, storefront built from its theme, DNS, default data, and a
 * welcome mail sent last), the plan allows one test instance, an upgrade updates what depends on the plan and allows
 * more; a storefront whose build fails is rolled back before any mail is sent.
 *
 * <p>Plans are the host's: {@link #configure} sets their limits on the engine.
 */
final class MerchantStory implements Story {

  static final String STARTER = "starter";
  static final String GROWTH = "growth";
  /** The theme Globex chooses: the storefront is built from {@code example-themes/theme-boutique}. */
  static final String THEME = "boutique";
  /** The theme whose build fails in the failure. */
  static final String BROKEN_THEME = "bold";
  /** The event of the blueprint's {@code default-data} step, recorded by the master database. */
  static final String SEEDED = "merchant.seeded";
  /** The blueprint's welcome mail step (live only, last). */
  static final String WELCOME = "welcome";
  static final NewTenant GLOBEX = NewTenant.company("Globex Shop").email("owner@globex-shop.example").plan(STARTER);
  static final NewTenant INITECH = NewTenant.company("Initech Store").email("owner@initech-store.example")
      .plan(STARTER);

  private static final Duration WATCH = Duration.ofSeconds(10);
  private static final Pattern PASSWORD_LINE = Pattern.compile("(?m)^ *Password: +\\S{20}$");

  private ActivationWatch failing;
  private int mailsBeforeFailure;

  @Override
  public String name() {
    return "merchant";
  }

  @Override
  public String description() {
    return "Merchant activation: workspace, dashboard, storefront from a theme, default data, welcome mail; plans";
  }

  @Override
  public String blueprint() {
    return "merchant";
  }

  @Override
  public Set<Backend> backends() {
    return EnumSet.of(Backend.COMPOSE, Backend.TRAEFIK, Backend.VERCEL, Backend.CLOUDFLARE, Backend.MASTER_DB,
        Backend.MAIL);
  }

  /** The host's plans: starter allows one test instance and one site, growth three of each. */
  @Override
  public Tenantwright.Builder configure(Tenantwright.Builder builder) {
    return builder
        .planLimits(STARTER, PlanLimits.unlimited().maxTestInstances(1).maxSites(1))
        .planLimits(GROWTH, PlanLimits.unlimited().maxTestInstances(3).maxSites(3));
  }

  /**
   * The blueprint's defaults do: the shop's names are {@code <environment>.<tenant>.shops.example.com} (and
   * {@code admin-} before it for the dashboard), in the sandbox's zone; the theme is a run's own parameter.
   */
  @Override
  public Map<String, Object> parameters(Sandbox sandbox, String tenantId, String environment) {
    return Map.of();
  }

  /** What the host's "Activate my shop" button does: provision live with the merchant's theme. */
  static Run activate(StoryContext ctx, Tenant t, String theme) {
    return ctx.tw().environments().provision(t.id(), EnvironmentKind.LIVE,
        ctx.options(t.id(), "live").parameter("theme", theme).reason("activation"));
  }

  @Override
  public List<Scene> scenes() {
    return List.of(
        new Scene("Globex Shop signs up on the starter plan and activates its shop with the " + THEME + " theme",
            MerchantStory::activation),
        new Scene("The plan limits a test instance", MerchantStory::planLimits),
        new Scene("Upgrade to " + GROWTH, MerchantStory::upgrade));
  }

  private static void activation(StoryContext ctx) {
    Tenant t = ctx.customer(GLOBEX);
    if (!STARTER.equals(t.plan())) {
      ctx.say(t.id() + " is on " + t.plan() + " from an earlier run: back to " + STARTER + " first");
      t = ctx.tw().tenants().changePlan(t.id(), STARTER, ctx.options()).tenant();
    }
    List<ActivationStatus> seen;
    try (ActivationWatch watch = ActivationWatch.start(ctx.tw(), t.id(), "live")) {
      ctx.await(activate(ctx, t, THEME));
      seen = watch.await(WATCH);
    }
    ctx.say("Activation status: " + seen.stream().map(Enum::name).collect(Collectors.joining(" -> ")));
    ctx.expect(seen.equals(List.of(ActivationStatus.PENDING, ActivationStatus.IN_PROGRESS,
        ActivationStatus.COMPLETED)), "the activation shows PENDING -> IN_PROGRESS -> COMPLETED");
    Environment live = ctx.tw().environments().find(t.id(), "live").orElseThrow();
    Sandbox sandbox = ctx.sandbox();

    String project = text(live, "workspace", "project");
    ContainerView api = sandbox.compose().containers(project).get("api");
    ctx.expect(api != null && "running".equals(api.state()) && THEME.equals(api.environment().get("THEME"))
        && STARTER.equals(api.environment().get("PLAN")), "the workspace runs with THEME=" + THEME + ", PLAN="
        + STARTER);
    if (api != null) {
      ctx.say("Workspace: Compose project " + project + ", container " + api.name() + " " + api.state() + " (PLAN="
          + api.environment().get("PLAN") + ", THEME=" + api.environment().get("THEME") + ", ADMIN_PASSWORD from "
          + "its .env)");
    }

    ctx.say("Dashboard: " + text(live, "dashboard", "url") + " -> Traefik service "
        + text(live, "dashboard", "service") + " (router " + text(live, "dashboard", "router") + ")");

    String storefront = text(live, "storefront", "name");
    VercelFake vercel = sandbox.vercel();
    String deployment = text(live, "storefront-deploy", "id");
    ctx.expect(vercel.productionDeployment(storefront).equals(Optional.of(deployment)),
        "Vercel's production deployment of " + storefront + " is " + deployment);
    ctx.say("Storefront: Vercel project " + storefront + ", deployment " + deployment + " "
        + text(live, "storefront-deploy", "readyState") + " (https://" + text(live, "storefront-deploy", "url")
        + "/), built from example-themes/theme-" + THEME + "@main with THEME="
        + vercel.envValue(storefront, "THEME").orElse("(none)") + ", PLAN="
        + vercel.envValue(storefront, "PLAN").orElse("(none)"));

    String name = text(live, "dns", "name");
    Optional<CloudflareFake.DnsRecord> record = sandbox.cloudflare().records().stream()
        .filter(r -> r.name().equals(name)).findFirst();
    ctx.expect(record.isPresent(), "Cloudflare holds " + name);
    record.ifPresent(r -> ctx.say("DNS: " + r.name() + " " + r.type() + " " + r.content()));

    JsonNode data = sandbox.masterDb().records(SEEDED).get(t.id() + "/live");
    ctx.expect(data != null && THEME.equals(data.path("theme").asText()) && project.equals(
        data.path("workspace").asText()), "the master database has the default data of " + t.id() + "/live");
    if (data != null) {
      ctx.say("Default data recorded by the master database (webhook " + Sandbox.MASTER_DB + ", " + SEEDED
          + "): catalog " + data.path("catalog").asText() + ", theme " + data.path("theme").asText() + ", plan "
          + data.path("plan").asText() + ", workspace " + data.path("workspace").asText());
    }

    MimeMessage[] mails = sandbox.mail().getReceivedMessages();
    ctx.expect(mails.length == 1, "exactly one welcome mail arrived, not " + mails.length);
    if (mails.length > 0) {
      welcomeMail(ctx, live, mails[0]);
    }
  }

  /** Says who got the welcome mail and what it is, but never its password; expects the step's Message-ID on it. */
  private static void welcomeMail(StoryContext ctx, Environment live, MimeMessage mail) {
    try {
      Map<String, Object> out = live.resource(WELCOME).outputs();
      String to = List.of(mail.getAllRecipients()).stream().map(Object::toString).collect(Collectors.joining(", "));
      ctx.say("Welcome mail received by the SMTP server: to " + to + ", subject \"" + mail.getSubject()
          + "\", Message-ID " + mail.getMessageID() + " (delivery " + out.get("delivery") + ")");
      ctx.say("  it holds the storefront, the dashboard and the login; the generated admin password is inside, "
          + "not printed here");
      ctx.expect(Objects.equals(mail.getMessageID(), out.get("messageId")),
          "the mail's Message-ID is the welcome step's messageId " + out.get("messageId"));
      ctx.expect(to.equals(GLOBEX.emailAddress()), "the mail went to " + GLOBEX.emailAddress());
      Object body = mail.getContent();
      String storefront = "https://" + text(live, "dns", "name");
      String dashboard = text(live, "dashboard", "url").replaceAll("/$", "");
      ctx.expect(body instanceof String s && s.contains(storefront) && s.contains(dashboard)
          && s.contains(GLOBEX.emailAddress()), "the mail names the storefront " + storefront + ", the dashboard "
          + dashboard + " and the login");
      ctx.expect(body instanceof String s && PASSWORD_LINE.matcher(s).find() && !s.contains("${"),
          "the mail carries a generated 20-character password");
    } catch (MessagingException | IOException e) {
      ctx.expect(false, "the welcome mail can be read: " + e.getMessage());
    }
  }

  private static void planLimits(StoryContext ctx) {
    Tenant t = ctx.customers().get(0);
    ctx.await(ctx.createTest(t, MAIN_SITE, "spring", Map.of("theme", "minimal")));
    ctx.say("test-spring (theme minimal): READY, the one test instance the " + STARTER + " plan allows");
    try {
      ctx.createTest(t, MAIN_SITE, "summer", Map.of());
      ctx.expect(false, "a second test instance on " + STARTER + " is refused");
    } catch (PolicyViolationException e) {
      ctx.say("A second one, test-summer: refused - " + e.getMessage());
    }
    int mails = ctx.sandbox().mail().getReceivedMessages().length;
    ctx.expect(mails == 1, "a test instance sends no welcome mail (the mail server holds " + mails + ")");
  }

  private static void upgrade(StoryContext ctx) {
    Tenant t = ctx.customers().get(0);
    PlanChange change = ctx.tw().tenants().changePlan(t.id(), GROWTH, ctx.options().reason("upgrade"));
    ctx.say("Plan " + change.previousPlan() + " -> " + change.tenant().plan() + ": update runs for "
        + change.updates().stream().map(Run::environment).sorted().toList());
    ctx.expect(change.updates().size() == 2, "live and test-spring are updated");
    for (Run update : change.updates().stream().sorted(Comparator.comparing(Run::environment)).toList()) {
      Run done = ctx.await(update);
      Environment env = ctx.tw().environments().find(t.id(), done.environment()).orElseThrow();
      String project = text(env, "workspace", "project");
      ContainerView api = ctx.sandbox().compose().containers(project).get("api");
      String storefront = text(env, "storefront", "name");
      String storefrontPlan = ctx.sandbox().vercel().envValue(storefront, "PLAN").orElse("(none)");
      String workspacePlan = api == null ? "(no container)" : api.environment().get("PLAN");
      JsonNode data = ctx.sandbox().masterDb().records(SEEDED).get(t.id() + "/" + done.environment());
      String dataPlan = data == null ? "(none)" : data.path("plan").asText();
      ctx.say("  " + done.environment() + ": update " + done.state() + "; workspace PLAN=" + workspacePlan
          + ", storefront PLAN=" + storefrontPlan + " (new deployment " + text(env, "storefront-deploy", "id")
          + "), default data plan=" + dataPlan);
      ctx.expect(GROWTH.equals(workspacePlan) && GROWTH.equals(storefrontPlan) && GROWTH.equals(dataPlan),
          done.environment() + " runs on the " + GROWTH + " plan");
    }
    ctx.await(ctx.createTest(t, MAIN_SITE, "summer", Map.of()));
    ctx.say("test-summer: READY now (" + GROWTH + " allows 3 test instances)");
    int mails = ctx.sandbox().mail().getReceivedMessages().length;
    ctx.expect(mails == 1, "the upgrade sends no second welcome mail (the mail server holds " + mails + ")");
  }

  @Override
  public Failure failure() {
    return new Failure("Initech Store activates its shop with the theme `" + BROKEN_THEME + "`, whose storefront "
        + "build fails (the fake Vercel fails builds for this run)",
        sandbox -> {
          VercelFake vercel = sandbox.vercel();
          vercel.failBuilds("BUILD_FAILED", "Command \"npm run build\" exited with 1");
          return vercel::succeedBuilds;
        },
        ctx -> {
          Tenant t = ctx.customer(INITECH);
          mailsBeforeFailure = ctx.sandbox().mail().getReceivedMessages().length;
          failing = ActivationWatch.start(ctx.tw(), t.id(), "live");
          return activate(ctx, t, BROKEN_THEME);
        },
        (ctx, run) -> {
          List<ActivationStatus> seen;
          try (ActivationWatch watch = failing) {
            seen = watch.await(WATCH);
          }
          ctx.say("Activation status: " + seen.stream().map(Enum::name).collect(Collectors.joining(" -> ")));
          ctx.expect(!seen.isEmpty() && seen.get(seen.size() - 1) == ActivationStatus.FAILED
              && seen.contains(ActivationStatus.ROLLBACK), "the activation shows ROLLBACK, then FAILED");
          int sent = ctx.sandbox().mail().getReceivedMessages().length - mailsBeforeFailure;
          ctx.say("Welcome mails sent for " + run.tenantId() + ": " + sent + " (the mail goes last)");
          ctx.expect(sent == 0, "no welcome mail for an activation that rolled back");
        });
  }

  /** An output of one of the environment's resources, as text; {@code (none)} when the resource is not there. */
  private static String text(Environment env, String resource, String output) {
    Environment.Resource r = env.resource(resource);
    return r == null ? "(none)" : String.valueOf(r.outputs().get(output));
  }
}
