package dev.tenantwright.plugin.vercel;

import dev.tenantwright.plugin.vercel.internal.Ownership;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.testkit.conformance.ResourceTypeConformance;
import dev.tenantwright.testkit.vercel.VercelFake;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;

/**
 * {@code vercel.deployment} against the plugin conformance kit, in a project of each tenant's environment. A
 * deployment has no name of its own, so the "foreign object of the same name" is a project of that name not
 * made by the environment: the deployment must refuse it.
 */
class VercelDeploymentConformanceTest extends ResourceTypeConformance<DeploymentSpec, DeploymentOutputs> {

  static final DeploymentSpec SAME_CONTENT = new DeploymentSpec("any", "production",
      List.of(new DeploymentSpec.InlineFile("index.html", "<h1>hello</h1>", null)), null, null);

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
  protected ResourceType<DeploymentSpec, DeploymentOutputs> type() {
    return new VercelDeploymentType();
  }

  @Override
  protected Map<String, Object> params() {
    return Map.of("project", Fixtures.PROJECT, "target", "production",
        "files", List.of(Map.of("file", "index.html", "data", "<h1>hello</h1>")));
  }

  @Override
  protected Map<String, Map<String, Object>> pluginConfig() {
    return Fixtures.config(fake);
  }

  @Override
  protected Collection<String> liveObjects() {
    return fake.liveObjects().stream().filter(s -> s.startsWith("deployment ")).toList();
  }

  @Override
  protected void onBackendCall(IntConsumer listener) {
    fake.afterEachCall(listener);
  }

  @Override
  protected void plantOwnedObject(String resourceName, String marker) {
    fake.putDeployment(Fixtures.projectOf(resourceName), Map.of(Ownership.META_OWNER, marker,
        Ownership.META_DIGEST, VercelDeploymentType.digest(SAME_CONTENT)), "READY", "production");
  }

  @Override
  protected void plantForeignObject(String resourceName) {
    fake.putProject(Fixtures.projectOf(resourceName), null);
  }

  /** Deletes the project's deployment in Vercel's dashboard (or lets retention expire it). */
  @Override
  protected void deleteOutOfBand(String resourceName) {
    fake.deploymentIds(Fixtures.projectOf(resourceName)).forEach(fake::expireDeployment);
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return Fixtures.errorCases(fake);
  }
}
