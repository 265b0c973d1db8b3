package dev.tenantwright.examples.portal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that stands still until a test moves it on (rate limits, link and session lifetimes). */
final class ClockFake extends Clock {

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-06-02T09:00:00Z"));

  void advance(Duration d) {
    now.updateAndGet(i -> i.plus(d));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a fake clock keeps UTC");
  }
}
