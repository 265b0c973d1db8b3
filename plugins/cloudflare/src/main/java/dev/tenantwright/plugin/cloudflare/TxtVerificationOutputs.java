package dev.tenantwright.plugin.cloudflare;

import dev.tenantwright.spi.Nullable;
import java.util.Objects;

/**
 * The TXT record a {@code cloudflare.txt-verification} saw.
 *
 * @param name the record's name
 * @param value the text it holds
 * @param recordId Cloudflare's identifier of the record
 * @param managed whether this resource created the record (and deletes it on rollback)
 */
public record TxtVerificationOutputs(String name, String value, @Nullable String recordId, boolean managed) {

  /** Validates presence. */
  public TxtVerificationOutputs {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }
}
