package dev.tenantwright.core;

import java.time.Instant;

/**
 * One status event sent (or being sent) to one {@link StatusWebhook}, as the journal records it.
 *
 * @param id the delivery id (the {@code webhook-id} header)
 * @param endpoint the webhook's name
 * @param eventId the journal id of the event
 * @param tenantId the tenant the event is about
 * @param eventType the event's type
 * @param state {@code PENDING} (waiting for its next attempt), {@code DELIVERED} (answered 2xx) or {@code FAILED}
 *     (attempts used up)
 * @param attempts attempts made so far
 * @param lastStatus the HTTP status of the last attempt, or null (no answer)
 * @param lastError why the last attempt failed, or null
 * @param createdAt when the event became a delivery
 * @param finishedAt when it was delivered or given up, or null
 */
public record WebhookDelivery(
    String id, String endpoint, long eventId, String tenantId, EventType eventType, String state, int attempts,
    Integer lastStatus, String lastError, Instant createdAt, Instant finishedAt) {}
