package dev.tenantwright.spi;

/**
 * The three kinds of environment a tenant has.
 *
 * <p>{@link #LIVE} is protected: it is never reset or destroyed without an approval and never receives
 * data-bearing resources from the others.
 */
public enum EnvironmentKind {
  /** The demo environment, named {@code demo}, provisioned with sample data; may be reset. */
  DEMO,
  /** A disposable test instance, named {@code test-<name>}; a tenant may have many. */
  TEST,
  /** The protected production environment, named {@code live}. */
  LIVE
}
