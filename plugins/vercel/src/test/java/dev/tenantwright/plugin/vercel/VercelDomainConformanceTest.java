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

/** {@code vercel.domain} against the plugin conformance kit, in a project of each tenant's environment. */
class VercelDomainConformanceTest extends ResourceTypeConformance<DomainSpec, DomainOutputs> {

  final VercelFake fake = new VercelFake().projectFixtures(Fixtures.projects());

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
  }

  @AfterEach
  void closeFake() {
    fake.close();
  }

  static String domainOf(String resourceName) {
    return Fixtures.tenantOf(resourceName) + ".example.com";
  }

  @Override
  protected ResourceType<DomainSpec, DomainOutputs> type() {
    return new VercelDomainType();
  }

  @Override
  protected Map<String, Object> params() {
    return Map.of("project", Fixtures.PROJECT, "name", "${tenant.id}.example.com");
  }

  @Override
  protected Map<String, Map<String, Object>> pluginConfig() {
    return Fixtures.config(fake);
  }

  @Override
  protected Collection<String> liveObjects() {
    return fake.liveObjects().stream()
        .filter(s -> s.startsWith("domain ") || s.startsWith("env " + Ownership.RESERVED_PREFIX + "DOMAIN_")).toList();
  }

  @Override
  protected void onBackendCall(IntConsumer listener) {
    fake.afterEachCall(listener);
  }

  @Override
  protected void plantOwnedObject(String resourceName, String marker) {
    String project = Fixtures.projectOf(resourceName);
    String domain = domainOf(resourceName);
    fake.putDomain(project, domain);
    fake.putEnv(project, Ownership.domainKey(domain), marker, "plain", Ownership.MARKER_TARGET, null);
  }

  @Override
  protected void plantForeignObject(String resourceName) {
    fake.putDomain(Fixtures.projectOf(resourceName), domainOf(resourceName));
  }

  /** Removes the domain from the project in Vercel's dashboard (the ownership variable stays). */
  @Override
  protected void deleteOutOfBand(String resourceName) {
    fake.removeDomain(Fixtures.projectOf(resourceName), domainOf(resourceName));
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return Fixtures.errorCases(fake);
  }
}
