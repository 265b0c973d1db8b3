package dev.tenantwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.internal.Json;
import dev.tenantwright.testkit.internal.SpecOps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * The project's published API documents for the tests: found in {@code shared/specs} beside the project root,
 * and stripped of what a reduced copy shipped with the test kit need not keep.
 */
public final class TestSpecs {

  private TestSpecs() {}

  /** The published document of that file name, or null when no {@code shared/specs} folder above us has it. */
  public static Path find(String name) {
    for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("shared").resolve("specs").resolve(name);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** The published document of that file name; the real-spec tests need it. */
  public static Path file(String name) {
    Path found = find(name);
    if (found == null) {
      throw new IllegalStateException("no shared/specs/" + name + " above " + Path.of(System.getProperty("user.dir"))
          .toAbsolutePath() + ": the real-spec tests need the project's shared/ folder beside the project root");
    }
    return found;
  }

  /**
   * Checks that the reduced {@code copy} a fake ships is exactly what {@code reducer} makes of the published
   * document {@code published} (compact JSON, under 400 kB); with {@code -Dtenantwright.specs.write=true} it
   * rewrites the copy first. Skipped when {@code shared/specs} is not beside the project.
   */
  public static void assertCopyIsReductionOf(String published, SpecReducer reducer, Path copy) throws IOException {
    Path document = find(published);
    assumeTrue(document != null, "shared/specs is not beside the project");
    String expected = Json.write(reducer.reduce(SpecReducer.read(document))) + "\n";
    if (Boolean.getBoolean("tenantwright.specs.write")) {
      Files.writeString(copy, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(copy, StandardCharsets.UTF_8))
        .as("the reduced copy is stale: rerun with -Dtenantwright.specs.write=true")
        .isEqualTo(expected);
    assertThat(Files.size(copy)).as("keep the copy small").isLessThan(400_000);
  }

  /**
   * Drops descriptions and examples, which the validator never reads, to keep a copy small; responses keep an
   * empty description because OpenAPI requires one. Operations also lose their summary, tags and
   * {@code operationKeys} (a backend's own extensions).
   */
  public static void stripDocs(ObjectNode doc, String... operationKeys) {
    strip(doc, false);
    SpecOps.forEachOperation(doc, (path, method, op) -> {
      op.path("responses").forEach(r -> ((ObjectNode) r).put("description", ""));
      op.remove("summary");
      op.remove("tags");
      for (String key : operationKeys) {
        op.remove(key);
      }
    });
  }

  private static void strip(JsonNode node, boolean propertyMap) {
    if (node instanceof ObjectNode obj) {
      if (!propertyMap) {
        obj.remove("description");
        obj.remove("example");
        obj.remove("examples");
        obj.remove("externalDocs");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        strip(e.getValue(), !propertyMap && e.getKey().equals("properties"));
      }
    } else if (node != null && node.isArray()) {
      node.forEach(child -> strip(child, false));
    }
  }
}
