package dev.tenantwright.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A failure that may succeed if the same call is tried again: HTTP 5xx, 429, timeouts, a reset connection.
 *
 * <p>The engine retries with exponential backoff and full jitter, waiting at least {@link #retryAfter()}
 * when the backend said how long, until the step's attempt limit or deadline is reached. When
 * {@link #outcomeUnknown()} is true the call may have taken effect (a timeout after the request was sent,
 * a 502 from a proxy), so the engine resolves the step with {@code read} before it calls again.
 *
 * <pre>{@code
 * if (response.code() == 429) {
 *   throw RetryableException.rateLimited("vercel: rate limited", Duration.ofSeconds(3));
 * }
 * }</pre>
 */
public class RetryableException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  private final transient Duration retryAfter;
  private final boolean outcomeUnknown;

  /** A retryable failure whose effect on the backend is unknown (the conservative default). */
  public RetryableException(String message) {
    this(message, null, true, null);
  }

  /** A retryable failure whose effect on the backend is unknown, with its cause. */
  public RetryableException(String message, Throwable cause) {
    this(message, null, true, cause);
  }

  /**
   * A retryable failure.
   *
   * @param message what failed, without secret values
   * @param retryAfter how long the backend asked us to wait, or null when it did not say
   * @param outcomeUnknown true when the call may have taken effect before it failed
   * @param cause the underlying failure, or null
   */
  public RetryableException(String message, Duration retryAfter, boolean outcomeUnknown, Throwable cause) {
    super(message, cause);
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative");
    }
    this.retryAfter = retryAfter;
    this.outcomeUnknown = outcomeUnknown;
  }

  /** A rate-limit refusal: the call had no effect and may be repeated after {@code retryAfter}. */
  public static RetryableException rateLimited(String message, Duration retryAfter) {
    return new RetryableException(message, Objects.requireNonNull(retryAfter, "retryAfter"), false, null);
  }

  /** The backend's requested wait before the next attempt, if it gave one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** Whether the failed call may nonetheless have changed the backend. */
  public boolean outcomeUnknown() {
    return outcomeUnknown;
  }
}
