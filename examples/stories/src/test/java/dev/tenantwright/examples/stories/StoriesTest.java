package dev.tenantwright.examples.stories;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
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
  void receivedMailIsShownAmongWhatTheFakesHoldButIsNoLeftoverForASentMessageCannotBeUnsent() throws Exception {
    try (Sandbox sandbox = Sandbox.start(EnumSet.of(Backend.MAIL, Backend.CLOUDFLARE))) {
      int port = sandbox.mail().getSmtp().getPort();
      List<String> before = sandbox.liveObjects();

      GreenMailUtil.sendTextEmail("ops@acme.example", "welcome@shops.example.com", "Your shop is ready", "Hello",
          new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      sandbox.cloudflare().putRecord("A", "new.example.com", "192.0.2.2", null);

      String id = sandbox.mail().getReceivedMessages()[0].getMessageID();
      assertThat(sandbox.mails()).containsExactly(id + " to ops@acme.example \"Your shop is ready\"");
      assertThat(sandbox.liveObjects()).contains("mail: " + id + " to ops@acme.example \"Your shop is ready\"");
      assertThat(sandbox.leftovers(before)).containsExactly("cloudflare: dns A new.example.com -> 192.0.2.2");
      assertThat(sandbox.describe()).contains("mail       smtp://127.0.0.1:" + port
          + " (GreenMail: keeps every message, sender " + Sandbox.MAIL_FROM + ")");
    }
  }

  @Test
  void theMailPluginIsPointedAtTheSandboxSmtpServerWithThePlatformsSender() {
    try (Sandbox sandbox = Sandbox.start(EnumSet.of(Backend.MAIL))) {
      Map<String, Object> mail = sandbox.configure(Tenantwright.builder()).config().pluginConfigs().get("mail");

      assertThat(mail).containsEntry("host", "127.0.0.1").containsEntry("port", sandbox.mail().getSmtp().getPort())
          .containsEntry("tls", "none").containsEntry("from", "Example Shops <welcome@shops.example.com>");
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
      assertThatThrownBy(sandbox::mail).isInstanceOf(IllegalStateException.class)
          .hasMessage("this sandbox was started without MAIL");
      assertThat(sandbox.mails()).isEmpty();
    }
  }
}
