package dev.tenantwright.spi;

/**
 * The version of this SPI contract, which plugins name in their {@code Plugin-Requires} range.
 *
 * <p>It is independent of the artifact version: it changes only when a type in this package changes
 * incompatibly (major) or gains something (minor). The host refuses a plugin whose range excludes it.
 */
public final class SpiVersion {

  /** The contract version this jar implements, in semantic-version form. */
  public static final String CURRENT = "1.3.0";

  private SpiVersion() {}
}
