package dev.tenantwright.examples.stories;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.ReadmeSnippets;
import dev.tenantwright.testkit.incus.IncusFake;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The story of the README's "Adding a story", compiled here and played against its sandbox as a runner plays it. */
class ReadmeStoryTest {

  @TempDir
  Path data;

  // STORY-BEGIN
  final class TrialStory implements Story {
    public String name() { return "trial"; }
    public String description() { return "A trial ERP container on Incus"; }
    public String blueprint() { return "erp-incus"; }     // examples/blueprints/erp-incus.yaml
    public Set<Backend> backends() { return EnumSet.of(Backend.INCUS); }

    public Map<String, Object> parameters(Sandbox sandbox, String tenantId, String environment) {
      return Map.of("memory", "128MiB");                  // what a run needs in the sandbox
    }

    public List<Scene> scenes() {
      return List.of(new Scene("Initech gets its demo", ctx -> {
        Tenant t = ctx.customer(NewTenant.company("Initech").email("ops@initech.example"));
        ctx.await(ctx.provision(t, StoryContext.MAIN_SITE, EnvironmentKind.DEMO));
        ctx.say("demo: " + ctx.sandbox().incus().instances().size() + " container(s)");
      }));
    }

    public Failure failure() {
      return new Failure("Incus refuses to create a test instance", sandbox -> {
        sandbox.incus().inject(Fault.status(403).on(IncusFake.CREATE_INSTANCE));
        return sandbox.incus()::clearFaults;
      }, ctx -> ctx.createTest(ctx.customers().get(0), StoryContext.MAIN_SITE, "x", Map.of()));
    }
  }
  // STORY-END

  @Test
  void theReadmeShowsTheCompiledStory() throws IOException {
    ReadmeSnippets.assertShows(Path.of("README.md"), "## Adding a story",
        Path.of("src/test/java/dev/tenantwright/examples/stories/ReadmeStoryTest.java"), "STORY");
  }

  @Test
  void theStoryPlaysItsScenesAndItsFailureRollsBackLeavingNothing() {
    Story story = new TrialStory();
    List<String> said = new ArrayList<>();
    try (Sandbox sandbox = Sandbox.start(story.backends());
        Tenantwright tw = story.configure(sandbox.configure(Tenantwright.builder().embedded(data)
            .blueprint(story.loadBlueprint()).backoff(Duration.ofMillis(10), Duration.ofMillis(100)))).build()) {
      StoryContext ctx = new StoryContext(tw, sandbox, story, "test", Duration.ofMinutes(1), said::add);
      story.scenes().forEach(scene -> scene.action().play(ctx));
      List<String> before = sandbox.liveObjects();
      Runnable heal = story.failure().inject().apply(sandbox);
      Run failed;
      try {
        failed = story.failure().start().apply(ctx).await(Duration.ofMinutes(1));
      } finally {
        heal.run();
      }
      story.failure().verify().accept(ctx, failed);

      assertThat(ctx.problems()).isEmpty();
      assertThat(said).containsExactly("demo: 1 container(s)");
      assertThat(failed.state()).isEqualTo(RunState.ROLLED_BACK);
      assertThat(failed.error()).contains("403");
      assertThat(sandbox.leftovers(before)).isEmpty();
      assertThat(sandbox.incus().instances().get(0).config()).containsEntry("limits.memory", "128MiB");
      assertThat(tw.environments().find("initech", "demo").orElseThrow().state()).isEqualTo(EnvironmentState.READY);
    }
  }
}
