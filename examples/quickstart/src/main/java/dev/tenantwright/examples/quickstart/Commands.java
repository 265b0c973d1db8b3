package dev.tenantwright.examples.quickstart;

import dev.tenantwright.core.Environment;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.PlanChange;
import dev.tenantwright.core.Plan;
import dev.tenantwright.core.Environments;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.examples.stories.Stories;
import dev.tenantwright.examples.stories.Story;
import dev.tenantwright.spi.EnvironmentKind;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The quickstart's subcommands. Each opens the engine on the {@code --data} journal, does one thing and closes
 * it again; mutating commands wait for their run, showing its progress, and exit 1 unless it succeeded.
 *
 * <p>The sandbox lives for one invocation only, so mutating commands across separate invocations are meant
 * for {@code --config} real backends; the read-only ones work on any journal.
 */
final class Commands {

  private Commands() {}

  /** Opens a session for one command and gives the command the printer. */
  abstract static class Base implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    Quickstart root() {
      return (Quickstart) spec.root().userObject();
    }

    Printer printer() {
      return root().printer;
    }

    @Override
    public Integer call() throws IOException {
      try (Session s = root().open()) {
        return run(s);
      }
    }

    abstract int run(Session s);

    /** Waits for the run, prints its steps, and turns its outcome into the exit code. */
    int finish(Run started) {
      Run done = started.await(Quickstart.RUN_TIMEOUT);
      printer().line("");
      printer().runDetail(done);
      return done.state() == RunState.SUCCEEDED ? 0 : 1;
    }
  }

  /** A command that only groups subcommands. */
  abstract static class Group implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
      throw new ParameterException(spec.commandLine(), "Missing subcommand: one of " + spec.subcommands().keySet());
    }
  }

  /** Run options from the command line: parameters, blueprint and approval. */
  static final class RunArgs {

    @Option(names = {"-p", "--param"}, description = "blueprint parameter, NAME=VALUE (repeatable)")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--blueprint", description = "the blueprint to use instead of the default")
    String blueprint;

    @Option(names = "--approve", paramLabel = "WHO", description = "an approval, for changes policies guard")
    String approver;

    RunOptions options() {
      RunOptions o = Quickstart.options();
      for (Map.Entry<String, String> e : params.entrySet()) {
        o = o.parameter(e.getKey(), e.getValue());
      }
      if (blueprint != null) {
        o = o.blueprint(blueprint);
      }
      if (approver != null) {
        o = o.approval(approver, "approved on the quickstart command line");
      }
      return o;
    }
  }

  @Command(name = "demo", description = "The end-to-end demo (also what runs without a subcommand).")
  static final class Demo implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      return ((Quickstart) spec.root().userObject()).demo();
    }
  }

  @Command(name = "story", description = "Lists the user stories, or runs one end to end in the sandbox.")
  static final class StoryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "STORY", description = "the story to run (none: list them)")
    String name;

    @Override
    public Integer call() {
      Quickstart root = (Quickstart) spec.root().userObject();
      if (name == null) {
        root.printer.line("User stories (run one with: story NAME):");
        Stories.all().forEach(s -> root.printer.line("  %-12s %s", s.name(), s.description()));
        return 0;
      }
      Story story = Stories.find(name).orElseThrow(() -> new ParameterException(spec.commandLine(),
          "Unknown story '" + name + "': one of " + Stories.names()));
      if (root.config != null) {
        throw new ParameterException(spec.commandLine(), "Stories run in the sandbox: drop --config");
      }
      return new StoryRunner(root).run(story);
    }
  }

  @Command(name = "tenants", description = "Create, list and show tenants.",
      subcommands = {TenantsCreate.class, TenantsList.class, TenantsShow.class, TenantsPlan.class})
  static final class Tenants extends Group {}

  @Command(name = "create", description = "Creates a tenant (or returns the one of that name).")
  static final class TenantsCreate extends Base {

    @Parameters(index = "0", paramLabel = "COMPANY")
    String company;

    @Option(names = "--email", required = true)
    String email;

    @Option(names = "--plan")
    String plan;

    @Override
    int run(Session s) {
      NewTenant n = NewTenant.company(company).email(email);
      if (plan != null) {
        n = n.plan(plan);
      }
      printer().tenant(s.tw().tenants().create(n));
      return 0;
    }
  }

  @Command(name = "plan", description = "Moves a tenant to another plan: quotas checked again, environments that "
      + "depend on the plan updated.")
  static final class TenantsPlan extends Base {

    @Parameters(index = "0", paramLabel = "TENANT")
    String tenant;

    @Parameters(index = "1", paramLabel = "PLAN")
    String plan;

    @Override
    int run(Session s) {
      PlanChange change = s.tw().tenants().changePlan(tenant, plan, RunOptions.defaults().actor("cli"));
      printer().line("%s: plan %s -> %s; %d environment(s) to update", tenant, change.previousPlan(),
          change.tenant().plan(), change.updates().size());
      int rc = 0;
      for (Run r : change.updates()) {
        rc = Math.max(rc, finish(r));
      }
      return rc;
    }
  }

  @Command(name = "list", description = "Lists tenants.")
  static final class TenantsList extends Base {

    @Override
    int run(Session s) {
      s.tw().tenants().list().forEach(printer()::tenant);
      return 0;
    }
  }

  @Command(name = "show", description = "Shows a tenant, its environments and its history.")
  static final class TenantsShow extends Base {

    @Parameters(index = "0", paramLabel = "TENANT")
    String tenant;

    @Override
    int run(Session s) {
      Tenant t = s.tw().tenants().get(tenant);
      printer().tenant(t);
      printer().line("Attributes: " + t.attributes());
      printer().line("Environments:");
      s.tw().environments().list(t.id()).forEach(printer()::environment);
      printer().line("History (newest 200):");
      s.tw().tenants().history(t.id(), 200).forEach(e ->
          printer().line("  %s %-18s %-13s %s", e.at(), e.type(), e.environment() == null ? "" : e.environment(),
              e.message()));
      return 0;
    }
  }

  @Command(name = "env", description = "Provision, list and inspect environments.",
      subcommands = {EnvProvision.class, EnvList.class, EnvStatus.class})
  static final class Env extends Group {}

  @Command(name = "provision", description = "Provisions a tenant's demo or live environment (of a site: SITE-demo, "
      + "SITE-live).")
  static final class EnvProvision extends Base {

    @Option(names = "--site", defaultValue = "main", description = "the tenant's site (default: main, whose "
        + "environments are demo, live and test-NAME)")
    String site;

    @Parameters(index = "0", paramLabel = "TENANT")
    String tenant;

    @Parameters(index = "1", paramLabel = "KIND", description = "demo or live")
    EnvironmentKind kind;

    @picocli.CommandLine.Mixin
    RunArgs args = new RunArgs();

    @Override
    int run(Session s) {
      return finish(s.tw().environments().provision(tenant, site, kind, args.options()));
    }
  }

  @Command(name = "list", description = "Lists a tenant's environments and their resources.")
  static final class EnvList extends Base {

    @Parameters(index = "0", paramLabel = "TENANT")
    String tenant;

    @Override
    int run(Session s) {
      List<Environment> envs = s.tw().environments().list(tenant);
      envs.forEach(printer()::environment);
      return 0;
    }
  }

  @Command(name = "status", description = "Shows an environment's state and its last run.")
  static final class EnvStatus extends Base {

    @Parameters(index = "0", paramLabel = "TENANT")
    String tenant;

    @Parameters(index = "1", paramLabel = "ENV")
    String env;

    @Override
    int run(Session s) {
      printer().status(s.tw().environments().status(tenant, env));
      return 0;
    }
  }

  @Command(name = "test", description = "Create, reset and destroy test instances.",
      subcommands = {TestCreate.class, TestReset.class, TestDestroy.class})
  static final class Test extends Group {}

  @Command(name = "create", description = "Creates test instance test-NAME (SITE-test-NAME of another site).")
  static final class TestCreate extends Base {

    @Option(names = "--site", defaultValue = "main", description = "the tenant's site (default: main)")
    String site;

    @Parameters(index = "0", paramLabel = "TENANT")
    String tenant;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @picocli.CommandLine.Mixin
    RunArgs args = new RunArgs();

    @Override
    int run(Session s) {
      return finish(s.tw().environments().createTest(tenant, site, name, args.options()));
    }
  }

  /** A command that starts one run on an environment: TENANT ENV plus the run options. */
  abstract static class EnvironmentRun extends Base {

    @Parameters(index = "0", paramLabel = "TENANT")
    String tenant;

    @Parameters(index = "1", paramLabel = "ENV")
    String env;

    @picocli.CommandLine.Mixin
    RunArgs args = new RunArgs();

    abstract Run start(Environments environments, RunOptions options);

    @Override
    int run(Session s) {
      return finish(start(s.tw().environments(), args.options()));
    }
  }

  @Command(name = "reset", description = "Resets an environment to its blueprint's initial state.")
  static final class TestReset extends EnvironmentRun {
    @Override
    Run start(Environments environments, RunOptions options) {
      return environments.reset(tenant, env, options);
    }
  }

  @Command(name = "destroy", description = "Destroys an environment and everything it made.")
  static final class TestDestroy extends EnvironmentRun {
    @Override
    Run start(Environments environments, RunOptions options) {
      return environments.destroy(tenant, env, options);
    }
  }

  @Command(name = "promote", description = "Promotes a test instance's configuration to live (ENV: the test instance).")
  static final class Promote extends EnvironmentRun {
    @Override
    Run start(Environments environments, RunOptions options) {
      return environments.promote(tenant, env, options);
    }
  }

  @Command(name = "plan", description = "Dry run: what a run would do to an environment, without doing it.")
  static final class PlanCommand extends Base {

    @Parameters(index = "0", paramLabel = "TENANT")
    String tenant;

    @Parameters(index = "1", paramLabel = "ENV")
    String env;

    @Option(names = "--kind", description = "PROVISION, UPDATE, RESET, PROMOTE, REDEPLOY or DESTROY "
        + "(default: ${DEFAULT-VALUE})", defaultValue = "UPDATE")
    RunKind kind;

    @picocli.CommandLine.Mixin
    RunArgs args = new RunArgs();

    @Override
    int run(Session s) {
      Plan plan = s.tw().environments().plan(tenant, env, kind, args.options());
      printer().out().print(plan);
      printer().line(plan.isEmpty() ? "Nothing to do." : plan.steps().size() + " step(s); nothing was changed.");
      return 0;
    }
  }

  @Command(name = "runs", description = "List and show runs.", subcommands = {RunsList.class, RunsShow.class})
  static final class Runs extends Group {}

  @Command(name = "list", description = "Lists a tenant's runs, per environment, oldest first.")
  static final class RunsList extends Base {

    @Parameters(index = "0", paramLabel = "TENANT")
    String tenant;

    @Parameters(index = "1", paramLabel = "ENV", arity = "0..1", description = "one environment (default: all)")
    String env;

    @Override
    int run(Session s) {
      List<String> envs = env != null ? List.of(env)
          : s.tw().environments().list(tenant).stream().map(Environment::name).toList();
      for (String e : envs) {
        s.tw().runs().list(tenant, e).forEach(printer()::runSummary);
      }
      return 0;
    }
  }

  @Command(name = "show", description = "Shows a run: its steps, durations, attempts and errors.")
  static final class RunsShow extends Base {

    @Parameters(index = "0", paramLabel = "RUN_ID")
    String runId;

    @Override
    int run(Session s) {
      printer().runDetail(s.tw().runs().get(runId));
      return 0;
    }
  }
}
