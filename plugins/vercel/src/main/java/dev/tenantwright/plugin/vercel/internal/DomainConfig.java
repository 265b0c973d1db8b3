package dev.tenantwright.plugin.vercel.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.spi.Nullable;

/**
 * What {@code GET /v6/domains/{domain}/config} says about a domain: whether it is configured — "the domain is
 * configured AND we can automatically generate a TLS certificate" ({@code misconfigured} false) — how Vercel sees
 * it pointing there, and the records Vercel recommends (the lowest {@code rank} is preferred).
 *
 * @param configured {@code misconfigured} is false
 * @param configuredBy {@code CNAME}, {@code A}, {@code http} or {@code dns-01}; null while the domain does not
 *     resolve to Vercel
 * @param recommendedCNAME the preferred CNAME target, or null
 * @param recommendedIPv4 the preferred IPv4 address, or null
 */
public record DomainConfig(boolean configured, @Nullable String configuredBy, @Nullable String recommendedCNAME,
    @Nullable String recommendedIPv4) {

  /** Reads the answer of {@code GET /v6/domains/{domain}/config}. */
  public static DomainConfig of(JsonNode config) {
    boolean configured = config.path("misconfigured").isBoolean() && !config.get("misconfigured").asBoolean();
    String by = config.hasNonNull("configuredBy") ? config.get("configuredBy").asText() : null;
    String cname = null;
    double best = Double.MAX_VALUE;
    for (JsonNode c : config.path("recommendedCNAME")) {
      if (c.hasNonNull("value") && c.path("rank").asDouble(Double.MAX_VALUE) < best) {
        best = c.path("rank").asDouble(Double.MAX_VALUE);
        cname = stripDot(c.get("value").asText());
      }
    }
    String ipv4 = null;
    best = Double.MAX_VALUE;
    for (JsonNode a : config.path("recommendedIPv4")) {
      JsonNode values = a.path("value");
      if (values.isArray() && !values.isEmpty() && a.path("rank").asDouble(Double.MAX_VALUE) < best) {
        best = a.path("rank").asDouble(Double.MAX_VALUE);
        ipv4 = values.get(0).asText();
      }
    }
    return new DomainConfig(configured, by, cname, ipv4);
  }

  /** What to place for the domain, for messages: {@code CNAME <target>} and/or {@code A <address>}. */
  public String advice() {
    if (recommendedCNAME != null && recommendedIPv4 != null) {
      return "a CNAME " + recommendedCNAME + " (or, for an apex domain, an A record " + recommendedIPv4 + ")";
    }
    if (recommendedCNAME != null) {
      return "a CNAME " + recommendedCNAME;
    }
    return recommendedIPv4 == null ? "the records Vercel's dashboard shows" : "an A record " + recommendedIPv4;
  }

  private static String stripDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}
