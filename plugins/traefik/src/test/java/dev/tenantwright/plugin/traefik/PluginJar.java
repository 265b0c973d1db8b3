package dev.tenantwright.plugin.traefik;

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
 * Puts a module's real PF4J plugin jar into a plugins folder at test time (surefire runs before
 * {@code package}): the jar a plugin class came from is copied as it is; a classes folder — which holds the
 * {@code META-INF/extensions.idx} the annotation processor wrote — is packed with the manifest the plugins
 * parent would write from the module's {@code plugin.*} properties.
 */
final class PluginJar {

  private PluginJar() {}

  static Path build(Class<?> pluginClass, Path pluginsDir) {
    try {
      Files.createDirectories(pluginsDir);
      Path location = Path.of(pluginClass.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(location)) {
        return Files.copy(location, pluginsDir.resolve(location.getFileName()));
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

  /** The first fenced {@code yaml} block of a Markdown file. */
  static String yamlBlock(Path markdown) {
    try {
      Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(markdown));
      if (!m.find()) {
        throw new IllegalStateException(markdown + " has no ```yaml block");
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
