package dev.tenantwright.plugin.github;

import dev.tenantwright.plugin.github.internal.Ownership;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.testkit.conformance.ResourceTypeConformance;
import dev.tenantwright.testkit.github.GitHubFake;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;

/** {@code github.repository} against the plugin conformance kit, on the GitHub fake. */
class GitHubRepositoryConformanceTest extends ResourceTypeConformance<RepositorySpec, RepositoryOutputs> {

  final GitHubFake fake = new GitHubFake();

  GitHubRepositoryConformanceTest() {
    fake.putTemplate(Fixtures.ORG, "portfolio");
  }

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
  }

  @AfterEach
  void closeFake() {
    fake.close();
  }

  @Override
  protected ResourceType<RepositorySpec, RepositoryOutputs> type() {
    return new GitHubRepositoryType();
  }

  @Override
  protected Map<String, Object> params() {
    return Map.of("template", Fixtures.TEMPLATE, "owner", Fixtures.ORG, "description", "Site of ${tenant.id}");
  }

  @Override
  protected Map<String, Object> updatedParams() {
    return Map.of("template", Fixtures.TEMPLATE, "owner", Fixtures.ORG, "description", "New site of ${tenant.id}",
        "visibility", "public");
  }

  @Override
  protected Map<String, Map<String, Object>> pluginConfig() {
    return Fixtures.config(fake);
  }

  @Override
  protected Collection<String> liveObjects() {
    return fake.liveObjects().stream().filter(s -> s.startsWith("repository ")).toList();
  }

  @Override
  protected void onBackendCall(IntConsumer listener) {
    fake.afterEachCall(listener);
  }

  @Override
  protected void plantOwnedObject(String resourceName, String marker) {
    fake.putRepository(Fixtures.ORG, resourceName, Ownership.describe(null, marker), List.of());
  }

  @Override
  protected void plantForeignObject(String resourceName) {
    fake.putRepository(Fixtures.ORG, resourceName, "Made by hand", List.of("web"));
  }

  /** Deletes the repository in GitHub's settings. */
  @Override
  protected void deleteOutOfBand(String resourceName) {
    fake.deleteRepository(Fixtures.ORG + "/" + resourceName);
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return Fixtures.errorCases(fake);
  }
}
