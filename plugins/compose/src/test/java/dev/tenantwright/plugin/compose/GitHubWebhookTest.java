package dev.tenantwright.plugin.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.plugin.compose.GitHubWebhook.Delivery;
import dev.tenantwright.plugin.compose.GitHubWebhook.Outcome;
import dev.tenantwright.spi.Secret;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class GitHubWebhookTest {

  static final Secret SECRET = Secret.of("tenant-acme-webhook-secret");
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final String AFTER = "9f2c1e7d4b3a29f1c0e5d6b7a8c9d0e1f2a3b4c5";
  static final String FORM = "application/x-www-form-urlencoded";
  static final String JSON = "application/json";

  final GitHubWebhook hook = GitHubWebhook.builder(SECRET, "acme/shop").branch("main")
      .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

  static String push(String repository, String ref, String after, Instant pushedAt) {
    return "{\"ref\":\"" + ref + "\",\"before\":\"1111111111111111111111111111111111111111\",\"after\":\"" + after
        + "\",\"deleted\":false,\"repository\":{\"full_name\":\"" + repository + "\",\"pushed_at\":"
        + pushedAt.getEpochSecond() + "},\"head_commit\":{\"message\":\"Fix & ship = done?\"}}";
  }

  static byte[] form(String json) {
    return ("payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
  }

  Delivery receive(String contentType, String event, byte[] body) {
    return hook.receive(contentType, event, WebhookVerifier.sign(SECRET, body), body);
  }

  @Test
  void c1_githubsDefaultFormEncodedBodyIsAccepted() {
    Delivery d = receive(FORM + "; charset=utf-8", "push", form(push("acme/shop", "refs/heads/main", AFTER, NOW)));

    assertThat(d.outcome()).as(d.reason()).isEqualTo(Outcome.PUSH);
    assertThat(d.push().after()).isEqualTo(AFTER);
    assertThat(d.push().pushedAt()).isEqualTo(NOW);
    assertThat(d.httpStatus()).isEqualTo(202);
  }

  @Test
  void c1_aJsonBodyIsAcceptedToo() {
    Delivery d = receive(JSON, "push", push("acme/shop", "refs/heads/main", AFTER, NOW).getBytes(StandardCharsets.UTF_8));

    assertThat(d.outcome()).as(d.reason()).isEqualTo(Outcome.PUSH);
  }

  @Test
  void c1_thePingSentWhenTheHookIsCreatedIsAnsweredAndOtherEventsIgnored() {
    byte[] ping = "{\"zen\":\"Design for failure.\",\"hook_id\":1}".getBytes(StandardCharsets.UTF_8);

    assertThat(receive(JSON, "ping", ping).outcome()).isEqualTo(Outcome.PING);
    assertThat(receive(JSON, "ping", ping).httpStatus()).isEqualTo(200);
    assertThat(receive(JSON, "issues", ping).outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(receive(JSON, null, ping).outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(hook.receive(JSON, "ping", WebhookVerifier.sign(Secret.of("guess"), ping), ping).outcome())
        .as("a ping is verified like anything else").isEqualTo(Outcome.REFUSED);
  }

  @Test
  void sec6_aPushFromAnotherRepositoryIsRefused() {
    Delivery d = receive(JSON, "push", push("mallory/shop", "refs/heads/main", AFTER, NOW)
        .getBytes(StandardCharsets.UTF_8));

    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.reason()).contains("mallory/shop").contains("acme/shop");
    assertThat(receive(JSON, "push", push("Acme/Shop", "refs/heads/main", AFTER, NOW).getBytes(StandardCharsets.UTF_8))
        .outcome()).as("GitHub names are case-insensitive").isEqualTo(Outcome.PUSH);
  }

  @Test
  void sec6_aCapturedBodyReplayedAfterTheWindowIsRefused() {
    byte[] old = push("acme/shop", "refs/heads/main", AFTER, NOW.minus(Duration.ofHours(3))).getBytes(StandardCharsets.UTF_8);
    byte[] future = push("acme/shop", "refs/heads/main", AFTER, NOW.plus(Duration.ofHours(1))).getBytes(StandardCharsets.UTF_8);
    String undated = "{\"ref\":\"refs/heads/main\",\"before\":\"a\",\"after\":\"" + AFTER
        + "\",\"repository\":{\"full_name\":\"acme/shop\"}}";

    assertThat(receive(JSON, "push", old).reason()).contains("replay window");
    assertThat(receive(JSON, "push", future).outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(receive(JSON, "push", undated.getBytes(StandardCharsets.UTF_8)).reason()).contains("pushed_at");
    GitHubWebhook lenient = GitHubWebhook.builder(SECRET, "acme/shop").maxAge(null).build();
    assertThat(lenient.receive(JSON, "push", WebhookVerifier.sign(SECRET, old), old).outcome()).isEqualTo(Outcome.PUSH);
  }

  @Test
  void sec6_theIdempotencyKeyComesFromTheSignedPushNotTheDeliveryId() {
    byte[] body = push("acme/shop", "refs/heads/main", AFTER, NOW).getBytes(StandardCharsets.UTF_8);
    String other = "0000000000000000000000000000000000000001";

    String key = receive(JSON, "push", body).idempotencyKey();

    assertThat(receive(FORM, "push", form(push("acme/shop", "refs/heads/main", AFTER, NOW.minusSeconds(5))))
        .idempotencyKey()).as("the same push, however encoded or delivered").isEqualTo(key);
    assertThat(receive(JSON, "push", push("acme/shop", "refs/heads/main", other, NOW).getBytes(StandardCharsets.UTF_8))
        .idempotencyKey()).isNotEqualTo(key);
    assertThat(key).startsWith("push-").hasSize(45);
  }

  @Test
  void sec6_anOversizedBodyIsRefusedWithoutReadingAllOfIt() throws Exception {
    GitHubWebhook small = GitHubWebhook.builder(SECRET, "acme/shop").maxBodyBytes(64).build();
    byte[] big = new byte[10_000];

    byte[] read = GitHubWebhook.readBody(new ByteArrayInputStream(big), 64);
    Delivery d = small.receive(JSON, "push", WebhookVerifier.sign(SECRET, read), read);

    assertThat(read).hasSize(65);
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.httpStatus()).isEqualTo(413);
  }

  @Test
  void otherBranchesTagsAndDeletionsAreIgnoredAndABadCommitIsRefused() {
    assertThat(receive(JSON, "push", push("acme/shop", "refs/heads/dev", AFTER, NOW).getBytes(StandardCharsets.UTF_8))
        .outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(receive(JSON, "push", push("acme/shop", "refs/tags/v1", AFTER, NOW).getBytes(StandardCharsets.UTF_8))
        .outcome()).isEqualTo(Outcome.IGNORED);
    byte[] deleted = push("acme/shop", "refs/heads/main", "0".repeat(40), NOW).replace("\"deleted\":false",
        "\"deleted\":true").getBytes(StandardCharsets.UTF_8);
    assertThat(receive(JSON, "push", deleted).outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(receive(JSON, "push", push("acme/shop", "refs/heads/main", "--upload-pack=x", NOW)
        .getBytes(StandardCharsets.UTF_8)).outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(receive("text/plain", "push", "x".getBytes(StandardCharsets.UTF_8)).outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(receive(FORM, "push", "other=1".getBytes(StandardCharsets.UTF_8)).reason()).contains("payload");
  }

  @Test
  void theReceiverRefusesABadConfiguration() {
    assertThatThrownBy(() -> GitHubWebhook.builder(SECRET, "not a repo")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GitHubWebhook.builder(SECRET, "a/b").branch("../x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Delivery(Outcome.PUSH, null, "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Delivery(Outcome.PING, null, "pong").idempotencyKey())
        .isInstanceOf(IllegalStateException.class);
  }
}
