package dev.tenantwright.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Writes real PF4J plugin jars for the start-up benchmark: each plugin is compiled from source against the
 * running classpath (the SPI, pf4j), carries {@code META-INF/extensions.idx} and a manifest with its descriptor,
 * and contributes two resource types — the shape of a real backend plugin, without its backend.
 */
public final class PluginJars {

  private PluginJars() {}

  /** Writes {@code count} plugin jars ({@code bench.p1} …) into {@code dir} and returns their paths. */
  public static List<Path> write(Path dir, int count) {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new IllegalStateException("the start-up benchmark compiles plugin jars and needs a JDK, not a JRE");
    }
    List<Path> jars = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      for (int i = 1; i <= count; i++) {
        String pkg = "bench.p" + i;
        Path classes = Files.createTempDirectory("tw-bench-plugin-" + i);
        List<JavaFileObject> units = List.of(
            new Source(pkg + ".AlphaType", type(pkg, "AlphaType", "p" + i + ".alpha")),
            new Source(pkg + ".BetaType", type(pkg, "BetaType", "p" + i + ".beta")));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean ok = compiler.getTask(null, null, diagnostics, List.of("-proc:none", "--release", "17",
            "-classpath", System.getProperty("java.class.path"), "-d", classes.toString()), null, units).call();
        if (!ok) {
          throw new IllegalStateException("plugin sources do not compile: " + diagnostics.getDiagnostics());
        }
        Path jar = dir.resolve("bench-p" + i + "-1.0.0.jar");
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Plugin-Id", "bench.p" + i);
        main.putValue("Plugin-Version", "1.0.0");
        main.putValue("Plugin-Requires", ">=1.0.0 & <2.0.0");
        main.putValue("Plugin-Provider", "Tenantwright benchmarks");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, manifest)) {
          out.putNextEntry(new JarEntry("META-INF/extensions.idx"));
          out.write((pkg + ".AlphaType\n" + pkg + ".BetaType\n").getBytes(StandardCharsets.UTF_8));
          out.closeEntry();
          List<Path> files;
          try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
          }
          for (Path f : files) {
            out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
            out.write(Files.readAllBytes(f));
            out.closeEntry();
          }
        }
        jars.add(jar);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return jars;
  }

  private static String type(String pkg, String cls, String typeName) {
    return """
        package %s;

        import dev.tenantwright.spi.CreateResult;
        import dev.tenantwright.spi.ResourceType;
        import dev.tenantwright.spi.StepContext;
        import java.util.Optional;

        @org.pf4j.Extension
        public final class %s implements ResourceType<%s.Spec, %s.Out> {
          public record Spec(String name, int size) {}
          public record Out(String id) {}
          public String type() { return "%s"; }
          public Class<Spec> specType() { return Spec.class; }
          public Class<Out> outputType() { return Out.class; }
          public CreateResult<Out> create(Spec spec, StepContext ctx) {
            return CreateResult.created(new Out(ctx.resourceName()));
          }
          public Optional<Out> read(Spec spec, Out outputs, StepContext ctx) { return Optional.ofNullable(outputs); }
          public void delete(Spec spec, Out outputs, StepContext ctx) {}
        }
        """.formatted(pkg, cls, cls, cls, typeName);
  }

  private static final class Source extends SimpleJavaFileObject {
    private final String code;

    Source(String className, String code) {
      super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
      this.code = code;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return code;
    }
  }
}
