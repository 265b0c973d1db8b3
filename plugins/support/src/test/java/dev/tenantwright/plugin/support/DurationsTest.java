package dev.tenantwright.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.PermanentException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @Test
  void readsUnitsTheirSumsAndIso8601() {
    assertThat(Durations.parse("interval", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("timeout", "30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("timeout", "2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("timeout", "1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("timeout", "1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("timeout", " 10S ")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("timeout", "PT2M")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("timeout", "pt1.5s")).isEqualTo(Duration.ofMillis(1500));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0s", "PT0S", "-5s", "PT-1S", "5", "5 s", "1d", "soon", "PTx"})
  void refusesAnythingButAPositiveDurationNamingTheField(String text) {
    assertThatThrownBy(() -> Durations.parse("timeout", text))
        .isInstanceOf(PermanentException.class)
        .hasMessage("field 'timeout': \"" + text + "\" is not a positive duration such as 500ms, 30s, 2m or 1h");
  }
}
