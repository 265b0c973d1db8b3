package dev.tenantwright.examples.stories;

import static dev.tenantwright.examples.stories.StoryContext.MAIN_SITE;

import dev.tenantwright.core.Environment;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.incus.ExecResult;
import dev.tenantwright.testkit.incus.InstanceView;
import dev.tenantwright.testkit.incus.IncusFake;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ERP world per customer (use case 1): {@code examples/blueprints/erp-incus.yaml} against the test kit's Incus fake
 * — a demo and a live container from the template image, two test instances, one reset to its baseline snapshot,
 * the other promoted to live (its configuration, never its data), and an init script that fails.
 */
final class ErpIncusStory implements Story {

  /** Where the sandbox's Incus keeps the instances. */
  private static final String PROJECT = "default";
  /** A key the QA team's work leaves in the test instance's configuration; a reset takes it away. */
  private static final String QA_KEY = "user.qa.orders";

  @Override
  public String name() {
    return "erp-incus";
  }

  @Override
  public String description() {
    return "ERP world per customer on Incus: demo, live, test instances; one reset, one promoted to live";
  }

  @Override
  public String blueprint() {
    return "erp-incus";
  }

  @Override
  public Set<Backend> backends() {
    return EnumSet.of(Backend.INCUS);
  }

  /** The blueprint's defaults do: the template image {@code test-image}, a host port per environment. */
  @Override
  public Map<String, Object> parameters(Sandbox sandbox, String tenantId, String environment) {
    return Map.of();
  }

  @Override
  public List<Scene> scenes() {
    return List.of(
        new Scene("ABC Corporation launches: demo and live, each a container from the template image", ctx -> {
          Tenant t = ctx.customer(NewTenant.company("ABC Corporation").email("ops@abc.example")
              .attribute("industry", "manufacturing"));
          ctx.awaitAll(ctx.provision(t, MAIN_SITE, EnvironmentKind.DEMO),
              ctx.provision(t, MAIN_SITE, EnvironmentKind.LIVE));
          for (String env : List.of("demo", "live")) {
            instance(ctx, t, env).ifPresentOrElse(i -> ctx.say(env + ": container " + i.name() + " " + i.status()
                    + ", CUSTOMER_ID=" + i.config().get("environment.CUSTOMER_ID") + ", snapshots " + i.snapshots()
                    + ", " + url(ctx, t, env)),
                () -> ctx.expect(false, "Incus has the " + env + " container"));
          }
        }),
        new Scene("Two test instances: test-qa like live, test-upgrade with 512MiB", ctx -> {
          Tenant t = ctx.customers().get(0);
          ctx.awaitAll(ctx.createTest(t, MAIN_SITE, "qa", Map.of()),
              ctx.createTest(t, MAIN_SITE, "upgrade", Map.of("memory", "512MiB")));
          ctx.say("test instances: " + ctx.tw().environments().list(t.id()).stream().map(Environment::name)
              .filter(n -> n.startsWith("test-")).toList());
        }),
        new Scene("Reset test-qa: its baseline snapshot is restored, the QA team's changes are gone", ctx -> {
          Tenant t = ctx.customers().get(0);
          IncusFake incus = ctx.sandbox().incus();
          String name = container(ctx, t, "test-qa");
          incus.changeInstance(PROJECT, name, Map.of(QA_KEY, "42 test orders"));
          String before = instance(ctx, t, "test-qa").map(i -> i.config().get(QA_KEY)).orElse(null);
          ctx.say("before: " + QA_KEY + "=" + before);
          ctx.await(ctx.tw().environments().reset(t.id(), "test-qa", ctx.options()));
          String after = instance(ctx, t, "test-qa").map(i -> i.config().get(QA_KEY)).orElse(null);
          ctx.say("after:  " + QA_KEY + "=" + after + " (restored tw-baseline)");
          ctx.expect(after == null, "the reset takes the QA team's changes away");
        }),
        new Scene("Promote test-upgrade to live: live takes its configuration (512MiB), never its data", ctx -> {
          Tenant t = ctx.customers().get(0);
          ctx.await(ctx.tw().environments().promote(t.id(), "test-upgrade", ctx.options()
              .reason("upgrade tested in test-upgrade")));
          String memory = instance(ctx, t, "live").map(i -> i.config().get("limits.memory")).orElse(null);
          ctx.say("live: limits.memory=" + memory + ", the same container " + container(ctx, t, "live")
              + " (updated in place, not replaced)");
          ctx.expect("512MiB".equals(memory), "live runs with 512MiB after the promotion");
        }));
  }

  @Override
  public Failure failure() {
    return new Failure("A test instance whose init script fails (its disk is full)", sandbox -> {
      IncusFake incus = sandbox.incus();
      incus.onExec((call, files) -> call.instance().contains("--test-broken--") && call.program().endsWith("mkdir")
          ? ExecResult.output(1, "", "mkdir: can't create directory '/srv/erp/data': No space left on device")
          : IncusFake.BUILT_IN.handle(call, files));
      return () -> incus.onExec(IncusFake.BUILT_IN);
    }, ctx -> ctx.createTest(ctx.customers().get(0), MAIN_SITE, "broken", Map.of()));
  }

  private static String container(StoryContext ctx, Tenant t, String environment) {
    return ctx.tw().environments().backendName(t.id(), environment, "erp");
  }

  private static Optional<InstanceView> instance(StoryContext ctx, Tenant t, String environment) {
    return ctx.sandbox().incus().instance(PROJECT, container(ctx, t, environment));
  }

  private static String url(StoryContext ctx, Tenant t, String environment) {
    return ctx.tw().environments().find(t.id(), environment).map(e -> e.resource("erp"))
        .map(r -> String.valueOf(r.outputs().get("url"))).orElse("no URL");
  }
}
