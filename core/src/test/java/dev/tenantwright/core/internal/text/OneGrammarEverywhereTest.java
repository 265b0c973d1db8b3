package dev.tenantwright.core.internal.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.BlueprintException;
import dev.tenantwright.core.internal.plugins.PluginConfigs;
import dev.tenantwright.core.internal.types.HealthCheckSpec;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A duration means the same wherever it is written: a resource's {@code timeout} in a blueprint, a core type's
 * parameter, and a {@link Duration} field of a plugin's configuration (bound by core's mapper). Before there was
 * one grammar, {@code 2d} loaded in a blueprint and was refused by a health check and a plugin's configuration.
 */
class OneGrammarEverywhereTest {

  /** A plugin's configuration record as plugins now write them: durations as {@code Duration}. */
  record SomeConfig(@Nullable Duration timeout) {}

  @ParameterizedTest
  @ValueSource(strings = {"2d", "1h30m", "500ms", "PT5M"})
  void aBlueprintACoreTypeAndAPluginConfigurationReadTheSameDuration(String text) {
    Duration expected = DurationGrammar.parse(text);

    Blueprint bp = Blueprint.fromYaml("d.yaml", "blueprint: d\nresources:\n  a:\n    type: t\n    timeout: " + text + "\n");
    assertThat(bp.resource("a").orElseThrow().timeout()).isEqualTo(expected);
    assertThat(new HealthCheckSpec("http://x.test", null, text, null, null).timeoutDuration()).isEqualTo(expected);
    assertThat(new PluginConfigs(Map.of("some", Map.of("timeout", text))).bind("some", SomeConfig.class).timeout())
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "1w", "ten seconds"})
  void whatOneRefusesEveryRefusesNamingTheField(String text) {
    assertThatThrownBy(() -> Blueprint.fromYaml("d.yaml", "blueprint: d\nresources:\n  a:\n    type: t\n    timeout: '"
        + text + "'\n")).isInstanceOf(BlueprintException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> new HealthCheckSpec("http://x.test", null, text, null, null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("'timeout'");
    assertThatThrownBy(() -> new PluginConfigs(Map.of("some", Map.of("timeout", text))).bind("some", SomeConfig.class))
        .isInstanceOf(PermanentException.class).hasMessageContaining("timeout");
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 0})
  void aNumberWithoutAUnitIsNotADurationInAPluginConfiguration(int seconds) {
    assertThatThrownBy(() -> new PluginConfigs(Map.of("some", Map.of("timeout", seconds))).bind("some", SomeConfig.class))
        .isInstanceOf(PermanentException.class).hasMessageContaining("timeout");
  }
}
