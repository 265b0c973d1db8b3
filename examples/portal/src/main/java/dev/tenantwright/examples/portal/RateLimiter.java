package dev.tenantwright.examples.portal;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Token buckets, one per key (a client address, an e-mail address, or one key for everybody): a bucket holds
 * up to {@link Portal.RateLimit#burst()} tokens and refills at {@code burst} per {@link Portal.RateLimit#per()};
 * each request takes one token or is refused.
 *
 * <p>At most {@code maxKeys} buckets are kept, the least recently used going first; a forgotten key starts
 * full again, which is why the portal pairs a per-client limiter with a global one. Thread-safe.
 */
final class RateLimiter {

  private final Portal.RateLimit limit;
  private final Clock clock;
  private final Map<String, Bucket> buckets;

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  RateLimiter(Portal.RateLimit limit, Clock clock, int maxKeys) {
    this.limit = Objects.requireNonNull(limit, "limit");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
        return size() > maxKeys;
      }
    };
  }

  /** Takes a token from the key's bucket: true when there was one. */
  synchronized boolean tryAcquire(String key) {
    Bucket b = refilled(key);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    return false;
  }

  /** How long until the key's bucket holds a token again (zero when it holds one now). */
  synchronized Duration retryAfter(String key) {
    Bucket b = refilled(key);
    if (b.tokens >= 1) {
      return Duration.ZERO;
    }
    return Duration.ofMillis((long) Math.ceil((1 - b.tokens) * limit.per().toMillis() / limit.burst()));
  }

  private Bucket refilled(String key) {
    long now = clock.millis();
    Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(limit.burst(), now));
    if (now > b.at) {
      // Multiplied before divided, so that a whole period's share comes out whole.
      b.tokens = Math.min(limit.burst(), b.tokens + (double) (now - b.at) * limit.burst() / limit.per().toMillis());
      b.at = now;
    }
    return b;
  }
}
