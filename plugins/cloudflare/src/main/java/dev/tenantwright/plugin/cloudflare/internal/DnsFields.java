package dev.tenantwright.plugin.cloudflare.internal;

import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.spi.PermanentException;
import java.util.regex.Pattern;

/**
 * Validates DNS record fields before they reach Cloudflare, with messages that name the blueprint field.
 * Nothing is normalised silently. Stateless.
 */
public final class DnsFields {

  private static final Pattern ZONE_ID = Pattern.compile("[A-Za-z0-9]{1,32}");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9])?");
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}(:\\d+\\.\\d+\\.\\d+\\.\\d+)?");

  private DnsFields() {}

  /**
   * A record name: a fully qualified, lower-case name of 1–63 character labels; labels may hold {@code _}
   * ({@code _vercel.example.com}, {@code _acme-challenge...}) and the first may be {@code *}. Whether such a name
   * may be written is the configuration's call ({@code NamePolicy}).
   */
  public static String recordName(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw invalid(field, value, "must not be empty");
    }
    if (value.length() > 253) {
      throw invalid(field, value, "is longer than 253 characters");
    }
    String[] labels = value.split("\\.", -1);
    if (labels.length < 2) {
      throw invalid(field, value, "must be a fully qualified name such as shop.example.com");
    }
    for (int i = 0; i < labels.length; i++) {
      String label = labels[i];
      boolean wildcard = i == 0 && label.equals("*");
      if (!wildcard && (label.length() > 63 || !LABEL.matcher(label).matches())) {
        throw invalid(field, value, "label '" + label + "' must be 1 to 63 lowercase letters, digits, '-' or '_',"
            + " not starting or ending with '-'");
      }
    }
    return value;
  }

  /** The content of a record of {@code type}: IPv4 for A, IPv6 for AAAA, a host name for CNAME, text for TXT. */
  public static String content(String field, String type, String value) {
    if (value == null || value.isEmpty()) {
      throw invalid(field, value, "must not be empty");
    }
    switch (type) {
      case "A" -> {
        if (!IPV4.matcher(value).matches()) {
          throw invalid(field, value, "is not an IPv4 address, which an A record needs");
        }
      }
      case "AAAA" -> {
        if (!IPV6.matcher(value).matches()) {
          throw invalid(field, value, "is not an IPv6 address, which an AAAA record needs");
        }
      }
      case "CNAME" -> Names.hostname(field, value);
      case "TXT" -> {
        if (value.length() > 4096) {
          throw invalid(field, value.substring(0, 20) + "...", "is longer than 4096 characters");
        }
      }
      default -> throw invalid("type", type, "is not supported: use A, AAAA, CNAME or TXT");
    }
    return value;
  }

  /** A zone identifier, when given: up to 32 letters and digits (it becomes a path segment of every call). */
  public static String zoneId(String field, String value) {
    if (value != null && !ZONE_ID.matcher(value).matches()) {
      throw invalid(field, value, "is not a Cloudflare zone identifier: up to 32 letters and digits");
    }
    return value;
  }

  /** A TTL: 1 (automatic) or 60 to 86400 seconds. */
  public static int ttl(String field, Integer value) {
    if (value == null) {
      return 1;
    }
    if (value != 1 && (value < 60 || value > 86400)) {
      throw invalid(field, String.valueOf(value), "must be 1 (automatic) or between 60 and 86400 seconds");
    }
    return value;
  }

  private static PermanentException invalid(String field, String value, String why) {
    return new PermanentException("field '" + field + "': \"" + value + "\" " + why);
  }
}
