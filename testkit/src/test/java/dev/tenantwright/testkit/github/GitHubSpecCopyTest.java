package dev.tenantwright.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.SpecPatch;
import dev.tenantwright.testkit.SpecReducer;
import dev.tenantwright.testkit.TestSpecs;
import dev.tenantwright.testkit.internal.Json;
import dev.tenantwright.testkit.internal.SpecOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Keeps the two reduced copies of GitHub's documents that {@link GitHubFake} validates against in step with the
 * published ones: the REST API (octokit/openapi 23.0.2, {@code api.github.com}) cut down to the calls the GitHub
 * plugin makes, and the webhooks document (octokit/openapi-webhooks 12.1.0) cut down to the {@code push} and
 * {@code ping} events the fake delivers. Each copy must be exactly what its reducer below makes of the published
 * document. The copies are compact JSON: they are read by validators, not by people.
 *
 * <p>Run with {@code -Dtenantwright.specs.write=true} to (re)write the copies after changing a reducer.
 */
class GitHubSpecCopyTest {

  static final String PUBLISHED = "github-openapi-octokit-23.0.2.json";
  static final String PUBLISHED_WEBHOOKS = "github-webhooks-openapi-octokit-12.1.0.json";
  static final Path COPY = Path.of("src/main/resources" + GitHubFake.SPEC_RESOURCE);
  static final Path WEBHOOKS_COPY = Path.of("src/main/resources" + GitHubFake.WEBHOOKS_SPEC_RESOURCE);

  /** The operations the plugin calls, per path; every other operation of a kept path goes. */
  static final Map<String, Set<String>> USED = Map.of(
      "/repos/{template_owner}/{template_repo}/generate", Set.of("post"),
      "/repos/{owner}/{repo}", Set.of("get", "patch", "delete"),
      "/repos/{owner}/{repo}/branches/{branch}", Set.of("get"),
      "/repos/{owner}/{repo}/topics", Set.of("put"),
      "/repos/{owner}/{repo}/hooks", Set.of("get", "post"),
      "/repos/{owner}/{repo}/hooks/{hook_id}", Set.of("get", "patch", "delete"));

  /** The REST paths the plugin calls, with the repairs GitHub's document needs. */
  static SpecReducer reducer() {
    return SpecReducer.keeping(USED.keySet().toArray(String[]::new))
        .with(SpecPatch.of("github-unused-operations", GitHubSpecCopyTest::dropUnusedOperations))
        .with(SpecPatch.of("github-undeclared-errors", GitHubSpecCopyTest::declareErrors))
        .with(SpecPatch.of("github-media-type", GitHubSpecCopyTest::vendorMediaType))
        .with(SpecPatch.of("strip-docs", GitHubSpecCopyTest::stripDocs))
        .with(SpecPatch.of("drop-examples", SpecOps::pruneUnreachable));
  }

  /** The webhooks document with only the events the fake delivers. */
  static SpecReducer webhooksReducer() {
    return SpecReducer.keeping()
        .with(SpecPatch.of("github-webhooks-push-and-ping", GitHubSpecCopyTest::keepPushAndPing))
        .with(SpecPatch.of("strip-docs", doc -> TestSpecs.stripDocs(doc, "x-github", "operationId")))
        .with(SpecPatch.of("drop-examples", SpecOps::pruneUnreachable));
  }

  @Test
  void theCommittedRestCopyIsWhatTheReducerMakesOfThePublishedDocument() throws IOException {
    TestSpecs.assertCopyIsReductionOf(PUBLISHED, reducer(), COPY);
  }

  @Test
  void theCommittedWebhooksCopyIsWhatTheReducerMakesOfThePublishedDocument() throws IOException {
    TestSpecs.assertCopyIsReductionOf(PUBLISHED_WEBHOOKS, webhooksReducer(), WEBHOOKS_COPY);
  }

  /** Drops the operations of kept paths the plugin never calls, and the document's webhooks section and tags. */
  static void dropUnusedOperations(ObjectNode doc) {
    doc.remove("x-webhooks");
    doc.remove("tags");
    USED.forEach((path, methods) -> {
      ObjectNode item = (ObjectNode) doc.path("paths").path(path);
      List.of("get", "put", "post", "patch", "delete").forEach(m -> {
        if (!methods.contains(m)) {
          item.remove(m);
        }
      });
    });
    SpecOps.pruneUnreachable(doc);
  }

  /**
   * GitHub answers failures the document leaves out: 401 "Bad credentials" on every call made with a refused token,
   * 403 and 404 on every repository path (a repository the token cannot see is a 404), and 422 "Repository creation
   * failed." from {@code POST .../generate} for a taken name — which the document declares with only its 201
   * (docs.github.com/en/rest/repos/repos#create-a-repository-using-a-template). The bodies are GitHub's
   * {@code basic-error} and {@code validation-error} (docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api).
   */
  static void declareErrors(ObjectNode doc) {
    SpecOps.forEachOperation(doc, (path, method, op) -> {
      if (!(op.path("responses") instanceof ObjectNode r)) {
        return;
      }
      for (String status : List.of("401", "403", "404")) {
        if (!r.has(status)) {
          r.set(status, errorResponse("basic-error"));
        }
      }
      if (!r.has("422") && path.endsWith("/generate")) {
        r.set("422", errorResponse("validation-error"));
      }
    });
  }

  /**
   * GitHub asks clients to send {@code Accept: application/vnd.github+json} and answers it with JSON
   * (docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api#media-types), but the document
   * declares its answers as {@code application/json} only, so the validator would refuse every request that follows
   * the advice: each JSON answer is declared under the vendor type too.
   */
  static void vendorMediaType(ObjectNode doc) {
    List<JsonNode> responses = new ArrayList<>();
    SpecOps.forEachOperation(doc, (path, method, op) -> op.path("responses").forEach(responses::add));
    doc.path("components").path("responses").forEach(responses::add);
    for (JsonNode r : responses) {
      if (r.path("content") instanceof ObjectNode content && content.has("application/json")) {
        content.set("application/vnd.github+json", content.get("application/json").deepCopy());
      }
    }
  }

  private static ObjectNode errorResponse(String schema) {
    ObjectNode r = Json.mapper().createObjectNode().put("description", "");
    r.putObject("content").putObject("application/json").putObject("schema")
        .put("$ref", "#/components/schemas/" + schema);
    return r;
  }

  /** {@link TestSpecs#stripDocs}, keeping the (empty) description OpenAPI requires of shared responses too. */
  static void stripDocs(ObjectNode doc) {
    TestSpecs.stripDocs(doc, "x-github", "operationId");
    doc.path("components").path("responses").forEach(r -> ((ObjectNode) r).put("description", ""));
  }

  /** Keeps the {@code push} and {@code ping} webhooks and the schemas they reach. */
  static void keepPushAndPing(ObjectNode doc) {
    JsonNode hooks = doc.path("webhooks");
    if (hooks instanceof ObjectNode h) {
      h.retain("push", "ping");
    }
    doc.remove("tags");
    SpecOps.pruneUnreachable(doc);
  }
}
