package dev.tenantwright.plugin.vercel;

import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.testkit.conformance.ResourceTypeConformance;
import dev.tenantwright.testkit.vercel.VercelFake;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;

/** {@code vercel.env} against the plugin conformance kit, in a project of each tenant's environment. */
class VercelEnvConformanceTest extends ResourceTypeConformance<EnvSpec, EnvOutputs> {

  static final List<String> TARGET = List.of("production", "preview");

  final VercelFake fake = new VercelFake().projectFixtures(Fixtures.projects());

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
  }

  @AfterEach
  void closeFake() {
    fake.close();
  }

  @Override
  protected ResourceType<EnvSpec, EnvOutputs> type() {
    return new VercelEnvType();
  }

  @Override
  protected Map<String, Object> params() {
    return Map.of("project", Fixtures.PROJECT,
        "vars", Map.of("API_URL", "https://api.example.test", "API_KEY", "${secrets.conformance}"));
  }

  @Override
  protected Map<String, Object> updatedParams() {
    return Map.of("project", Fixtures.PROJECT,
        "vars", Map.of("API_URL", "https://api2.example.test", "API_KEY", "${secrets.conformance}"));
  }

  @Override
  protected Map<String, Map<String, Object>> pluginConfig() {
    return Fixtures.config(fake);
  }

  @Override
  protected Collection<String> liveObjects() {
    return fake.liveObjects().stream().filter(s -> s.startsWith("env ") && !s.startsWith("env TENANTWRIGHT_")).toList();
  }

  @Override
  protected void onBackendCall(IntConsumer listener) {
    fake.afterEachCall(listener);
  }

  @Override
  protected void plantOwnedObject(String resourceName, String marker) {
    String project = Fixtures.projectOf(resourceName);
    fake.projectId(project);
    fake.putEnv(project, "API_URL", "https://api.example.test", "encrypted", TARGET, marker);
    fake.putEnv(project, "API_KEY", "earlier", "encrypted", TARGET, marker);
  }

  @Override
  protected void plantForeignObject(String resourceName) {
    fake.putEnv(Fixtures.projectOf(resourceName), "API_URL", "https://hand.example.test", "plain", TARGET, null);
  }

  /** Deletes both variables in Vercel's dashboard. */
  @Override
  protected void deleteOutOfBand(String resourceName) {
    fake.removeEnv(Fixtures.projectOf(resourceName), "API_URL");
    fake.removeEnv(Fixtures.projectOf(resourceName), "API_KEY");
  }

  /** Changes a variable's value in Vercel's dashboard: what a build sees changes, so the revision must. */
  @Override
  protected String editOutOfBand(String resourceName) {
    fake.setEnvValue(Fixtures.projectOf(resourceName), "API_URL", "https://elsewhere.example.test");
    return "revision";
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return Fixtures.errorCases(fake);
  }
}
