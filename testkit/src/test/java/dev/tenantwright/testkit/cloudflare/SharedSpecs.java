package dev.tenantwright.testkit.cloudflare;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the project's published API documents: {@code shared/specs} beside the project root, if present. */
final class SharedSpecs {

  private SharedSpecs() {}

  /** The published document of that file name, or null when no {@code shared/specs} folder is above us. */
  static Path find(String fileName) {
    for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("shared").resolve("specs").resolve(fileName);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
