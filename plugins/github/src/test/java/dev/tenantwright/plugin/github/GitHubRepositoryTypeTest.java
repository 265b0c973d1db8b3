package dev.tenantwright.plugin.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tenantwright.plugin.github.internal.Ownership;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.github.GitHubFake;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GitHubRepositoryTypeTest {

  static final String FULL = Fixtures.ORG + "/acme--demo--site";

  final GitHubFake fake = new GitHubFake();
  final GitHubRepositoryType type = new GitHubRepositoryType();
  final Map<String, Object> config = Fixtures.section(fake);
  final RepositorySpec spec = new RepositorySpec(Fixtures.TEMPLATE, Fixtures.ORG, null, "Portfolio of Acme", null, null);

  GitHubRepositoryTypeTest() {
    fake.putTemplate(Fixtures.ORG, "portfolio");
  }

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
    fake.close();
  }

  TestStepContext ctx(String runId) {
    return TestStepContext.builder().step("site").run(runId).config("github", config).build();
  }

  @Test
  void createsAPrivateRepositoryFromTheTemplateMarkedInItsDescriptionAndTopic() {
    TestStepContext ctx = ctx("run-1");
    CreateResult<RepositoryOutputs> made = type.create(spec, ctx);

    assertThat(made.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(made.outputs().fullName()).isEqualTo(FULL);
    assertThat(made.outputs().cloneUrl()).isEqualTo("https://github.com/" + FULL + ".git");
    assertThat(made.outputs().defaultBranch()).isEqualTo("main");
    assertThat(fake.isPrivate(FULL)).isTrue();
    assertThat(fake.description(FULL)).contains("Portfolio of Acme (" + ctx.ownershipMarker() + ")");
    assertThat(fake.topics(FULL)).containsExactly(Ownership.topic(ctx.ownershipMarker()));
    assertThat(fake.calls(GitHubFake.GENERATE)).isEqualTo(1);
  }

  @Test
  void createWaitsUntilGitHubHasCopiedTheTemplateIn() {
    fake.generationReads(3);
    TestStepContext ctx = ctx("run-1");

    type.create(spec, ctx);
    assertThat(fake.head(FULL, "main")).as("the default branch has its first commit when create returns").isPresent();
    assertThat(fake.calls(GitHubFake.GET_BRANCH)).isEqualTo(4);
    assertThat(ctx.pauses()).containsExactly(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20));
  }

  @Test
  void aCopyThatOutlastsTheDeadlineFailsRetryableAndTheRetryFindsTheRepository() {
    fake.generationReads(10);
    TestStepContext ctx = TestStepContext.builder().step("site").run("run-1").config("github", config)
        .budget(Duration.ofMillis(50)).build();

    assertThatThrownBy(() -> type.create(spec, ctx)).isInstanceOf(RetryableException.class)
        .hasMessageContaining("deadline");
    assertThat(fake.head(FULL, "main")).isEmpty();
    assertThat(type.create(spec, ctx("run-1")).origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.head(FULL, "main")).isPresent();
    assertThat(fake.calls(GitHubFake.GENERATE)).isEqualTo(1);
  }

  @Test
  void aRetryAfterALostAnswerFindsTheRepositoryAndReportsItCreated() {
    fake.inject(Fault.status(502).on(GitHubFake.GENERATE).afterHandler().times(1));

    RetryableException lost = catchThrowableOfType(() -> type.create(spec, ctx("run-1")), RetryableException.class);
    assertThat(lost.outcomeUnknown()).isTrue();
    assertThat(fake.exists(FULL)).as("GitHub made it; only the answer was lost").isTrue();

    assertThat(type.read(spec, null, ctx("run-1"))).isPresent();
    CreateResult<RepositoryOutputs> again = type.create(spec, ctx("run-1"));
    assertThat(again.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.calls(GitHubFake.GENERATE)).isEqualTo(1);
    assertThat(fake.topics(FULL)).as("the topic, lost with the answer, is added on the retry").hasSize(1);
  }

  @Test
  void anotherRunOfTheSameResourceAdoptsTheRepository() {
    RepositoryOutputs first = type.create(spec, ctx("run-1")).outputs();

    CreateResult<RepositoryOutputs> other = type.create(spec, ctx("run-2"));
    assertThat(other.origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    assertThat(other.outputs()).isEqualTo(first);
    assertThat(fake.calls(GitHubFake.GENERATE)).isEqualTo(1);
  }

  @Test
  void aRepositoryOfThatNameWithoutOurMarkerIsRefusedAndLeftUntouched() {
    fake.putRepository(Fixtures.ORG, "acme--demo--site", "Someone's site", List.of("web"));

    assertThatThrownBy(() -> type.create(spec, ctx("run-1"))).isInstanceOf(PermanentException.class)
        .hasMessageContaining(FULL).hasMessageContaining("not managed by this resource");
    assertThat(fake.description(FULL)).contains("Someone's site");
    assertThat(fake.topics(FULL)).containsExactly("web");
    assertThat(fake.calls(GitHubFake.GENERATE) + fake.calls(GitHubFake.REPLACE_TOPICS) + fake.calls(GitHubFake.DELETE_REPO))
        .isZero();
  }

  @Test
  void aNameTakenBetweenTheLookupAndTheGenerateIsJudgedByItsMarkerAndAForeignOneIsRefused() {
    fake.inject(Fault.status(404).on(GitHubFake.GET_REPO).times(1));
    fake.putRepository(Fixtures.ORG, "acme--demo--site", "Site (tw:other/demo/site@000000000000)", List.of());

    assertThatThrownBy(() -> type.create(spec, ctx("run-1"))).isInstanceOf(PermanentException.class)
        .hasMessageContaining("tw:other/demo/site@000000000000");
    assertThat(fake.calls(GitHubFake.GENERATE)).as("GitHub answered 422 name already exists").isEqualTo(1);
    assertThat(fake.description(FULL)).contains("Site (tw:other/demo/site@000000000000)");
    assertThat(fake.topics(FULL)).isEmpty();
  }

  @Test
  void aRepositoryWhoseDescriptionWasEditedByHandIsStillRecognisedByItsTopic() {
    TestStepContext ctx = ctx("run-1");
    fake.putRepository(Fixtures.ORG, "acme--demo--site", "Edited in the web interface",
        List.of("web", Ownership.topic(ctx.ownershipMarker())));

    CreateResult<RepositoryOutputs> found = type.create(spec, ctx);
    assertThat(found.origin()).as("the topic names the resource, not the run").isEqualTo(CreateResult.Origin.ADOPTED);
    type.delete(spec, found.outputs(), ctx);
    assertThat(fake.exists(FULL)).isFalse();
  }

  @Test
  void deleteRemovesOurRepositoryAndTreatsAMissingOneAsGone() {
    TestStepContext ctx = ctx("run-1");
    RepositoryOutputs out = type.create(spec, ctx).outputs();

    type.delete(spec, out, ctx);
    type.delete(spec, out, ctx);
    assertThat(fake.exists(FULL)).isFalse();
    assertThat(type.read(spec, out, ctx)).isEmpty();
  }

  @Test
  void deleteRefusesARepositoryThatNoLongerCarriesOurMarker() {
    RepositoryOutputs out = type.create(spec, ctx("run-1")).outputs();
    TestStepContext other = TestStepContext.builder().tenant("globex").step("site").run("run-9").config("github", config)
        .build();

    assertThatThrownBy(() -> type.delete(spec, out, other)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("refusing to delete");
    assertThat(fake.exists(FULL)).isTrue();
    assertThat(fake.calls(GitHubFake.DELETE_REPO)).isZero();
  }

  @Test
  void updateChangesDescriptionAndVisibilityInPlaceKeepingTheMarker() {
    TestStepContext ctx = ctx("run-1");
    RepositoryOutputs out = type.create(spec, ctx).outputs();
    RepositorySpec changed = new RepositorySpec(Fixtures.TEMPLATE, Fixtures.ORG, null, "Acme, now public", "public", null);

    RepositoryOutputs updated = type.update(changed, spec, out, ctx("run-2"));
    assertThat(updated).isEqualTo(out);
    assertThat(fake.isPrivate(FULL)).isFalse();
    assertThat(fake.description(FULL)).contains("Acme, now public (" + ctx.ownershipMarker() + ")");
  }

  @Test
  void updateRefusesToRenameOrMoveARepository() {
    TestStepContext ctx = ctx("run-1");
    RepositoryOutputs out = type.create(spec, ctx).outputs();
    RepositorySpec renamed = new RepositorySpec(Fixtures.TEMPLATE, Fixtures.ORG, "acme-web", null, null, null);

    assertThatThrownBy(() -> type.update(renamed, spec, out, ctx)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("holds what was pushed");
    assertThat(fake.exists(FULL)).isTrue();
  }

  @Test
  void secondaryRateLimitsAreRetriedAfterGitHubsRetryAfterEvenAs403() {
    fake.inject(Fault.rateLimited(Duration.ofSeconds(7)).on(GitHubFake.GENERATE).times(1));

    RetryableException limited = catchThrowableOfType(() -> type.create(spec, ctx("run-1")), RetryableException.class);
    assertThat(limited.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(limited.outcomeUnknown()).isFalse();
    assertThat(limited).hasMessageContaining("403").hasMessageContaining("secondary rate limit");
    assertThat(fake.exists(FULL)).isFalse();
    assertThat(type.create(spec, ctx("run-1")).origin()).isEqualTo(CreateResult.Origin.CREATED);
  }

  @Test
  void aSecondaryLimitWithoutRetryAfterWaitsAMinute() {
    fake.rateLimits(GitHubFake.RateLimit.SECONDARY_WITHOUT_RETRY_AFTER);
    fake.inject(Fault.rateLimited(Duration.ofSeconds(7)).on(GitHubFake.GET_REPO).times(1));

    RetryableException limited = catchThrowableOfType(() -> type.create(spec, ctx("run-1")), RetryableException.class);
    assertThat(limited.retryAfter()).contains(Duration.ofMinutes(1));
  }

  @Test
  void thePrimaryLimitIsRetriedAtTheAnnouncedReset() {
    fake.rateLimits(GitHubFake.RateLimit.PRIMARY_403);
    fake.inject(Fault.rateLimited(Duration.ofSeconds(120)).on(GitHubFake.GET_REPO).times(1));

    RetryableException limited = catchThrowableOfType(() -> type.create(spec, ctx("run-1")), RetryableException.class);
    assertThat(limited.retryAfter()).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofSeconds(110),
        Duration.ofSeconds(120)));
    assertThat(limited).hasMessageContaining("API rate limit exceeded");
  }

  @Test
  void aForbiddenCallThatIsNoRateLimitIsPermanent() {
    fake.inject(Fault.status(403).on(GitHubFake.GENERATE).times(1));

    assertThatThrownBy(() -> type.create(spec, ctx("run-1"))).isInstanceOf(PermanentException.class)
        .hasMessageContaining("403");
  }

  @Test
  void aRefusedTokenIsPermanentWithGitHubsMessageAndNoToken() {
    config.put("token", "not-the-token");

    PermanentException e = catchThrowableOfType(() -> type.create(spec, ctx("run-1")), PermanentException.class);
    assertThat(e).hasMessageContaining("401").hasMessageContaining("Bad credentials")
        .hasMessageNotContaining("not-the-token");
  }

  @Test
  void serverErrorsAreRetryableAndOnlyAWriteLeavesTheOutcomeUnknown() {
    fake.inject(Fault.status(500).on(GitHubFake.GET_REPO).times(1));
    assertThat(catchThrowableOfType(() -> type.create(spec, ctx("run-1")), RetryableException.class).outcomeUnknown())
        .isFalse();

    fake.inject(Fault.status(503).on(GitHubFake.GENERATE).times(1));
    assertThat(catchThrowableOfType(() -> type.create(spec, ctx("run-1")), RetryableException.class).outcomeUnknown())
        .isTrue();
  }

  @Test
  void aMissingTemplateIsPermanentNamingIt() {
    RepositorySpec missing = new RepositorySpec("acme-sites/nope", Fixtures.ORG, null, null, null, null);

    assertThatThrownBy(() -> type.create(missing, ctx("run-1"))).isInstanceOf(PermanentException.class)
        .hasMessageContaining("/repos/acme-sites/nope/generate").hasMessageContaining("404");
  }

  @Test
  void aRepositoryThatIsNoTemplateIsPermanentWithGitHubsMessage() {
    fake.putRepository(Fixtures.ORG, "plain", null, List.of());
    RepositorySpec plain = new RepositorySpec(Fixtures.ORG + "/plain", Fixtures.ORG, null, null, null, null);

    assertThatThrownBy(() -> type.create(plain, ctx("run-1"))).isInstanceOf(PermanentException.class)
        .hasMessageContaining("422").hasMessageContaining("not a template repository");
  }
}
