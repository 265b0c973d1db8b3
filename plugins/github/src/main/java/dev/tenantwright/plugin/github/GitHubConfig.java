package dev.tenantwright.plugin.github;

import dev.tenantwright.plugin.support.Durations;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.Secret;
import java.time.Duration;

/**
 * The {@code github} section of the host's plugin configuration: the token to act with and how to reach and poll
 * the API.
 *
 * <pre>{@code
 * Tenantwright.builder().pluginConfig("github", Map.of(
 *     "token", System.getenv("GITHUB_TOKEN"),
 *     "apiUrl", "https://github.acme.example/api/v3"));     // GitHub Enterprise Server; omit for github.com
 * }</pre>
 *
 * @param token a fine-grained or classic personal access token, or an installation token, sent as
 *     {@code Authorization: Bearer}; it needs the Administration (write) permission to create and delete repositories
 *     and Webhooks (write) for hooks
 * @param apiUrl the REST API's base URL; default {@code https://api.github.com}
 * @param userAgent the {@code User-Agent} GitHub requires on every request; default {@value #DEFAULT_USER_AGENT}
 * @param timeout how long one API call may take, e.g. {@code 30s}; default 30 seconds
 * @param pollInterval the first wait between reads of a repository GitHub is still copying from its template,
 *     doubling up to {@code maxPollInterval}; default 1 second
 * @param maxPollInterval the longest wait between those reads; default 10 seconds
 * @param allowHttpHooks whether a webhook URL may be plain {@code http} — only ever to a loopback address
 *     ({@code 127.0.0.1}, {@code ::1}, {@code localhost}), for tests against {@code GitHubFake}; default false
 */
public record GitHubConfig(
    Secret token,
    @Nullable String apiUrl,
    @Nullable String userAgent,
    @Nullable Duration timeout,
    @Nullable Duration pollInterval,
    @Nullable Duration maxPollInterval,
    @Nullable Boolean allowHttpHooks) {

  /** The public API's base URL. */
  public static final String DEFAULT_API_URL = "https://api.github.com";
  /** The user agent sent unless configured otherwise. */
  public static final String DEFAULT_USER_AGENT = "tenantwright-plugin-github";
  /**
   * The REST API version every request asks for with {@code X-GitHub-Api-Version}
   * (docs.github.com/en/rest/about-the-rest-api/api-versions).
   */
  public static final String API_VERSION = "2022-11-28";

  /** Validates every field. */
  public GitHubConfig {
    if (token == null) {
      throw new IllegalArgumentException("token is required");
    }
    if (apiUrl != null && !apiUrl.startsWith("http://") && !apiUrl.startsWith("https://")) {
      throw new IllegalArgumentException("apiUrl must be an http or https URL");
    }
    if (userAgent != null && userAgent.isBlank()) {
      throw new IllegalArgumentException("userAgent must not be blank: GitHub refuses requests without one");
    }
    Durations.requirePositive("timeout", timeout);
    Durations.requirePositive("pollInterval", pollInterval);
    Durations.requirePositive("maxPollInterval", maxPollInterval);
  }

  /** The base URL to use. */
  public String effectiveApiUrl() {
    return apiUrl == null ? DEFAULT_API_URL : apiUrl;
  }

  /** The user agent to send. */
  public String effectiveUserAgent() {
    return userAgent == null ? DEFAULT_USER_AGENT : userAgent;
  }

  /** The per-call timeout to use. */
  public Duration effectiveTimeout() {
    return timeout == null ? Duration.ofSeconds(30) : timeout;
  }

  /** The first wait between reads of a repository being generated. */
  public Duration effectivePollInterval() {
    return pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
  }

  /** The longest wait between those reads. */
  public Duration effectiveMaxPollInterval() {
    return maxPollInterval == null ? Duration.ofSeconds(10) : maxPollInterval;
  }

  /** Whether plain-http webhook URLs to loopback addresses are allowed. */
  public boolean httpHooksAllowed() {
    return Boolean.TRUE.equals(allowHttpHooks);
  }
}
