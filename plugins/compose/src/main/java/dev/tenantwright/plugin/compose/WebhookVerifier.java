package dev.tenantwright.plugin.compose;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.Secret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies the signature of a git webhook (GitHub's {@code X-Hub-Signature-256}, also sent by Gitea, Forgejo
 * and others): {@code sha256=} followed by the hex HMAC-SHA256 of the raw request body under the webhook's
 * shared secret.
 *
 * <p>The comparison is constant-time ({@link MessageDigest#isEqual}) so the time a refusal takes says
 * nothing about how much of a forged signature was right. A refusal is a value, not an exception: the
 * {@link Verification} carries a reason the host logs or records in its audit trail, and the reason never
 * contains the expected signature. Verify the bytes exactly as received, before any JSON parsing. Stateless
 * and thread-safe.
 *
 * <pre>{@code
 * Verification v = WebhookVerifier.verify(webhookSecret, body, request.getHeader(WebhookVerifier.HEADER));
 * if (!v.valid()) {
 *   audit.record("webhook refused: " + v.reason());
 *   return 401;
 * }
 * PushEvent push = PushEvent.parse(body);
 * tw.environments().update(tenantId, "live", RunOptions.defaults()
 *     .idempotencyKey("push-" + deliveryId)
 *     .parameter("revision", push.after())
 *     .reason("git push to " + push.ref()));
 * }</pre>
 */
public final class WebhookVerifier {

  /** The header that carries the signature. */
  public static final String HEADER = "X-Hub-Signature-256";

  private static final String PREFIX = "sha256=";
  private static final String ALGORITHM = "HmacSHA256";

  private WebhookVerifier() {}

  /**
   * Checks {@code signatureHeader} against the HMAC-SHA256 of {@code body} under {@code secret}.
   *
   * @param secret the webhook's shared secret
   * @param body the raw request body, exactly as received
   * @param signatureHeader the {@value #HEADER} header's value, or null when the request had none
   * @return valid, or refused with a reason that names what was wrong
   */
  public static Verification verify(Secret secret, byte[] body, @Nullable String signatureHeader) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(body, "body");
    if (signatureHeader == null || signatureHeader.isBlank()) {
      return Verification.refused("missing " + HEADER + " header");
    }
    String header = signatureHeader.strip();
    if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      int eq = header.indexOf('=');
      String scheme = eq > 0 && eq <= 10 ? " (scheme '" + header.substring(0, eq) + "')" : "";
      return Verification.refused("malformed " + HEADER + " header: expected 'sha256=' and 64 hexadecimal digits"
          + scheme);
    }
    String hex = header.substring(PREFIX.length());
    if (hex.length() != 64 || !hex.chars().allMatch(WebhookVerifier::isHex)) {
      return Verification.refused("malformed " + HEADER + " header: expected 'sha256=' and 64 hexadecimal digits, got "
          + hex.length() + " characters");
    }
    byte[] given = HexFormat.of().parseHex(hex);
    byte[] expected = hmac(secret, body);
    if (!MessageDigest.isEqual(expected, given)) {
      return Verification.refused("signature does not match the body (wrong secret, or the body was changed)");
    }
    return Verification.VALID;
  }

  /** The {@value #HEADER} value for {@code body}: {@code sha256=<hex>}. For tests and for hosts that relay. */
  public static String sign(Secret secret, byte[] body) {
    return PREFIX + HexFormat.of().formatHex(hmac(Objects.requireNonNull(secret, "secret"), Objects.requireNonNull(body, "body")));
  }

  private static byte[] hmac(Secret secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), ALGORITHM));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /**
   * The outcome of {@link #verify}: valid, or refused with a reason to log or record.
   *
   * @param valid whether the signature matches
   * @param reason why it was refused; null when valid. Never contains the expected signature or the secret
   */
  public record Verification(boolean valid, @Nullable String reason) {

    static final Verification VALID = new Verification(true, null);

    /** Checks that a refusal has a reason and an acceptance none. */
    public Verification {
      if (valid == (reason != null)) {
        throw new IllegalArgumentException("a refusal needs a reason, and an acceptance has none");
      }
    }

    static Verification refused(String reason) {
      return new Verification(false, reason);
    }
  }
}
