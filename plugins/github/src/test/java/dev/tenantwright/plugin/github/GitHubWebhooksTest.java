package dev.tenantwright.plugin.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class GitHubWebhooksTest {

  static final byte[] SECRET = "It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8);
  static final String PUSH = "{\"ref\":\"refs/heads/main\",\"before\":\"" + "a".repeat(40) + "\",\"after\":\""
      + "b".repeat(40) + "\",\"created\":false,\"deleted\":false,\"forced\":true,\"repository\":{\"full_name\":"
      + "\"acme-sites/site\"},\"pusher\":{\"name\":\"octocat\"},\"head_commit\":{\"id\":\"" + "b".repeat(40)
      + "\",\"message\":\"Fix the footer\"}}";

  final GitHubWebhooks webhooks = GitHubWebhooks.withSecret(SECRET);

  static String sign(byte[] secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    StringBuilder hex = new StringBuilder("sha256=");
    for (byte b : mac.doFinal(body)) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }

  static Map<String, String> headers(String event, String contentType, String signature) {
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.put("X-GitHub-Event", event);
    h.put("X-GitHub-Delivery", "d-1");
    h.put("Content-Type", contentType);
    if (signature != null) {
      h.put("X-Hub-Signature-256", signature);
    }
    return h;
  }

  WebhookDelivery receive(String event, String contentType, byte[] body) throws Exception {
    return webhooks.receive(headers(event, contentType, sign(SECRET, body))::get, body);
  }

  @Test
  void verifiesTheExampleGitHubDocuments() {
    // docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    String documented = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    assertThat(GitHubWebhooks.verify(SECRET, documented, body)).isTrue();
    assertThat(GitHubWebhooks.verify(SECRET, documented.toUpperCase().replace("SHA256=", "sha256="), body)).isTrue();
    assertThat(GitHubWebhooks.verify("another secret".getBytes(StandardCharsets.UTF_8), documented, body)).isFalse();
    assertThat(GitHubWebhooks.verify(SECRET, documented, "Hello, World?".getBytes(StandardCharsets.UTF_8))).isFalse();
  }

  @Test
  void verifyRefusesMissingShortAndOtherAlgorithmSignatures() {
    byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);

    assertThat(GitHubWebhooks.verify(SECRET, null, body)).isFalse();
    assertThat(GitHubWebhooks.verify(SECRET, "", body)).isFalse();
    assertThat(GitHubWebhooks.verify(SECRET, "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59", body)).isFalse();
    assertThat(GitHubWebhooks.verify(SECRET, "sha256=757107ea", body)).isFalse();
    assertThat(GitHubWebhooks.verify(SECRET, "sha256=" + "zz".repeat(32), body)).isFalse();
    assertThat(GitHubWebhooks.verify(SECRET, "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", body))
        .isFalse();
  }

  @Test
  void aReceiverWithAVerifierAsksItAndNeverHoldsTheSecret() throws Exception {
    byte[] body = PUSH.getBytes(StandardCharsets.UTF_8);
    String signature = sign(SECRET, body);
    java.util.List<String> asked = new java.util.ArrayList<>();
    GitHubWebhooks checked = GitHubWebhooks.withVerifier((sig, raw) -> {
      asked.add(sig);
      return GitHubWebhooks.verify(SECRET, sig, raw);
    });

    WebhookDelivery d = checked.receive(headers("push", "application/json", signature)::get, body);
    assertThat(d).isInstanceOf(WebhookDelivery.Push.class);
    assertThat(asked).containsExactly(signature);

    GitHubWebhooks refusing = GitHubWebhooks.withVerifier((sig, raw) -> false);
    WebhookRejectedException e = catchThrowableOfType(
        () -> refusing.receive(headers("push", "application/json", signature)::get, body), WebhookRejectedException.class);
    assertThat(e.status()).isEqualTo(401);
  }

  @Test
  void aJsonPushIsReadWithRepositoryRefShaPusherAndHeadCommit() throws Exception {
    WebhookDelivery d = receive("push", "application/json", PUSH.getBytes(StandardCharsets.UTF_8));

    assertThat(d).isInstanceOf(WebhookDelivery.Push.class);
    PushEvent e = ((WebhookDelivery.Push) d).event();
    assertThat(e.repository()).isEqualTo("acme-sites/site");
    assertThat(e.after()).isEqualTo("b".repeat(40));
    assertThat(e.forced()).isTrue();
    assertThat(e.pusher()).isEqualTo("octocat");
    assertThat(e.headCommitMessage()).isEqualTo("Fix the footer");
    assertThat(d.deliveryId()).isEqualTo("d-1");
    assertThat(d.status()).isEqualTo(202);
  }

  @Test
  void aFormPushIsReadFromItsPayloadFieldAndVerifiedAsSent() throws Exception {
    byte[] form = ("payload=" + URLEncoder.encode(PUSH, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);

    WebhookDelivery d = receive("push", "application/x-www-form-urlencoded", form);
    assertThat(((WebhookDelivery.Push) d).event().ref()).isEqualTo("refs/heads/main");
  }

  @Test
  void otherEventsAreVerifiedAndIgnored() throws Exception {
    WebhookDelivery d = receive("issues", "application/json", "{\"action\":\"opened\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(d).isEqualTo(new WebhookDelivery.Ignored("d-1", "issues"));
    assertThat(d.status()).isEqualTo(202);
  }

  @Test
  void aTamperedBodyAWrongSecretOrNoSignatureIsRefused401() throws Exception {
    byte[] body = PUSH.getBytes(StandardCharsets.UTF_8);
    String signature = sign(SECRET, body);
    byte[] tampered = PUSH.replace("Fix the footer", "Fix the footer!").getBytes(StandardCharsets.UTF_8);

    WebhookRejectedException e = catchThrowableOfType(
        () -> webhooks.receive(headers("push", "application/json", signature)::get, tampered),
        WebhookRejectedException.class);
    assertThat(e.status()).isEqualTo(401);
    assertThat(e).hasMessageContaining("does not match");
    assertThat(catchThrowableOfType(() -> webhooks.receive(
        headers("push", "application/json", sign("wrong".getBytes(StandardCharsets.UTF_8), body))::get, body),
        WebhookRejectedException.class).status()).isEqualTo(401);
    assertThatThrownBy(() -> webhooks.receive(headers("push", "application/json", null)::get, body))
        .isInstanceOf(WebhookRejectedException.class).hasMessageContaining("no X-Hub-Signature-256");
  }

  @Test
  void theLegacySha1SignatureAloneIsNotEnough() throws Exception {
    byte[] body = PUSH.getBytes(StandardCharsets.UTF_8);
    Map<String, String> h = headers("push", "application/json", null);
    h.put("X-Hub-Signature", "sha1=0123456789abcdef0123456789abcdef01234567");
    h.put("X-Hub-Signature-256", "sha1=0123456789abcdef0123456789abcdef01234567");

    WebhookRejectedException e = catchThrowableOfType(() -> webhooks.receive(h::get, body),
        WebhookRejectedException.class);
    assertThat(e.status()).isEqualTo(401);
    assertThat(e).hasMessageContaining("not an HMAC-SHA256 signature");
  }

  @Test
  void aBodyOverTheLimitIsRefused413BeforeItIsReadWhole() throws Exception {
    GitHubWebhooks small = webhooks.maxBodyBytes(64);
    byte[] body = PUSH.getBytes(StandardCharsets.UTF_8);
    Map<String, String> h = headers("push", "application/json", sign(SECRET, body));

    assertThat(catchThrowableOfType(() -> small.receive(h::get, body), WebhookRejectedException.class).status())
        .isEqualTo(413);
    h.put("Content-Length", Integer.toString(body.length));
    InputStream never = new InputStream() {
      @Override
      public int read() {
        throw new AssertionError("the body must not be read when Content-Length is over the limit");
      }
    };
    assertThat(catchThrowableOfType(() -> small.receive(h::get, never), WebhookRejectedException.class).status())
        .isEqualTo(413);
    h.remove("Content-Length");
    assertThat(catchThrowableOfType(() -> small.receive(h::get, new ByteArrayInputStream(body)),
        WebhookRejectedException.class).status()).as("a body longer than it says").isEqualTo(413);
  }

  @Test
  void aStreamWithinTheLimitIsReadAndVerified() throws Exception {
    byte[] body = PUSH.getBytes(StandardCharsets.UTF_8);

    WebhookDelivery d = webhooks.receive(headers("push", "application/json", sign(SECRET, body))::get,
        new ByteArrayInputStream(body));
    assertThat(d).isInstanceOf(WebhookDelivery.Push.class);
  }

  @Test
  void malformedPayloadsAreRefused400NamingWhatIsWrong() throws Exception {
    assertThat(catchThrowableOfType(() -> receive("push", "application/json",
        "{not json".getBytes(StandardCharsets.UTF_8)), WebhookRejectedException.class))
        .hasMessageContaining("not JSON").satisfies(e -> assertThat(e.status()).isEqualTo(400));
    assertThat(catchThrowableOfType(() -> receive("push", "application/json",
        "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8)), WebhookRejectedException.class))
        .hasMessageContaining("repository.full_name");
    assertThat(catchThrowableOfType(() -> receive("push", "application/x-www-form-urlencoded",
        "other=1".getBytes(StandardCharsets.UTF_8)), WebhookRejectedException.class))
        .hasMessageContaining("'payload'");
    assertThat(catchThrowableOfType(() -> receive("push", "text/plain",
        PUSH.getBytes(StandardCharsets.UTF_8)), WebhookRejectedException.class).status()).isEqualTo(415);
  }

  @Test
  void anEventHeaderIsRequiredAndLowerCaseHeaderNamesAreFound() throws Exception {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    Map<String, String> lower = new HashMap<>();
    lower.put("x-hub-signature-256", sign(SECRET, body));
    lower.put("content-type", "application/json");

    assertThat(catchThrowableOfType(() -> webhooks.receive(lower::get, body), WebhookRejectedException.class))
        .hasMessageContaining("X-GitHub-Event").satisfies(e -> assertThat(e.status()).isEqualTo(400));
    lower.put("x-github-event", "ping");
    assertThat(webhooks.receive(lower::get, body)).isInstanceOf(WebhookDelivery.Ping.class);
  }

  @Test
  void anEmptySecretIsRefused() {
    assertThatThrownBy(() -> GitHubWebhooks.withSecret(new byte[0])).isInstanceOf(IllegalArgumentException.class);
  }
}
