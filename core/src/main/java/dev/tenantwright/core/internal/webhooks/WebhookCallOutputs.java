package dev.tenantwright.core.internal.webhooks;

/**
 * What a {@code webhook.call} step left.
 *
 * @param endpoint the webhook's name
 * @param event the event sent
 * @param deliveryId the {@code webhook-id} it was sent with (the same on every attempt)
 * @param status the receiver's HTTP status
 * @param reference what the receiver answered as {@code {"reference": "..."}} (its record's id), or null
 */
public record WebhookCallOutputs(String endpoint, String event, String deliveryId, int status, String reference) {}
