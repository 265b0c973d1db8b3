package dev.tenantwright.plugin.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.BlueprintException;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.PluginJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin as a host meets it: a PF4J jar in a plugins directory, and blueprints checked against its type. */
class MailPluginTest {

  @TempDir
  Path dir;

  Tenantwright.Builder host() {
    return Tenantwright.builder().embedded(dir.resolve("data")).classpathPlugins(false)
        .resourceType(new MailMessageType()).pluginConfig("mail", Map.of("host", "127.0.0.1", "port", 1, "tls", "none",
            "from", "welcome@example.com", "connectTimeout", "1s"))
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50)).maxAttempts(2);
  }

  @Test
  void thePluginJarLoadsThroughPf4jAndRegistersItsType() throws IOException {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    PluginJars.build(MailPlugin.class, plugins);

    try (Tenantwright tw = Tenantwright.builder().embedded(dir.resolve("data")).plugins(plugins)
        .classpathPlugins(false).build()) {
      assertThat(tw.resourceTypes()).contains("mail.message");
    }
  }

  @Test
  void theReadmeBlueprintLoadsAgainstThePluginsType() throws Exception {
    try (Tenantwright tw = host().blueprint(MailRunTest.readmeBlueprint()).build()) {
      assertThat(tw.blueprints()).contains("welcome");
    }
  }

  @Test
  void aBlueprintWithAFieldTheTypeDoesNotHaveIsRefused() {
    Blueprint bp = Blueprint.builder("broken").resource("mail", "mail.message", r -> r.param("to", List.of("a@b.example"))
        .param("subject", "Hi").param("body", "Hello").param("attachments", List.of("x"))).build();

    assertThatThrownBy(() -> host().blueprint(bp).build()).isInstanceOf(BlueprintException.class)
        .hasMessageContaining("attachments");
  }

  @Test
  void aBadAddressFailsTheStepBeforeAnythingIsSentNamingTheField() {
    Blueprint bp = Blueprint.builder("bad").resource("mail", "mail.message", r -> r
        .param("to", List.of("ops@acme.example", "${tenant.name}")).param("subject", "Hi").param("body", "Hello"))
        .build();
    try (Tenantwright tw = host().blueprint(bp).build()) {
      Tenant t = tw.tenants().create(NewTenant.company("ACME Sons").email("ops@acme.example"));
      Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(Duration.ofSeconds(60));

      assertThat(run.state()).isEqualTo(RunState.ROLLED_BACK);
      assertThat(run.error()).contains("field 'to[1]'").contains("ACME Sons");
    }
  }
}
