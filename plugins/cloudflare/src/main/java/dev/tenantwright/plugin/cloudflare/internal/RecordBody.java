package dev.tenantwright.plugin.cloudflare.internal;

import dev.tenantwright.spi.Nullable;

/**
 * The body of a create, patch or overwrite call: the record as the plugin wants it. Null fields are not sent.
 *
 * @param type the record type
 * @param name the fully qualified name
 * @param content the content
 * @param proxied whether to proxy (A, AAAA and CNAME only; null for other types)
 * @param ttl the TTL in seconds, 1 for automatic
 * @param comment the ownership marker, shortened to the zone's comment limit
 */
public record RecordBody(String type, String name, String content, @Nullable Boolean proxied, Integer ttl,
    @Nullable String comment) {}
