package dev.tenantwright.plugin.vercel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.BlueprintException;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.plugin.cloudflare.CloudflareDnsRecordType;
import dev.tenantwright.plugin.cloudflare.CloudflarePlugin;
import dev.tenantwright.plugin.cloudflare.CloudflareTxtVerificationType;
import dev.tenantwright.testkit.PluginJars;
import dev.tenantwright.testkit.ReadmeSnippets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin as a host meets it: a PF4J jar in a plugins directory, the README's and the example's blueprints. */
class VercelPluginTest {

  static final Path EXAMPLE = Path.of("../../examples/blueprints/vercel-site.yaml");

  @TempDir
  Path dir;

  Tenantwright.Builder withAllTypes() {
    return Tenantwright.builder().embedded(dir.resolve("data")).classpathPlugins(false)
        .resourceType(new VercelProjectType()).resourceType(new VercelEnvType())
        .resourceType(new VercelDeploymentType()).resourceType(new VercelDomainType())
        .resourceType(new VercelDomainCheckType())
        .resourceType(new CloudflareDnsRecordType()).resourceType(new CloudflareTxtVerificationType())
        .pluginConfig("vercel", Map.of("token", "t"))
        .pluginConfig("cloudflare", Map.of("token", "t", "zoneId", "023e105f4ecef8ad9ca31a8372d0c353"));
  }

  @Test
  void bothPluginJarsLoadThroughPf4jAndRegisterTheirTypes() throws IOException {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    PluginJars.build(VercelPlugin.class, plugins);
    PluginJars.build(CloudflarePlugin.class, plugins);

    try (Tenantwright tw = Tenantwright.builder().embedded(dir.resolve("data")).plugins(plugins)
        .classpathPlugins(false).build()) {
      assertThat(tw.resourceTypes()).contains("vercel.project", "vercel.env", "vercel.deployment", "vercel.domain",
          "vercel.domain-check",
          "cloudflare.dns-record", "cloudflare.txt-verification");
    }
  }

  @Test
  void theReadmeBlueprintLoadsAgainstThePluginsTypes() throws IOException {
    Blueprint bp = Blueprint.fromYaml("README.md", ReadmeSnippets.firstYamlBlock(Path.of("README.md")));

    try (Tenantwright tw = withAllTypes().blueprint(bp).build()) {
      assertThat(tw.blueprints()).contains("static-site");
    }
  }

  @Test
  void theClientSiteExampleLoadsWithBothPluginsTypesRegistered() {
    Blueprint bp = Blueprint.fromYaml(EXAMPLE);
    assertThat(bp.resources()).extracting(r -> r.type()).containsExactly("vercel.project", "vercel.env",
        "vercel.deployment", "vercel.domain", "cloudflare.dns-record", "vercel.domain-check", "tls.certificate",
        "http.health-check");
    assertThat(bp.resource("tls").orElseThrow().needs()).as("Vercel issues the certificate once the domain is ready")
        .contains("domain-ready");
    assertThat(bp.resource("health").orElseThrow().needs()).contains("tls");

    try (Tenantwright tw = withAllTypes().blueprint(bp).build()) {
      assertThat(tw.blueprints()).contains("vercel-site");
    }
  }

  @Test
  void aBlueprintWithAFieldTheTypesDoNotHaveIsRefused() {
    Blueprint bp = Blueprint.builder("broken").resource("site", "vercel.project", r -> r.param("colour", "red")).build();

    assertThatThrownBy(() -> withAllTypes().blueprint(bp).build()).isInstanceOf(BlueprintException.class)
        .hasMessageContaining("colour");
  }
}
