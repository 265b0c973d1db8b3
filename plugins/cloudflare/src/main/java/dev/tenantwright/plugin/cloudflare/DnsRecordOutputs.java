package dev.tenantwright.plugin.cloudflare;

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
 */
public record DnsRecordOutputs(String id, String type, String name, String content, boolean proxied, int ttl) {

  /** Validates presence. */
  public DnsRecordOutputs {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(content, "content");
  }
}
