package dev.tenantwright.core.internal.webhooks;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.Secret;
import java.util.Map;

/**
 * What a {@code webhook.call} step sends.
 *
 * @param endpoint the name of one of the host's {@code StatusWebhook}s (a tenant can never choose a URL)
 * @param event the event name the receiver dispatches on, e.g. {@code tenant.registered}; its undoing is sent as
 *     {@code <event>.undone}
 * @param fields plain values, e.g. the new site's URL
 * @param secrets values that are secrets, e.g. generated API keys: sent inside the signed body only, never journaled
 *     or logged in clear
 */
public record WebhookCallSpec(
    String endpoint, String event, @Nullable Map<String, String> fields, @Nullable Map<String, Secret> secrets) {

  /** Empty maps for absent ones. */
  public WebhookCallSpec {
    fields = fields == null ? Map.of() : Map.copyOf(fields);
    secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
  }
}
