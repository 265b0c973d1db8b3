package dev.tenantwright.core.internal.types;

import dev.tenantwright.core.internal.text.DurationGrammar;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What an {@code http.health-check} waits for: a URL that answers with an expected status (and body text).
 *
 * <p>Validated on construction; an invalid field is refused with a {@link PermanentException} naming it.
 *
 * @param url the {@code http} or {@code https} URL to GET
 * @param expectStatus the statuses that count as healthy; default any 2xx or 3xx (redirects are not followed)
 * @param timeout how long to keep trying, e.g. {@code 2m} or {@code 30s}; default 2 minutes, and never past
 *     the step's deadline
 * @param interval the first wait between tries, doubling up to 10 seconds; default 1 second
 * @param contains text the response body must contain (the first 64 KiB are searched)
 */
public record HealthCheckSpec(
    String url,
    @Nullable List<Integer> expectStatus,
    @Nullable String timeout,
    @Nullable String interval,
    @Nullable String contains) {

  /** The timeout used when none is given. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  /** The first interval used when none is given. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  /** Validates every field. */
  public HealthCheckSpec {
    if (url == null || url.isBlank()) {
      throw invalid("url", "missing");
    }
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw invalid("url", "not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw invalid("url", "only http and https URLs can be checked");
    }
    if (uri.getHost() == null) {
      throw invalid("url", "has no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw invalid("url", "must not carry credentials (user:password@); they would not be sent");
    }
    if (expectStatus != null) {
      if (expectStatus.isEmpty()) {
        throw invalid("expectStatus", "must list at least one status, or be left out");
      }
      for (Integer s : expectStatus) {
        if (s == null || s < 100 || s > 599) {
          throw invalid("expectStatus", "every status must be between 100 and 599");
        }
      }
      expectStatus = List.copyOf(expectStatus);
    }
    parse("timeout", timeout);
    parse("interval", interval);
    if (contains != null && contains.isEmpty()) {
      throw invalid("contains", "must not be empty");
    }
  }

  /** A check of {@code url} with every default. */
  public static HealthCheckSpec of(String url) {
    return new HealthCheckSpec(url, null, null, null, null);
  }

  /** The URL as a URI. */
  public URI uri() {
    return URI.create(url.strip());
  }

  /** The timeout as a duration. */
  public Duration timeoutDuration() {
    return timeout == null ? DEFAULT_TIMEOUT : DurationGrammar.parsePositive(timeout);
  }

  /** The first interval as a duration. */
  public Duration intervalDuration() {
    return interval == null ? DEFAULT_INTERVAL : DurationGrammar.parsePositive(interval);
  }

  /** Whether {@code status} counts as healthy. */
  public boolean accepts(int status) {
    return expectStatus == null ? status >= 200 && status < 400 : expectStatus.contains(status);
  }

  /** The URL for messages: scheme, host, port and path, without credentials or query. */
  public String describeUrl() {
    URI u = uri();
    return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
        + (u.getRawPath() == null ? "" : u.getRawPath());
  }

  private static void parse(String field, String text) {
    if (text == null) {
      return;
    }
    try {
      DurationGrammar.parsePositive(text);
    } catch (IllegalArgumentException e) {
      throw invalid(field, "must be a positive duration such as " + DurationGrammar.FORMS);
    }
  }

  private static PermanentException invalid(String field, String why) {
    return new PermanentException("http.health-check spec, field '" + field + "': " + why);
  }
}
