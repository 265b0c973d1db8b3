package dev.tenantwright.core.internal.webhooks;

import dev.tenantwright.core.StatusWebhook;
import dev.tenantwright.core.WebhookSignature;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The headers of every request to a {@link StatusWebhook}: status deliveries and {@code webhook.call} steps alike. */
final class SignedHeaders {

  private SignedHeaders() {}

  /** User agent, {@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature} of {@code body}. */
  static Map<String, String> of(StatusWebhook hook, String id, long epochSeconds, byte[] body) {
    byte[] secret = hook.secret();
    try {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("User-Agent", "Tenantwright-Webhooks");
      h.put(WebhookSignature.ID, id);
      h.put(WebhookSignature.TIMESTAMP, Long.toString(epochSeconds));
      h.put(WebhookSignature.SIGNATURE, WebhookSignature.sign(secret, id, epochSeconds, body));
      return h;
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }
}
