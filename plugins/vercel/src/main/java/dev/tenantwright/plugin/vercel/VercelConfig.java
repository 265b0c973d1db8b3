package dev.tenantwright.plugin.vercel;

import dev.tenantwright.plugin.support.Durations;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.Secret;
import java.time.Duration;

/**
 * The {@code vercel} section of the host's plugin configuration: the account to act for and how to reach and
 * poll the API.
 *
 * <pre>{@code
 * Tenantwright.builder().pluginConfig("vercel", Map.of(
 *     "token", System.getenv("VERCEL_TOKEN"),
 *     "teamId", "team_1a2b3c4d5e6f7g8h9i0j1k2l"));
 * }</pre>
 *
 * @param token a Vercel access token, sent as {@code Authorization: Bearer}
 * @param teamId the team that owns the projects, sent as {@code ?teamId=} on every call; null for a personal
 *     account
 * @param baseUrl the API's base URL; default {@code https://api.vercel.com}
 * @param timeout how long one API call may take, e.g. {@code 30s}; default 30 seconds
 * @param pollInterval the first wait between polls of a deployment, doubling up to {@code maxPollInterval};
 *     default 2 seconds
 * @param maxPollInterval the longest wait between polls; default 15 seconds
 */
public record VercelConfig(
    Secret token,
    @Nullable String teamId,
    @Nullable String baseUrl,
    @Nullable Duration timeout,
    @Nullable Duration pollInterval,
    @Nullable Duration maxPollInterval) {

  /** The public API's base URL. */
  public static final String DEFAULT_BASE_URL = "https://api.vercel.com";

  /** Validates every field. */
  public VercelConfig {
    if (token == null) {
      throw new IllegalArgumentException("token is required");
    }
    if (teamId != null && teamId.isBlank()) {
      throw new IllegalArgumentException("teamId must not be blank; leave it out for a personal account");
    }
    if (baseUrl != null && !baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
      throw new IllegalArgumentException("baseUrl must be an http or https URL");
    }
    Durations.requirePositive("timeout", timeout);
    Durations.requirePositive("pollInterval", pollInterval);
    Durations.requirePositive("maxPollInterval", maxPollInterval);
  }

  /** The base URL to use. */
  public String effectiveBaseUrl() {
    return baseUrl == null ? DEFAULT_BASE_URL : baseUrl;
  }

  /** The per-call timeout to use. */
  public Duration effectiveTimeout() {
    return timeout == null ? Duration.ofSeconds(30) : timeout;
  }

  /** The first wait between deployment polls. */
  public Duration effectivePollInterval() {
    return pollInterval == null ? Duration.ofSeconds(2) : pollInterval;
  }

  /** The longest wait between deployment polls. */
  public Duration effectiveMaxPollInterval() {
    return maxPollInterval == null ? Duration.ofSeconds(15) : maxPollInterval;
  }
}
