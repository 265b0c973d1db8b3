package dev.tenantwright.plugin.cloudflare;

import dev.tenantwright.plugin.cloudflare.internal.DnsFields;
import dev.tenantwright.plugin.support.Durations;
import dev.tenantwright.spi.HostName;
import dev.tenantwright.spi.Nullable;
import java.time.Duration;

/**
 * What a {@code cloudflare.txt-verification} proves: that DNS answers a TXT record of {@code name} holding
 * {@code value}, as Vercel's domain verification ({@code _vercel.example.com} → {@code vc-domain-verify=...}) and
 * most custom-domain checks ask. Validated on construction.
 *
 * @param name the TXT record's fully qualified name, e.g. {@code _vercel.example.com}
 * @param value the text the record must hold
 * @param manage true (the default) to create the record, in a zone the plugin may use, with this resource's
 *     ownership marker and delete it on rollback; false to only wait until someone else — the customer, in their
 *     own DNS or in a zone the token can read — has created it, never touching it
 * @param timeout how long to wait for the record to be visible through DNS, e.g. {@code 10m}; default 10 minutes,
 *     never past the step's deadline
 * @param interval the first wait between looks, doubling up to 30 seconds; default 2 seconds
 * @param zoneId the zone of a managed record; default: the configured zone, or the zone found from the name
 */
public record TxtVerificationSpec(
    String name,
    String value,
    @Nullable Boolean manage,
    @Nullable Duration timeout,
    @Nullable Duration interval,
    @Nullable String zoneId) {

  /** Validates every field. */
  public TxtVerificationSpec {
    DnsFields.recordName("name", name);
    DnsFields.content("value", "TXT", value);
    if (timeout != null) {
      Durations.requirePositive("timeout", timeout);
    }
    if (interval != null) {
      Durations.requirePositive("interval", interval);
    }
    DnsFields.zoneId("zoneId", zoneId);
  }

  /** A verification in the zone the configuration or the name decides. */
  public TxtVerificationSpec(String name, String value, @Nullable Boolean manage, @Nullable Duration timeout,
      @Nullable Duration interval) {
    this(name, value, manage, timeout, interval, null);
  }

  /**
   * The name the tenant's environment holds while this resource exists: the record's name when the resource creates
   * it, none when it only waits for a record someone else publishes.
   */
  @HostName
  public @Nullable String createdName() {
    return managed() ? name : null;
  }

  /** Whether the record is created and deleted by this resource. */
  public boolean managed() {
    return manage == null || manage;
  }

  /** How long to wait. */
  public Duration timeoutDuration() {
    return timeout == null ? Duration.ofMinutes(10) : timeout;
  }

  /** The first wait between looks. */
  public Duration intervalDuration() {
    return interval == null ? Duration.ofSeconds(2) : interval;
  }
}
