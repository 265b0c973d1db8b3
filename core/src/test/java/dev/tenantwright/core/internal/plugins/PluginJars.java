package dev.tenantwright.core.internal.plugins;

import dev.tenantwright.spi.ResourceType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Builds real PF4J plugin jars at test time: compiles Java sources against the SPI, pf4j and slf4j, writes
 * {@code META-INF/extensions.idx} and a manifest with the plugin descriptor, and packs a jar.
 */
final class PluginJars {

  private PluginJars() {}

  /** What to put in a plugin jar. */
  record Spec(String id, String version, String requires, String pluginClass, Map<String, String> sources,
      List<String> extensions) {}

  /**
   * Builds the jar into {@code pluginsDir} and returns its path; {@code bundled} host classes are copied
   * into the jar as a careless vendor's build would.
   */
  static Path build(Path pluginsDir, Path workDir, Spec spec, Class<?>... bundled) {
    try {
      Path classes = Files.createDirectories(workDir.resolve(spec.id() + "-classes"));
      compile(spec.sources(), classes);
      Path jar = pluginsDir.resolve(spec.id() + "-" + spec.version() + ".jar");
      Manifest manifest = new Manifest();
      Attributes main = manifest.getMainAttributes();
      main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
      main.putValue("Plugin-Id", spec.id());
      main.putValue("Plugin-Version", spec.version());
      if (spec.requires() != null) {
        main.putValue("Plugin-Requires", spec.requires());
      }
      if (spec.pluginClass() != null) {
        main.putValue("Plugin-Class", spec.pluginClass());
      }
      try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, manifest)) {
        out.putNextEntry(new JarEntry("META-INF/extensions.idx"));
        out.write((String.join("\n", spec.extensions()) + "\n").getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
        for (Class<?> c : bundled) {
          String entry = c.getName().replace('.', '/') + ".class";
          out.putNextEntry(new JarEntry(entry));
          try (java.io.InputStream in = c.getClassLoader().getResourceAsStream(entry)) {
            out.write(in.readAllBytes());
          }
          out.closeEntry();
        }
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
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void compile(Map<String, String> sources, Path out) {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    List<JavaFileObject> units = new ArrayList<>();
    sources.forEach((className, code) -> units.add(new Source(className, code)));
    String classpath = String.join(java.io.File.pathSeparator,
        location(ResourceType.class), location(org.pf4j.Plugin.class), location(org.slf4j.Logger.class));
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean ok = compiler.getTask(null, null, diagnostics,
        List.of("-proc:none", "--release", "17", "-classpath", classpath, "-d", out.toString()),
        null, units).call();
    if (!ok) {
      throw new IllegalStateException("plugin sources do not compile: " + diagnostics.getDiagnostics());
    }
  }

  private static String location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
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
