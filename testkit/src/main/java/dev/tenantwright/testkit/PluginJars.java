package dev.tenantwright.testkit;

import dev.tenantwright.spi.SpiVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Puts a plugin module's real PF4J plugin jar into a plugins folder at test time, so a test can load it the
 * way a host does ({@code Tenantwright.builder().plugins(dir).classpathPlugins(false)}).
 *
 * <p>Surefire runs before {@code package}: when the plugin class comes from a jar, that jar is copied as it
 * is; when it comes from a classes folder — which holds the {@code META-INF/extensions.idx} pf4j's annotation
 * processor wrote — the folder is packed with the manifest the plugins parent pom writes from the module's
 * {@code plugin.id} and {@code plugin.class} properties (read from the module's {@code pom.xml}). A classes
 * folder without {@code META-INF/extensions.idx} is refused: the jar would load but register no type.
 *
 * <pre>{@code
 * Path jar = PluginJars.build(VercelPlugin.class, tempDir.resolve("plugins"));
 * }</pre>
 */
public final class PluginJars {

  private PluginJars() {}

  /**
   * Builds (or copies) the jar of the module that holds {@code pluginClass} into {@code pluginsDir}.
   *
   * @throws IllegalStateException when the module's classes have no {@code META-INF/extensions.idx} (not
   *     compiled yet, or compiled without pf4j's annotation processor) or its {@code pom.xml} lacks a
   *     {@code plugin.*} property
   */
  public static Path build(Class<?> pluginClass, Path pluginsDir) {
    try {
      Files.createDirectories(pluginsDir);
      Path location = Path.of(pluginClass.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(location)) {
        return Files.copy(location, pluginsDir.resolve(location.getFileName()));
      }
      if (!Files.isRegularFile(location.resolve("META-INF/extensions.idx"))) {
        throw new IllegalStateException(location + " has no META-INF/extensions.idx: compile the module first");
      }
      String pom = Files.readString(location.getParent().getParent().resolve("pom.xml"));
      String id = property(pom, "plugin.id");
      Manifest manifest = new Manifest();
      Attributes main = manifest.getMainAttributes();
      main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
      main.putValue("Plugin-Id", id);
      main.putValue("Plugin-Version", "0.1.0");
      main.putValue("Plugin-Class", property(pom, "plugin.class"));
      main.putValue("Plugin-Requires", ">=" + SpiVersion.CURRENT + " & <2.0.0");
      main.putValue("Plugin-Provider", "Tenantwright");
      Path jar = pluginsDir.resolve(id + ".jar");
      try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, manifest);
          Stream<Path> walk = Files.walk(location)) {
        List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
        for (Path f : files) {
          out.putNextEntry(new JarEntry(location.relativize(f).toString().replace('\\', '/')));
          out.write(Files.readAllBytes(f));
          out.closeEntry();
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String property(String pom, String name) {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
    if (!m.find()) {
      throw new IllegalStateException("the module's pom.xml sets no " + name);
    }
    return m.group(1).trim();
  }
}
