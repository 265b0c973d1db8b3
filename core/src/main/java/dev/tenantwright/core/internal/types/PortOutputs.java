package dev.tenantwright.core.internal.types;

/**
 * The host port a {@code port} resource holds; referable in blueprints as {@code ${name.port}}.
 *
 * @param port the port, unique on this host
 */
public record PortOutputs(int port) {}
