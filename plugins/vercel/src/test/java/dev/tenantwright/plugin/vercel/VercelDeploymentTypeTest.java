package dev.tenantwright.plugin.vercel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.vercel.VercelFake;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VercelDeploymentTypeTest {

  static final String DOMAIN = "shop.acme.example";

  final VercelFake fake = new VercelFake();
  final VercelDeploymentType type = new VercelDeploymentType();
  final Map<String, Object> config = Map.of("token", VercelFake.TOKEN, "baseUrl", fake.baseUrl(),
      "pollInterval", "5ms", "maxPollInterval", "20ms");
  String projectId;
  DeploymentSpec files;

  @BeforeEach
  void aProjectOfThisEnvironment() {
    projectId = new VercelProjectType().create(new ProjectSpec(null, null, null, null, null, null),
        TestStepContext.builder().step("site").config("vercel", config).build()).outputs().id();
    files = new DeploymentSpec(projectId, "production",
        List.of(new DeploymentSpec.InlineFile("index.html", "<h1>ACME</h1>", null)), null, null);
  }

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
    fake.close();
  }

  TestStepContext ctx(String runId) {
    return TestStepContext.builder().step("deploy").run(runId).config("vercel", config).build();
  }

  @Test
  void pollsTheDeploymentThroughQueuedAndBuildingUntilReadyReportingProgress() {
    fake.deploymentPhases(2);
    TestStepContext ctx = ctx("run-1");
    CreateResult<DeploymentOutputs> made = type.create(files, ctx);

    assertThat(made.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(made.outputs().readyState()).isEqualTo("READY");
    assertThat(made.outputs().url()).startsWith("acme--demo--site-").endsWith(".vercel.app");
    assertThat(made.outputs().inspectorUrl()).startsWith("https://vercel.com/");
    assertThat(fake.calls(VercelFake.GET_DEPLOYMENT)).as("four polls to READY, two more until aliased").isEqualTo(6);
    assertThat(ctx.progressReports()).filteredOn(p -> p.contains(made.outputs().id()))
        .containsExactly("10% deployment " + made.outputs().id() + " is QUEUED",
            "50% deployment " + made.outputs().id() + " is BUILDING",
            "80% deployment " + made.outputs().id() + " is READY",
            "100% deployment " + made.outputs().id() + " serves the production domains of project acme--demo--site");
  }

  @Test
  void aGitSourceIsSentAsTheApiDescribesIt() {
    DeploymentSpec git = new DeploymentSpec(projectId, null, null,
        new DeploymentSpec.GitSource("github", "main", null, null, "acme", "site", null, null, null, null, null), null);
    type.create(git, ctx("run-1"));

    assertThat(fake.requests(VercelFake.CREATE_DEPLOYMENT).get(0).body())
        .contains("\"gitSource\":{\"type\":\"github\",\"ref\":\"main\",\"org\":\"acme\",\"repo\":\"site\"}");
  }

  @Test
  void aFailedBuildIsPermanentWithVercelsErrorCodeAndMessage() {
    fake.failBuilds("BUILD_FAILED", "Command \"npm run build\" exited with 1");

    assertThatThrownBy(() -> type.create(files, ctx("run-1")))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("ended ERROR")
        .hasMessageContaining("[BUILD_FAILED] Command \"npm run build\" exited with 1")
        .hasMessageContaining("build log: https://vercel.com/");
  }

  @Test
  void aCancelledDeploymentIsPermanent() {
    String id = fake.putDeployment(projectId, Map.of("tenantwrightOwner", ctx("run-1").ownershipMarker(),
        "tenantwrightDigest", VercelDeploymentType.digest(files)), "CANCELED", "production");

    assertThatThrownBy(() -> type.create(files, ctx("run-1")))
        .isInstanceOf(PermanentException.class).hasMessageContaining(id).hasMessageContaining("CANCELED");
  }

  @Test
  void aRetryAfterACrashResumesPollingTheDeploymentItAlreadyMade() {
    fake.deploymentPhases(3);
    fake.inject(Fault.status(502).on(VercelFake.GET_DEPLOYMENT).times(1));
    assertThatThrownBy(() -> type.create(files, ctx("run-1"))).isInstanceOf(RetryableException.class);

    CreateResult<DeploymentOutputs> resumed = type.create(files, ctx("run-1"));
    assertThat(resumed.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.deploymentCount()).isEqualTo(1);
    assertThat(type.read(files, null, ctx("run-1"))).map(DeploymentOutputs::id).contains(resumed.outputs().id());
  }

  @Test
  void anotherRunAdoptsAReadyDeploymentOfTheSameContentButNotOfOtherContent() {
    DeploymentOutputs first = type.create(files, ctx("run-1")).outputs();

    CreateResult<DeploymentOutputs> same = type.create(files, ctx("run-2"));
    assertThat(same.origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    assertThat(same.outputs().id()).isEqualTo(first.id());

    DeploymentSpec changed = new DeploymentSpec(projectId, "production",
        List.of(new DeploymentSpec.InlineFile("index.html", "<h1>ACME v2</h1>", null)), null, null);
    assertThat(type.create(changed, ctx("run-3")).outputs().id()).isNotEqualTo(first.id());
    assertThat(fake.deploymentCount()).isEqualTo(2);
  }

  @Test
  void theStepsDeadlineStopsPollingAsRetryable() {
    fake.deploymentPhases(1_000_000);
    TestStepContext shortLived = ctx("run-1").newBuilder().budget(Duration.ofMillis(300)).build();

    assertThatThrownBy(() -> type.create(files, shortLived))
        .isInstanceOf(RetryableException.class).hasMessageContaining("deadline");
  }

  @Test
  void deleteCancelsARunningDeploymentDeletesItAndTreatsAMissingOneAsGone() {
    StepContext ctx = ctx("run-1");
    String id = fake.putDeployment(projectId, Map.of("tenantwrightOwner", ctx.ownershipMarker()), "BUILDING");
    DeploymentOutputs out = new DeploymentOutputs(id, "x.vercel.app", "BUILDING", projectId, null, null);

    type.delete(files, out, ctx);
    type.delete(files, out, ctx);
    assertThat(fake.calls(VercelFake.CANCEL_DEPLOYMENT)).isEqualTo(1);
    assertThat(fake.deploymentCount()).isZero();
    assertThat(type.read(files, out, ctx)).isEmpty();
  }

  @Test
  void deleteRefusesADeploymentWithoutOurMarker() {
    String id = fake.putDeployment(projectId, Map.of(), "READY");

    assertThatThrownBy(() -> type.delete(files, new DeploymentOutputs(id, "x", "READY", projectId, null, null), ctx("run-1")))
        .isInstanceOf(PermanentException.class);
    assertThat(fake.deploymentCount()).isEqualTo(1);
  }

  @Test
  void v3_theFirstDeploymentOfAProjectCarriesTheProjectsSettings() {
    String nextjs = new VercelProjectType().create(new ProjectSpec("acme-next", "nextjs", "npm run build", null, "out", null),
        TestStepContext.builder().step("site").config("vercel", config).build()).outputs().id();
    DeploymentSpec git = new DeploymentSpec(nextjs, "production", null,
        new DeploymentSpec.GitSource("github", "main", null, null, "acme", "site", null, null, null, null, null), null);

    assertThat(type.create(git, ctx("run-1")).outputs().readyState()).isEqualTo("READY");
    assertThat(type.create(files, ctx("run-1")).outputs().readyState()).as("a project without a framework").isEqualTo("READY");
    assertThat(fake.requests(VercelFake.CREATE_DEPLOYMENT)).allSatisfy(c -> assertThat(c.query())
        .contains("skipAutoDetectionConfirmation=1"));
    assertThat(fake.requests(VercelFake.CREATE_DEPLOYMENT).get(0).body())
        .contains("\"projectSettings\":{\"framework\":\"nextjs\",\"buildCommand\":\"npm run build\",\"outputDirectory\":\"out\"}");
  }

  @Test
  void v6_aProductionDeploymentIsReportedOnlyOnceItServesTheDomain() {
    fake.putDomain(projectId, DOMAIN);

    DeploymentOutputs out = type.create(files, ctx("run-1")).outputs();

    assertThat(fake.servedDeployment(DOMAIN)).contains(out.id());
  }

  @Test
  void v6_anAliasErrorFailsTheStepWithVercelsCodeAndMessage() {
    fake.failAliasing("cert_missing", "Could not issue a certificate for shop.acme.example");

    assertThatThrownBy(() -> type.create(files, ctx("run-1")))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("[cert_missing] Could not issue a certificate");
  }

  @Test
  void v7_aRetryFindsItsDeploymentBehindManyNewerPreviewsAndMakesNoOther() {
    fake.deploymentPhases(3);
    fake.inject(Fault.status(502).on(VercelFake.GET_DEPLOYMENT).times(1));
    assertThatThrownBy(() -> type.create(files, ctx("run-1"))).isInstanceOf(RetryableException.class);
    for (int i = 0; i < 150; i++) {
      fake.putDeployment(projectId, Map.of(), "READY");
    }

    DeploymentOutputs resumed = type.create(files, ctx("run-1")).outputs();

    assertThat(fake.deploymentCount()).as("no second deployment of ours").isEqualTo(151);
    assertThat(fake.deploymentMeta(resumed.id())).containsEntry("tenantwrightOwner", ctx("run-1").ownershipMarker());
  }

  DeploymentSpec page(String html) {
    return new DeploymentSpec(projectId, "production", List.of(new DeploymentSpec.InlineFile("index.html", html, null)),
        null, null);
  }

  @Test
  void v1_anUpdateReportsTheNewDeploymentOnlyOnceItServesAndKeepsTheOldOne() {
    fake.putDomain(projectId, DOMAIN);
    DeploymentOutputs old = type.create(files, ctx("run-1")).outputs();
    List<Optional<String>> served = new CopyOnWriteArrayList<>();
    fake.afterEachCall(n -> served.add(fake.servedDeployment(DOMAIN)));

    DeploymentOutputs updated = type.update(page("<h1>v2</h1>"), files, old, ctx("run-2"));

    assertThat(updated.id()).isNotEqualTo(old.id());
    assertThat(updated.previousId()).isEqualTo(old.id());
    assertThat(fake.servedDeployment(DOMAIN)).contains(updated.id());
    assertThat(served).allSatisfy(s -> assertThat(s).isPresent()).contains(Optional.of(old.id()));
    assertThat(fake.deploymentIds(projectId)).containsExactly(old.id(), updated.id());
    assertThat(fake.requests(VercelFake.CREATE_DEPLOYMENT).get(1).query()).contains("forceNew=1");
  }

  @Test
  void v1_aFailedBuildInAnUpdateIsPermanentAndLeavesTheOldOneServing() {
    fake.putDomain(projectId, DOMAIN);
    DeploymentOutputs old = type.create(files, ctx("run-1")).outputs();
    fake.failBuilds("BUILD_FAILED", "npm run build exited with 1");

    assertThatThrownBy(() -> type.update(page("<h1>v2</h1>"), files, old, ctx("run-2")))
        .isInstanceOf(PermanentException.class).hasMessageContaining("BUILD_FAILED");
    assertThat(fake.servedDeployment(DOMAIN)).contains(old.id());
    assertThat(fake.deploymentIds(projectId)).contains(old.id());
  }

  @Test
  void v1_undoingAnUpdatePromotesThePreviousDeploymentAgainAndDeletesTheNewOne() {
    fake.putDomain(projectId, DOMAIN);
    DeploymentOutputs old = type.create(files, ctx("run-1")).outputs();
    DeploymentSpec v2 = page("<h1>v2</h1>");
    DeploymentOutputs updated = type.update(v2, files, old, ctx("run-2"));
    List<Optional<String>> served = new CopyOnWriteArrayList<>();
    fake.afterEachCall(n -> served.add(fake.servedDeployment(DOMAIN)));

    DeploymentOutputs restored = type.update(files, v2, updated, ctx("run-2"));

    assertThat(restored.id()).isEqualTo(old.id());
    assertThat(fake.servedDeployment(DOMAIN)).contains(old.id());
    assertThat(served).allSatisfy(s -> assertThat(s).isPresent());
    assertThat(fake.calls(VercelFake.PROMOTE)).isEqualTo(1);
    assertThat(fake.calls(VercelFake.CREATE_DEPLOYMENT)).as("no rebuild").isEqualTo(2);
    assertThat(fake.deploymentIds(projectId)).containsExactly(old.id());
    assertThat(type.update(files, v2, updated, ctx("run-2")).id()).as("undoing again converges").isEqualTo(old.id());
  }

  @Test
  void v1_undoingARedeployOfTheSameSpecAlsoServesThePreviousDeployment() {
    fake.putDomain(projectId, DOMAIN);
    DeploymentOutputs old = type.create(files, ctx("run-1")).outputs();
    DeploymentOutputs redeployed = type.update(files, files, old, ctx("run-2"));
    assertThat(redeployed.id()).as("a redeploy builds again").isNotEqualTo(old.id());

    DeploymentOutputs restored = type.update(files, files, redeployed, ctx("run-2"));

    assertThat(restored.id()).isEqualTo(old.id());
    assertThat(fake.servedDeployment(DOMAIN)).contains(old.id());
    assertThat(fake.deploymentIds(projectId)).containsExactly(old.id());
  }

  @Test
  void v1_undoingWhenThePreviousDeploymentIsGoneBuildsThePreviousSpecAgain() {
    fake.putDomain(projectId, DOMAIN);
    DeploymentOutputs old = type.create(files, ctx("run-1")).outputs();
    DeploymentSpec v2 = page("<h1>v2</h1>");
    DeploymentOutputs updated = type.update(v2, files, old, ctx("run-2"));
    fake.expireDeployment(old.id());

    DeploymentOutputs rebuilt = type.update(files, v2, updated, ctx("run-2"));

    assertThat(rebuilt.id()).isNotIn(old.id(), updated.id());
    assertThat(fake.servedDeployment(DOMAIN)).contains(rebuilt.id());
    assertThat(fake.deploymentIds(projectId)).containsExactly(rebuilt.id());
  }

  @Test
  void v1_anAdoptedDeploymentIsUpdatedAndNeverDeletedByTheUpdate() {
    fake.putDomain(projectId, DOMAIN);
    DeploymentOutputs earlier = type.create(files, ctx("run-0")).outputs();
    CreateResult<DeploymentOutputs> adopted = type.create(files, ctx("run-1"));
    assertThat(adopted.origin()).isEqualTo(CreateResult.Origin.ADOPTED);

    DeploymentOutputs updated = type.update(page("<h1>v2</h1>"), files, adopted.outputs(), ctx("run-2"));

    assertThat(updated.previousId()).isEqualTo(earlier.id());
    assertThat(fake.servedDeployment(DOMAIN)).contains(updated.id());
    assertThat(fake.deploymentIds(projectId)).containsExactly(earlier.id(), updated.id());
  }

  @Test
  void v1_aRetriedUpdateResumesTheDeploymentItStartedInsteadOfBuildingAnother() {
    fake.putDomain(projectId, DOMAIN);
    DeploymentOutputs old = type.create(files, ctx("run-1")).outputs();
    fake.deploymentPhases(3);
    fake.inject(Fault.status(502).on(VercelFake.GET_DEPLOYMENT).nth(2).times(1));
    DeploymentSpec v2 = page("<h1>v2</h1>");
    assertThatThrownBy(() -> type.update(v2, files, old, ctx("run-2"))).isInstanceOf(RetryableException.class);

    DeploymentOutputs once = type.update(v2, files, old, ctx("run-2"));
    DeploymentOutputs twice = type.update(v2, files, old, ctx("run-2"));

    assertThat(twice).isEqualTo(once);
    assertThat(fake.calls(VercelFake.CREATE_DEPLOYMENT)).isEqualTo(2);
    assertThat(fake.servedDeployment(DOMAIN)).contains(once.id());
  }

  @Test
  void v6_withAutomaticAssignmentOffTheNewDeploymentIsPromoted() {
    fake.putDomain(projectId, DOMAIN);
    DeploymentOutputs old = type.create(files, ctx("run-1")).outputs();
    fake.disableAutoAssign(projectId);

    DeploymentOutputs updated = type.update(page("<h1>v2</h1>"), files, old, ctx("run-2"));

    assertThat(fake.servedDeployment(DOMAIN)).contains(updated.id());
    assertThat(fake.calls(VercelFake.PROMOTE)).isEqualTo(1);
  }

  @Test
  void v1_deleteAlsoRemovesTheDeploymentKeptForARollback() {
    fake.putDomain(projectId, DOMAIN);
    DeploymentOutputs old = type.create(files, ctx("run-1")).outputs();
    DeploymentOutputs updated = type.update(page("<h1>v2</h1>"), files, old, ctx("run-2"));

    type.delete(files, updated, ctx("run-3"));

    assertThat(fake.deploymentIds(projectId)).isEmpty();
  }

  @Test
  void exactlyOneOfFilesAndGitSourceIsRequired() {
    assertThatThrownBy(() -> new DeploymentSpec(projectId, null, null, null, null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("'files' and 'gitSource'");
    assertThatThrownBy(() -> new DeploymentSpec.GitSource("github", "main", null, null, "acme", null, null, null,
        null, null, null)).hasMessageContaining("org and repo");
  }
}
