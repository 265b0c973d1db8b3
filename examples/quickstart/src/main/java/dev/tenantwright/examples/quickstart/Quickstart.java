package dev.tenantwright.examples.quickstart;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code tenantwright} quickstart: creates "ABC Corporation", provisions its demo, live and one test
 * environment from the bundled blueprint on the embedded H2 journal, shows progress, and lists what it made.
 */
@Command(name = "tenantwright", mixinStandardHelpOptions = true, version = "tenantwright quickstart 0.1",
    description = "Provisions a customer's world on the embedded defaults (H2 journal, sandbox backend).")
public final class Quickstart implements Callable<Integer> {

  @Option(names = "--data", description = "journal directory (default: ${DEFAULT-VALUE})",
      defaultValue = "tenantwright-data")
  Path data;

  @Option(names = "--company", description = "the customer's company name (default: ${DEFAULT-VALUE})",
      defaultValue = "ABC Corporation")
  String company;

  @Option(names = "--email", description = "the customer's contact e-mail (default: ${DEFAULT-VALUE})",
      defaultValue = "ops@abc.example")
  String email;

  private final PrintStream out;

  Quickstart(PrintStream out) {
    this.out = out;
  }

  /** Runs the CLI and exits with its code. */
  public static void main(String[] args) {
    int code = run(System.out, args);
    SandboxSite.stopAll();
    System.exit(code);
  }

  static int run(PrintStream out, String... args) {
    return new CommandLine(new Quickstart(out)).execute(args);
  }

  @Override
  public Integer call() throws IOException {
    out.println("Tenantwright quickstart - journal: " + data.toAbsolutePath() + " (embedded H2)");
    out.println("Backend: SANDBOX (an in-process web server on 127.0.0.1; nothing leaves this machine)");
    try (Tenantwright tw = Tenantwright.builder()
        .embedded(data)
        .blueprint(bundledBlueprint())
        .step(new SandboxSite())
        .step(new SampleData())
        .listener(this::print)
        .build()) {
      Tenant t = tw.tenants().create(NewTenant.company(company).email(email).attribute("industry", "manufacturing"));
      out.println("Tenant: " + t.displayName() + " -> id '" + t.id() + "'");
      clearPrevious(tw, t);

      List<Run> runs = new ArrayList<>();
      runs.add(tw.environments().provision(t.id(), EnvironmentKind.DEMO, RunOptions.defaults().actor("quickstart")));
      runs.add(tw.environments().provision(t.id(), EnvironmentKind.LIVE, RunOptions.defaults().actor("quickstart")));
      runs.add(tw.environments().createTest(t.id(), "checkout", RunOptions.defaults().actor("quickstart")));
      boolean allReady = true;
      for (Run r : runs) {
        Run done = r.await(Duration.ofMinutes(2));
        allReady &= done.state() == RunState.SUCCEEDED;
      }
      out.println();
      out.println("What was made for " + t.displayName() + ":");
      for (Environment env : tw.environments().list(t.id())) {
        out.printf(Locale.ROOT, "  %-14s %-10s blueprint %s%n", env.name(), env.state(), env.blueprint());
        for (Environment.Resource r : env.resources()) {
          out.printf(Locale.ROOT, "      %-16s %-20s %-8s %s%n", r.name(), r.type(), r.origin(), r.outputs());
        }
      }
      out.println();
      out.println(allReady ? "All environments READY." : "Some environments are not READY (see above).");
      return allReady ? 0 : 1;
    }
  }

  /** Destroys the environments an earlier quickstart left, so every run starts from a clean world. */
  private void clearPrevious(Tenantwright tw, Tenant t) {
    for (Environment env : tw.environments().list(t.id())) {
      if (!env.resources().isEmpty()) {
        out.println("Destroying " + env.name() + " from an earlier run first...");
        tw.environments().destroy(t.id(), env.name(), RunOptions.defaults().actor("quickstart")).await(Duration.ofMinutes(1));
      }
    }
  }

  private Blueprint bundledBlueprint() throws IOException {
    try (InputStream in = Quickstart.class.getResourceAsStream("/blueprints/sandbox-site.yaml")) {
      if (in == null) {
        throw new IOException("bundled blueprint missing from the jar");
      }
      return Blueprint.fromYaml("sandbox-site.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private void print(Event e) {
    if (e.type() == EventType.TENANT_CREATED || e.type() == EventType.STEP_STARTED) {
      return;
    }
    String where = String.format(Locale.ROOT, "%-13s", e.environment() == null ? "" : e.environment());
    String bar = bar(e.percent());
    String step = e.step() == null ? "" : "step " + e.stepIndex() + "/" + e.stepCount() + " " + e.step() + ": ";
    synchronized (out) {
      out.printf(Locale.ROOT, "  %s %s %3d%%  %s%s%n", where, bar, e.percent(), step, e.message());
    }
  }

  private static String bar(int percent) {
    int filled = Math.max(0, Math.min(20, percent / 5));
    return "[" + "#".repeat(filled) + ".".repeat(20 - filled) + "]";
  }
}
