package dev.tenantwright.testkit.vercel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.SpecPatch;
import dev.tenantwright.testkit.SpecReducer;
import dev.tenantwright.testkit.TestSpecs;
import dev.tenantwright.testkit.internal.Json;
import dev.tenantwright.testkit.internal.SpecOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeps the reduced copy of Vercel's OpenAPI document that {@link VercelFake} validates against in step with
 * the published one (downloaded, see {@link TestSpecs}): the copy must be exactly what the reducer below makes of
 * it.
 *
 * The copy is written as compact JSON: it is read by the validator, not by people.
 *
 * <p>Run with {@code -Dtenantwright.specs.write=true} to (re)write the copy after changing the reducer.
 */
class VercelSpecCopyTest {

  static final String PUBLISHED = "vercel-openapi-2025-10-27.json";
  static final Path COPY = Path.of("src/main/resources/dev/tenantwright/testkit/specs/vercel/vercel-openapi-reduced.json");

  /** The paths the Vercel plugin calls, with the repairs the published document needs. */
  static SpecReducer reducer() {
    return SpecReducer.keeping(
            "/v11/projects",
            "/v9/projects/{idOrName}",
            "/v10/projects/{idOrName}/env",
            "/v9/projects/{idOrName}/env/{id}",
            "/v13/deployments",
            "/v13/deployments/{idOrUrl}",
            "/v13/deployments/{id}",
            "/v12/deployments/{id}/cancel",
            "/v6/deployments",
            "/v10/projects/{idOrName}/domains",
            "/v9/projects/{idOrName}/domains/{domain}",
            "/v9/projects/{idOrName}/domains/{domain}/verify",
            "/v1/projects/{idOrName}/env/{id}",
            "/v10/projects/{projectId}/promote/{deploymentId}",
            "/v6/domains/{domain}/config")
        .with(SpecPatch.of("vercel-unused-operations", VercelSpecCopyTest::dropUnusedOperations))
        .with(SpecPatch.of("vercel-overlapping-env-alternatives", VercelSpecCopyTest::envAlternativesOverlap))
        .with(SpecPatch.of("vercel-undeclared-404", VercelSpecCopyTest::declareNotFound))
        .with(SpecPatch.of("vercel-error-bodies", VercelSpecCopyTest::declareErrorBodies))
        .with(SpecPatch.of("strip-docs", doc -> TestSpecs.stripDocs(doc, "x-speakeasy-name-override")));
  }

  @Test
  void theCommittedCopyIsWhatTheReducerMakesOfThePublishedDocument() throws IOException {
    TestSpecs.assertCopyIsReductionOf(PUBLISHED, reducer(), COPY);
  }

  /** The plugin never edits projects, env vars or domains in place: their PATCH operations go. */
  static void dropUnusedOperations(ObjectNode doc) {
    for (String path : new String[] {"/v9/projects/{idOrName}", "/v9/projects/{idOrName}/env/{id}",
        "/v9/projects/{idOrName}/domains/{domain}"}) {
      ((ObjectNode) doc.path("paths").path(path)).remove("patch");
    }
    SpecOps.pruneUnreachable(doc);
  }

  /**
   * {@code GET /v1/projects/{idOrName}/env/{id}} answers one of three {@code oneOf} alternatives that differ
   * only in optional properties, so any variable with a value matches two or three of them and no answer could
   * satisfy {@code oneOf}: they are alternatives of an {@code anyOf}.
   */
  static void envAlternativesOverlap(ObjectNode doc) {
    JsonNode schema = doc.path("paths").path("/v1/projects/{idOrName}/env/{id}").path("get").path("responses")
        .path("200").path("content").path("application/json").path("schema");
    if (schema instanceof ObjectNode o && o.has("oneOf")) {
      o.set("anyOf", o.remove("oneOf"));
    }
  }

  /**
   * Vercel answers 404 {@code not_found} for a missing project or domain on reads and deletes, but the
   * document declares no 404 there.
   */
  static void declareNotFound(ObjectNode doc) {
    Map<String, String> ops = Map.of(
        "/v9/projects/{idOrName}", "get delete",
        "/v9/projects/{idOrName}/domains/{domain}", "get delete",
        "/v9/projects/{idOrName}/domains/{domain}/verify", "post",
        "/v10/projects/{idOrName}/env", "get post",
        "/v10/projects/{idOrName}/domains", "post",
        "/v12/deployments/{id}/cancel", "patch",
        "/v1/projects/{idOrName}/env/{id}", "get",
        "/v10/projects/{projectId}/promote/{deploymentId}", "post");
    ops.forEach((path, methods) -> {
      for (String m : methods.split(" ")) {
        JsonNode responses = doc.path("paths").path(path).path(m).path("responses");
        if (responses instanceof ObjectNode r && !r.has("404")) {
          r.putObject("404").put("description", "Not found (undeclared in the published document)");
        }
      }
    });
  }

  /**
   * Vercel answers every failure with {@code {"error":{"code","message"}}} (vercel.com/docs/rest-api/errors),
   * but the document declares its error responses without content, so any real error body would be
   * "unexpected": give them that shape.
   */
  static void declareErrorBodies(ObjectNode doc) {
    ObjectNode schema = Json.mapper().createObjectNode().put("type", "object");
    schema.putArray("required").add("error");
    ObjectNode error = schema.putObject("properties").putObject("error").put("type", "object");
    error.putArray("required").add("code").add("message");
    ObjectNode props = error.putObject("properties");
    props.putObject("code").put("type", "string");
    props.putObject("message").put("type", "string");
    ((ObjectNode) doc.path("components").path("schemas")).set("VercelError", schema);
    SpecOps.forEachOperation(doc, (path, method, op) -> op.path("responses").fields().forEachRemaining(e -> {
      if (!e.getKey().startsWith("2") && e.getValue() instanceof ObjectNode r && !r.has("content")) {
        r.putObject("content").putObject("application/json").putObject("schema")
            .put("$ref", "#/components/schemas/VercelError");
      }
    }));
  }
}
