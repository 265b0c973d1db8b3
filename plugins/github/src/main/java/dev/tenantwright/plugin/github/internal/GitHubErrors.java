package dev.tenantwright.plugin.github.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.BackendError;
import dev.tenantwright.plugin.support.ErrorDecoder;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.spi.RetryableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How GitHub says what went wrong, and when a refusal is a rate limit.
 *
 * <p>Errors are {@code {"message","documentation_url"}}, with {@code errors[]} for a 422 — {@code {"resource",
 * "field","code","message"}} objects, or plain strings
 * (docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api).
 * The decoder turns them into one line: {@code Repository creation failed. (Repository.name: name already exists on
 * this account)}.
 *
 * <p>GitHub answers an exceeded limit with 403 <em>or</em> 429
 * (docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api), so a 403 is not always permanent: with {@code retry-after} it is retried after that many seconds; with
 * {@code x-ratelimit-remaining: 0} after {@code x-ratelimit-reset} (epoch seconds); a secondary limit that says
 * neither ("You have exceeded a secondary rate limit") after a minute, as the page asks. Any other 403 — a token
 * without the permission — stays permanent. The shared client would classify every 403 as permanent and a bare 429
 * after its short default, which is why these two statuses are judged here. Stateless.
 */
public final class GitHubErrors {

  /** The wait GitHub asks for after a secondary limit that gives no header: "at least one minute". */
  public static final Duration SECONDARY_LIMIT_WAIT = Duration.ofMinutes(1);

  /** Reads GitHub's error bodies; falls back to the standard decoder. */
  public static final ErrorDecoder DECODER = GitHubErrors::decode;

  private GitHubErrors() {}

  private static Optional<BackendError> decode(RestResponse response) {
    JsonNode body;
    try {
      body = response.json();
    } catch (RuntimeException e) {
      return ErrorDecoder.standard().decode(response);
    }
    if (!body.path("message").isTextual()) {
      return ErrorDecoder.standard().decode(response);
    }
    List<String> details = new ArrayList<>();
    for (JsonNode e : body.path("errors")) {
      if (e.isTextual()) {
        details.add(e.asText());
      } else {
        String where = e.path("resource").asText("") + (e.hasNonNull("field") ? "." + e.get("field").asText() : "");
        String what = e.hasNonNull("message") ? e.get("message").asText() : e.path("code").asText("");
        details.add(where.isEmpty() ? what : where + ": " + what);
      }
    }
    String message = body.get("message").asText() + (details.isEmpty() ? "" : " (" + String.join("; ", details) + ")");
    message = message.strip().replaceAll("\\s+", " ");
    return Optional.of(new BackendError(null, message.length() > 300 ? message.substring(0, 300) + "..." : message));
  }

  /**
   * How long a 403 or 429 asks to wait, or empty when it is not a rate limit (a 403 for a missing permission).
   *
   * @param now the time {@code x-ratelimit-reset} is measured from
   */
  public static Optional<Duration> rateLimitWait(RestResponse response, Instant now) {
    Optional<String> retryAfter = response.header("retry-after").map(String::trim);
    if (retryAfter.isPresent() && !retryAfter.get().isEmpty() && retryAfter.get().length() < 10
        && retryAfter.get().chars().allMatch(Character::isDigit)) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(retryAfter.get())));
    }
    if (response.header("x-ratelimit-remaining").map(String::trim).filter("0"::equals).isPresent()) {
      Optional<String> reset = response.header("x-ratelimit-reset").map(String::trim)
          .filter(v -> !v.isEmpty() && v.length() < 19 && v.chars().allMatch(Character::isDigit));
      if (reset.isPresent()) {
        Duration d = Duration.between(now, Instant.ofEpochSecond(Long.parseLong(reset.get())));
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      }
      return Optional.of(SECONDARY_LIMIT_WAIT);
    }
    String said = DECODER.decode(response).map(BackendError::message).orElse("").toLowerCase(Locale.ROOT);
    if (response.status() == 429 || said.contains("rate limit")) {
      return Optional.of(SECONDARY_LIMIT_WAIT);
    }
    return Optional.empty();
  }

  /**
   * The exception for a 403 or 429: {@link RetryableException#rateLimited} with GitHub's wait when it is a limit,
   * otherwise what the shared client throws for the status (permanent for a 403).
   */
  public static RuntimeException refusal(String client, RestResponse response, Instant now) {
    Optional<Duration> wait = rateLimitWait(response, now);
    if (wait.isEmpty()) {
      try {
        response.requireSuccess();
      } catch (RuntimeException e) {
        return e;
      }
      throw new IllegalStateException("a " + response.status() + " cannot be a success");
    }
    String said = DECODER.decode(response).map(e -> ": " + e.message()).orElse("");
    return RetryableException.rateLimited(client + ": " + response.method() + " " + response.path() + " returned "
        + response.status() + " (rate limited, retry after " + wait.get().toSeconds() + " s)" + said, wait.get());
  }
}
