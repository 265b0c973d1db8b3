package dev.tenantwright.testkit.incus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.SpecReducer;
import dev.tenantwright.testkit.TestSpecs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps the shipped Incus document honest: it must be exactly what {@link SpecReducer#incus} makes of Incus's
 * {@code doc/rest-api.yaml} for {@link IncusFake#SPEC_PATHS}. Skipped unless the folder of published documents is
 * set ({@link TestSpecs#file}). Run with {@code -Dtenantwright.specs.write=true} to rewrite it after changing the
 * paths.
 */
class IncusSpecCopyTest {

  private static final Path RESOURCE =
      Path.of("src/main/resources").resolve(IncusFake.SPEC_RESOURCE.substring(1));

  @Test
  void theShippedDocumentIsTheReductionOfIncusOwnDocument() throws IOException {
    Path original = TestSpecs.file("incus-rest-api.yaml");
    ObjectNode reduced = SpecReducer.incus(IncusFake.SPEC_PATHS.toArray(new String[0])).with(IncusFake.SPEC_FIXES)
        .reduce(SpecReducer.read(original));
    String text = SpecReducer.toJson(reduced) + "\n";
    if (Boolean.getBoolean("tenantwright.specs.write")) {
      Files.createDirectories(RESOURCE.getParent());
      Files.writeString(RESOURCE, text, StandardCharsets.UTF_8);
    }
    JsonNode shipped = SpecReducer.read(RESOURCE);
    assertThat(shipped).isEqualTo(reduced);
  }

  @Test
  void theShippedDocumentKeepsEveryPathTheFakeServes() {
    JsonNode shipped = SpecReducer.read(IncusFake.class.getResource(IncusFake.SPEC_RESOURCE));
    for (String path : IncusFake.SPEC_PATHS) {
      assertThat(shipped.path("paths").has(path)).as(path).isTrue();
    }
  }
}
