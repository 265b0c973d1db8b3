package dev.tenantwright.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.PermanentException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void aPositiveOrUnsetDurationPassesThrough() {
    assertThat(Durations.requirePositive("timeout", Duration.ofDays(2))).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.requirePositive("timeout", null)).isNull();
  }

  @Test
  void zeroAndNegativeDurationsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> Durations.requirePositive("timeout", Duration.ZERO))
        .isInstanceOf(PermanentException.class).hasMessage("field 'timeout': PT0S is not a positive duration");
    assertThatThrownBy(() -> Durations.requirePositive("pollInterval", Duration.ofSeconds(-1)))
        .isInstanceOf(PermanentException.class).hasMessageStartingWith("field 'pollInterval'");
  }
}
