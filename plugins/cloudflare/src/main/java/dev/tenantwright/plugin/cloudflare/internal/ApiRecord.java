package dev.tenantwright.plugin.cloudflare.internal;

import dev.tenantwright.spi.Nullable;

/**
 * A DNS record as Cloudflare returns it, reduced to the fields the plugin reads.
 *
 * @param id the record's identifier
 * @param type the record type, e.g. {@code CNAME}
 * @param name the fully qualified name, lower case
 * @param content the record's content (TXT content may come back in double quotes)
 * @param proxied whether Cloudflare proxies the record; null for types that cannot be proxied
 * @param ttl the TTL in seconds, 1 meaning automatic
 * @param comment the record's comment, where the plugin keeps its ownership marker; null when none
 */
public record ApiRecord(String id, String type, String name, String content, @Nullable Boolean proxied,
    @Nullable Integer ttl, @Nullable String comment) {

  /** The content without the double quotes the API may add around TXT content. */
  public String plainContent() {
    return unquote(content);
  }

  /** {@code "A www.example.com -> 198.51.100.4 (id 372e...)"}, for messages. */
  public String describe() {
    return type + " " + name + " -> " + content + " (id " + id + ")";
  }

  /** Strips one pair of surrounding double quotes. */
  public static String unquote(String s) {
    return s != null && s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }
}
