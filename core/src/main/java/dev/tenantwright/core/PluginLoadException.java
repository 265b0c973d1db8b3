package dev.tenantwright.core;

import dev.tenantwright.spi.TenantwrightException;

/**
 * A plugin or type could not be loaded, so the host refuses to start: a plugin whose {@code Plugin-Requires}
 * range excludes this SPI version, a jar that does not load, a plugin that fails to start, an extension that
 * cannot be created, an invalid type name, or two contributions of the same type name.
 *
 * <p>Thrown by {@code Tenantwright.builder().build()} and the Guice module, never while runs execute: a host
 * that starts has every type its blueprints can name. The message names the plugin (and, for duplicates,
 * both origins) so an operator can remove or upgrade the right jar.
 */
public class PluginLoadException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the plugin or type at fault. */
  public PluginLoadException(String message) {
    super(message);
  }

  /** Creates the exception with a message that names the plugin or type at fault, and the cause. */
  public PluginLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
