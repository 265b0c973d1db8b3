package dev.tenantwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.internal.Json;
import dev.tenantwright.testkit.internal.SpecOps;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backends' published API documents for the upkeep tests: read from the folder named by the system property
 * {@value #PROPERTY} or the environment variable {@value #ENVIRONMENT}, each checked against the SHA-256 recorded in
 * {@code published-specs.txt} (a test resource, with each document's download URL), and stripped of what a reduced
 * copy shipped with the test kit need not keep. Without the setting the tests that need a document are skipped.
 */
public final class TestSpecs {

  /** The system property naming the folder of downloaded documents. */
  public static final String PROPERTY = "tenantwright.published-specs";
  /** The environment variable naming it when the property is not set. */
  public static final String ENVIRONMENT = "TW_PUBLISHED_SPECS";

  private static final String MANIFEST = "/published-specs.txt";
  private static final Map<Path, String> CHECKED = new ConcurrentHashMap<>();

  private TestSpecs() {}

  /** The folder of downloaded documents, or null when neither {@value #PROPERTY} nor {@value #ENVIRONMENT} is set. */
  public static Path folder() {
    String dir = System.getProperty(PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(ENVIRONMENT);
    }
    return dir == null || dir.isBlank() ? null : Path.of(dir).toAbsolutePath();
  }

  /**
   * The published document of that file name, its SHA-256 checked against {@code published-specs.txt}; skips the
   * calling test (a JUnit assumption) when no folder is set.
   *
   * @throws IllegalStateException when the folder is set but lacks the file, or the file is not the recorded one
   */
  public static Path file(String name) {
    Path dir = folder();
    assumeTrue(dir != null, () -> "the published API documents are not in the repository: download them "
        + "(testkit/src/test/resources/published-specs.txt lists file names, URLs and SHA-256) and set -D" + PROPERTY
        + "=DIR or " + ENVIRONMENT + "=DIR to run this upkeep test");
    String expected = manifest().get(name);
    if (expected == null) {
      throw new IllegalStateException(name + " is not listed in testkit/src/test/resources" + MANIFEST
          + ": add its file name, SHA-256 and download URL there");
    }
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no " + name + " in " + dir + " (" + PROPERTY + "/" + ENVIRONMENT
          + "): download it from the URL in testkit/src/test/resources" + MANIFEST);
    }
    String actual = CHECKED.computeIfAbsent(file, TestSpecs::sha256);
    if (!actual.equals(expected)) {
      throw new IllegalStateException(file + " has SHA-256 " + actual + ", not the " + expected + " recorded in "
          + "testkit/src/test/resources" + MANIFEST + ": it is another version of the document");
    }
    return file;
  }

  /** File name to SHA-256 (lower-case hex), as {@code published-specs.txt} records them. */
  static Map<String, String> manifest() {
    try (InputStream in = TestSpecs.class.getResourceAsStream(MANIFEST)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + MANIFEST);
      }
      Map<String, String> sums = new LinkedHashMap<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String l = line.strip();
        if (!l.isEmpty() && !l.startsWith("#")) {
          String[] f = l.split("\\s+");
          sums.put(f[0], f[1]);
        }
      }
      return sums;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Checks that the reduced {@code copy} a fake ships is exactly what {@code reducer} makes of the published
   * document {@code published} (compact JSON, under 400 kB); with {@code -Dtenantwright.specs.write=true} it
   * rewrites the copy first. Skipped when no folder of published documents is set.
   */
  public static void assertCopyIsReductionOf(String published, SpecReducer reducer, Path copy) throws IOException {
    Path document = file(published);
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
