package dev.tenantwright.plugin.vercel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.vercel.VercelFake;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VercelProjectTypeTest {

  final VercelFake fake = new VercelFake();
  final VercelProjectType type = new VercelProjectType();
  final Map<String, Object> config = new HashMap<>(Map.of("token", VercelFake.TOKEN, "baseUrl", fake.baseUrl()));
  final ProjectSpec spec = new ProjectSpec(null, "nextjs", null, null, null, null);

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
    fake.close();
  }

  StepContext ctx(String runId) {
    return TestStepContext.builder().step("site").run(runId).config("vercel", config).build();
  }

  @Test
  void createsAProjectNamedAfterTheResourceWithItsMarkerInOneCall() {
    StepContext ctx = ctx("run-1");
    CreateResult<ProjectOutputs> made = type.create(spec, ctx);

    assertThat(made.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(made.outputs().name()).isEqualTo("acme--demo--site");
    assertThat(made.outputs().id()).startsWith("prj_");
    assertThat(fake.envValue("acme--demo--site", VercelFake.OWNER_KEY)).contains(ctx.ownershipMarker());
    assertThat(fake.calls(VercelFake.CREATE_PROJECT)).isEqualTo(1);
  }

  @Test
  void aSecondCreateOfTheSameStepFindsItsProjectAndAnotherRunAdoptsIt() {
    ProjectOutputs first = type.create(spec, ctx("run-1")).outputs();

    CreateResult<ProjectOutputs> again = type.create(spec, ctx("run-1"));
    CreateResult<ProjectOutputs> other = type.create(spec, ctx("run-2"));
    assertThat(again.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(other.origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    assertThat(again.outputs()).isEqualTo(first);
    assertThat(fake.calls(VercelFake.CREATE_PROJECT)).isEqualTo(1);
  }

  @Test
  void aProjectOfThatNameWithoutOurMarkerIsAConflictNamingIt() {
    fake.putProject("acme--demo--site", null);

    assertThatThrownBy(() -> type.create(spec, ctx("run-1")))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("acme--demo--site")
        .hasMessageContaining("no ownership marker");
  }

  @Test
  void aNameTakenBetweenTheLookupAndTheCreateIsJudgedByItsMarker() {
    fake.inject(Fault.status(404).on(VercelFake.GET_PROJECT).times(1));
    fake.putProject("acme--demo--site", "tw:other/demo/site@000000000000");

    assertThatThrownBy(() -> type.create(spec, ctx("run-1")))
        .isInstanceOf(PermanentException.class).hasMessageContaining("tw:other/demo/site");
    assertThat(fake.calls(VercelFake.CREATE_PROJECT)).isEqualTo(1);
  }

  @Test
  void deleteRemovesTheProjectAndTreatsAMissingOneAsGone() {
    StepContext ctx = ctx("run-1");
    ProjectOutputs out = type.create(spec, ctx).outputs();

    type.delete(spec, out, ctx);
    type.delete(spec, out, ctx);
    assertThat(fake.liveObjects()).isEmpty();
    assertThat(type.read(spec, out, ctx)).isEmpty();
  }

  @Test
  void deleteRefusesAProjectThatNoLongerCarriesOurMarker() {
    String id = fake.putProject("acme--demo--site", "tw:someone/else/site@000000000000");

    assertThatThrownBy(() -> type.delete(spec, new ProjectOutputs(id, "acme--demo--site", "team_fake"), ctx("run-1")))
        .isInstanceOf(PermanentException.class).hasMessageContaining("refusing");
    assertThat(fake.projectId("acme--demo--site")).isPresent();
  }

  @Test
  void theTeamIdFromTheConfigurationGoesOnEveryCall() {
    fake.requireTeam("team_acme");
    config.put("teamId", "team_acme");

    assertThat(type.create(spec, ctx("run-1")).origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.requests()).allSatisfy(c -> assertThat(c.query()).contains("teamId=team_acme"));
  }

  @Test
  void aRefusedTokenIsPermanentWithVercelsMessageAndNoSecret() {
    config.put("token", "not-the-token");

    PermanentException e = catchThrowableOfType(() -> type.create(spec, ctx("run-1")), PermanentException.class);
    assertThat(e).hasMessageContaining("403").hasMessageContaining("Not authorized").hasMessageNotContaining("not-the-token");
  }

  @Test
  void serverErrorsRateLimitsAndTimeoutsAreRetryable() {
    fake.inject(Fault.status(500).on(VercelFake.CREATE_PROJECT).times(1));
    assertThatThrownBy(() -> type.create(spec, ctx("run-1"))).isInstanceOf(RetryableException.class);

    fake.inject(Fault.rateLimited(Duration.ofSeconds(4)).on(VercelFake.GET_PROJECT).times(1));
    RetryableException limited = catchThrowableOfType(() -> type.create(spec, ctx("run-1")), RetryableException.class);
    assertThat(limited.retryAfter()).contains(Duration.ofSeconds(4));
    assertThat(limited.outcomeUnknown()).isFalse();

    config.put("timeout", "300ms");
    fake.inject(Fault.timeout(Duration.ofSeconds(3)).on(VercelFake.CREATE_PROJECT).afterHandler().times(1));
    RetryableException timedOut = catchThrowableOfType(() -> type.create(spec, ctx("run-1")), RetryableException.class);
    assertThat(timedOut.outcomeUnknown()).isTrue();

    assertThat(type.create(spec, ctx("run-1")).origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.liveObjects()).filteredOn(s -> s.startsWith("project ")).hasSize(1);
  }

  @Test
  void v2_theMarkerIsKeptInTheOwnerVariablesCommentWhichListsReturnInClear() {
    StepContext ctx = ctx("run-1");
    ProjectOutputs out = type.create(spec, ctx).outputs();

    assertThat(fake.envComment("acme--demo--site", VercelFake.OWNER_KEY)).contains(ctx.ownershipMarker());
    assertThat(type.read(spec, null, ctx)).contains(out);
    assertThat(type.create(spec, ctx("run-2")).origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    type.delete(spec, out, ctx);
    assertThat(fake.projectId("acme--demo--site")).isEmpty();
  }

  @Test
  void v2_aProjectMarkedOnlyInItsVariablesValueIsRecognisedByReadingTheVariableById() {
    String id = fake.putProject("acme--demo--site", null);
    String earlier = ctx("run-0").ownershipMarker();
    fake.putEnv(id, VercelFake.OWNER_KEY, earlier, "plain", List.of("development"), null);

    assertThat(type.create(spec, ctx("run-1")).origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    assertThat(fake.calls(VercelFake.GET_ENV)).isPositive();
    assertThat(fake.envComment(id, VercelFake.OWNER_KEY)).as("the marker is copied to the comment").contains(earlier);
    assertThat(fake.envValue(id, VercelFake.OWNER_KEY)).contains(earlier);
  }

  @Test
  void anInvalidProjectNameIsRefusedBeforeAnyCall() {
    assertThatThrownBy(() -> new ProjectSpec("My Site", null, null, null, null, null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'name'");
    assertThat(fake.totalCalls()).isZero();
  }
}
