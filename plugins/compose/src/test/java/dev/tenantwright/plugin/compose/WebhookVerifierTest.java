package dev.tenantwright.plugin.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.plugin.compose.WebhookVerifier.Verification;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookVerifierTest {

  static final Secret SECRET = Secret.of("It's a Secret to Everybody");
  static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
  /** GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!". */
  static final String GITHUB_EXAMPLE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  @Test
  void acceptsGithubsDocumentedExample() {
    Verification v = WebhookVerifier.verify(SECRET, BODY, GITHUB_EXAMPLE);

    assertThat(v.valid()).isTrue();
    assertThat(v.reason()).isNull();
    assertThat(WebhookVerifier.sign(SECRET, BODY)).isEqualTo(GITHUB_EXAMPLE);
  }

  @Test
  void acceptsUpperCaseHexAndSurroundingSpaces() {
    assertThat(WebhookVerifier.verify(SECRET, BODY, "  sha256=" + GITHUB_EXAMPLE.substring(7).toUpperCase() + " ")
        .valid()).isTrue();
  }

  @Test
  void refusesASignatureMadeWithAnotherSecret() {
    String forged = WebhookVerifier.sign(Secret.of("guess"), BODY);

    Verification v = WebhookVerifier.verify(SECRET, BODY, forged);

    assertThat(v.valid()).isFalse();
    assertThat(v.reason()).isEqualTo("signature does not match the body (wrong secret, or the body was changed)");
    assertThat(v.reason()).doesNotContain(GITHUB_EXAMPLE.substring(7)).doesNotContain(SECRET.reveal());
  }

  @Test
  void refusesAChangedBody() {
    byte[] tampered = "Hello, World?".getBytes(StandardCharsets.UTF_8);

    assertThat(WebhookVerifier.verify(SECRET, tampered, GITHUB_EXAMPLE).valid()).isFalse();
  }

  @Test
  void refusesAMissingHeaderWithAReasonToRecord() {
    assertThat(WebhookVerifier.verify(SECRET, BODY, null).reason()).isEqualTo("missing X-Hub-Signature-256 header");
    assertThat(WebhookVerifier.verify(SECRET, BODY, " ").reason()).isEqualTo("missing X-Hub-Signature-256 header");
  }

  @Test
  void refusesMalformedHeaders() {
    assertThat(WebhookVerifier.verify(SECRET, BODY, "sha1=0a4d55a8d778e5022fab701977c5d840bbc486d0").reason())
        .startsWith("malformed X-Hub-Signature-256 header").contains("scheme 'sha1'");
    assertThat(WebhookVerifier.verify(SECRET, BODY, "sha256=abc").reason())
        .startsWith("malformed X-Hub-Signature-256 header").contains("got 3 characters");
    assertThat(WebhookVerifier.verify(SECRET, BODY, "sha256=" + "z".repeat(64)).valid()).isFalse();
    assertThat(WebhookVerifier.verify(SECRET, BODY, GITHUB_EXAMPLE.substring(7)).reason())
        .startsWith("malformed X-Hub-Signature-256 header");
    assertThat(WebhookVerifier.verify(SECRET, BODY, GITHUB_EXAMPLE + "00").valid()).isFalse();
  }

  @Test
  void aVerificationIsEitherValidOrCarriesAReason() {
    assertThatThrownBy(() -> new Verification(false, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Verification(true, "why")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPushEventNamesRefCommitAndRepository() {
    byte[] push = """
        {"ref":"refs/heads/main","before":"0000000000000000000000000000000000000000",
         "after":"9f2c1e7d4b3a29f1c0e5d6b7a8c9d0e1f2a3b4c5","deleted":false,
         "repository":{"full_name":"acme/website"},"head_commit":{"message":"Fix typo"}}
        """.getBytes(StandardCharsets.UTF_8);

    PushEvent e = PushEvent.parse(push);

    assertThat(e.ref()).isEqualTo("refs/heads/main");
    assertThat(e.branch()).isEqualTo("main");
    assertThat(e.after()).isEqualTo("9f2c1e7d4b3a29f1c0e5d6b7a8c9d0e1f2a3b4c5");
    assertThat(e.repository()).isEqualTo("acme/website");
    assertThat(e.deleted()).isFalse();
    assertThat(PushEvent.parse("{\"ref\":\"refs/tags/v1\",\"before\":\"a\",\"after\":\"b\"}"
        .getBytes(StandardCharsets.UTF_8)).branch()).isNull();
    assertThatThrownBy(() -> PushEvent.parse("{\"zen\":\"ping\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PermanentException.class).hasMessageContaining("not a push event");
    assertThatThrownBy(() -> PushEvent.parse("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PermanentException.class);
  }
}
