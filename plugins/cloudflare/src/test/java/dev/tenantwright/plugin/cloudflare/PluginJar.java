package dev.tenantwright.plugin.cloudflare;

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
 * Builds the real PF4J plugin jar of a module at test time — surefire runs before {@code package} — from its
 * compiled classes (which hold {@code META-INF/extensions.idx}) and a manifest with the {@code plugin.*}
 * values of its {@code pom.xml}, as the plugins parent's jar configuration writes them.
 */
final class PluginJar {

  private PluginJar() {}

  /**
   * Puts the plugin jar of the module that compiled {@code pluginClass} into {@code pluginsDir}: a jar the
   * class came from is copied as it is; a classes directory is packed with a manifest.
   */
  static Path build(Class<?> pluginClass, Path pluginsDir) {
    try {
      Path location = Path.of(pluginClass.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(location)) {
        return Files.copy(location, pluginsDir.resolve(location.getFileName()));
      }
      Path pom = location.getParent().getParent().resolve("pom.xml");
      String pomText = Files.readString(pom);
      String id = property(pomText, "plugin.id");
      Manifest manifest = new Manifest();
      Attributes main = manifest.getMainAttributes();
      main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
      main.putValue("Plugin-Id", id);
      main.putValue("Plugin-Version", "0.1.0");
      main.putValue("Plugin-Class", property(pomText, "plugin.class"));
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
