package dev.tenantwright.testkit.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.SpecPatch;
import dev.tenantwright.testkit.SpecReducer;
import dev.tenantwright.testkit.TestSpecs;
import dev.tenantwright.testkit.internal.SpecOps;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps the reduced copy of Cloudflare's OpenAPI document that {@link CloudflareFake} validates against in
 * step with the published one (downloaded, see {@link TestSpecs}): the copy must be exactly what the reducer below
 * makes of it. The copy is written as compact JSON: it is read by the validator, not by people.
 *
 * <p>Run with {@code -Dtenantwright.specs.write=true} to (re)write the copy after changing the reducer.
 */
class CloudflareSpecCopyTest {

  static final String PUBLISHED = "cloudflare-openapi-2024-08-07.json";
  static final Path COPY =
      Path.of("src/main/resources/dev/tenantwright/testkit/specs/cloudflare/cloudflare-dns-openapi-reduced.json");

  /** The zone and DNS record paths the Cloudflare plugin calls, with the stock Cloudflare repairs. */
  static SpecReducer reducer() {
    return SpecReducer.cloudflare("/zones", "/zones/{zone_id}", "/zones/{zone_id}/dns_records",
            "/zones/{zone_id}/dns_records/{dns_record_id}")
        .with(SpecPatch.of("cloudflare-typeless-content", CloudflareSpecCopyTest::typeContent))
        .with(SpecPatch.of("cloudflare-failure-bodies", CloudflareSpecCopyTest::failureBodies))
        .with(SpecPatch.of("strip-docs",
            doc -> TestSpecs.stripDocs(doc, "x-cfPermissionsRequired", "x-cfPlanAvailability")));
  }

  @Test
  void theCommittedCopyIsWhatTheReducerMakesOfThePublishedDocument() throws IOException {
    TestSpecs.assertCopyIsReductionOf(PUBLISHED, reducer(), COPY);
  }

  /**
   * A record's {@code content} declared without a type (the CNAME record's "A valid hostname") is read by the
   * validator as an object, so every CNAME would be refused: it is a string.
   */
  static void typeContent(ObjectNode doc) {
    doc.path("components").path("schemas").fields().forEachRemaining(e -> {
      if (e.getKey().endsWith("Record")) {
        for (JsonNode part : e.getValue().path("allOf")) {
          JsonNode content = part.path("properties").path("content");
          if (content instanceof ObjectNode c && !c.has("type") && !c.has("$ref") && !c.has("oneOf")
              && !c.has("anyOf") && !c.has("allOf")) {
            c.put("type", "string");
          }
        }
      }
    });
  }

  /**
   * The DNS operations declare their failures as {@code allOf} the success envelope (which requires
   * {@code success: true} and a record) and the failure envelope, which nothing can satisfy; Cloudflare's
   * failures are the failure envelope alone ({@code success: false}, {@code errors[]}, {@code result: null}).
   */
  static void failureBodies(ObjectNode doc) {
    SpecOps.forEachOperation(doc, (path, method, op) -> op.path("responses").fields().forEachRemaining(e -> {
      if (e.getKey().equals("4XX") && e.getValue().path("content").path("application/json") instanceof ObjectNode media) {
        media.putObject("schema").put("$ref", "#/components/schemas/dns-records_api-response-common-failure");
      }
    }));
  }
}
