package dev.tenantwright.testkit.vercel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.JsonClient;
import dev.tenantwright.testkit.JsonClient.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VercelFakeTest {

  final VercelFake fake = new VercelFake();
  final JsonClient http = new JsonClient(fake.baseUrl(), VercelFake.TOKEN);

  @AfterEach
  void close() {
    fake.close();
  }

  String createProject(String name) {
    Answer a = http.post("/v11/projects", "{\"name\":\"" + name + "\",\"framework\":\"nextjs\",\"environmentVariables\":"
        + "[{\"key\":\"TENANTWRIGHT_OWNER\",\"value\":\"tw:acme/demo/site@0123456789ab\",\"target\":[\"development\"],"
        + "\"type\":\"plain\"}]}");
    assertThat(a.status()).isEqualTo(200);
    return a.json().get("id").asText();
  }

  @Test
  void aProjectIsCreatedReadAndDeletedAndItsMarkerComesBack() {
    String id = createProject("acme-demo-site");

    Answer got = http.get("/v9/projects/acme-demo-site");
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json().get("id").asText()).isEqualTo(id);
    assertThat(got.json().get("env").get(0).get("value").asText()).isEqualTo("tw:acme/demo/site@0123456789ab");
    assertThat(http.delete("/v9/projects/" + id).status()).isEqualTo(204);
    assertThat(http.get("/v9/projects/" + id).status()).isEqualTo(404);
    assertThat(http.delete("/v9/projects/" + id).status()).isEqualTo(404);
    assertThat(fake.liveObjects()).isEmpty();
    fake.assertContractRespected();
  }

  @Test
  void aDuplicateProjectNameIsA409() {
    createProject("acme-demo-site");
    Answer again = http.post("/v11/projects", "{\"name\":\"acme-demo-site\"}");

    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().at("/error/message").asText()).contains("already exists");
    fake.assertContractRespected();
  }

  @Test
  void envUpsertReportsRefusedVariablesInFailedAndUpdatesExistingOnes() {
    createProject("acme-demo-site");
    fake.failEnv("BROKEN", "invalid_value", "The value is not allowed");
    String body = "[{\"key\":\"API_URL\",\"value\":\"https://a\",\"type\":\"encrypted\",\"target\":[\"production\",\"preview\"],"
        + "\"comment\":\"tw:acme/demo/env@0123456789ab\"},{\"key\":\"BROKEN\",\"value\":\"x\",\"type\":\"plain\","
        + "\"target\":[\"production\"]}]";
    Answer first = http.post("/v10/projects/acme-demo-site/env?upsert=true", body);
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.json().get("created")).hasSize(1);
    assertThat(first.json().at("/failed/0/error/code").asText()).isEqualTo("invalid_value");

    Answer second = http.post("/v10/projects/acme-demo-site/env?upsert=true", body.replace("https://a", "https://b"));
    assertThat(second.json().get("created")).hasSize(1);
    assertThat(fake.envValue("acme-demo-site", "API_URL")).contains("https://b");
    assertThat(fake.envKeys("acme-demo-site")).containsExactly("TENANTWRIGHT_OWNER", "API_URL");

    Answer withoutUpsert = http.post("/v10/projects/acme-demo-site/env", body);
    assertThat(withoutUpsert.json().at("/failed/0/error/code").asText()).isEqualTo("ENV_CONFLICT");

    Answer listed = http.get("/v10/projects/acme-demo-site/env");
    String envId = listed.json().at("/envs/1/id").asText();
    assertThat(listed.json().at("/envs/1/comment").asText()).isEqualTo("tw:acme/demo/env@0123456789ab");
    assertThat(http.delete("/v9/projects/acme-demo-site/env/" + envId).status()).isEqualTo(200);
    assertThat(http.delete("/v9/projects/acme-demo-site/env/" + envId).status()).isEqualTo(404);
    fake.assertContractRespected();
  }

  @Test
  void aDeploymentAdvancesFromQueuedThroughBuildingToReadyAsItIsPolled() {
    String project = createProject("acme-demo-site");
    Answer created = http.post("/v13/deployments", "{\"name\":\"acme-demo-site\",\"project\":\"" + project + "\","
        + "\"files\":[{\"file\":\"index.html\",\"data\":\"<h1>hi</h1>\",\"encoding\":\"utf-8\"}],"
        + "\"meta\":{\"tenantwrightOwner\":\"tw:acme/demo/deploy@0123456789ab\"},\"target\":\"production\"}");
    assertThat(created.status()).isEqualTo(200);
    assertThat(created.json().get("readyState").asText()).isEqualTo("QUEUED");
    String id = created.json().get("id").asText();

    List<String> states = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      states.add(http.get("/v13/deployments/" + id).json().get("readyState").asText());
    }
    assertThat(states).containsExactly("BUILDING", "READY", "READY");
    Answer listed = http.get("/v6/deployments?projectId=" + project + "&limit=10");
    assertThat(listed.json().at("/deployments/0/meta/tenantwrightOwner").asText())
        .isEqualTo("tw:acme/demo/deploy@0123456789ab");
    assertThat(http.send("PATCH", "/v12/deployments/" + id + "/cancel", null).status()).isEqualTo(400);
    assertThat(http.delete("/v13/deployments/" + id).json().get("state").asText()).isEqualTo("DELETED");
    assertThat(http.get("/v13/deployments/" + id).status()).isEqualTo(404);
    fake.assertContractRespected();
  }

  @Test
  void aFailingBuildEndsInErrorWithItsCodeAndMessage() {
    String project = createProject("acme-demo-site");
    fake.failBuilds("BUILD_FAILED", "npm run build exited with 1").deploymentPhases(2);
    String id = http.post("/v13/deployments", "{\"name\":\"acme-demo-site\",\"project\":\"" + project + "\","
        + "\"gitSource\":{\"type\":\"github\",\"org\":\"acme\",\"repo\":\"site\",\"ref\":\"main\"}}").json()
        .get("id").asText();

    Answer last = null;
    for (int i = 0; i < 4; i++) {
      last = http.get("/v13/deployments/" + id);
    }
    assertThat(last.json().get("readyState").asText()).isEqualTo("ERROR");
    assertThat(last.json().get("errorCode").asText()).isEqualTo("BUILD_FAILED");
    assertThat(last.json().get("errorMessage").asText()).isEqualTo("npm run build exited with 1");
    fake.assertContractRespected();
  }

  @Test
  void deploymentsCanAdvanceWithTheClockInsteadOfPolls() {
    MovableClock clock = new MovableClock();
    try (VercelFake timed = new VercelFake(clock).deploymentPhaseTime(Duration.ofSeconds(10))) {
      JsonClient c = new JsonClient(timed.baseUrl(), VercelFake.TOKEN);
      String project = c.post("/v11/projects", "{\"name\":\"timed\"}").json().get("id").asText();
      String id = c.post("/v13/deployments", "{\"name\":\"timed\",\"project\":\"" + project + "\","
          + "\"files\":[{\"file\":\"a.txt\",\"data\":\"a\"}]}").json().get("id").asText();

      List<String> states = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        states.add(c.get("/v13/deployments/" + id).json().get("readyState").asText());
        clock.advance(Duration.ofSeconds(10));
      }
      assertThat(states).containsExactly("QUEUED", "BUILDING", "READY");
      timed.assertContractRespected();
    }
  }

  /** A clock tests move by hand. */
  static final class MovableClock extends java.time.Clock {
    private volatile java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }

  @Test
  void aRunningDeploymentCanBeCancelled() {
    String project = createProject("acme-demo-site");
    String id = http.post("/v13/deployments", "{\"name\":\"acme-demo-site\",\"project\":\"" + project + "\","
        + "\"files\":[{\"file\":\"index.html\",\"data\":\"x\"}]}").json().get("id").asText();

    Answer cancelled = http.send("PATCH", "/v12/deployments/" + id + "/cancel", null);
    assertThat(cancelled.json().get("readyState").asText()).isEqualTo("CANCELED");
    assertThat(http.get("/v13/deployments/" + id).json().get("readyState").asText()).isEqualTo("CANCELED");
    fake.assertContractRespected();
  }

  @Test
  void domainsAreAddedOnceAndVerifiedWhenTheirTxtRecordExists() {
    createProject("acme-demo-site");
    createProject("other-site");
    fake.requireVerification("shop.acme.example");
    Answer added = http.post("/v10/projects/acme-demo-site/domains", "{\"name\":\"shop.acme.example\"}");
    assertThat(added.json().get("verified").asBoolean()).isFalse();
    String txtName = added.json().at("/verification/0/domain").asText();
    String txtValue = added.json().at("/verification/0/value").asText();
    assertThat(txtName).isEqualTo("_vercel.acme.example");

    assertThat(http.post("/v10/projects/acme-demo-site/domains", "{\"name\":\"shop.acme.example\"}").status())
        .isEqualTo(400);
    assertThat(http.post("/v10/projects/other-site/domains", "{\"name\":\"shop.acme.example\"}").status())
        .isEqualTo(409);
    String verify = "/v9/projects/acme-demo-site/domains/shop.acme.example/verify";
    assertThat(http.post(verify, null).json().at("/error/code").asText()).isEqualTo("missing_txt_record");
    fake.txtLookup((name, value) -> name.equals(txtName) && value.equals(txtValue));
    assertThat(http.post(verify, null).json().get("verified").asBoolean()).isTrue();
    assertThat(http.delete("/v9/projects/acme-demo-site/domains/shop.acme.example").status()).isEqualTo(200);
    assertThat(http.get("/v9/projects/acme-demo-site/domains/shop.acme.example").status()).isEqualTo(404);
    fake.assertContractRespected();
  }

  @Test
  void aWrongTokenOrAMissingTeamIsRefused() {
    fake.requireTeam("team_1");
    assertThat(new JsonClient(fake.baseUrl(), "wrong").get("/v9/projects/x").status()).isEqualTo(403);
    assertThat(http.get("/v9/projects/x").status()).isEqualTo(403);
    assertThat(http.get("/v9/projects/x?teamId=team_1").status()).isEqualTo(404);
  }

  @Test
  void aRateLimitCarriesRetryAfterAndTheCallbackSeesOnlyCallsThatTookEffect() {
    List<Integer> seen = new ArrayList<>();
    fake.afterEachCall(seen::add);
    fake.inject(Fault.rateLimited(Duration.ofSeconds(2)).on(VercelFake.CREATE_PROJECT).times(1));

    Answer limited = http.post("/v11/projects", "{\"name\":\"acme\"}");
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.json().at("/error/code").asText()).isEqualTo("rate_limited");
    createProject("acme");
    assertThat(seen).containsExactly(1);
    assertThat(fake.calls(VercelFake.CREATE_PROJECT)).isEqualTo(2);
  }

  @Test
  void aNonConformingRequestIsReported() {
    http.post("/v11/projects", "{\"name\":42}");
    http.post("/v10/projects/x/env", "{\"key\":\"A\"}");

    assertThat(fake.contractViolations()).hasSize(2);
  }

  @Test
  void plantedProjectsAndFixturesCarryTheirMarker() {
    fake.putProject("planted", "tw:acme/demo/site@000000000000");
    fake.projectFixtures(name -> name.endsWith("-fixture") ? "tw:" + name + "/demo/site@000000000000" : null);

    assertThat(http.get("/v9/projects/planted").json().at("/env/0/value").asText())
        .isEqualTo("tw:acme/demo/site@000000000000");
    assertThat(http.get("/v9/projects/t1-fixture").status()).isEqualTo(200);
    assertThat(http.get("/v9/projects/unknown").status()).isEqualTo(404);
    assertThat(fake.liveObjects()).filteredOn(s -> s.startsWith("project ")).hasSize(2);
    assertThat(Map.of("planted", fake.projectId("planted").isPresent())).containsEntry("planted", true);
    fake.assertContractRespected();
  }
}
