package dev.tenantwright.plugin.support.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.BackendError;
import dev.tenantwright.plugin.support.ErrorDecoder;
import dev.tenantwright.plugin.support.RestResponse;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantwrightException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * The one place that turns an HTTP failure into the SPI's exceptions, so every plugin fails the same way.
 *
 * <ul>
 *   <li>429 → {@link RetryableException#rateLimited} after {@code Retry-After} (delta-seconds or HTTP-date);
 *       without one, until the reset a backend announces otherwise — {@code X-RateLimit-Reset} (Vercel, GitHub:
 *       epoch seconds; a small number is read as seconds from now), Vercel's error body
 *       {@code error.limit.reset} (epoch seconds), or the IETF draft's {@code Ratelimit: "name";r=0;t=<seconds>}
 *       (Cloudflare) — else after the client's default. A quota that resets hours later thus says so, and the
 *       engine fails the step at once instead of spending its attempts;
 *   <li>408 → retryable, the request was not processed;
 *   <li>5xx → retryable; the outcome is unknown unless the method is GET or HEAD;
 *   <li>other 4xx, 1xx, 3xx → {@link PermanentException};
 *   <li>an I/O failure → retryable; the outcome is unknown only if the request had started to go out and
 *       the method is not GET or HEAD (a refused connection or unknown host changed nothing).
 * </ul>
 *
 * <p>Messages name the client, method, path (never the query) and status, plus the backend's own
 * message; secret values the client knows are masked. Immutable and thread-safe.
 */
public final class ErrorClassifier {

  private final String clientName;
  private final ErrorDecoder decoder;
  private final Duration defaultRetryAfter;
  private final Clock clock;
  private final List<Secret> secrets;

  /**
   * Creates a classifier for one client.
   *
   * @param clientName the client's name for messages, e.g. {@code vercel}
   * @param decoder extracts the backend's message from error bodies
   * @param defaultRetryAfter the wait for a 429 that does not say how long
   * @param clock the clock HTTP-date {@code Retry-After} values are measured against
   * @param secrets values to mask in every message
   */
  public ErrorClassifier(
      String clientName, ErrorDecoder decoder, Duration defaultRetryAfter, Clock clock, List<Secret> secrets) {
    this.clientName = clientName;
    this.decoder = decoder;
    this.defaultRetryAfter = defaultRetryAfter;
    this.clock = clock;
    this.secrets = List.copyOf(secrets);
  }

  /** The client's name used in messages. */
  public String clientName() {
    return clientName;
  }

  /** The decoder for backend error bodies. */
  public ErrorDecoder decoder() {
    return decoder;
  }

  /** The exception for a response that is not 2xx. */
  public TenantwrightException classify(RestResponse response) {
    int status = response.status();
    String what = clientName + ": " + response.method() + " " + response.path() + " returned " + status;
    String said = backendMessage(response);
    if (status == 429) {
      Duration wait = rateLimitWait(response).orElse(defaultRetryAfter);
      return RetryableException.rateLimited(redact(what + " (rate limited, retry after " + wait.toMillis() + " ms)" + said), wait);
    }
    if (status == 408) {
      return new RetryableException(redact(what + said), retryAfter(response).orElse(null), false, null);
    }
    if (status >= 500) {
      return new RetryableException(
          redact(what + said), retryAfter(response).orElse(null), !isSafe(response.method()), null);
    }
    if (status >= 400) {
      return new PermanentException(redact(what + said));
    }
    return new PermanentException(redact(what + ", which the client does not handle" + said));
  }

  /**
   * The exception for a call that failed without a response.
   *
   * @param method the request's method
   * @param path the request's path as given, without query
   * @param e what went wrong
   * @param requestSent whether the request had started to go out on the wire
   */
  public TenantwrightException classify(String method, String path, IOException e, boolean requestSent) {
    if (e instanceof javax.net.ssl.SSLHandshakeException || e instanceof javax.net.ssl.SSLPeerUnverifiedException) {
      // a certificate that does not verify or match its pin will not start matching on a retry
      return new PermanentException(redact(clientName + ": " + method + " " + path + " failed: TLS handshake refused ("
          + e.getMessage() + "); check the server certificate pin and the client certificate"), e);
    }
    boolean unknown = requestSent && !isSafe(method);
    String what = clientName + ": " + method + " " + path + " failed: " + describe(e, requestSent);
    return new RetryableException(redact(what), null, unknown, e);
  }

  private static String describe(IOException e, boolean requestSent) {
    String kind;
    if (e instanceof UnknownHostException) {
      kind = "unknown host";
    } else if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
      kind = "connection refused";
    } else if (e instanceof SocketTimeoutException) {
      kind = requestSent ? "read timed out" : "connect timed out";
    } else if (e instanceof InterruptedIOException) {
      kind = "call timed out";
    } else {
      kind = "I/O error";
    }
    String detail = e.getMessage();
    return detail == null || detail.isBlank() ? kind : kind + " (" + detail + ")";
  }

  private String backendMessage(RestResponse response) {
    Optional<BackendError> error;
    try {
      error = decoder.decode(response);
    } catch (RuntimeException e) {
      // A faulty custom decoder must not hide the status; the message just gets shorter.
      error = Optional.empty();
    }
    return error.map(BackendError::toString).filter(s -> !s.isBlank()).map(s -> ": " + s).orElse("");
  }

  private Optional<Duration> retryAfter(RestResponse response) {
    return response.header("Retry-After").flatMap(v -> parseRetryAfter(v, clock.instant()));
  }

  /** How long a 429 asks to wait: {@code Retry-After} first, then the reset the backend announces. */
  private Optional<Duration> rateLimitWait(RestResponse response) {
    Instant now = clock.instant();
    return retryAfter(response)
        // Vercel: "X-RateLimit-Reset: epoch seconds" (vercel.com/docs/rest-api, "Rate limits")
        .or(() -> response.header("X-RateLimit-Reset").flatMap(v -> parseReset(v, now)))
        // Vercel: {"error":{"code":"rate_limited","limit":{"remaining","reset","resetMs","total"}}}
        .or(() -> bodyReset(response, now))
        // Cloudflare (developers.cloudflare.com/fundamentals/api/reference/limits): Ratelimit: "default";r=0;t=30
        .or(() -> response.header("Ratelimit").flatMap(ErrorClassifier::parseRatelimitT));
  }

  private static Optional<Duration> bodyReset(RestResponse response, Instant now) {
    try {
      JsonNode reset = response.json().path("error").path("limit").path("reset");
      return reset.isNumber() || reset.isTextual() ? parseReset(reset.asText(), now) : Optional.empty();
    } catch (RuntimeException e) {
      // not JSON: no reset to read
      return Optional.empty();
    }
  }

  /**
   * Parses a rate-limit reset: epoch seconds when it is at least 10^9 (a date after 2001), else seconds from
   * {@code now}, as some APIs send. A reset in the past means zero.
   *
   * @return the wait, or empty when the value is not a non-negative integer
   */
  public static Optional<Duration> parseReset(String value, Instant now) {
    String v = value.trim();
    if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    long n = Long.parseLong(v);
    if (n < 1_000_000_000L) {
      return Optional.of(Duration.ofSeconds(n));
    }
    Duration d = Duration.between(now, Instant.ofEpochSecond(n));
    return Optional.of(d.isNegative() ? Duration.ZERO : d);
  }

  /**
   * Reads the largest {@code t=} (seconds until the window resets) of a {@code Ratelimit} header with
   * exhausted items ({@code r=0}), or of all items when none says {@code r=0}.
   */
  public static Optional<Duration> parseRatelimitT(String header) {
    long exhausted = -1;
    long any = -1;
    for (String item : header.split(",")) {
      long t = -1;
      boolean empty = false;
      for (String param : item.split(";")) {
        String p = param.trim();
        if (p.startsWith("t=") && p.length() > 2 && p.length() < 20 && p.substring(2).chars().allMatch(Character::isDigit)) {
          t = Long.parseLong(p.substring(2));
        } else if (p.equals("r=0")) {
          empty = true;
        }
      }
      any = Math.max(any, t);
      if (empty) {
        exhausted = Math.max(exhausted, t);
      }
    }
    long t = exhausted >= 0 ? exhausted : any;
    return t < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(t));
  }

  /**
   * Parses a {@code Retry-After} value: delta-seconds ({@code 120}) or an HTTP-date
   * ({@code Wed, 21 Oct 2015 07:28:00 GMT}), measured from {@code now}. A date in the past means zero.
   *
   * @return the wait, or empty when the value is neither form
   */
  public static Optional<Duration> parseRetryAfter(String value, Instant now) {
    String v = value.trim();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static boolean isSafe(String method) {
    return "GET".equals(method) || "HEAD".equals(method);
  }

  private String redact(String text) {
    String out = text;
    for (Secret s : secrets) {
      out = s.redact(out);
    }
    return out;
  }
}
