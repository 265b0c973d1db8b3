package dev.tenantwright.plugin.cloudflare;

import dev.tenantwright.plugin.support.Durations;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.Secret;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The {@code cloudflare} section of the host's plugin configuration: which zone to manage and how to reach
 * the API.
 *
 * <pre>{@code
 * Tenantwright.builder().pluginConfig("cloudflare", Map.of(
 *     "token", System.getenv("CLOUDFLARE_API_TOKEN"),     // "DNS Write" on the zone
 *     "zoneId", "023e105f4ecef8ad9ca31a8372d0c353"));
 * }</pre>
 *
 * @param token an API token with DNS write permission on the zone, sent as {@code Authorization: Bearer}
 * @param zoneId the zone's identifier (32 hexadecimal characters, from the zone's overview page)
 * @param baseUrl the API's base URL; default {@code https://api.cloudflare.com/client/v4}
 * @param timeout how long one API call may take, e.g. {@code 30s}; default 30 seconds
 * @param commentLimit the longest record comment the zone's plan accepts; default 100 (Free plan), 500 on paid
 *     plans. Ownership markers longer than this are stored shortened.
 */
public record CloudflareConfig(
    Secret token,
    String zoneId,
    @Nullable String baseUrl,
    @Nullable String timeout,
    @Nullable Integer commentLimit) {

  /** The public API's base URL. */
  public static final String DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4";

  private static final Pattern ZONE_ID = Pattern.compile("[A-Za-z0-9]{1,32}");

  /** Validates every field. */
  public CloudflareConfig {
    if (token == null) {
      throw new IllegalArgumentException("token is required");
    }
    if (zoneId == null || !ZONE_ID.matcher(zoneId).matches()) {
      throw new IllegalArgumentException("zoneId must be the zone's identifier: up to 32 letters and digits");
    }
    if (baseUrl != null && !baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
      throw new IllegalArgumentException("baseUrl must be an http or https URL");
    }
    if (timeout != null) {
      Durations.parse("timeout", timeout);
    }
    if (commentLimit != null && (commentLimit < 64 || commentLimit > 500)) {
      throw new IllegalArgumentException("commentLimit must be between 64 and 500");
    }
  }

  /** The base URL to use. */
  public String effectiveBaseUrl() {
    return baseUrl == null ? DEFAULT_BASE_URL : baseUrl;
  }

  /** The per-call timeout to use. */
  public Duration effectiveTimeout() {
    return timeout == null ? Duration.ofSeconds(30) : Durations.parse("timeout", timeout);
  }

  /** The comment limit to use. */
  public int effectiveCommentLimit() {
    return commentLimit == null ? 100 : commentLimit;
  }
}
