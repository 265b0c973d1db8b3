package dev.tenantwright.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantwrightConfigTest {

  @Test
  void isAFinalClassThatHostsCannotConstruct() {
    assertThat(Modifier.isFinal(TenantwrightConfig.class.getModifiers())).isTrue();
    assertThat(TenantwrightConfig.class.isRecord()).isFalse();
    assertThat(Arrays.stream(TenantwrightConfig.class.getDeclaredConstructors()).map(Constructor::getModifiers))
        .noneMatch(Modifier::isPublic).noneMatch(Modifier::isProtected);
    assertThat(Arrays.stream(TenantwrightConfig.class.getDeclaredFields()).map(java.lang.reflect.Field::getModifiers))
        .noneMatch(Modifier::isPublic).noneMatch(Modifier::isProtected);
  }

  @Test
  void theValueKeepsTheDefaultsAndWhatWasSet() {
    TenantwrightConfig config = Tenantwright.builder().embedded(Path.of("data")).maxParallelSteps(4)
        .backendConcurrency("vercel", 2).config();

    assertThat(config.embeddedDir()).isEqualTo(Path.of("data"));
    assertThat(config.maxParallelSteps()).isEqualTo(4);
    assertThat(config.backendConcurrency()).containsExactly(Map.entry("vercel", 2));
    assertThat(config.stepTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.classpathPlugins()).isTrue();
    assertThat(config.portFrom()).isEqualTo(20000);
  }

  @Test
  void aValueDoesNotChangeWhenItsBuilderGoesOn() {
    Tenantwright.Builder builder = Tenantwright.builder().backendConcurrency("vercel", 2).platformDomains("a.example");
    TenantwrightConfig first = builder.config();

    builder.backendConcurrency("cloudflare", 1).platformDomains("b.example").maxParallelSteps(3);

    assertThat(first.backendConcurrency()).containsOnlyKeys("vercel");
    assertThat(first.platformDomains()).containsExactly("a.example");
    assertThat(first.maxParallelSteps()).isEqualTo(16);
    assertThat(builder.config().platformDomains()).containsExactly("a.example", "b.example");
  }

  @Test
  void aValuesCollectionsAndKeyCannotBeChangedThroughItsAccessors() {
    TenantwrightConfig config = Tenantwright.builder().secretKey(new byte[32]).platformDomains("a.example").config();

    assertThatThrownBy(() -> config.platformDomains().add("b.example")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> config.backendConcurrency().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    config.secretKey()[0] = 7;
    assertThat(config.secretKey()[0]).isZero();
  }

  @Test
  void toBuilderStartsFromTheValueWithoutChangingIt() {
    TenantwrightConfig original = Tenantwright.builder().platformDomains("a.example").maxAttempts(5).config();

    TenantwrightConfig changed = original.toBuilder().platformDomains("b.example").maxAttempts(2).config();

    assertThat(changed.platformDomains()).containsExactly("a.example", "b.example");
    assertThat(changed.maxAttempts()).isEqualTo(2);
    assertThat(original.platformDomains()).containsExactly("a.example");
    assertThat(original.maxAttempts()).isEqualTo(5);
  }

  @Test
  void retentionIsOffByDefaultAndKeepsItsIntervalThroughToBuilder() {
    TenantwrightConfig defaults = Tenantwright.builder().config();
    assertThat(defaults.retention()).as("keep everything").isNull();
    assertThat(defaults.retentionInterval()).isEqualTo(Duration.ofHours(1));

    TenantwrightConfig set = Tenantwright.builder().retention(Duration.ofDays(30))
        .retentionInterval(Duration.ofMinutes(10)).config();
    TenantwrightConfig copied = set.toBuilder().maxAttempts(2).config();

    assertThat(copied.retention()).isEqualTo(Duration.ofDays(30));
    assertThat(copied.retentionInterval()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void aTooShortRetentionOrIntervalIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> Tenantwright.builder().retention(Duration.ofSeconds(59)))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.field()).isEqualTo("retention"));
    assertThatThrownBy(() -> Tenantwright.builder().retention(Duration.ofDays(-1)))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.field()).isEqualTo("retention"));
    assertThatThrownBy(() -> Tenantwright.builder().retentionInterval(Duration.ofMillis(99)))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.field()).isEqualTo("retentionInterval"));
  }
}
