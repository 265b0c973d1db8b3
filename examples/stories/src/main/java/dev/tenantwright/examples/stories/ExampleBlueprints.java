package dev.tenantwright.examples.stories;

import dev.tenantwright.core.Blueprint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The blueprints of {@code examples/blueprints}, copied into this jar at build time (under
 * {@code /examples/blueprints/}), so the stories run those very files.
 */
public final class ExampleBlueprints {

  /** Where the copies are on the classpath. */
  public static final String LOCATION = "/examples/blueprints/";

  private ExampleBlueprints() {}

  /** The text of {@code examples/blueprints/<name>.yaml}. */
  public static String text(String name) {
    try (InputStream in = ExampleBlueprints.class.getResourceAsStream(LOCATION + name + ".yaml")) {
      if (in == null) {
        throw new IllegalArgumentException("no example blueprint '" + name + "' in this jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code examples/blueprints/<name>.yaml}, parsed. */
  public static Blueprint load(String name) {
    return Blueprint.fromYaml("examples/blueprints/" + name + ".yaml", text(name));
  }
}
