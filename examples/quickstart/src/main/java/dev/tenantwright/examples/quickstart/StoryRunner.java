package dev.tenantwright.examples.quickstart;

import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.examples.stories.Failure;
import dev.tenantwright.examples.stories.Sandbox;
import dev.tenantwright.examples.stories.Scene;
import dev.tenantwright.examples.stories.Story;
import dev.tenantwright.examples.stories.StoryContext;
import dev.tenantwright.spi.TenantwrightException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one {@link Story} in the sandbox and prints it: the story's scenes with one progress line per engine event,
 * then its failure rolled back (a fault injected into a backend, a check that the fakes hold nothing new, and the
 * story's own checks), then what was made — environments, resources, the mail the sandbox received, and links — and
 * whether the story's environments are READY.
 *
 * <p>Exit code 0 when every scene went as expected, the failure rolled back leaving nothing, and every environment
 * of the story's customers but the failed one is READY.
 */
final class StoryRunner {

  private final Quickstart root;
  private final Printer printer;

  StoryRunner(Quickstart root) {
    this.root = root;
    this.printer = root.printer;
  }

  int run(Story story) {
    printer.withTenant();
    printer.line("Story " + story.name() + ": " + story.description());
    printer.line("Blueprint: examples/blueprints/" + story.blueprint() + ".yaml");
    try (Session s = root.open(story)) {
      StoryContext ctx = new StoryContext(s.tw(), s.sandbox(), story, Quickstart.ACTOR, Quickstart.RUN_TIMEOUT,
          printer::line);
      int n = 0;
      for (Scene scene : story.scenes()) {
        printer.line("");
        printer.line("Scene " + ++n + ": " + scene.title());
        try {
          scene.action().play(ctx);
        } catch (TenantwrightException e) {
          // what the engine refused ends the scenes: the later ones build on this one
          ctx.expect(false, "scene " + n + " was refused: " + e.getMessage());
          break;
        }
      }
      Run failed = failure(ctx, story.failure());
      List<String> ready = whatWasMade(ctx, failed);
      return verdict(ctx, failed, ready);
    }
  }

  /** Plays the failure: the run it starts must roll back and leave nothing in the fakes. Returns the failed run. */
  private Run failure(StoryContext ctx, Failure failure) {
    printer.line("");
    printer.line("Failure: " + failure.title());
    Sandbox sandbox = ctx.sandbox();
    List<String> before = sandbox.liveObjects();
    Runnable heal = failure.inject().apply(sandbox);
    Run run;
    try {
      run = failure.start().apply(ctx).await(Quickstart.RUN_TIMEOUT);
    } catch (TenantwrightException e) {
      ctx.expect(false, "the failing run starts: " + e.getMessage());
      return null;
    } finally {
      heal.run();
    }
    String where = run.tenantId() + "/" + run.environment();
    printer.line("Run " + run.id() + " for " + where + " ended " + run.state() + ": " + Printer.oneLine(run.error()));
    List<String> left = sandbox.leftovers(before);
    printer.line("Left in the sandbox for " + where + ": " + (left.isEmpty() ? "nothing" : left));
    ctx.expect(run.state() == RunState.ROLLED_BACK, run.environment() + " is rolled back");
    ctx.expect(left.isEmpty(), "the rollback leaves nothing in the sandbox");
    failure.verify().accept(ctx, run);
    return run;
  }

  /** Lists every environment of the story's customers with its resources and links; returns the READY ones. */
  private List<String> whatWasMade(StoryContext ctx, Run failed) {
    List<String> ready = new ArrayList<>();
    List<Environment> shown = new ArrayList<>();
    printer.line("");
    printer.line("What was made:");
    for (Tenant t : ctx.customers()) {
      printer.line(t.displayName() + " (" + t.id() + "):");
      for (Environment env : ctx.tw().environments().list(t.id())) {
        if (env.state() == EnvironmentState.DESTROYED) {
          continue;
        }
        printer.environment(env);
        shown.add(env);
        boolean isFailed = failed != null && failed.tenantId().equals(t.id())
            && failed.environment().equals(env.name());
        if (env.state() == EnvironmentState.READY) {
          ready.add(t.id() + "/" + env.name());
        } else if (!isFailed) {
          ctx.expect(false, t.id() + "/" + env.name() + " is READY, not " + env.state());
        }
      }
    }
    List<String> mails = ctx.sandbox().mails();
    if (!mails.isEmpty()) {
      printer.line("Mail received by the sandbox's SMTP server (sent mail cannot be unsent):");
      mails.forEach(m -> printer.line("  " + m));
    }
    printer.line("");
    printer.line("Links (SANDBOX: the fakes answer while this process runs):");
    shown.stream().filter(e -> e.state() == EnvironmentState.READY).forEach(printer::links);
    return ready;
  }

  private int verdict(StoryContext ctx, Run failed, List<String> ready) {
    printer.line("");
    ctx.expect(!ready.isEmpty(), "the story made READY environments");
    if (!ready.isEmpty()) {
      printer.line(String.join(", ", ready) + (ready.size() == 1 ? " is" : " are") + " READY.");
    }
    if (failed != null && failed.state() == RunState.ROLLED_BACK) {
      printer.line(failed.tenantId() + "/" + failed.environment()
          + " rolled back as intended and stays FAILED until it is retried or destroyed.");
    }
    List<String> problems = ctx.problems();
    if (!problems.isEmpty()) {
      printer.line("Not as expected:");
      problems.forEach(p -> printer.line("  - " + p));
      return 1;
    }
    return 0;
  }
}
