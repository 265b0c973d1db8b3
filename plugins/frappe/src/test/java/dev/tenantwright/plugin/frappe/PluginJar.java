package dev.tenantwright.plugin.frappe;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Builds the plugin's PF4J jar from {@code target/classes} (surefire runs before {@code package}), with the
 * manifest entries the jar plugin would write; the values come from system properties the pom sets.
 */
final class PluginJar {

  private PluginJar() {}

  /** Writes {@code tenantwright-plugin-frappe.jar} into {@code pluginsDir} and returns its path. */
  static Path build(Path pluginsDir) {
    Path classes = Path.of("target", "classes");
    if (!Files.isRegularFile(classes.resolve("META-INF/extensions.idx"))) {
      throw new IllegalStateException("target/classes has no META-INF/extensions.idx: compile the module first");
    }
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.putValue("Plugin-Id", property("tw.plugin.id"));
    main.putValue("Plugin-Version", property("tw.plugin.version"));
    main.putValue("Plugin-Requires", property("tw.plugin.requires"));
    main.putValue("Plugin-Class", property("tw.plugin.class"));
    main.putValue("Plugin-Provider", "Tenantwright");
    try {
      Files.createDirectories(pluginsDir);
      Path jar = pluginsDir.resolve("tenantwright-plugin-frappe.jar");
      try (OutputStream file = Files.newOutputStream(jar);
          JarOutputStream out = new JarOutputStream(file, manifest);
          Stream<Path> walk = Files.walk(classes)) {
        for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
          out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
          Files.copy(f, out);
          out.closeEntry();
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + name + " is not set: run the test through Maven");
    }
    return value;
  }
}
