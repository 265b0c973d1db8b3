package dev.tenantwright.plugin.cloudflare;

import dev.tenantwright.spi.Nullable;
import java.util.Objects;

/**
 * The TXT record a {@code cloudflare.txt-verification} saw.
 *
 * @param name the record's name
 * @param value the text it holds
 * @param recordId Cloudflare's identifier of the record; null when it is not in a zone the plugin manages
 * @param managed whether this resource created the record (and deletes it on rollback)
 * @param zoneId the Cloudflare zone holding the record; null when it is in no zone the plugin manages
 */
public record TxtVerificationOutputs(String name, String value, @Nullable String recordId, boolean managed,
    @Nullable String zoneId) {

  /** Validates presence. */
  public TxtVerificationOutputs {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  /** Outputs without a recorded zone, as versions that knew one zone only recorded them. */
  public TxtVerificationOutputs(String name, String value, @Nullable String recordId, boolean managed) {
    this(name, value, recordId, managed, null);
  }
}
