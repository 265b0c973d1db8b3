package dev.tenantwright.plugin.cloudflare;

import dev.tenantwright.plugin.cloudflare.internal.DnsFields;
import dev.tenantwright.spi.HostName;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.util.Set;

/**
 * What a {@code cloudflare.dns-record} should be. Validated on construction; an invalid field is refused
 * with a {@link PermanentException} naming it. Whether the name may be used at all (allowed zones, apex,
 * wildcard, {@code _acme-challenge}) is decided by the plugin's configuration when the record is written.
 *
 * @param type {@code A}, {@code AAAA}, {@code CNAME} or {@code TXT}
 * @param name the record's fully qualified, lower-case name, e.g. {@code shop.example.com}
 * @param content an IPv4 address (A), an IPv6 address (AAAA), a host name (CNAME) or text (TXT)
 * @param proxied whether Cloudflare proxies traffic (A, AAAA, CNAME only); default false. A proxied record's TTL
 *     is always automatic.
 * @param ttl seconds, 60–86400, or 1 for automatic (the default); not used when proxied
 * @param zoneId the zone to write the record to; default: the configured zone, or the zone found from the name
 */
public record DnsRecordSpec(String type, @HostName String name, String content, @Nullable Boolean proxied, @Nullable Integer ttl,
    @Nullable String zoneId) {

  private static final Set<String> TYPES = Set.of("A", "AAAA", "CNAME", "TXT");

  /** Validates every field. */
  public DnsRecordSpec {
    if (type == null || !TYPES.contains(type)) {
      throw new PermanentException("field 'type': \"" + type + "\" is not supported: use A, AAAA, CNAME or TXT");
    }
    DnsFields.recordName("name", name);
    DnsFields.content("content", type, content);
    DnsFields.ttl("ttl", ttl);
    if (Boolean.TRUE.equals(proxied) && type.equals("TXT")) {
      throw new PermanentException("field 'proxied': a TXT record cannot be proxied");
    }
    DnsFields.zoneId("zoneId", zoneId);
  }

  /** A record in the zone the configuration or the name decides. */
  public DnsRecordSpec(String type, String name, String content, @Nullable Boolean proxied, @Nullable Integer ttl) {
    this(type, name, content, proxied, ttl, null);
  }
}
