package dev.tenantwright.examples.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginConfigFileTest {

  @TempDir
  Path dir;

  @Test
  void readsOneSectionPerBackendAndTakesVariablesFromTheEnvironment() throws Exception {
    Path file = Files.writeString(dir.resolve("backends.yaml"), """
        compose:
          rootDir: /srv/sites
          binary: [docker, compose]
        cloudflare:
          token: ${CF_TOKEN}
          zoneId: zone-${ZONE}-1
        """);

    Map<String, Map<String, Object>> sections = PluginConfigFile.read(file,
        Map.of("CF_TOKEN", "t0k3n", "ZONE", "42")::get);

    assertThat(sections).containsOnlyKeys("compose", "cloudflare");
    assertThat(sections.get("compose")).containsEntry("rootDir", "/srv/sites")
        .containsEntry("binary", List.of("docker", "compose"));
    assertThat(sections.get("cloudflare")).containsEntry("token", "t0k3n").containsEntry("zoneId", "zone-42-1");
  }

  @Test
  void aMissingVariableIsRefusedNamingTheVariableAndWhereItIsUsed() throws Exception {
    Path file = Files.writeString(dir.resolve("backends.yaml"), "vercel:\n  token: ${VERCEL_TOKEN}\n");

    assertThatThrownBy(() -> PluginConfigFile.read(file, name -> null))
        .hasMessageContaining("VERCEL_TOKEN is not set")
        .hasMessageContaining("vercel.token");
  }
}
