package dev.tenantwright.plugin.cloudflare;

import dev.tenantwright.plugin.support.Durations;
import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.Secret;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code cloudflare} section of the host's plugin configuration: which zones records may go to, which
 * risky names are allowed, how to reach the API and which resolvers answer DNS questions.
 *
 * <pre>{@code
 * Tenantwright.builder().pluginConfig("cloudflare", Map.of(
 *     "token", System.getenv("CLOUDFLARE_API_TOKEN"),     // "DNS Write" (+ "Zone Read" to find zones)
 *     "allowedZones", List.of("sites.example.com", "customers.example.net"),
 *     "resolvers", List.of("1.1.1.1:53", "8.8.8.8:53")));
 * }</pre>
 *
 * <p>Zones: with {@code zoneId}, records go to that zone and, unless {@code allowedZones} lists more, only there;
 * without it, a record's zone is found from its name ({@code GET /zones?name=}, longest match) among the zones the
 * token can read, or given per resource ({@code zoneId} param). {@code allowedZones} restricts every record to
 * names inside those zones (their sub-zones included), checked before any call.
 *
 * @param token an API token with DNS write permission on the zones, sent as {@code Authorization: Bearer}; finding
 *     a zone by name, or reading the name of {@code zoneId} when {@code zoneName} is not given, also needs "Zone Read"
 * @param zoneId the zone records go to when their resource names none (32 hexadecimal characters, from the zone's
 *     overview page); null to find each record's zone from its name
 * @param zoneName the name of {@code zoneId}, e.g. {@code example.com}; saves reading it from the API (which needs
 *     "Zone Read"); only with {@code zoneId}
 * @param allowedZones the only zones (domain names) records may be put in, sub-zones included; null or empty to
 *     allow the configured zone only (with {@code zoneId}) or every zone the token can reach (without)
 * @param baseUrl the API's base URL; default {@code https://api.cloudflare.com/client/v4}
 * @param timeout how long one API call may take, e.g. {@code 30s}; default 30 seconds
 * @param commentLimit the longest record comment the zones' plan accepts; default 100 (Free plan), 500 on paid
 *     plans. Ownership markers longer than this are stored shortened.
 * @param allowApex whether records may be put at a zone's apex ({@code example.com} itself); default false
 * @param allowWildcard whether a record name may start with the wildcard label {@code *}; default false
 * @param allowAcmeChallenge whether a record name may start with {@code _acme-challenge} (which proves control of
 *     the domain to a certificate authority); default false
 * @param allowSharedTxt whether a TXT record may join TXT records of the same name that this resource does not
 *     own; default false
 * @param resolvers the DNS resolvers that answer visibility checks, as {@code address[:port]} IP literals
 *     ({@code 1.1.1.1}, {@code 127.0.0.1:5353}, {@code [2606:4700:4700::1111]:53}); null or empty for the system's
 *     resolvers ({@code /etc/resolv.conf} on Linux)
 * @param resolverTimeout how long one resolver may take to answer one question, e.g. {@code 5s}; default 5 seconds
 */
public record CloudflareConfig(
    Secret token,
    @Nullable String zoneId,
    @Nullable String zoneName,
    @Nullable List<String> allowedZones,
    @Nullable String baseUrl,
    @Nullable Duration timeout,
    @Nullable Integer commentLimit,
    @Nullable Boolean allowApex,
    @Nullable Boolean allowWildcard,
    @Nullable Boolean allowAcmeChallenge,
    @Nullable Boolean allowSharedTxt,
    @Nullable List<String> resolvers,
    @Nullable Duration resolverTimeout) {

  /** The public API's base URL. */
  public static final String DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4";

  private static final Pattern ZONE_ID = Pattern.compile("[A-Za-z0-9]{1,32}");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV4_PORT = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}(:\\d*)?");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

  /** Validates every field. */
  public CloudflareConfig {
    if (token == null) {
      throw new IllegalArgumentException("token is required");
    }
    if (zoneId != null && !ZONE_ID.matcher(zoneId).matches()) {
      throw new IllegalArgumentException("zoneId must be the zone's identifier: up to 32 letters and digits");
    }
    if (zoneName != null) {
      if (zoneId == null) {
        throw new IllegalArgumentException("zoneName names the zone of zoneId: set zoneId too");
      }
      Names.hostname("zoneName", zoneName);
    }
    if (allowedZones != null) {
      allowedZones = List.copyOf(allowedZones);
      for (String zone : allowedZones) {
        Names.hostname("allowedZones", zone);
        if (!zone.contains(".")) {
          throw new IllegalArgumentException("allowedZones: \"" + zone + "\" is not a zone name such as example.com");
        }
      }
    }
    if (baseUrl != null && !baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
      throw new IllegalArgumentException("baseUrl must be an http or https URL");
    }
    if (timeout != null) {
      Durations.requirePositive("timeout", timeout);
    }
    if (commentLimit != null && (commentLimit < 64 || commentLimit > 500)) {
      throw new IllegalArgumentException("commentLimit must be between 64 and 500");
    }
    if (resolvers != null) {
      resolvers = List.copyOf(resolvers);
      resolvers.forEach(CloudflareConfig::resolver);
    }
    if (resolverTimeout != null) {
      Durations.requirePositive("resolverTimeout", resolverTimeout);
    }
  }

  /** The single-zone configuration of earlier versions: a token, the zone, and the connection settings. */
  public CloudflareConfig(Secret token, @Nullable String zoneId, @Nullable String baseUrl, @Nullable Duration timeout,
      @Nullable Integer commentLimit) {
    this(token, zoneId, null, null, baseUrl, timeout, commentLimit, null, null, null, null, null, null);
  }

  /** The base URL to use. */
  public String effectiveBaseUrl() {
    return baseUrl == null ? DEFAULT_BASE_URL : baseUrl;
  }

  /** The per-call timeout to use. */
  public Duration effectiveTimeout() {
    return timeout == null ? Duration.ofSeconds(30) : timeout;
  }

  /** The comment limit to use. */
  public int effectiveCommentLimit() {
    return commentLimit == null ? 100 : commentLimit;
  }

  /** The allowed zones, lower case; empty when none are listed. */
  public List<String> allowedZoneNames() {
    return allowedZones == null ? List.of() : allowedZones;
  }

  /** Whether records may be put at a zone apex. */
  public boolean apexAllowed() {
    return Boolean.TRUE.equals(allowApex);
  }

  /** Whether a record name may start with {@code *}. */
  public boolean wildcardAllowed() {
    return Boolean.TRUE.equals(allowWildcard);
  }

  /** Whether a record name may start with {@code _acme-challenge}. */
  public boolean acmeChallengeAllowed() {
    return Boolean.TRUE.equals(allowAcmeChallenge);
  }

  /** Whether a TXT record may join foreign TXT records of its name. */
  public boolean sharedTxtAllowed() {
    return Boolean.TRUE.equals(allowSharedTxt);
  }

  /** The configured resolvers; empty for the system's. */
  public List<InetSocketAddress> resolverAddresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String r : resolvers == null ? List.<String>of() : resolvers) {
      out.add(resolver(r));
    }
    return out;
  }

  /** How long one resolver may take for one question. */
  public Duration effectiveResolverTimeout() {
    return resolverTimeout == null ? Duration.ofSeconds(5) : resolverTimeout;
  }

  /** Parses {@code address[:port]} without any DNS lookup: only IP literals are accepted. */
  private static InetSocketAddress resolver(String text) {
    String t = text == null ? "" : text.trim();
    String host;
    String port = null;
    if (t.startsWith("[") && t.indexOf(']') > 0) {
      host = t.substring(1, t.indexOf(']'));
      String rest = t.substring(t.indexOf(']') + 1);
      if (!rest.isEmpty()) {
        port = rest.startsWith(":") ? rest.substring(1) : "x";
      }
    } else if (IPV4_PORT.matcher(t).matches()) {
      int colon = t.indexOf(':');
      host = colon < 0 ? t : t.substring(0, colon);
      port = colon < 0 ? null : t.substring(colon + 1);
    } else {
      host = t;
    }
    boolean literal = IPV4.matcher(host).matches() && Arrays.stream(host.split("\\.")).allMatch(o -> o.length() <= 3
        && Integer.parseInt(o) <= 255) || IPV6.matcher(host).matches() && host.contains(":");
    if (!literal || port != null && !port.matches("\\d{1,5}")) {
      throw new IllegalArgumentException("resolvers: \"" + text + "\" is not an IP address with an optional port, "
          + "e.g. 1.1.1.1:53 or [2606:4700:4700::1111]:53");
    }
    int number = port == null ? 53 : Integer.parseInt(port);
    if (number < 1 || number > 65535) {
      throw new IllegalArgumentException("resolvers: \"" + text + "\" has a port outside 1-65535");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), number);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("resolvers: \"" + text + "\" is not an IP address", e);
    }
  }
}
