package dev.tenantwright.plugin.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.BlueprintException;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.testkit.PluginJars;
import dev.tenantwright.testkit.ReadmeSnippets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin as a host meets it: a PF4J jar in a plugins directory, and the README's blueprint and receiver. */
class GitHubPluginTest {

  @TempDir
  Path dir;

  Tenantwright.Builder withTypes() {
    return Tenantwright.builder().embedded(dir.resolve("data")).classpathPlugins(false)
        .resourceType(new GitHubRepositoryType()).resourceType(new GitHubWebhookType())
        .pluginConfig("github", Map.of("token", "t"));
  }

  @Test
  void thePluginJarLoadsThroughPf4jAndRegistersItsTypes() throws IOException {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    PluginJars.build(GitHubPlugin.class, plugins);

    try (Tenantwright tw = Tenantwright.builder().embedded(dir.resolve("data")).plugins(plugins)
        .classpathPlugins(false).build()) {
      assertThat(tw.resourceTypes()).contains("github.repository", "github.webhook");
    }
  }

  @Test
  void theReadmeBlueprintLoadsAgainstThePluginsTypes() throws IOException {
    Blueprint bp = Blueprint.fromYaml("README.md", ReadmeSnippets.firstYamlBlock(Path.of("README.md")));
    assertThat(bp.resource("site-hook").orElseThrow().needs()).contains("webhook-secret");

    try (Tenantwright tw = withTypes().blueprint(bp).build()) {
      assertThat(tw.blueprints()).contains("client-site-repo");
    }
  }

  @Test
  void theReadmeShowsTheReceiverTheEndToEndTestRuns() throws IOException {
    ReadmeSnippets.assertShows(Path.of("README.md"), "## Receiving webhooks",
        Path.of("src/test/java/dev/tenantwright/plugin/github/GitHubEndToEndTest.java"), "RECEIVER");
  }

  @Test
  void aBlueprintWithAFieldTheTypesDoNotHaveIsRefused() {
    Blueprint bp = Blueprint.builder("broken").resource("repo", "github.repository", r -> r.param("colour", "red"))
        .build();

    assertThatThrownBy(() -> withTypes().blueprint(bp).build()).isInstanceOf(BlueprintException.class)
        .hasMessageContaining("colour");
  }
}
