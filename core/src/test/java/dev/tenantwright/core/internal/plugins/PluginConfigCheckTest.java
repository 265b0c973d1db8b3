package dev.tenantwright.core.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.PluginConfigException;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunFailedException;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin configuration mistake stops the start, every problem listed at once — before, the engine started and
 * every tenant's run failed afterwards, and a section with a typo in its backend name was silently ignored.
 */
class PluginConfigCheckTest {

  @TempDir
  Path dir;

  /** A plugin's configuration record. */
  record AcmeConfig(Secret token, @Nullable String region, @Nullable Duration timeout) {}

  /** A configuration record whose class needs a host library that is not there. */
  record NeedsLibraryConfig(@Nullable String region) {
    NeedsLibraryConfig {
      throw new NoClassDefFoundError("dev/tenantwright/plugin/support/Durations");
    }
  }

  /** A type of backend {@code acme} with a configuration record. */
  static final class AcmeType extends TestTypes.Plain {
    private final Class<?> config;

    AcmeType(String name, Class<?> config) {
      super(name);
      this.config = config;
    }

    @Override
    public Class<?> configType() {
      return config;
    }

    @Override
    public CreateResult<TestTypes.Out> create(TestTypes.Spec spec, StepContext ctx) {
      ctx.config(config);
      return super.create(spec, ctx);
    }
  }

  private Tenantwright.Builder host(Class<?> config) {
    return Tenantwright.builder().embedded(dir).classpathPlugins(false)
        .resourceType(new AcmeType("acme.thing", config))
        .blueprint(Blueprint.builder("site").resource("thing", "acme.thing", r -> r.param("value", "x")).build());
  }

  @Test
  void everyProblemIsListedInOneErrorNamingSectionAndFieldButNoValue() {
    Tenantwright.Builder b = host(AcmeConfig.class)
        .pluginConfig("acme", Map.of("region", "eu", "timeout", "ten seconds", "tokn", "s3cr3t-value"))
        .pluginConfig("acmee", Map.of("token", "x"));

    assertThatThrownBy(b::build).isInstanceOfSatisfying(PluginConfigException.class, e -> {
      assertThat(e.problems()).hasSize(3).contains(
          "plugin config 'acme', field 'tokn': unknown (AcmeConfig has token, region, timeout)",
          "plugin config 'acme', field 'token': missing");
      assertThat(e.problems()).anySatisfy(p -> assertThat(p)
          .startsWith("plugin config 'acmee': no loaded plugin or type has this backend (backends: ").contains("acme"));
      assertThat(e.getMessage()).contains("3 problem(s)").doesNotContain("s3cr3t-value");
    });
  }

  @Test
  void aValueThatDoesNotBindIsReportedOnceTheKeysAreRight() {
    Tenantwright.Builder b = host(AcmeConfig.class).pluginConfig("acme", Map.of("token", "t", "timeout", "10"));

    assertThatThrownBy(b::build).isInstanceOfSatisfying(PluginConfigException.class,
        e -> assertThat(e.problems()).singleElement().asString()
            .startsWith("plugin config 'acme', field 'timeout'").contains("duration"));
  }

  @Test
  void aBackendWithoutASectionStartsAndItsBlueprintsRunsSayWhatIsMissing() {
    try (Tenantwright tw = host(AcmeConfig.class).build()) {
      Tenant t = tw.tenants().create(NewTenant.company("Unconfigured Ltd").email("ops@unconfigured.example"));
      Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO, RunOptions.defaults().blueprint("site"));

      assertThatThrownBy(() -> run.awaitSuccess(Duration.ofSeconds(30))).isInstanceOf(RunFailedException.class)
          .hasMessageContaining("plugin config 'acme', field 'token': missing");
    }
  }

  @Test
  void aBackendNoBlueprintUsesNeedsNoSection() {
    try (Tenantwright tw = Tenantwright.builder().embedded(dir).classpathPlugins(false)
        .resourceType(new AcmeType("acme.thing", AcmeConfig.class)).build()) {
      assertThat(tw.resourceTypes()).contains("acme.thing");
    }
  }

  @Test
  void aMissingHostLibraryIsNamedByItsArtifact() {
    Tenantwright.Builder b = host(NeedsLibraryConfig.class).pluginConfig("acme", Map.of("region", "eu"));

    assertThatThrownBy(b::build).isInstanceOfSatisfying(PluginConfigException.class,
        e -> assertThat(e.problems()).singleElement().asString()
            .contains("dev.tenantwright:tenantwright-plugin-support")
            .contains("dev.tenantwright.plugin.support.Durations"));
  }

  @Test
  void aRefusedStartLeavesNothingOpenSoTheFixedConfigurationStarts() {
    assertThatThrownBy(host(AcmeConfig.class).pluginConfig("acme", Map.of("tokn", "x"))::build)
        .isInstanceOf(PluginConfigException.class);

    try (Tenantwright tw = host(AcmeConfig.class).pluginConfig("acme", Map.of("token", "t", "timeout", "2d")).build()) {
      assertThat(tw.blueprints()).contains("site");
    }
  }
}
