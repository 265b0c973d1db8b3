package dev.tenantwright.plugin.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.testkit.PluginJars;
import dev.tenantwright.testkit.ReadmeSnippets;
import dev.tenantwright.testkit.TestStepContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin as a host meets it: a PF4J jar in a plugins directory, and the README's blueprint. */
class CloudflarePluginTest {

  @TempDir
  Path dir;

  @Test
  void theJarLoadsThroughPf4jAndRegistersBothTypes() throws IOException {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    PluginJars.build(CloudflarePlugin.class, plugins);

    try (Tenantwright tw = Tenantwright.builder().embedded(dir.resolve("data")).plugins(plugins)
        .classpathPlugins(false).build()) {
      assertThat(tw.resourceTypes()).contains("cloudflare.dns-record", "cloudflare.txt-verification");
    }
  }

  @Test
  void theReadmeBlueprintLoadsAgainstThePluginsTypes() throws IOException {
    Blueprint bp = Blueprint.fromYaml("README.md", ReadmeSnippets.firstYamlBlock(Path.of("README.md")));
    assertThat(bp.resources()).hasSize(2);

    try (Tenantwright tw = Tenantwright.builder().embedded(dir.resolve("data")).classpathPlugins(false)
        .resourceType(new CloudflareDnsRecordType()).resourceType(new CloudflareTxtVerificationType())
        .pluginConfig("cloudflare", Map.of("token", "t", "zoneId", "023e105f4ecef8ad9ca31a8372d0c353"))
        .blueprint(bp).build()) {
      assertThat(tw.blueprints()).contains("custom-domain");
    }
  }

  @Test
  void aMissingZoneIdIsRefusedNamingTheField() {
    StepContext ctx = TestStepContext.builder().step("dns").config("cloudflare", Map.of("token", "t")).build();

    assertThatThrownBy(() -> ctx.config(CloudflareConfig.class))
        .isInstanceOf(PermanentException.class).hasMessageContaining("zoneId");
  }
}
