package dev.tenantwright.core.internal.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationGrammarTest {

  @ParameterizedTest
  @CsvSource({
      "500ms, PT0.5S", "30s, PT30S", "5m, PT5M", "1h, PT1H", "2d, PT48H", "1h30m, PT1H30M", "1m30s, PT1M30S",
      "1d2h3m4s5ms, PT26H3M4.005S", "PT5M, PT5M", "pt90s, PT1M30S", "' 10S ', PT10S", "0s, PT0S", "P1D, PT24H"})
  void acceptsEveryUnitTheirCombinationsAndIso(String text, String iso) {
    assertThat(DurationGrammar.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10", "ten seconds", "10 s", "1w", "-5s", "-PT5S", "5s1m", "1m1m", "1.5h", "PT", "P1M",
      "99999999999s", "1s ms"})
  void refusesEverythingElseShowingTheAcceptedForms(String text) {
    assertThatThrownBy(() -> DurationGrammar.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("30s").hasMessageContaining("2d").hasMessageContaining("PT5M");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "0ms", "PT0S"})
  void aPositiveDurationIsMoreThanZero(String text) {
    assertThatThrownBy(() -> DurationGrammar.parsePositive(text)).hasMessageContaining("longer than zero");
  }
}
