package dev.tenantwright.core.internal.types;

import dev.tenantwright.spi.Secret;
import java.util.Objects;

/**
 * What a {@code secret} resource produced; referable in blueprints as {@code ${name.value}} and stored
 * encrypted in the journal.
 *
 * @param value the generated secret
 */
public record SecretOutputs(Secret value) {

  /** Validates presence. */
  public SecretOutputs {
    Objects.requireNonNull(value, "value");
  }
}
