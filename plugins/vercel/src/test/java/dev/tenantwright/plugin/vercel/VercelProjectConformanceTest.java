package dev.tenantwright.plugin.vercel;

import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.testkit.conformance.ResourceTypeConformance;
import dev.tenantwright.testkit.vercel.VercelFake;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;

/** {@code vercel.project} against the plugin conformance kit, on the Vercel fake. */
class VercelProjectConformanceTest extends ResourceTypeConformance<ProjectSpec, ProjectOutputs> {

  final VercelFake fake = new VercelFake();

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
  }

  @AfterEach
  void closeFake() {
    fake.close();
  }

  @Override
  protected ResourceType<ProjectSpec, ProjectOutputs> type() {
    return new VercelProjectType();
  }

  @Override
  protected Map<String, Object> params() {
    return Map.of("framework", "nextjs");
  }

  @Override
  protected Map<String, Map<String, Object>> pluginConfig() {
    return Fixtures.config(fake);
  }

  @Override
  protected Collection<String> liveObjects() {
    return fake.liveObjects().stream().filter(s -> s.startsWith("project ")).toList();
  }

  @Override
  protected void onBackendCall(IntConsumer listener) {
    fake.afterEachCall(listener);
  }

  @Override
  protected void plantOwnedObject(String resourceName, String marker) {
    fake.putProject(resourceName, marker);
  }

  @Override
  protected void plantForeignObject(String resourceName) {
    fake.putProject(resourceName, null);
  }

  /** Deletes the project in Vercel's dashboard. */
  @Override
  protected void deleteOutOfBand(String resourceName) {
    fake.removeProject(resourceName);
  }

  /** Renames the project in Vercel's dashboard. */
  @Override
  protected String editOutOfBand(String resourceName) {
    fake.renameProject(resourceName, resourceName + "-renamed");
    return "name";
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return Fixtures.errorCases(fake);
  }
}
