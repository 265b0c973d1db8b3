package dev.tenantwright.plugin.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.plugin.github.internal.Ownership;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.testkit.conformance.ResourceTypeConformance;
import dev.tenantwright.testkit.github.GitHubFake;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;

/**
 * {@code github.webhook} against the plugin conformance kit, on the GitHub fake: each tenant's hook goes on the
 * repository its {@code site} resource made, signed with the kit's host secret {@code conformance}.
 */
class GitHubWebhookConformanceTest extends ResourceTypeConformance<WebhookSpec, WebhookOutputs> {

  final GitHubFake fake = new GitHubFake().repositoryFixtures(Fixtures.repositories());

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
  }

  @AfterEach
  void closeFake() {
    fake.close();
  }

  static String url(String tenant) {
    return "https://hooks.example.com/github/" + tenant;
  }

  @Override
  protected ResourceType<WebhookSpec, WebhookOutputs> type() {
    return new GitHubWebhookType();
  }

  @Override
  protected Map<String, Object> params() {
    return Map.of("repository", Fixtures.repositoryOf("${tenant.id}"), "url", url("${tenant.id}"),
        "secret", "conformance");
  }

  @Override
  protected Map<String, Object> updatedParams() {
    return Map.of("repository", Fixtures.repositoryOf("${tenant.id}"), "url", url("${tenant.id}"),
        "secret", "conformance", "contentType", "form", "events", List.of("push", "create"));
  }

  @Override
  protected Map<String, Map<String, Object>> pluginConfig() {
    return Fixtures.config(fake);
  }

  @Override
  protected Collection<String> liveObjects() {
    return fake.liveObjects().stream().filter(s -> s.startsWith("hook ")).toList();
  }

  @Override
  protected void onBackendCall(IntConsumer listener) {
    fake.afterEachCall(listener);
  }

  @Override
  protected void plantOwnedObject(String resourceName, String marker) {
    String tenant = Fixtures.tenantOf(resourceName);
    fake.putHook(Fixtures.repositoryOf(tenant), Ownership.hookUrl(url(tenant), marker), "json", "s", List.of("push"));
  }

  @Override
  protected void plantForeignObject(String resourceName) {
    String tenant = Fixtures.tenantOf(resourceName);
    fake.putHook(Fixtures.repositoryOf(tenant), url(tenant), "form", null, List.of("push"));
  }

  /** Deletes the webhook in the repository's settings. */
  @Override
  protected void deleteOutOfBand(String resourceName) {
    String repository = Fixtures.repositoryOf(Fixtures.tenantOf(resourceName));
    fake.deleteHook(repository, onlyHook(repository).id());
  }

  /** Points the webhook at another host in the repository's settings, leaving the rest of its URL as it was. */
  @Override
  protected String editOutOfBand(String resourceName) {
    String repository = Fixtures.repositoryOf(Fixtures.tenantOf(resourceName));
    GitHubFake.HookView hook = onlyHook(repository);
    fake.setHookUrl(repository, hook.id(), hook.url().replace("https://hooks.example.com/", "https://old-hooks.example.com/"));
    return "url";
  }

  private GitHubFake.HookView onlyHook(String repository) {
    List<GitHubFake.HookView> hooks = fake.hooks(repository);
    assertThat(hooks).as("the webhooks of " + repository).hasSize(1);
    return hooks.get(0);
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return Fixtures.errorCases(fake);
  }
}
