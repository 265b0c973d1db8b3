package dev.tenantwright.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event streams, approvals and the git push webhook against a server in sandbox mode that needs two persons for an
 * approval.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerStreamsTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  ServerFixture f;
  ApiClient alice;
  ApiClient bob;

  @BeforeAll
  void start(@TempDir Path dir) {
    f = new ServerFixture(dir, b -> b.twoPersonApproval(true));
    alice = f.client(f.server.issueToken("alice", "admin", null));
    bob = f.client(f.server.issueToken("bob", "admin", null));
  }

  @AfterAll
  void stop() {
    f.close();
  }

  private String tenant(String company) {
    ApiClient.Answer a = alice.post("/tenants", "{\"company\":\"" + company + "\",\"email\":\"ops@"
        + company.toLowerCase().replace(' ', '-') + ".example\"}");
    assertThat(a.status()).as(a.body()).isEqualTo(201);
    return a.json().get("id").asText();
  }

  private JsonNode awaitRun(String runId) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
      last[0] = alice.get("/runs/" + runId).json();
      return last[0].get("finished").asBoolean();
    });
    return last[0];
  }

  private String token(ApiClient c) {
    return c == alice ? tokenOf("alice") : tokenOf("bob");
  }

  private final Map<String, String> tokens = new java.util.concurrent.ConcurrentHashMap<>();

  private String tokenOf(String name) {
    return tokens.computeIfAbsent(name, n -> f.server.issueToken(n + "-stream", "admin", null));
  }

  @Test
  void aRunsStreamReplaysFollowsEndsAndResumesExactlyAfterTheLastId() throws Exception {
    String t = tenant("Streams Inc");
    String run = alice.post("/tenants/" + t + "/environments", "{\"kind\":\"DEMO\"}").json().get("id").asText();
    List<EventStream.Sse> all;
    try (EventStream s = new EventStream(f.server.url() + "/runs/" + run + "/events", token(alice), null)) {
      assertThat(s.status()).isEqualTo(200);
      all = s.until("RUN_SUCCEEDED", WAIT);
      await().atMost(Duration.ofSeconds(5)).until(s::ended);
    }
    assertThat(all).isNotEmpty();
    assertThat(all.get(0).name()).isEqualTo("RUN_QUEUED");
    assertThat(all.get(all.size() - 1).name()).isEqualTo("RUN_SUCCEEDED");
    assertThat(all).extracting(EventStream.Sse::id).isSorted().doesNotHaveDuplicates();
    assertThat(all).allSatisfy(e -> {
      assertThat(e.data().get("run").asText()).isEqualTo(run);
      assertThat(e.data().get("id").asLong()).isEqualTo(e.id());
    });

    long middle = all.get(all.size() / 2).id();
    List<EventStream.Sse> rest;
    try (EventStream s = new EventStream(f.server.url() + "/runs/" + run + "/events", token(alice), middle)) {
      rest = s.until("RUN_SUCCEEDED", WAIT);
    }
    assertThat(rest).extracting(EventStream.Sse::id)
        .isEqualTo(all.stream().map(EventStream.Sse::id).filter(id -> id > middle).toList());

    try (EventStream s = new EventStream(f.server.url() + "/runs/" + run + "/events", token(alice),
        all.get(all.size() - 1).id())) {
      assertThat(s.status()).as("nothing follows the run's end").isEqualTo(204);
    }
  }

  @Test
  void aTenantsStreamCarriesEveryRunOfThatTenantOnlyAndATenantTokenMayFollowIt() throws Exception {
    String t = tenant("Followed Ltd");
    String other = tenant("Unrelated Ltd");
    String viewer = f.server.issueToken("viewer", "tenant", t);
    try (EventStream mine = new EventStream(f.server.url() + "/tenants/" + t + "/events", viewer, null);
        EventStream theirs = new EventStream(f.server.url() + "/tenants/" + other + "/events", viewer, null)) {
      assertThat(mine.status()).isEqualTo(200);
      assertThat(theirs.status()).as("another tenant's stream looks absent").isEqualTo(404);
      Thread.sleep(200); // let the stream join the tail before the run starts
      String run = alice.post("/tenants/" + t + "/environments", "{\"kind\":\"DEMO\"}").json().get("id").asText();
      alice.post("/tenants/" + other + "/environments", "{\"kind\":\"DEMO\"}");
      List<EventStream.Sse> got = mine.until("RUN_SUCCEEDED", WAIT);
      assertThat(got).extracting(e -> e.data().get("tenant").asText()).containsOnly(t);
      assertThat(got).extracting(e -> e.data().get("run").asText(null)).contains(run);
    }
  }

  @Test
  void aDestructiveChangeToLiveWaitsForASecondPersonsApproval() {
    String t = tenant("Approvals Co");
    String live = alice.post("/tenants/" + t + "/environments", "{\"kind\":\"LIVE\"}").json().get("id").asText();
    assertThat(awaitRun(live).get("state").asText()).isEqualTo("SUCCEEDED");

    ApiClient.Answer inline = alice.send("DELETE", "/tenants/" + t + "/environments/live",
        "{\"approval\":{\"reason\":\"I approve myself\"}}", Map.of());
    assertThat(inline.status()).isEqualTo(403);
    assertThat(inline.json().get("type").asText()).endsWith("/two-person-approval");

    ApiClient.Answer asked = alice.send("DELETE", "/tenants/" + t + "/environments/live",
        "{\"reason\":\"customer left\"}", Map.of("Idempotency-Key", "close-" + t));
    assertThat(asked.status()).isEqualTo(202);
    JsonNode request = asked.json();
    assertThat(request.get("object").asText()).isEqualTo("approval");
    assertThat(request.get("state").asText()).isEqualTo("PENDING");
    assertThat(request.get("requestedBy").asText()).isEqualTo("alice");
    assertThat(request.get("why").asText()).contains("live").doesNotContain("RunOptions");
    String id = request.get("id").asText();
    assertThat(asked.header("Location")).isEqualTo("/approvals/" + id);
    assertThat(alice.send("DELETE", "/tenants/" + t + "/environments/live", "{\"reason\":\"customer left\"}",
        Map.of("Idempotency-Key", "close-" + t)).json().get("id").asText()).as("same key, same request").isEqualTo(id);
    assertThat(alice.get("/approvals?state=PENDING").body()).contains(id);

    ApiClient.Answer self = alice.post("/approvals/" + id + "/approve", "{\"reason\":\"ok\"}");
    assertThat(self.status()).isEqualTo(403);
    assertThat(alice.get("/tenants/" + t + "/environments/live").json().get("state").asText()).isEqualTo("READY");

    ApiClient.Answer approved = bob.post("/approvals/" + id + "/approve", "{\"reason\":\"confirmed with the customer\"}");
    assertThat(approved.status()).isEqualTo(200);
    assertThat(approved.json().get("state").asText()).isEqualTo("APPROVED");
    assertThat(approved.json().get("decidedBy").asText()).isEqualTo("bob");
    String destroy = approved.json().get("run").asText();
    assertThat(awaitRun(destroy).get("kind").asText()).isEqualTo("DESTROY");
    assertThat(alice.get("/runs/" + destroy).json().get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(bob.post("/approvals/" + id + "/approve", "{\"reason\":\"again\"}").status()).isEqualTo(409);
    assertThat(bob.post("/approvals/" + id + "/reject", "{\"reason\":\"late\"}").status()).isEqualTo(409);
    assertThat(alice.get("/tenants/" + t + "/history?limit=500").body()).contains("bob");
  }

  @Test
  void deletingATenantWithLiveAsksForApprovalAndThenRemovesIt() {
    String t = tenant("Leaving Co");
    awaitRun(alice.post("/tenants/" + t + "/environments", "{\"kind\":\"LIVE\"}").json().get("id").asText());
    awaitRun(alice.post("/tenants/" + t + "/environments", "{\"kind\":\"DEMO\"}").json().get("id").asText());
    ApiClient.Answer asked = alice.delete("/tenants/" + t, null);
    assertThat(asked.status()).isEqualTo(202);
    assertThat(asked.json().get("object").asText()).isEqualTo("approval");
    assertThat(asked.json().get("operation").asText()).isEqualTo("delete-tenant");
    ApiClient.Answer approved = bob.post("/approvals/" + asked.json().get("id").asText() + "/approve",
        "{\"reason\":\"contract ended\"}");
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
        .until(() -> alice.get("/tenants/" + t).json().get("state").asText().equals("DELETED"));
    assertThat(alice.get("/tenants/" + t + "/environments").json().get("items"))
        .allSatisfy(e -> assertThat(e.get("state").asText()).isEqualTo("DESTROYED"));
  }

  @Test
  void aRejectedRequestRunsNothing() {
    String t = tenant("Rejected Co");
    String live = alice.post("/tenants/" + t + "/environments", "{\"kind\":\"LIVE\"}").json().get("id").asText();
    awaitRun(live);
    String id = alice.post("/tenants/" + t + "/environments/live/reset", "{}").json().get("id").asText();
    ApiClient.Answer rejected = bob.post("/approvals/" + id + "/reject", "{\"reason\":\"not today\"}");
    assertThat(rejected.json().get("state").asText()).isEqualTo("REJECTED");
    assertThat(rejected.json().get("run").isNull()).isTrue();
    assertThat(alice.get("/runs?tenant=" + t).json().get("items")).hasSize(1);
  }

  @Test
  void aCancelFromTheApiRollsTheRunBack() {
    String t = tenant("Cancelled Co");
    f.server.sandbox().orElseThrow().vercel().inject(dev.tenantwright.testkit.Fault.latency(Duration.ofSeconds(2)));
    try {
      String run = alice.post("/tenants/" + t + "/environments", "{\"kind\":\"DEMO\"}").json().get("id").asText();
      ApiClient.Answer c = bob.post("/runs/" + run + "/cancel", null);
      assertThat(c.status()).isEqualTo(202);
      JsonNode done = awaitRun(run);
      assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("ROLLED_BACK");
      assertThat(done.get("steps")).noneSatisfy(st -> assertThat(st.get("state").asText())
          .isEqualTo("COMPENSATION_FAILED"));
    } finally {
      f.server.sandbox().orElseThrow().vercel().clearFaults();
    }
  }

  @Test
  void aVerifiedPushUpdatesTheEnvironmentOnceAndAReplayOrAForgeryIsRefused() {
    String t = tenant("Pushing Shop");
    String run = alice.post("/tenants/" + t + "/environments",
        "{\"kind\":\"LIVE\",\"site\":\"shop\",\"blueprint\":\"website-compose\"}").json().get("id").asText();
    assertThat(awaitRun(run).get("state").asText()).as(alice.get("/runs/" + run).body()).isEqualTo("SUCCEEDED");
    var github = f.server.sandbox().orElseThrow().github();
    String repo = String.valueOf(f.server.tenantwright().environments().find(t, "shop-live").orElseThrow()
        .resource("repo").outputs().get("fullName"));
    assertThat(github.hooks(repo)).singleElement().satisfies(h -> assertThat(h.url())
        .startsWith(f.server.url() + "/hooks/github/" + t + "/shop-live"));

    String secret = github.hooks(repo).get(0).secret();
    assertThat(secret).hasSizeGreaterThanOrEqualTo(32);
    String everything = alice.get("/tenants/" + t + "/environments/shop-live").body()
        + alice.get("/runs/" + run).body() + alice.get("/runs?tenant=" + t).body()
        + alice.get("/tenants/" + t + "/history?limit=500").body() + alice.get("/tenants/" + t).body();
    assertThat(everything).as("the generated webhook secret is in no answer").doesNotContain(secret);
    try (EventStream s = new EventStream(f.server.url() + "/runs/" + run + "/events", tokenOf("alice"), 0L)) {
      assertThat(s.until("RUN_SUCCEEDED", WAIT).toString()).doesNotContain(secret);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }

    int before = github.deliveries().size();
    String revision = github.push(repo, "A new landing page");
    github.awaitDeliveries();
    var delivery = github.deliveries().subList(before, github.deliveries().size()).stream()
        .filter(d -> d.event().equals("push")).findFirst().orElseThrow();
    assertThat(delivery.status()).as(delivery.toString()).isEqualTo(200);
    List<JsonNode> runs = new ArrayList<>();
    await().atMost(WAIT).until(() -> {
      runs.clear();
      alice.get("/runs?tenant=" + t).json().get("items").forEach(runs::add);
      return runs.size() == 2 && runs.get(0).get("finished").asBoolean();
    });
    assertThat(runs.get(0).get("kind").asText()).isEqualTo("UPDATE");
    assertThat(runs.get(0).get("idempotencyKey").asText()).isEqualTo("push-" + delivery.id());

    String hookPath = "/hooks/github/" + t + "/shop-live";
    ApiClient anonymous = f.client(null);
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    delivery.headers().forEach((k, v) -> {
      if (k.toLowerCase().startsWith("x-") || k.equalsIgnoreCase("content-type")) {
        headers.put(k, v);
      }
    });
    ApiClient.Answer replay = anonymous.send("POST", hookPath, delivery.body(), headers);
    assertThat(replay.status()).isEqualTo(409);
    headers.put("X-GitHub-Delivery", "another-id");
    headers.put("X-Hub-Signature-256", "sha256=" + "0".repeat(64));
    assertThat(anonymous.send("POST", hookPath, delivery.body(), headers).status()).isEqualTo(401);
    assertThat(alice.get("/runs?tenant=" + t).json().get("items")).as("neither started a run").hasSize(2);
  }
}
