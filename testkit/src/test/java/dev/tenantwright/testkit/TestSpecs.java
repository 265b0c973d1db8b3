package dev.tenantwright.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the project's shared OpenAPI documents: {@code shared/specs} beside the project root. */
final class TestSpecs {

  private TestSpecs() {}

  /** Walks up from the working directory until a {@code shared/specs} folder is found. */
  static Path dir() {
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = start; d != null; d = d.getParent()) {
      Path candidate = d.resolve("shared").resolve("specs");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no shared/specs folder above " + start
        + ": the real-spec tests need the project's shared/ folder beside the project root");
  }

  static Path file(String name) {
    return dir().resolve(name);
  }
}
