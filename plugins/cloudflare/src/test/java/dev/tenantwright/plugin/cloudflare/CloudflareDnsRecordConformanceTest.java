package dev.tenantwright.plugin.cloudflare;

import dev.tenantwright.plugin.cloudflare.internal.CommentMarkers;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import dev.tenantwright.testkit.conformance.ResourceTypeConformance;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;

/** {@code cloudflare.dns-record} against the plugin conformance kit, on the Cloudflare fake. */
class CloudflareDnsRecordConformanceTest extends ResourceTypeConformance<DnsRecordSpec, DnsRecordOutputs> {

  static final String SUFFIX = "--demo--" + SUBJECT;

  final CloudflareFake fake = new CloudflareFake();

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
  }

  @AfterEach
  void closeFake() {
    fake.close();
  }

  static String tenantOf(String resourceName) {
    return resourceName.substring(0, resourceName.length() - SUFFIX.length());
  }

  @Override
  protected ResourceType<DnsRecordSpec, DnsRecordOutputs> type() {
    return new CloudflareDnsRecordType();
  }

  @Override
  protected Map<String, Object> params() {
    return Map.of("type", "A", "name", "${tenant.id}.example.com", "content", "198.51.100.4", "ttl", 300);
  }

  @Override
  protected Map<String, Object> updatedParams() {
    return Map.of("type", "A", "name", "${tenant.id}.example.com", "content", "198.51.100.5", "ttl", 300);
  }

  @Override
  protected Map<String, Map<String, Object>> pluginConfig() {
    return Map.of("cloudflare", Map.of("token", CloudflareFake.TOKEN, "zoneId", CloudflareFake.ZONE_ID,
        "baseUrl", fake.baseUrl(), "timeout", "5s"));
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
    fake.putRecord("A", tenantOf(resourceName) + ".example.com", "198.51.100.4", CommentMarkers.comment(marker, 100));
  }

  @Override
  protected void plantForeignObject(String resourceName) {
    fake.putRecord("A", tenantOf(resourceName) + ".example.com", "198.51.100.4", null);
  }

  /** Deletes the record in the zone, as someone in Cloudflare's dashboard would. */
  @Override
  protected void deleteOutOfBand(String resourceName) {
    fake.removeRecord(recordOf(fake, "A", tenantOf(resourceName) + ".example.com").id());
  }

  /** Points the record at another address by hand. */
  @Override
  protected String editOutOfBand(String resourceName) {
    fake.setContent(recordOf(fake, "A", tenantOf(resourceName) + ".example.com").id(), "203.0.113.66");
    return "content";
  }

  /** The one record of that type and name in the fake. */
  static CloudflareFake.DnsRecord recordOf(CloudflareFake fake, String type, String name) {
    return fake.records().stream().filter(r -> r.type().equals(type) && r.name().equalsIgnoreCase(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " record " + name + " in the fake"));
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(
        new ErrorCase("503 on the lookup", () -> fake.inject(Fault.status(503).times(1)), true),
        new ErrorCase("429 with Retry-After", () -> fake.inject(Fault.rateLimited(Duration.ofSeconds(1)).times(1)), true),
        new ErrorCase("403 authentication error", () -> fake.inject(Fault.status(403).times(1)), false),
        new ErrorCase("400 on create", () -> fake.inject(Fault.status(400).on(CloudflareFake.CREATE).times(1)), false));
  }
}
