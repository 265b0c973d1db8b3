package dev.tenantwright.cli.internal;

/**
 * One server-sent event: its {@code id} (null when the event had none), its {@code event} name
 * ({@code message} by default) and its {@code data}, lines joined with {@code \n}.
 */
public record SseEvent(String id, String name, String data) {}
