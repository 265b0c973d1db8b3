package dev.tenantwright.plugin.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CF1: records across zones. The zone of a record is found from its name (walking up the labels, longest match,
 * cached), fixed by the configuration's {@code zoneId}, and restricted by {@code allowedZones}.
 */
class CloudflareZonesTest {

  static final String CUSTOMER = "9a7806061c88ada191ed06f989cc3dac";
  static final String SUB = "5b7806061c88ada191ed06f989cc3dae";

  final CloudflareFake fake = new CloudflareFake()
      .zone(CUSTOMER, "customer.example.net")
      .zone(SUB, "eu.customer.example.net");
  final Map<String, Object> config = new HashMap<>(Map.of("token", CloudflareFake.TOKEN, "baseUrl", fake.baseUrl()));
  final CloudflareDnsRecordType type = new CloudflareDnsRecordType();

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
    fake.close();
  }

  StepContext ctx() {
    return TestStepContext.builder().step("dns").config("cloudflare", config).build();
  }

  static DnsRecordSpec cname(String name) {
    return new DnsRecordSpec("CNAME", name, "cname.vercel-dns.com", false, null);
  }

  /** The names asked for with {@code GET /zones?name=}, in order. */
  List<String> zoneLookups() {
    return fake.requests().stream().filter(c -> CloudflareFake.LIST_ZONES.equals(c.route()))
        .map(c -> java.util.Arrays.stream(c.query().split("&")).filter(p -> p.startsWith("name="))
            .map(p -> java.net.URLDecoder.decode(p.substring(5), java.nio.charset.StandardCharsets.UTF_8))
            .findFirst().orElse(""))
        .toList();
  }

  String zoneOf(String name) {
    return fake.records().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow().zoneId();
  }

  @Test
  void cf1_withoutAConfiguredZoneTheZoneIsFoundFromTheNameLongestMatchFirstAndCached() {
    CreateResult<DnsRecordOutputs> shop = type.create(cname("shop.customer.example.net"), ctx());
    type.create(cname("www.eu.customer.example.net"), ctx());
    type.create(cname("app.example.com"), ctx());

    assertThat(zoneOf("shop.customer.example.net")).isEqualTo(CUSTOMER);
    assertThat(zoneOf("www.eu.customer.example.net")).as("the longer zone wins").isEqualTo(SUB);
    assertThat(zoneOf("app.example.com")).isEqualTo(CloudflareFake.ZONE_ID);
    assertThat(zoneLookups()).startsWith("shop.customer.example.net", "customer.example.net");
    long lookups = fake.calls(CloudflareFake.LIST_ZONES);

    type.create(cname("shop.customer.example.net"), ctx());
    assertThat(fake.calls(CloudflareFake.LIST_ZONES)).as("the zone of a name is cached").isEqualTo(lookups);
    assertThat(shop.outputs().name()).isEqualTo("shop.customer.example.net");
  }

  @Test
  void cf1_aNameNoZoneHoldsIsRefusedNamingIt() {
    assertThatThrownBy(() -> type.create(cname("shop.elsewhere.example.org"), ctx()))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("shop.elsewhere.example.org")
        .hasMessageContaining("no Cloudflare zone");
    assertThat(fake.calls(CloudflareFake.CREATE)).isZero();
  }

  @Test
  void cf1_aRecordOutsideTheAllowedZonesIsRefusedByNameBeforeAnyCall() {
    config.put("allowedZones", List.of("customer.example.net"));

    assertThatThrownBy(() -> type.create(cname("app.example.com"), ctx()))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'name'")
        .hasMessageContaining("app.example.com")
        .hasMessageContaining("customer.example.net");
    assertThatThrownBy(() -> type.create(cname("customer.example.net.evil.example"), ctx()))
        .isInstanceOf(PermanentException.class);
    assertThat(fake.totalCalls()).isZero();

    type.create(cname("www.eu.customer.example.net"), ctx());
    assertThat(zoneOf("www.eu.customer.example.net")).as("a sub-zone of an allowed zone is allowed").isEqualTo(SUB);
    assertThat(zoneLookups()).as("only names inside the allowed zones are looked up")
        .containsExactly("www.eu.customer.example.net", "eu.customer.example.net");
  }

  @Test
  void cf1_withAConfiguredZoneIdOnlyThatZoneIsUsedAndANameOutsideItIsRefusedBeforeAnyRecordCall() {
    config.put("zoneId", CloudflareFake.ZONE_ID);

    assertThatThrownBy(() -> type.create(cname("shop.customer.example.net"), ctx()))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("shop.customer.example.net")
        .hasMessageContaining("example.com");
    assertThat(fake.calls(CloudflareFake.LIST) + fake.calls(CloudflareFake.CREATE)).isZero();

    type.create(cname("shop.example.com"), ctx());
    assertThat(zoneOf("shop.example.com")).isEqualTo(CloudflareFake.ZONE_ID);
    assertThat(fake.calls(CloudflareFake.LIST_ZONES)).as("the configured zone is not searched for").isZero();
  }

  @Test
  void cf1_aConfiguredZoneNameSavesTheZoneLookupAndRefusesOutsideNamesBeforeAnyCall() {
    config.put("zoneId", CloudflareFake.ZONE_ID);
    config.put("zoneName", CloudflareFake.ZONE_NAME);

    assertThatThrownBy(() -> type.create(cname("shop.customer.example.net"), ctx()))
        .isInstanceOf(PermanentException.class);
    assertThat(fake.totalCalls()).isZero();

    type.create(cname("shop.example.com"), ctx());
    assertThat(fake.calls(CloudflareFake.GET_ZONE) + fake.calls(CloudflareFake.LIST_ZONES)).isZero();
  }

  @Test
  void cf1_deleteUsesTheZoneTheRecordWasMadeIn() {
    StepContext ctx = ctx();
    DnsRecordOutputs made = type.create(cname("shop.customer.example.net"), ctx).outputs();
    assertThat(type.read(cname("shop.customer.example.net"), made, ctx)).contains(made);
    assertThat(type.read(cname("shop.customer.example.net"), null, ctx)).contains(made);

    type.delete(cname("shop.customer.example.net"), made, ctx);
    assertThat(fake.records()).isEmpty();
  }

  @Test
  void cf1_aNameMovedToAnotherZoneIsReplacedThere() {
    StepContext ctx = ctx();
    DnsRecordSpec before = cname("shop.example.com");
    DnsRecordOutputs made = type.create(before, ctx).outputs();

    DnsRecordOutputs moved = type.update(cname("shop.customer.example.net"), before, made, ctx);

    assertThat(moved.name()).isEqualTo("shop.customer.example.net");
    assertThat(fake.records()).singleElement().satisfies(r -> assertThat(r.zoneId()).isEqualTo(CUSTOMER));
  }
}
