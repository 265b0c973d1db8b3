package dev.tenantwright.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.StatusWebhook;
import dev.tenantwright.core.Tenantwright;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The status webhook example in core/README.md is this code, and it is accepted as it stands. */
class StatusWebhookReadmeTest {

  @Test
  void theStatusWebhookExampleConfiguresAValidEndpoint() {
    byte[] secret = "a-secret-of-at-least-16-bytes".getBytes(StandardCharsets.UTF_8);
    Tenantwright.Builder builder =
        // STATUS-WEBHOOK-BEGIN
        Tenantwright.builder()
            .statusWebhook(StatusWebhook.to("master-db", URI.create("https://admin.example.com/hooks/tw"), secret))
        // STATUS-WEBHOOK-END
        ;
    assertThat(builder).isNotNull();
  }

  @Test
  void theReadmeShowsExactlyThisCode() throws Exception {
    ReadmeSnippets.assertShows(Path.of("README.md"), "## Status webhooks",
        Path.of("src/test/java/dev/tenantwright/core/docs/StatusWebhookReadmeTest.java"), "STATUS-WEBHOOK");
  }
}
