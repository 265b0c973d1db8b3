package dev.tenantwright.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How {@link StatusWebhook} requests are signed, and the check a receiver runs — the Standard Webhooks scheme
 * (https://www.standardwebhooks.com/, "Signature scheme"), so the receiving side may also use one of its libraries:
 *
 * <ul>
 *   <li>{@code webhook-id}: the delivery's id, the same on every retry — de-duplicate on it;
 *   <li>{@code webhook-timestamp}: seconds since the epoch when this attempt was sent — refuse old ones (replays);
 *   <li>{@code webhook-signature}: {@code v1,} followed by the Base64 HMAC-SHA256, keyed with the webhook's secret
 *       bytes, of {@code id + "." + timestamp + "." + body}.
 * </ul>
 *
 * <pre>{@code
 * if (!WebhookSignature.verify(secret, headers.get("webhook-id"), headers.get("webhook-timestamp"), body,
 *     headers.get("webhook-signature"), Duration.ofMinutes(5), Clock.systemUTC())) {
 *   return 401;
 * }
 * }</pre>
 */
public final class WebhookSignature {

  /** The delivery id header. */
  public static final String ID = "webhook-id";
  /** The timestamp header. */
  public static final String TIMESTAMP = "webhook-timestamp";
  /** The signature header. */
  public static final String SIGNATURE = "webhook-signature";

  private WebhookSignature() {}

  /** The {@code webhook-signature} value for a request. */
  public static String sign(byte[] secret, String id, long timestamp, byte[] body) {
    return "v1," + Base64.getEncoder().encodeToString(mac(secret, id, timestamp, body));
  }

  /**
   * Whether a request carries a valid signature of {@code body} by {@code secret}, sent within {@code tolerance} of
   * now. Compares in constant time; any missing or malformed header is a refusal.
   */
  public static boolean verify(byte[] secret, String id, String timestamp, byte[] body, String signatureHeader,
      Duration tolerance, Clock clock) {
    if (secret == null || id == null || timestamp == null || body == null || signatureHeader == null) {
      return false;
    }
    long ts;
    try {
      ts = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return false;
    }
    long now = clock.millis() / 1000;
    if (Math.abs(now - ts) > tolerance.toSeconds()) {
      return false;
    }
    byte[] expected = mac(secret, id, ts, body);
    boolean ok = false;
    // the header may carry several space-separated signatures (a secret being rotated); any valid one will do
    for (String part : signatureHeader.trim().split(" +")) {
      if (!part.startsWith("v1,")) {
        continue;
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(part.substring(3));
      } catch (IllegalArgumentException e) {
        continue;
      }
      ok |= MessageDigest.isEqual(expected, given);
    }
    return ok;
  }

  private static byte[] mac(byte[] secret, String id, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
