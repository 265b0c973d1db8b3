package dev.tenantwright.plugin.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.RecordedCall;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.github.GitHubFake;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every request a GitHub step makes carries the W3C trace context of that step attempt, so a backend that traces
 * joins the host's trace of the step; a step of an untraced host sends none.
 */
class GitHubTraceContextTest {

  static final String REPOSITORY_TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  static final String HOOK_TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  final GitHubFake fake = new GitHubFake();
  final Map<String, Object> config = Fixtures.section(fake);
  final RepositorySpec repository =
      new RepositorySpec(Fixtures.TEMPLATE, Fixtures.ORG, null, "Portfolio of Acme", null, null);

  GitHubTraceContextTest() {
    fake.putTemplate(Fixtures.ORG, "portfolio");
  }

  @AfterEach
  void close() {
    fake.assertContractRespected();
    fake.close();
  }

  TestStepContext ctx(String step, Map<String, String> trace) {
    return TestStepContext.builder().step(step).config("github", config).secret("webhook-secret", Secret.generate(32))
        .traceHeaders(trace).build();
  }

  @Test
  void everyCallOfAStepCarriesItsTraceContext() {
    fake.generationReads(3);
    RepositoryOutputs made = callsOf(() -> new GitHubRepositoryType().create(repository,
        ctx("site", Map.of("traceparent", REPOSITORY_TRACE))).outputs(), REPOSITORY_TRACE);
    assertThat(fake.requests(GitHubFake.GET_BRANCH)).as("the polls until the template is copied are among them")
        .hasSizeGreaterThan(1);

    WebhookSpec hook = new WebhookSpec(made.fullName(), "https://hooks.example.com/github/acme", null, null,
        "webhook-secret", null);
    callsOf(() -> new GitHubWebhookType().create(hook, ctx("site-hook", Map.of("traceparent", HOOK_TRACE))),
        HOOK_TRACE);
    assertThat(fake.calls(GitHubFake.CREATE_HOOK)).isEqualTo(1);
  }

  @Test
  void aStepWithoutTraceContextSendsNone() {
    new GitHubRepositoryType().create(repository, ctx("site", Map.of()));

    assertThat(fake.requests()).isNotEmpty()
        .allSatisfy(c -> assertThat(c.header("traceparent")).as(c.toString()).isEmpty())
        .allSatisfy(c -> assertThat(c.header("tracestate")).as(c.toString()).isEmpty());
  }

  /** Runs a step and checks that every request it made, and at least one, carried exactly {@code traceparent}. */
  <T> T callsOf(Supplier<T> step, String traceparent) {
    int before = fake.requests().size();
    T result = step.get();
    List<RecordedCall> all = fake.requests();
    assertThat(all.subList(before, all.size())).isNotEmpty().allSatisfy(c ->
        assertThat(c.header("traceparent")).as(c.toString()).contains(traceparent));
    return result;
  }
}
