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
    String envId = got.json().at("/env/0/id").asText();
    assertThat(got.json().at("/env/0/value").asText()).isNotEqualTo("tw:acme/demo/site@0123456789ab");
    assertThat(http.get("/v1/projects/" + id + "/env/" + envId).json().get("value").asText())
        .isEqualTo("tw:acme/demo/site@0123456789ab");
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
    Answer created = http.post("/v13/deployments?skipAutoDetectionConfirmation=1", "{\"name\":\"acme-demo-site\",\"project\":\"" + project + "\","
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
    String id = http.post("/v13/deployments?skipAutoDetectionConfirmation=1", "{\"name\":\"acme-demo-site\",\"project\":\"" + project + "\","
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
      String id = c.post("/v13/deployments?skipAutoDetectionConfirmation=1", "{\"name\":\"timed\",\"project\":\"" + project + "\","
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
    String id = http.post("/v13/deployments?skipAutoDetectionConfirmation=1", "{\"name\":\"acme-demo-site\",\"project\":\"" + project + "\","
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

    assertThat(http.get("/v9/projects/planted").json().at("/env/0/comment").asText())
        .isEqualTo("tw:acme/demo/site@000000000000");
    assertThat(http.get("/v9/projects/t1-fixture").status()).isEqualTo(200);
    assertThat(http.get("/v9/projects/unknown").status()).isEqualTo(404);
    assertThat(fake.liveObjects()).filteredOn(s -> s.startsWith("project ")).hasSize(2);
    assertThat(Map.of("planted", fake.projectId("planted").isPresent())).containsEntry("planted", true);
    fake.assertContractRespected();
  }

  String deploy(String project, String target) {
    Answer a = http.post("/v13/deployments?skipAutoDetectionConfirmation=1", "{\"name\":\"acme-demo-site\",\"project\":\""
        + project + "\"," + (target == null ? "" : "\"target\":\"" + target + "\",")
        + "\"files\":[{\"file\":\"index.html\",\"data\":\"x\"}]}");
    assertThat(a.status()).as(String.valueOf(a.json())).isEqualTo(200);
    return a.json().get("id").asText();
  }

  Answer poll(String id) {
    return http.get("/v13/deployments/" + id);
  }

  @Test
  void v2_listsReturnEveryValueEncryptedAndOnlyTheReadByIdDecryptsIt() {
    createProject("acme-demo-site");
    http.post("/v10/projects/acme-demo-site/env?upsert=true", "[{\"key\":\"MODE\",\"value\":\"blue\",\"type\":\"plain\","
        + "\"target\":[\"production\"],\"comment\":\"tw:acme/demo/env@0123456789ab\"}]");

    Answer listed = http.get("/v10/projects/acme-demo-site/env?decrypt=true");
    assertThat(listed.json().get("envs")).allSatisfy(e -> {
      assertThat(e.get("value").asText()).doesNotContain("blue").doesNotStartWith("tw:");
      assertThat(e.get("decrypted").asBoolean()).isFalse();
    });
    assertThat(listed.json().at("/envs/1/comment").asText()).isEqualTo("tw:acme/demo/env@0123456789ab");
    Answer one = http.get("/v1/projects/acme-demo-site/env/" + listed.json().at("/envs/1/id").asText());
    assertThat(one.json().get("value").asText()).isEqualTo("blue");
    assertThat(one.json().get("decrypted").asBoolean()).isTrue();
    fake.assertContractRespected();
  }

  @Test
  void v3_theFirstDeploymentOfAProjectNeedsProjectSettingsOrTheSkipFlag() {
    String project = createProject("acme-demo-site");
    String files = "\"files\":[{\"file\":\"index.html\",\"data\":\"x\"}]";

    Answer refused = http.post("/v13/deployments", "{\"name\":\"acme-demo-site\",\"project\":\"" + project + "\"," + files + "}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().at("/error/code").asText()).isEqualTo("missing_project_settings");
    Answer withSettings = http.post("/v13/deployments", "{\"name\":\"acme-demo-site\",\"project\":\"" + project + "\","
        + "\"projectSettings\":{\"framework\":\"nextjs\"}," + files + "}");
    assertThat(withSettings.status()).isEqualTo(200);
    assertThat(http.post("/v13/deployments", "{\"name\":\"acme-demo-site\",\"project\":\"" + project + "\"," + files + "}")
        .status()).as("only the first deployment needs them").isEqualTo(200);
    fake.assertContractRespected();
  }

  @Test
  void v6_aProductionDeploymentIsAliasedAPhaseAfterItIsReadyAndOnlyThenServesTheDomain() {
    String project = createProject("acme-demo-site");
    fake.putDomain(project, "shop.acme.example");
    String first = deploy(project, "production");
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Answer a = poll(first);
      seen.add(a.json().get("readyState").asText() + "/" + a.json().get("aliasAssigned").asText());
    }
    assertThat(seen).containsExactly("BUILDING/false", "READY/false", "READY/true");
    assertThat(fake.servedDeployment("shop.acme.example")).contains(first);
    assertThat(http.get("/v9/projects/" + project).json().at("/targets/production/id").asText()).isEqualTo(first);

    String second = deploy(project, "production");
    poll(second);
    assertThat(poll(second).json().get("readyState").asText()).isEqualTo("READY");
    assertThat(fake.servedDeployment("shop.acme.example")).as("READY, not yet aliased").contains(first);
    assertThat(poll(second).json().get("readySubstate").asText()).isEqualTo("PROMOTED");
    assertThat(fake.servedDeployment("shop.acme.example")).contains(second);
    fake.assertContractRespected();
  }

  @Test
  void v1_aFailedBuildOrAFailedAliasingLeavesThePreviousDeploymentServing() {
    String project = createProject("acme-demo-site");
    fake.putDomain(project, "shop.acme.example");
    String first = deploy(project, "production");
    for (int i = 0; i < 4; i++) {
      poll(first);
    }
    fake.failBuilds("BUILD_FAILED", "npm run build exited with 1");
    String broken = deploy(project, "production");
    for (int i = 0; i < 5; i++) {
      poll(broken);
    }
    fake.succeedBuilds().failAliasing("cert_missing", "Could not issue a certificate");
    String unaliased = deploy(project, "production");
    for (int i = 0; i < 5; i++) {
      poll(unaliased);
    }

    assertThat(poll(broken).json().get("readyState").asText()).isEqualTo("ERROR");
    assertThat(poll(unaliased).json().at("/aliasError/code").asText()).isEqualTo("cert_missing");
    assertThat(fake.servedDeployment("shop.acme.example")).contains(first);
    assertThat(http.delete("/v13/deployments/" + first).status()).isEqualTo(200);
    assertThat(fake.servedDeployment("shop.acme.example")).as("deleting the live deployment takes the site down")
        .isEmpty();
    fake.assertContractRespected();
  }

  @Test
  void v1_promotingAnEarlierProductionDeploymentServesItAgainWithoutARebuild() {
    String project = createProject("acme-demo-site");
    fake.putDomain(project, "shop.acme.example");
    String first = deploy(project, "production");
    String second = deploy(project, "production");
    for (int i = 0; i < 4; i++) {
      poll(first);
      poll(second);
    }
    assertThat(fake.servedDeployment("shop.acme.example")).contains(second);
    String preview = deploy(project, null);

    assertThat(http.post("/v10/projects/" + project + "/promote/" + first, null).status()).isEqualTo(202);
    assertThat(http.get("/v9/projects/" + project).json().at("/lastAliasRequest/jobStatus").asText())
        .isEqualTo("in-progress");
    assertThat(fake.servedDeployment("shop.acme.example")).contains(second);
    assertThat(http.get("/v9/projects/" + project).json().at("/lastAliasRequest/jobStatus").asText())
        .isEqualTo("succeeded");
    assertThat(fake.servedDeployment("shop.acme.example")).contains(first);
    assertThat(http.post("/v10/projects/" + project + "/promote/" + preview, null).status()).isEqualTo(400);
    assertThat(fake.deploymentCount()).isEqualTo(3);
    fake.assertContractRespected();
  }

  @Test
  void v1_withAutomaticAssignmentOffANewProductionDeploymentStaysStagedUntilPromoted() {
    String project = createProject("acme-demo-site");
    fake.putDomain(project, "shop.acme.example");
    fake.disableAutoAssign(project);
    String id = deploy(project, "production");
    for (int i = 0; i < 4; i++) {
      poll(id);
    }

    assertThat(poll(id).json().get("readySubstate").asText()).isEqualTo("STAGED");
    assertThat(fake.servedDeployment("shop.acme.example")).isEmpty();
    http.post("/v10/projects/" + project + "/promote/" + id, null);
    http.get("/v9/projects/" + project);
    assertThat(http.get("/v9/projects/" + project).json().get("autoAssignCustomDomains").asBoolean()).isTrue();
    assertThat(fake.servedDeployment("shop.acme.example")).contains(id);
    fake.assertContractRespected();
  }

  @Test
  void v5_aDomainIsConfiguredOnceItsCnamePointsAtARecommendedTarget() {
    String project = createProject("acme-demo-site");
    http.post("/v10/projects/acme-demo-site/domains", "{\"name\":\"shop.acme.example\"}");
    Map<String, String> cnames = new java.util.HashMap<>();
    fake.dnsLookup((type, name) -> type.equals("CNAME") && cnames.containsKey(name) ? List.of(cnames.get(name)) : List.of());

    Answer before = http.get("/v6/domains/shop.acme.example/config?projectIdOrName=" + project);
    assertThat(before.json().get("misconfigured").asBoolean()).isTrue();
    assertThat(before.json().get("configuredBy").isNull()).isTrue();
    String recommended = before.json().at("/recommendedCNAME/0/value").asText();
    assertThat(recommended).isEqualTo(fake.recommendedCname(project)).endsWith(".vercel-dns-017.com");
    assertThat(before.json().at("/recommendedIPv4/0/value/0").asText()).isEqualTo(VercelFake.RECOMMENDED_IPV4);
    cnames.put("shop.acme.example", recommended + ".");
    Answer after = http.get("/v6/domains/shop.acme.example/config");
    assertThat(after.json().get("misconfigured").asBoolean()).isFalse();
    assertThat(after.json().get("configuredBy").asText()).isEqualTo("CNAME");
    fake.assertContractRespected();
  }

  @Test
  void v7_deploymentsAreListedByTargetAndPagedWithUntil() {
    String project = createProject("acme-demo-site");
    List<String> production = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      production.add(deploy(project, "production"));
      deploy(project, null);
    }

    List<String> paged = new ArrayList<>();
    String until = "";
    while (true) {
      Answer page = http.get("/v6/deployments?projectId=" + project + "&target=production&limit=2" + until);
      page.json().get("deployments").forEach(d -> paged.add(d.get("uid").asText()));
      if (page.json().at("/pagination/next").isNull()) {
        break;
      }
      until = "&until=" + page.json().at("/pagination/next").asLong();
    }
    java.util.Collections.reverse(production);
    assertThat(paged).containsExactlyElementsOf(production);
    fake.assertContractRespected();
  }
}
