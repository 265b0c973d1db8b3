package dev.tenantwright.plugin.github;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tenantwright.testkit.github.GitHubFake;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The receiver's parsing, checked on payloads of the shapes GitHub documents
 * (docs.github.com/en/webhooks/webhook-events-and-payloads#push and #ping): each sample first passes GitHub's own
 * schema for its event, from octokit's webhooks document (reduced to {@code push} and {@code ping}, a copy of the
 * test kit's), then is read as GitHub would deliver it.
 */
class WebhookPayloadsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final byte[] SECRET = "a webhook secret".getBytes(StandardCharsets.UTF_8);

  static byte[] resource(String name) throws IOException {
    try (InputStream in = WebhookPayloadsTest.class.getResourceAsStream(name)) {
      return Objects.requireNonNull(in, name).readAllBytes();
    }
  }

  /** The schema of an event in the reduced document: its OpenAPI 3.1 schemas are JSON Schema 2020-12 $defs. */
  static Schema schema(String event) throws IOException {
    String text = new String(resource("/github/github-webhooks-reduced.json"), StandardCharsets.UTF_8)
        .replace("\"#/components/schemas/", "\"#/$defs/");
    ObjectNode bundle = JSON.createObjectNode().put("$schema", "https://json-schema.org/draft/2020-12/schema");
    bundle.set("$defs", JSON.readTree(text).path("components").path("schemas"));
    String id = "https://schemas.tenantwright.dev/github-webhooks-test.json";
    String document = JSON.writeValueAsString(bundle);
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
        b -> b.schemas(Map.of(id, document)));
    return registry.getSchema(SchemaLocation.of(id + "#/$defs/webhook-" + event));
  }

  static List<String> problems(String event, byte[] payload) throws IOException {
    return schema(event).validate(JSON.readTree(payload)).stream()
        .map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
  }

  static WebhookDelivery deliver(String event, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    StringBuilder hex = new StringBuilder();
    for (byte b : mac.doFinal(body)) {
      hex.append(String.format("%02x", b));
    }
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.putAll(Map.of("X-GitHub-Event", event, "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        "Content-Type", "application/json", "X-Hub-Signature-256", "sha256=" + hex));
    return GitHubWebhooks.withSecret(SECRET).receive(headers::get, body);
  }

  @Test
  void theSchemaCopyIsTheTestKitsOwn() throws IOException {
    byte[] kits;
    try (InputStream in = GitHubFake.class.getResourceAsStream(GitHubFake.WEBHOOKS_SPEC_RESOURCE)) {
      kits = in.readAllBytes();
    }
    assertThat(resource("/github/github-webhooks-reduced.json")).as("refresh the copy from the test kit").isEqualTo(kits);
  }

  @Test
  void aPushToABranchMatchesGitHubsSchemaAndIsReadWithItsHeadCommit() throws Exception {
    byte[] push = resource("/github/push.json");
    assertThat(problems("push", push)).isEmpty();

    WebhookDelivery d = deliver("push", push);
    assertThat(d).isEqualTo(new WebhookDelivery.Push("72d3162e-cc78-11e3-81ab-4c9367dc0958", new PushEvent(
        "Codertocat/Hello-World", "refs/heads/master", "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
        "6113728f27ae82c7b1a177c8d03f9e96e0adf246", false, false, false, "Codertocat",
        "6113728f27ae82c7b1a177c8d03f9e96e0adf246", "Update README.md")));
    assertThat(((WebhookDelivery.Push) d).event().branch()).contains("master");
  }

  @Test
  void aDeletedBranchMatchesGitHubsSchemaAndIsReadAsDeletedWithoutHeadCommit() throws Exception {
    byte[] deleted = resource("/github/push-branch-deleted.json");
    assertThat(problems("push", deleted)).isEmpty();

    PushEvent e = ((WebhookDelivery.Push) deliver("push", deleted)).event();
    assertThat(e.deleted()).isTrue();
    assertThat(e.after()).isEqualTo("0".repeat(40));
    assertThat(e.headCommitId()).isNull();
    assertThat(e.headCommitMessage()).isNull();
    assertThat(e.branch()).contains("simple-branch");
  }

  @Test
  void aPingMatchesGitHubsSchemaAndIsAnsweredPong() throws Exception {
    byte[] ping = resource("/github/ping.json");
    assertThat(problems("ping", ping)).isEmpty();

    WebhookDelivery d = deliver("ping", ping);
    assertThat(d).isEqualTo(new WebhookDelivery.Ping("72d3162e-cc78-11e3-81ab-4c9367dc0958", 109948940L,
        "Anything added dilutes everything else."));
    assertThat(d.status()).isEqualTo(200);
    assertThat(d.responseText()).isEqualTo("pong");
  }

  @Test
  void theSchemaCatchesAPushWithoutItsRepository() throws Exception {
    JsonNode push = JSON.readTree(resource("/github/push.json"));
    ((ObjectNode) push).remove("repository");

    assertThat(problems("push", JSON.writeValueAsBytes(push))).isNotEmpty();
  }
}
