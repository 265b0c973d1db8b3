package dev.tenantwright.core.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantwright.core.PluginLoadException;
import dev.tenantwright.core.internal.json.Json;
import dev.tenantwright.core.internal.types.StepContextFake;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.SpiVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginHostTest {

  private static final String ECHO_TYPE = """
      package acme.echo;

      import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.ResourceType;
      import dev.tenantwright.spi.ResourceType;
      import dev.tenantwright.spi.StepContext;
      import java.util.Optional;

      @org.pf4j.Extension
      public final class EchoType implements ResourceType<EchoType.Spec, EchoType.Out> {
        public record Spec(String message) {}
        public record Out(String echoed, String resourceName, boolean pluginContextLoader) {}
        public String type() { return "acme.echo"; }
        public Class<Spec> specType() { return Spec.class; }
        public Class<Out> outputType() { return Out.class; }
        public CreateResult<Out> create(Spec spec, StepContext ctx) {
          boolean own = Thread.currentThread().getContextClassLoader() == getClass().getClassLoader();
          return CreateResult.created(new Out(spec.message(), ctx.resourceName(), own));
        }
        public Optional<Out> read(Spec spec, Out outputs, StepContext ctx) { return Optional.ofNullable(outputs); }
        public void delete(Spec spec, Out outputs, StepContext ctx) {}
      }
      """;

  private static final String NOTE_STEP = """
      package acme.echo;

      import dev.tenantwright.spi.ProvisioningStep;
      import dev.tenantwright.spi.StepContext;

      @org.pf4j.Extension
      public final class NoteStep implements ProvisioningStep<NoteStep.Params, NoteStep.Out> {
        public record Params(String note) {}
        public record Out(String noted) {}
        public String type() { return "acme.note"; }
        public Class<Params> parametersType() { return Params.class; }
        public Class<Out> outputType() { return Out.class; }
        public Out apply(Params p, StepContext ctx) { return new Out(p.note()); }
        public void compensate(Params p, Out out, StepContext ctx) {}
      }
      """;

  private static final String ECHO_PLUGIN = """
      package acme.echo;

      public class EchoPlugin extends org.pf4j.Plugin {
        @Override public void start() { log.info("echo plugin started"); }
        @Override public void stop() {
          String marker = System.getProperty("acme.echo.stop-marker");
          if (marker != null) {
            try {
              java.nio.file.Files.writeString(java.nio.file.Path.of(marker), "stopped");
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        }
      }
      """;

  private static final String FAILING_PLUGIN = """
      package acme.broken;

      public class BrokenPlugin extends org.pf4j.Plugin {
        @Override public void start() { throw new IllegalStateException("license server unreachable"); }
      }
      """;

  @TempDir
  Path tmp;

  private final ObjectMapper mapper = Json.bindingMapper();

  private Path pluginsDir() throws IOException {
    return Files.createDirectories(tmp.resolve("plugins"));
  }

  private PluginJars.Spec echo(String id, String requires, String pluginClass) {
    return new PluginJars.Spec(id, "1.2.0", requires, pluginClass,
        Map.of("acme.echo.EchoType", ECHO_TYPE, "acme.echo.NoteStep", NOTE_STEP, "acme.echo.EchoPlugin", ECHO_PLUGIN),
        List.of("acme.echo.EchoType", "acme.echo.NoteStep"));
  }

  @Test
  void loadsAPluginJarAndCallsItsResourceType() throws IOException {
    Path dir = pluginsDir();
    PluginJars.build(dir, tmp, echo("acme-echo", ">=1.0.0 & <2.0.0", "acme.echo.EchoPlugin"));

    try (PluginHost host = PluginHost.start(dir, false)) {
      assertThat(host.plugins()).containsExactly("acme-echo@1.2.0");
      assertThat(host.types()).extracting(TypeHandle::type).containsExactly("acme.echo", "acme.note");
      TypeHandle echo = host.types().get(0);
      assertThat(echo.origin()).isEqualTo("acme-echo");
      assertThat(echo.backend()).isEqualTo("acme");
      assertThat(echo.isStep()).isFalse();

      Object spec = mapper.convertValue(Map.of("message", "hello"), echo.specType());
      CreateResult<Object> result = echo.create(spec, StepContextFake.create("acme", "demo", "web"));

      assertThat(result.origin()).isEqualTo(CreateResult.Origin.CREATED);
      assertThat(mapper.convertValue(result.outputs(), new TypeReference<Map<String, Object>>() {})).containsExactlyInAnyOrderEntriesOf(Map.of(
          "echoed", "hello", "resourceName", "acme-demo-web", "pluginContextLoader", true));
    }
  }

  @Test
  void stopsThePluginsOnClose() throws IOException {
    Path dir = pluginsDir();
    PluginJars.build(dir, tmp, echo("acme-echo", ">=1.0.0", "acme.echo.EchoPlugin"));
    Path marker = tmp.resolve("stopped");
    System.setProperty("acme.echo.stop-marker", marker.toString());
    try {
      PluginHost host = PluginHost.start(dir, false);
      assertThat(marker).doesNotExist();

      host.close();
      host.close();

      assertThat(marker).hasContent("stopped");
    } finally {
      System.clearProperty("acme.echo.stop-marker");
    }
  }

  @Test
  void collectsProvisioningStepsAsStepHandles() throws IOException {
    Path dir = pluginsDir();
    PluginJars.build(dir, tmp, echo("acme-echo", ">=1.0.0", null));

    try (PluginHost host = PluginHost.start(dir, false)) {
      TypeHandle note = host.types().get(1);
      Object params = mapper.convertValue(Map.of("note", "welcome mail sent"), note.specType());

      CreateResult<Object> result = note.create(params, StepContextFake.create());

      assertThat(note.isStep()).isTrue();
      assertThat(note.read(params, result.outputs(), StepContextFake.create())).contains(result.outputs());
    }
  }

  @Test
  void loadsAPluginWithoutAPluginClass() throws IOException {
    Path dir = pluginsDir();
    PluginJars.build(dir, tmp, echo("acme-echo", ">=1.0.0", null));

    try (PluginHost host = PluginHost.start(dir, false)) {
      assertThat(host.plugins()).containsExactly("acme-echo@1.2.0");
    }
  }

  @Test
  void refusesAPluginWhoseRequiresRangeExcludesThisSpi() throws IOException {
    Path dir = pluginsDir();
    PluginJars.build(dir, tmp, echo("acme-echo", ">=1.0.0", "acme.echo.EchoPlugin"));
    PluginJars.build(dir, tmp, new PluginJars.Spec("acme-future", "3.0.0", ">=2.0.0", null,
        Map.of("acme.echo.EchoType", ECHO_TYPE.replace("acme.echo\"", "acme.future\"")),
        List.of("acme.echo.EchoType")));

    assertThatThrownBy(() -> PluginHost.start(dir, false))
        .isInstanceOf(PluginLoadException.class)
        .hasMessageContaining("plugin 'acme-future'")
        .hasMessageContaining("'>=2.0.0'")
        .hasMessageContaining("SPI version " + SpiVersion.CURRENT);
  }

  @Test
  void refusesAPluginThatFailsToStartNamingIt() throws IOException {
    Path dir = pluginsDir();
    PluginJars.build(dir, tmp, new PluginJars.Spec("acme-broken", "0.1.0", ">=1.0.0", "acme.broken.BrokenPlugin",
        Map.of("acme.broken.BrokenPlugin", FAILING_PLUGIN), List.of()));

    assertThatThrownBy(() -> PluginHost.start(dir, false))
        .isInstanceOf(PluginLoadException.class)
        .hasMessageContaining("plugin 'acme-broken'")
        .hasMessageContaining("failed to start")
        .hasMessageContaining("license server unreachable");
  }

  @Test
  void refusesAPluginWhosePluginClassIsMissing() throws IOException {
    Path dir = pluginsDir();
    PluginJars.build(dir, tmp, echo("acme-echo", ">=1.0.0", "acme.echo.NoSuchPlugin"));

    assertThatThrownBy(() -> PluginHost.start(dir, false))
        .isInstanceOf(PluginLoadException.class)
        .hasMessageContaining("plugin 'acme-echo'")
        .hasMessageContaining("acme.echo.NoSuchPlugin");
  }

  @Test
  void refusesAnExtensionIndexEntryThatDoesNotLoad() throws IOException {
    Path dir = pluginsDir();
    PluginJars.build(dir, tmp, new PluginJars.Spec("acme-echo", "1.0.0", ">=1.0.0", null,
        Map.of("acme.echo.EchoType", ECHO_TYPE), List.of("acme.echo.EchoType", "acme.echo.Missing")));

    assertThatThrownBy(() -> PluginHost.start(dir, false))
        .isInstanceOf(PluginLoadException.class)
        .hasMessageContaining("plugin 'acme-echo'")
        .hasMessageContaining("acme.echo.Missing");
  }

  @Test
  void refusesAPluginThatBundlesItsOwnCopyOfTheSpi() throws IOException {
    Path dir = pluginsDir();
    PluginJars.build(dir, tmp, echo("acme-echo", ">=1.0.0", null), ResourceType.class);

    assertThatThrownBy(() -> PluginHost.start(dir, false))
        .isInstanceOf(PluginLoadException.class)
        .hasMessageContaining("plugin 'acme-echo'")
        .hasMessageContaining("copy of the Tenantwright SPI");
  }

  @Test
  void refusesAJarThatIsNotAPlugin() throws IOException {
    Path dir = pluginsDir();
    Files.write(dir.resolve("garbage.jar"), new byte[] {1, 2, 3});

    assertThatThrownBy(() -> PluginHost.start(dir, false))
        .isInstanceOf(PluginLoadException.class)
        .hasMessageContaining("garbage.jar");
  }

  @Test
  void refusesAPluginDirectoryThatDoesNotExist() {
    assertThatThrownBy(() -> PluginHost.start(tmp.resolve("nowhere"), false))
        .isInstanceOf(PluginLoadException.class)
        .hasMessageContaining("nowhere");
  }

  @Test
  void findsExtensionsOnTheApplicationClasspath() {
    try (PluginHost host = PluginHost.start(null, true)) {
      assertThat(host.plugins()).isEmpty();
      assertThat(host.types())
          .filteredOn(h -> h.type().equals("testing.classpath-echo"))
          .singleElement()
          .satisfies(h -> assertThat(h.origin()).isEqualTo(TypeHandles.CLASSPATH));
    }
  }

  @Test
  void ignoresTheClasspathUnlessAskedTo() throws IOException {
    try (PluginHost host = PluginHost.start(pluginsDir(), false)) {
      assertThat(host.types()).isEmpty();
    }
    assertThat(PluginHost.start(null, false).types()).isEmpty();
  }

  @Test
  void refusesAPluginTypeThatClashesWithAHostTypeNamingBoth() throws IOException {
    Path dir = pluginsDir();
    PluginJars.build(dir, tmp, echo("acme-echo", ">=1.0.0", null));

    try (PluginHost host = PluginHost.start(dir, false)) {
      DefaultTypeRegistry.Builder builder = DefaultTypeRegistry.builder()
          .addResourceType(new TestTypes.Plain("acme.echo"), TypeHandles.HOST)
          .addAll(host.types());

      assertThatThrownBy(builder::build)
          .isInstanceOf(PluginLoadException.class)
          .hasMessageContaining("type 'acme.echo'")
          .hasMessageContaining("by host")
          .hasMessageContaining("by plugin 'acme-echo'");
    }
  }
}
