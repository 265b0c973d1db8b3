package dev.tenantwright.core;

import java.util.List;

/** The journal of {@link StatusWebhook} deliveries. Obtained from {@link Tenantwright#webhooks()}. */
public interface Webhooks {

  /**
   * The newest {@code limit} deliveries about a tenant, newest first.
   *
   * @throws IllegalArgumentException when {@code limit} is not positive
   */
  List<WebhookDelivery> deliveries(String tenantId, int limit);

  /** The newest {@code limit} deliveries that were given up ({@code FAILED}), newest first: what needs a look. */
  List<WebhookDelivery> failed(int limit);
}
