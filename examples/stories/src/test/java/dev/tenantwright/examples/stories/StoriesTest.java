package dev.tenantwright.examples.stories;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry of stories, the blueprints they run, and the sandbox's bookkeeping. */
class StoriesTest {

  @Test
  void everyStoryRunsTheVeryFileOfExamplesBlueprints() throws IOException {
    for (Story story : Stories.all()) {
      Path file = Path.of("../blueprints", story.blueprint() + ".yaml");

      assertThat(ExampleBlueprints.text(story.blueprint())).as(story.name()).isEqualTo(Files.readString(file));
      assertThat(story.loadBlueprint().name()).isEqualTo(story.blueprint());
    }
  }

  @Test
  void storiesAreFoundByNameAndByBlueprintAndEachLookupIsANewOne() {
    assertThat(Stories.names()).containsExactly("vercel-site", "erp-frappe", "erp-incus", "website", "merchant");
    assertThat(Stories.forBlueprint("website-compose")).get().extracting(Story::name).isEqualTo("website");
    assertThat(Stories.forBlueprint("merchant")).get().extracting(Story::name).isEqualTo("merchant");
    assertThat(Stories.find("florist")).isEmpty();
    assertThat(Stories.find("erp-frappe").orElseThrow()).isNotSameAs(Stories.find("erp-frappe").orElseThrow());
  }

  @Test
  void everyStoryHasScenesAFailureAndTheBackendsItsParametersNeed() {
    for (Story story : Stories.all()) {
      assertThat(story.scenes()).as(story.name()).isNotEmpty();
      assertThat(story.failure().title()).isNotBlank();
      assertThat(story.backends()).isNotEmpty();
      assertThat(story.description()).doesNotContain("\n").hasSizeLessThan(120);
    }
  }

  @Test
  void leftoversAreWhatTheFakesHoldNowThatTheyDidNotHoldBefore() {
    try (Sandbox sandbox = Sandbox.start(EnumSet.of(Backend.CLOUDFLARE))) {
      sandbox.cloudflare().putRecord("A", "old.example.com", "192.0.2.1", null);
      List<String> before = sandbox.liveObjects();

      sandbox.cloudflare().putRecord("A", "new.example.com", "192.0.2.2", null);

      assertThat(sandbox.leftovers(before)).containsExactly("cloudflare: dns A new.example.com -> 192.0.2.2");
    }
  }

  @Test
  void aBackendTheSandboxWasNotStartedWithIsRefusedByName() {
    try (Sandbox sandbox = Sandbox.start(EnumSet.of(Backend.CLOUDFLARE))) {
      assertThat(sandbox.cloudflare().baseUrl()).startsWith("http://127.0.0.1:");
      assertThat(sandbox.describe()).containsExactly("cloudflare " + sandbox.cloudflare().baseUrl()
          + " (CloudflareFake, zone " + CloudflareFake.ZONE_NAME + ")");
      assertThatThrownBy(sandbox::vercel).isInstanceOf(IllegalStateException.class)
          .hasMessage("this sandbox was started without VERCEL");
    }
  }
}
