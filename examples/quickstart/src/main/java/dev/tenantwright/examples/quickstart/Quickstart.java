package dev.tenantwright.examples.quickstart;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.examples.stories.Backend;
import dev.tenantwright.examples.stories.Sandbox;
import dev.tenantwright.examples.stories.Story;
import dev.tenantwright.spi.EnvironmentKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code tenantwright} quickstart CLI. Without a subcommand it runs the demo: creates "ABC Corporation",
 * provisions its demo, live and one test environment from the bundled blueprint across the vercel, cloudflare
 * and compose plugins, shows a failing test instance rolled back, and prints the access URLs.
 *
 * <p>Without {@code --config} every backend is a sandbox started in this process (see {@link Sandbox}); the
 * journal is embedded H2 in {@code --data} and outlives the process, the sandbox does not. {@code story} runs the
 * user stories of {@code examples/blueprints} on the same sandbox (see {@link StoryRunner}).
 */
@Command(name = "tenantwright", mixinStandardHelpOptions = true, version = "tenantwright quickstart 0.1",
    description = "Provisions a customer's world: embedded H2 journal, sandbox backends unless --config names real ones.",
    subcommands = {Commands.Demo.class, Commands.StoryCommand.class, Commands.Tenants.class, Commands.Env.class,
        Commands.Test.class, Commands.Promote.class, Commands.PlanCommand.class, Commands.Runs.class})
public final class Quickstart implements Callable<Integer> {

  static final String ACTOR = "quickstart";
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

  @Option(names = "--data", description = "journal directory (default: ${DEFAULT-VALUE})",
      defaultValue = "tenantwright-data", scope = CommandLine.ScopeType.INHERIT)
  Path data;

  @Option(names = "--config", description = "YAML naming real backends (plugins, pluginsDir, blueprints); "
      + "without it the backends are an in-process sandbox", scope = CommandLine.ScopeType.INHERIT)
  Path config;

  @Option(names = "--company", description = "the demo customer's company name (default: ${DEFAULT-VALUE})",
      defaultValue = "ABC Corporation")
  String company;

  @Option(names = "--email", description = "the demo customer's contact e-mail (default: ${DEFAULT-VALUE})",
      defaultValue = "ops@abc.example")
  String email;

  final Printer printer;

  Quickstart(PrintStream out) {
    this.printer = new Printer(out);
  }

  /** Runs the CLI and exits with its code. */
  public static void main(String[] args) {
    int code = run(System.out, args);
    SandboxSite.stopAll();
    System.exit(code);
  }

  static int run(PrintStream out, String... args) {
    return run(out, System.err, args);
  }

  static int run(PrintStream out, PrintStream err, String... args) {
    CommandLine cli = new CommandLine(new Quickstart(out)).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    return cli.execute(args);
  }

  @Override
  public Integer call() throws IOException {
    return demo();
  }

  /** The backends the demo's blueprint reaches. */
  static final EnumSet<Backend> DEMO_BACKENDS = EnumSet.of(Backend.VERCEL, Backend.CLOUDFLARE, Backend.COMPOSE);

  /** Opens the engine on the journal, against the sandbox or the backends {@code --config} names. */
  Session open() throws IOException {
    printer.line("Tenantwright quickstart - journal: " + data.toAbsolutePath() + " (embedded H2)");
    Sandbox sandbox = config == null ? Sandbox.start(DEMO_BACKENDS) : null;
    try {
      Tenantwright.Builder b = Tenantwright.builder()
          .embedded(data)
          .classpathPlugins(true)
          .blueprint(bundledBlueprint())
          .step(new SandboxSite())
          .step(new SampleData())
          .backoff(Duration.ofMillis(50), Duration.ofSeconds(2))
          .listener(printer::event);
      String defaultBlueprint = "quickstart";
      if (sandbox != null) {
        sandboxBanner(sandbox);
        sandbox.configure(b);
      } else {
        QuickstartConfig c = QuickstartConfig.read(config);
        printer.line("Backend: REAL - plugins " + c.plugins().keySet() + " configured by " + config.toAbsolutePath());
        c.plugins().forEach(b::pluginConfig);
        b.platformDomains(c.platformDomains().toArray(String[]::new));
        b.egressAllow(c.egressAllow().toArray(String[]::new));
        if (c.pluginsDir() != null) {
          b.plugins(c.pluginsDir());
        }
        if (c.blueprints() != null) {
          b.blueprints(c.blueprints());
        }
        if (c.defaultBlueprint() != null) {
          defaultBlueprint = c.defaultBlueprint();
        }
      }
      return new Session(b.defaultBlueprint(defaultBlueprint).build(), sandbox);
    } catch (IOException | RuntimeException e) {
      if (sandbox != null) {
        sandbox.close();
      }
      throw e;
    }
  }

  /**
   * Opens the engine on the journal against a sandbox with the story's backends and its blueprint (the bundled copy
   * of {@code examples/blueprints/<blueprint>.yaml}).
   */
  Session open(Story story) {
    printer.line("Tenantwright quickstart - journal: " + data.toAbsolutePath() + " (embedded H2)");
    Sandbox sandbox = Sandbox.start(story.backends());
    try {
      Tenantwright.Builder b = Tenantwright.builder()
          .embedded(data)
          .blueprint(story.loadBlueprint())
          .defaultBlueprint(story.blueprint())
          .backoff(Duration.ofMillis(50), Duration.ofSeconds(2))
          .listener(printer::event);
      sandboxBanner(sandbox);
      sandbox.configure(b);
      story.configure(b);
      return new Session(b.build(), sandbox);
    } catch (RuntimeException e) {
      sandbox.close();
      throw e;
    }
  }

  private void sandboxBanner(Sandbox sandbox) {
    printer.line("Backend: SANDBOX - the test kit's fakes, in this process on 127.0.0.1; nothing leaves this machine");
    sandbox.describe().forEach(d -> printer.line("  SANDBOX " + d));
  }

  /** The end-to-end demo; 0 when demo, live and the test instance are READY and the broken one rolled back clean. */
  int demo() throws IOException {
    try (Session s = open()) {
      Tenantwright tw = s.tw();
      Tenant t = tw.tenants().create(NewTenant.company(company).email(email).attribute("industry", "manufacturing"));
      printer.line("Tenant: " + t.displayName() + " -> id '" + t.id() + "'");
      clearPrevious(tw, t);

      List<Run> runs = new ArrayList<>();
      runs.add(tw.environments().provision(t.id(), EnvironmentKind.DEMO, options()));
      runs.add(tw.environments().provision(t.id(), EnvironmentKind.LIVE, options()));
      runs.add(tw.environments().createTest(t.id(), "checkout", options()));
      boolean allReady = true;
      for (Run r : runs) {
        allReady &= r.await(RUN_TIMEOUT).state() == RunState.SUCCEEDED;
      }

      boolean brokenRolledBack = true;
      if (s.isSandbox()) {
        brokenRolledBack = failingTestInstance(s, t);
      } else {
        printer.line("");
        printer.line("(The rolled-back failure is shown on the sandbox only; with --config it is skipped.)");
      }

      printer.line("");
      printer.line("What was made for " + t.displayName() + ":");
      List<Environment> envs = tw.environments().list(t.id());
      envs.forEach(printer::environment);
      printer.line("");
      printer.line("Access URLs" + (s.isSandbox() ? " (SANDBOX: the site answers while this process runs; "
          + "the Vercel, DNS and Compose entries live in the fakes)" : "") + ":");
      envs.stream().filter(e -> e.state() == EnvironmentState.READY).forEach(printer::accessUrls);
      printer.line("");
      printer.line(allReady ? "demo, live and test-checkout are READY." : "Some environments are not READY (see above).");
      if (s.isSandbox() && brokenRolledBack) {
        printer.line("test-broken rolled back as intended and stays FAILED until it is retried or destroyed.");
      }
      return allReady && brokenRolledBack ? 0 : 1;
    }
  }

  /** Makes the sandbox's Vercel fail every build, creates test-broken, and checks the rollback left nothing. */
  private boolean failingTestInstance(Session s, Tenant t) {
    printer.line("");
    printer.line("A test instance whose Vercel build fails (SANDBOX: the fake Vercel fails builds for this run):");
    List<String> before = s.sandbox().liveObjects();
    s.sandbox().vercel().failBuilds("BUILD_FAILED", "Command \"npm run build\" exited with 1");
    Run broken;
    try {
      broken = s.tw().environments().createTest(t.id(), "broken", options()).await(RUN_TIMEOUT);
    } finally {
      s.sandbox().vercel().succeedBuilds();
    }
    printer.line("Run " + broken.id() + " for " + broken.environment() + " ended " + broken.state() + ": " + broken.error());
    List<String> left = s.sandbox().leftovers(before);
    printer.line("Left in the sandbox for " + broken.environment() + ": " + (left.isEmpty() ? "nothing" : left));
    return broken.state() == RunState.ROLLED_BACK && left.isEmpty();
  }

  /** Destroys what an earlier demo left, so every demo starts from a clean world. */
  private void clearPrevious(Tenantwright tw, Tenant t) {
    for (Environment env : tw.environments().list(t.id())) {
      if (env.state() != EnvironmentState.DESTROYED) {
        printer.line("Destroying " + env.name() + " from an earlier run first...");
        tw.environments().destroy(t.id(), env.name(),
            options().approval(ACTOR, "the demo starts from a clean world")).await(RUN_TIMEOUT);
      }
    }
  }

  static RunOptions options() {
    return RunOptions.defaults().actor(ACTOR);
  }

  private static Blueprint bundledBlueprint() throws IOException {
    try (InputStream in = Quickstart.class.getResourceAsStream("/blueprints/quickstart.yaml")) {
      if (in == null) {
        throw new IOException("bundled blueprint missing from the jar");
      }
      return Blueprint.fromYaml("quickstart.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
