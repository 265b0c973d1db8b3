package dev.tenantwright.plugin.cloudflare;

import dev.tenantwright.spi.Nullable;
import java.util.Objects;

/**
 * What a {@code cloudflare.dns-record} is after provisioning; referable as {@code ${dns.id}}, {@code ${dns.name}}...
 *
 * @param id Cloudflare's record identifier, the only handle delete uses
 * @param type the record type
 * @param name the fully qualified name
 * @param content the content
 * @param proxied whether Cloudflare proxies the record
 * @param ttl the TTL, 1 meaning automatic
 * @param zoneId the zone the record is in; null in outputs recorded by versions that knew one zone only
 */
public record DnsRecordOutputs(String id, String type, String name, String content, boolean proxied, int ttl,
    @Nullable String zoneId) {

  /** Validates presence. */
  public DnsRecordOutputs {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(content, "content");
  }

  /** Outputs without a recorded zone, as versions that knew one zone only recorded them. */
  public DnsRecordOutputs(String id, String type, String name, String content, boolean proxied, int ttl) {
    this(id, type, name, content, proxied, ttl, null);
  }
}
