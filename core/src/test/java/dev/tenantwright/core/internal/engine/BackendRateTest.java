package dev.tenantwright.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A backend rate hands out evenly spaced start times, first come first served, and never bunches a backlog. */
class BackendRateTest {

  @Test
  void startTimesAreSpacedByOneOverTheRate() {
    BackendRate fivePerSecond = new BackendRate(5);
    long spacing = 200_000_000L;
    long t = System.nanoTime() + 1_000_000_000L;

    assertThat(fivePerSecond.reserve(t)).isEqualTo(t);
    assertThat(fivePerSecond.reserve(t)).isEqualTo(t + spacing);
    assertThat(fivePerSecond.reserve(t + 500)).isEqualTo(t + 2 * spacing);
  }

  @Test
  void anIdleBackendDoesNotSaveUpABurst() {
    BackendRate twoPerSecond = new BackendRate(2);
    long t = System.nanoTime();
    twoPerSecond.reserve(t);
    long later = t + 10_000_000_000L;

    assertThat(twoPerSecond.reserve(later)).as("after ten idle seconds the next may start at once").isEqualTo(later);
    assertThat(twoPerSecond.reserve(later)).as("but the one after it waits its turn").isEqualTo(later + 500_000_000L);
  }
}
