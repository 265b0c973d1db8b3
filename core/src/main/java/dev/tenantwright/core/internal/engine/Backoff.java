package dev.tenantwright.core.internal.engine;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: before attempt {@code n+1} wait a uniformly random time in
 * {@code [0, min(cap, base·2^(n-1))]}, but never less than the backend's Retry-After.
 *
 * <p>Full jitter spreads retries of many runs hitting one rate-limited backend. Stateless and thread-safe.
 */
final class Backoff {

  private final Duration base;
  private final Duration cap;

  Backoff(Duration base, Duration cap) {
    this.base = base;
    this.cap = cap;
  }

  /** The wait after failed attempt {@code attempt} (1-based). */
  Duration delay(int attempt, Optional<Duration> retryAfter) {
    long ceiling = base.toMillis();
    for (int i = 1; i < attempt && ceiling < cap.toMillis(); i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, cap.toMillis());
    long jitter = ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
    long floor = retryAfter.map(Duration::toMillis).orElse(0L);
    return Duration.ofMillis(Math.max(jitter, floor));
  }
}
