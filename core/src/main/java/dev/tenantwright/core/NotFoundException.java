package dev.tenantwright.core;

import dev.tenantwright.spi.TenantwrightException;

/** A tenant, environment, run or blueprint that does not exist. */
public class NotFoundException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception naming what was looked for. */
  public NotFoundException(String message) {
    super(message);
  }
}
