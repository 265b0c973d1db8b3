package dev.tenantwright.examples.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final ClockFake clock = new ClockFake();

  @Test
  void aBucketGivesItsBurstThenRefillsAtItsRate() {
    RateLimiter limiter = new RateLimiter(new Portal.RateLimit(3, Duration.ofMinutes(30)), clock, 100);

    assertThat(limiter.tryAcquire("a")).isTrue();
    assertThat(limiter.tryAcquire("a")).isTrue();
    assertThat(limiter.tryAcquire("a")).isTrue();
    assertThat(limiter.tryAcquire("a")).isFalse();
    assertThat(limiter.retryAfter("a")).isEqualTo(Duration.ofMinutes(10));
    assertThat(limiter.tryAcquire("b")).as("another key has its own bucket").isTrue();

    clock.advance(Duration.ofMinutes(10).minusMillis(1));
    assertThat(limiter.tryAcquire("a")).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(limiter.tryAcquire("a")).isTrue();
    assertThat(limiter.tryAcquire("a")).isFalse();

    clock.advance(Duration.ofHours(5));
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("a")).as("never more than the burst").isTrue();
    }
    assertThat(limiter.tryAcquire("a")).isFalse();
  }

  @Test
  void onlyTheMostRecentlyUsedKeysAreRemembered() {
    RateLimiter limiter = new RateLimiter(new Portal.RateLimit(1, Duration.ofHours(1)), clock, 2);

    assertThat(limiter.tryAcquire("a")).isTrue();
    assertThat(limiter.tryAcquire("b")).isTrue();
    assertThat(limiter.tryAcquire("a")).isFalse();
    assertThat(limiter.tryAcquire("c")).isTrue();

    assertThat(limiter.tryAcquire("a")).as("still remembered: used more recently than b").isFalse();
    assertThat(limiter.tryAcquire("b")).as("forgotten, so full again").isTrue();
  }
}
