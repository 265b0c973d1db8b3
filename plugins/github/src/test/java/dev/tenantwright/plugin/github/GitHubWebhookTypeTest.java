package dev.tenantwright.plugin.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tenantwright.plugin.github.internal.Ownership;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.github.GitHubFake;
import dev.tenantwright.testkit.github.GitHubFake.HookView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GitHubWebhookTypeTest {

  static final String REPO = Fixtures.repositoryOf("acme");
  static final String URL = "https://hooks.example.com/github/acme";

  final GitHubFake fake = new GitHubFake().repositoryFixtures(Fixtures.repositories());
  final GitHubWebhookType type = new GitHubWebhookType();
  final Map<String, Object> config = Fixtures.section(fake);
  final Secret secret = Secret.generate(32);
  final WebhookSpec spec = new WebhookSpec(REPO, URL, null, null, "webhook-secret", null);

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
    fake.close();
  }

  TestStepContext ctx(String runId) {
    return TestStepContext.builder().step("site-hook").run(runId).config("github", config)
        .secret("webhook-secret", secret).build();
  }

  HookView onlyHook() {
    List<HookView> hooks = fake.hooks(REPO);
    assertThat(hooks).hasSize(1);
    return hooks.get(0);
  }

  @Test
  void createsAJsonPushHookSignedWithTheEnvironmentsSecretAndMarkedInItsUrl() {
    TestStepContext ctx = ctx("run-1");
    CreateResult<WebhookOutputs> made = type.create(spec, ctx);

    assertThat(made.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(made.outputs()).isEqualTo(new WebhookOutputs(onlyHook().id(), REPO, URL));
    HookView hook = onlyHook();
    assertThat(hook.secret()).isEqualTo(secret.reveal());
    assertThat(hook.contentType()).isEqualTo("json");
    assertThat(hook.events()).containsExactly("push");
    assertThat(hook.active()).isTrue();
    assertThat(hook.url()).isEqualTo(Ownership.hookUrl(URL, ctx.ownershipMarker()))
        .startsWith(URL + "?tenantwright_owner=tw%3Aacme%2Fdemo%2Fsite-hook%40");
    assertThat(made.outputs().toString()).doesNotContain(secret.reveal());
  }

  @Test
  void aRetryAfterALostAnswerFindsTheHookByItsUrlAndReportsItCreated() {
    fake.inject(Fault.status(502).on(GitHubFake.CREATE_HOOK).afterHandler().times(1));

    RetryableException lost = catchThrowableOfType(() -> type.create(spec, ctx("run-1")), RetryableException.class);
    assertThat(lost.outcomeUnknown()).isTrue();
    assertThat(type.read(spec, null, ctx("run-1"))).isPresent();

    CreateResult<WebhookOutputs> again = type.create(spec, ctx("run-1"));
    assertThat(again.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(again.outputs().id()).isEqualTo(onlyHook().id());
    assertThat(fake.calls(GitHubFake.CREATE_HOOK)).isEqualTo(1);
  }

  @Test
  void anotherRunAdoptsTheHookOfThisResource() {
    type.create(spec, ctx("run-1"));

    assertThat(type.create(spec, ctx("run-2")).origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    assertThat(fake.hooks(REPO)).hasSize(1);
  }

  @Test
  void aHookSomeoneElseMadeToTheSameUrlIsRefusedAndLeftUntouched() {
    long foreign = fake.putHook(REPO, URL, "form", "theirs", List.of("push", "issues"));

    assertThatThrownBy(() -> type.create(spec, ctx("run-1"))).isInstanceOf(PermanentException.class)
        .hasMessageContaining(Long.toString(foreign)).hasMessageContaining("no ownership marker");
    assertThat(onlyHook()).isEqualTo(new HookView(foreign, URL, "form", "theirs", List.of("push", "issues"), true));
    assertThat(fake.calls(GitHubFake.CREATE_HOOK) + fake.calls(GitHubFake.UPDATE_HOOK) + fake.calls(GitHubFake.DELETE_HOOK))
        .isZero();
  }

  @Test
  void aRepositoryOfAnotherEnvironmentGetsNoHook() {
    fake.putRepository(Fixtures.ORG, "globex-site", "Globex (tw:globex/demo/site@000000000000)", List.of());
    WebhookSpec elsewhere = new WebhookSpec(Fixtures.ORG + "/globex-site", URL, null, null, "webhook-secret", null);

    assertThatThrownBy(() -> type.create(elsewhere, ctx("run-1"))).isInstanceOf(PermanentException.class)
        .hasMessageContaining("not managed by this environment");
    assertThat(fake.hooks(Fixtures.ORG + "/globex-site")).isEmpty();
  }

  @Test
  void aMissingSecretIsPermanentNamingTheFieldAndMakesNoHook() {
    TestStepContext noSecret = TestStepContext.builder().step("site-hook").config("github", config).build();

    assertThatThrownBy(() -> type.create(spec, noSecret)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'secret'").hasMessageContaining("webhook-secret");
    assertThat(fake.hooks(REPO)).isEmpty();
  }

  @Test
  void plainHttpIsOnlyForLoopbackAndOnlyWhenTheConfigurationAllowsIt() {
    WebhookSpec loopback = new WebhookSpec(REPO, "http://127.0.0.1:9/hooks", null, null, "webhook-secret", null);
    WebhookSpec remote = new WebhookSpec(REPO, "http://hooks.example.com/hooks", null, null, "webhook-secret", null);

    assertThatThrownBy(() -> type.create(remote, ctx("run-1"))).isInstanceOf(PermanentException.class)
        .hasMessageContaining("must be an https URL");
    assertThat(type.create(loopback, ctx("run-1")).origin()).isEqualTo(CreateResult.Origin.CREATED);
    config.put("allowHttpHooks", false);
    WebhookSpec other = new WebhookSpec(REPO, "http://localhost:9/other", null, null, "webhook-secret", null);
    assertThatThrownBy(() -> type.create(other, ctx("run-1"))).hasMessageContaining("allowHttpHooks");
    assertThat(fake.hooks(REPO)).hasSize(1);
  }

  @Test
  void updateChangesUrlEventsAndContentTypeInPlaceAndKeepsTheSecret() {
    TestStepContext ctx = ctx("run-1");
    WebhookOutputs out = type.create(spec, ctx).outputs();
    WebhookSpec changed = new WebhookSpec(REPO, URL + "/v2", "form", List.of("push", "create"), "webhook-secret", null);

    WebhookOutputs updated = type.update(changed, spec, out, ctx("run-2"));
    assertThat(updated).isEqualTo(new WebhookOutputs(out.id(), REPO, URL + "/v2"));
    HookView hook = onlyHook();
    assertThat(hook.url()).as("the marker of the run that made it stays").isEqualTo(
        Ownership.hookUrl(URL + "/v2", ctx.ownershipMarker()));
    assertThat(hook.contentType()).isEqualTo("form");
    assertThat(hook.events()).containsExactly("push", "create");
    assertThat(hook.secret()).as("GitHub drops a secret a PATCH leaves out").isEqualTo(secret.reveal());
    assertThat(fake.calls(GitHubFake.UPDATE_HOOK)).isEqualTo(1);
    assertThat(type.read(changed, updated, ctx)).contains(updated);
  }

  @Test
  void updateMovesTheHookToAnotherRepositoryOfTheEnvironment() {
    fake.putRepository(Fixtures.ORG, "acme-docs", "Docs (tw:acme/demo/docs@000000000000)", List.of());
    WebhookOutputs out = type.create(spec, ctx("run-1")).outputs();
    WebhookSpec moved = new WebhookSpec(Fixtures.ORG + "/acme-docs", URL, null, null, "webhook-secret", null);

    WebhookOutputs after = type.update(moved, spec, out, ctx("run-2"));
    assertThat(after.repository()).isEqualTo(Fixtures.ORG + "/acme-docs");
    assertThat(fake.hooks(REPO)).isEmpty();
    assertThat(fake.hooks(Fixtures.ORG + "/acme-docs")).hasSize(1);
  }

  @Test
  void deleteRemovesOnlyOurHookAndTreatsAMissingOneAsGone() {
    TestStepContext ctx = ctx("run-1");
    WebhookOutputs out = type.create(spec, ctx).outputs();
    long foreign = fake.putHook(REPO, "https://other.example.com/x", "json", null, List.of("push"));

    assertThatThrownBy(() -> type.delete(spec, new WebhookOutputs(foreign, REPO, "https://other.example.com/x"), ctx))
        .isInstanceOf(PermanentException.class).hasMessageContaining("refusing to delete");
    type.delete(spec, out, ctx);
    type.delete(spec, out, ctx);
    assertThat(fake.hooks(REPO)).extracting(HookView::id).containsExactly(foreign);
    assertThat(type.read(spec, out, ctx)).isEmpty();
  }

  @Test
  void aDeletedRepositoryTakesItsHookWithIt() throws Exception {
    String blog = fake.putRepository(Fixtures.ORG, "acme-blog", "Blog (tw:acme/demo/blog@000000000000)", List.of());
    WebhookSpec onBlog = new WebhookSpec(blog, URL, null, null, "webhook-secret", null);
    WebhookOutputs out = type.create(onBlog, ctx("run-1")).outputs();
    HttpResponse<Void> deleted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(fake.baseUrl() + "/repos/" + blog)).header("Authorization", "Bearer " + GitHubFake.TOKEN)
        .DELETE().build(), HttpResponse.BodyHandlers.discarding());
    assertThat(deleted.statusCode()).isEqualTo(204);

    type.delete(onBlog, out, ctx("run-1"));
    assertThat(type.read(onBlog, out, ctx("run-1"))).isEmpty();
  }
}
