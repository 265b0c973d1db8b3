package dev.tenantwright.plugin.cloudflare;

import dev.tenantwright.plugin.cloudflare.internal.CommentMarkers;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import dev.tenantwright.testkit.conformance.ResourceTypeConformance;
import dev.tenantwright.testkit.dns.DnsFake;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;

/**
 * {@code cloudflare.txt-verification} (managed) against the plugin conformance kit, on the Cloudflare fake, with a
 * {@link DnsFake} answering what Cloudflare's name servers would.
 */
class CloudflareTxtVerificationConformanceTest
    extends ResourceTypeConformance<TxtVerificationSpec, TxtVerificationOutputs> {

  final CloudflareFake fake = new CloudflareFake();
  final DnsFake dns = new DnsFake().source(fake.dns());

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
  }

  @AfterEach
  void closeFakes() {
    fake.close();
    dns.close();
  }

  static String name(String resourceName) {
    return "_verify." + CloudflareDnsRecordConformanceTest.tenantOf(resourceName) + ".example.com";
  }

  static String value(String resourceName) {
    return "verify=" + CloudflareDnsRecordConformanceTest.tenantOf(resourceName);
  }

  @Override
  protected ResourceType<TxtVerificationSpec, TxtVerificationOutputs> type() {
    return new CloudflareTxtVerificationType();
  }

  @Override
  protected Map<String, Object> params() {
    return Map.of("name", "_verify.${tenant.id}.example.com", "value", "verify=${tenant.id}", "interval", "10ms");
  }

  @Override
  protected Map<String, Map<String, Object>> pluginConfig() {
    return Map.of("cloudflare", Map.of("token", CloudflareFake.TOKEN, "zoneId", CloudflareFake.ZONE_ID,
        "baseUrl", fake.baseUrl(), "timeout", "5s", "resolvers", List.of(dns.address())));
  }

  @Override
  protected Collection<String> liveObjects() {
    return fake.liveObjects();
  }

  @Override
  protected void onBackendCall(IntConsumer listener) {
    fake.afterEachCall(listener);
  }

  @Override
  protected void plantOwnedObject(String resourceName, String marker) {
    fake.putRecord("TXT", name(resourceName), value(resourceName), CommentMarkers.comment(marker, 100));
  }

  @Override
  protected void plantForeignObject(String resourceName) {
    fake.putRecord("TXT", name(resourceName), value(resourceName), "added by hand");
  }

  /** Deletes the TXT record in the zone, as someone in Cloudflare's dashboard would. */
  @Override
  protected void deleteOutOfBand(String resourceName) {
    fake.removeRecord(CloudflareDnsRecordConformanceTest.recordOf(fake, "TXT", name(resourceName)).id());
  }

  /** Changes the text the record holds by hand. */
  @Override
  protected String editOutOfBand(String resourceName) {
    fake.setContent(CloudflareDnsRecordConformanceTest.recordOf(fake, "TXT", name(resourceName)).id(),
        "verify=edited-by-hand");
    return "value";
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(
        new ErrorCase("502 on the lookup", () -> fake.inject(Fault.status(502).times(1)), true),
        new ErrorCase("403 authentication error", () -> fake.inject(Fault.status(403).times(1)), false));
  }
}
