package dev.tenantwright.plugin.incus;

/**
 * What an {@code incus.exec} ran in, referable in blueprints as {@code ${sample-data.instance}}.
 *
 * @param instance the instance's name in Incus
 * @param project the Incus project it lives in
 */
public record ExecOutputs(String instance, String project) {}
