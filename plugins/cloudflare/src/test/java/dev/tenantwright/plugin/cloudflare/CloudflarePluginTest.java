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
import java.util.List;
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
  void theReadmeConfigurationForSeveralZonesBindsAsShown() throws IOException {
    String token = "cloudflare-api-token";
    // SEVERAL-ZONES-BEGIN
    Map<String, Object> cloudflare = Map.of(
        "token", token,                                                  // DNS Write + Zone Read
        "allowedZones", List.of("sites.example.com", "customers.example.net"),
        "allowApex", true,                                               // customers bring whole domains
        "resolvers", List.of("1.1.1.1:53", "[2606:4700:4700::1111]:53"),
        "resolverTimeout", "3s");
    Tenantwright.Builder host = Tenantwright.builder().pluginConfig("cloudflare", cloudflare);
    // SEVERAL-ZONES-END
    ReadmeSnippets.assertShows(Path.of("README.md"), "## Several zones",
        Path.of("src/test/java/dev/tenantwright/plugin/cloudflare/CloudflarePluginTest.java"), "SEVERAL-ZONES");

    CloudflareConfig bound = bind(cloudflare);
    assertThat(bound.allowedZoneNames()).containsExactly("sites.example.com", "customers.example.net");
    assertThat(bound.apexAllowed()).isTrue();
    assertThat(bound.wildcardAllowed()).isFalse();
    assertThat(bound.resolverAddresses()).hasSize(2);
    try (Tenantwright tw = host.embedded(dir.resolve("data")).classpathPlugins(false)
        .resourceType(new CloudflareDnsRecordType()).build()) {
      assertThat(tw.resourceTypes()).contains("cloudflare.dns-record");
    }
  }

  @Test
  void aMissingTokenIsRefusedNamingTheField() {
    StepContext ctx = TestStepContext.builder().step("dns").config("cloudflare", Map.of("zoneId", "abc")).build();

    assertThatThrownBy(() -> ctx.config(CloudflareConfig.class))
        .isInstanceOf(PermanentException.class).hasMessageContaining("token");
  }

  @Test
  void invalidZonesAndResolversAreRefusedNamingTheFieldWithoutAnyDnsLookup() {
    assertThatThrownBy(() -> bind(Map.of("token", "t", "zoneName", "example.com")))
        .isInstanceOf(PermanentException.class).hasMessageContaining("zoneName");
    assertThatThrownBy(() -> bind(Map.of("token", "t", "allowedZones", List.of("Example.com"))))
        .isInstanceOf(PermanentException.class).hasMessageContaining("allowedZones");
    assertThatThrownBy(() -> bind(Map.of("token", "t", "allowedZones", List.of("com"))))
        .isInstanceOf(PermanentException.class).hasMessageContaining("allowedZones");
    assertThatThrownBy(() -> bind(Map.of("token", "t", "resolvers", List.of("dns.google:53"))))
        .isInstanceOf(PermanentException.class).hasMessageContaining("resolvers").hasMessageContaining("dns.google");
    assertThatThrownBy(() -> bind(Map.of("token", "t", "resolvers", List.of("1.1.1.300"))))
        .isInstanceOf(PermanentException.class).hasMessageContaining("resolvers");
    assertThatThrownBy(() -> bind(Map.of("token", "t", "resolvers", List.of("1.1.1.1:70000"))))
        .isInstanceOf(PermanentException.class).hasMessageContaining("port");

    CloudflareConfig ok = bind(Map.of("token", "t", "resolvers",
        List.of("1.1.1.1", "127.0.0.1:5353", "[2606:4700:4700::1111]:53", "2001:db8::1")));
    assertThat(ok.resolverAddresses()).extracting(a -> a.getPort()).containsExactly(53, 5353, 53, 53);
    assertThat(ok.resolverAddresses().get(3).getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
  }

  static CloudflareConfig bind(Map<String, ?> section) {
    return TestStepContext.builder().step("dns").config("cloudflare", section).build().config(CloudflareConfig.class);
  }
}
