package dev.tenantwright.core.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginConfigsTest {

  record VercelConfig(Secret token, @Nullable String teamId, @Nullable Integer maxParallel) {}

  record Limits(int maxSites, @Nullable Integer maxDomains) {}

  record Host(String name, @Nullable Integer port) {}

  record ComposeConfig(@Nullable String binary, @Nullable Limits limits, @Nullable List<Host> hosts) {}

  record RegionConfig(@Nullable String region) {}

  record Checked(String url) {
    Checked {
      if (url != null && !url.startsWith("https://")) {
        throw new IllegalArgumentException("url must use https");
      }
    }
  }

  private static final String TOKEN = "vc_live_5f2a9c1e";

  @Test
  void bindsASectionWithSecretsFromPlainStrings() {
    PluginConfigs configs = new PluginConfigs(Map.of("vercel", Map.of("token", TOKEN, "teamId", "team_1")));

    VercelConfig c = configs.bind("vercel", VercelConfig.class);

    assertThat(c.token().reveal()).isEqualTo(TOKEN);
    assertThat(c.teamId()).isEqualTo("team_1");
    assertThat(c.maxParallel()).isNull();
  }

  @Test
  void returnsTheSameInstanceForTheSameBackendAndType() {
    PluginConfigs configs = new PluginConfigs(Map.of("vercel", Map.of("token", TOKEN)));

    assertThat(configs.bind("vercel", VercelConfig.class)).isSameAs(configs.bind("vercel", VercelConfig.class));
  }

  @Test
  void bindsAMissingSectionAsEmptyForAllOptionalRecords() {
    assertThat(PluginConfigs.empty().bind("aws", RegionConfig.class)).isEqualTo(new RegionConfig(null));
  }

  @Test
  void namesTheSectionAndTheMissingField() {
    PluginConfigs configs = new PluginConfigs(Map.of("vercel", Map.of("teamId", "team_1")));

    assertThatThrownBy(() -> configs.bind("vercel", VercelConfig.class))
        .isInstanceOf(PermanentException.class)
        .hasMessage("plugin config 'vercel', field 'token': missing");
    assertThatThrownBy(() -> PluginConfigs.empty().bind("vercel", VercelConfig.class))
        .isInstanceOf(PermanentException.class)
        .hasMessage("plugin config 'vercel', field 'token': missing");
  }

  @Test
  void namesMissingFieldsInsideNestedRecordsAndLists() {
    PluginConfigs nested = new PluginConfigs(Map.of("compose", Map.of("limits", Map.of("maxDomains", 3))));
    PluginConfigs listed = new PluginConfigs(Map.of("compose",
        Map.of("hosts", List.of(Map.of("name", "a"), Map.of("port", 22)))));

    assertThatThrownBy(() -> nested.bind("compose", ComposeConfig.class))
        .hasMessage("plugin config 'compose', field 'limits.maxSites': missing");
    assertThatThrownBy(() -> listed.bind("compose", ComposeConfig.class))
        .hasMessage("plugin config 'compose', field 'hosts[1].name': missing");
  }

  @Test
  void namesAnUnknownField() {
    PluginConfigs configs = new PluginConfigs(Map.of("vercel", Map.of("token", TOKEN, "tema", "x")));

    assertThatThrownBy(() -> configs.bind("vercel", VercelConfig.class))
        .isInstanceOf(PermanentException.class)
        .hasMessage("plugin config 'vercel', field 'tema': unknown");
  }

  @Test
  void namesAFieldOfTheWrongTypeWithoutQuotingItsValue() {
    PluginConfigs configs = new PluginConfigs(Map.of("vercel", Map.of("token", TOKEN, "maxParallel", TOKEN)));

    assertThatThrownBy(() -> configs.bind("vercel", VercelConfig.class))
        .isInstanceOf(PermanentException.class)
        .hasMessageStartingWith("plugin config 'vercel', field 'maxParallel': expected")
        .hasMessageNotContaining(TOKEN)
        .satisfies(e -> assertThat(e.getCause()).isNull());
  }

  @Test
  void namesNestedFieldsOfTheWrongType() {
    PluginConfigs configs = new PluginConfigs(Map.of("compose", Map.of("limits", Map.of("maxSites", "many"))));

    assertThatThrownBy(() -> configs.bind("compose", ComposeConfig.class))
        .hasMessageStartingWith("plugin config 'compose', field 'limits.maxSites': expected")
        .hasMessageNotContaining("many");
  }

  @Test
  void passesTheRecordsOwnValidationMessageOn() {
    PluginConfigs configs = new PluginConfigs(Map.of("checked", Map.of("url", "http://x")));

    assertThatThrownBy(() -> configs.bind("checked", Checked.class))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("plugin config 'checked'")
        .hasMessageContaining("url must use https");
  }

  @Test
  void refusesAnEmptySecret() {
    PluginConfigs configs = new PluginConfigs(Map.of("vercel", Map.of("token", "")));

    assertThatThrownBy(() -> configs.bind("vercel", VercelConfig.class))
        .isInstanceOf(PermanentException.class)
        .hasMessageStartingWith("plugin config 'vercel', field 'token'");
  }
}
