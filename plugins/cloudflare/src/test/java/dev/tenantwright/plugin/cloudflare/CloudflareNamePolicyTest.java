package dev.tenantwright.plugin.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SEC4 (Cloudflare part): names a tenant could use to take over the platform's domains are refused unless the
 * host's configuration names them: {@code _acme-challenge} (a DNS-01 certificate for the zone), a leading
 * {@code *} (every unassigned sub-domain), the zone apex, and a TXT record joining someone else's TXT records.
 */
class CloudflareNamePolicyTest {

  final CloudflareFake fake = new CloudflareFake();
  final Map<String, Object> config = new HashMap<>(Map.of(
      "token", CloudflareFake.TOKEN, "zoneId", CloudflareFake.ZONE_ID, "zoneName", CloudflareFake.ZONE_NAME,
      "baseUrl", fake.baseUrl()));
  final CloudflareDnsRecordType type = new CloudflareDnsRecordType();

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
    fake.close();
  }

  StepContext ctx() {
    return TestStepContext.builder().step("dns").config("cloudflare", config).budget(Duration.ofMinutes(1)).build();
  }

  @Test
  void sec4_anAcmeChallengeNameIsRefusedBeforeAnyCallUnlessTheConfigAllowsIt() {
    DnsRecordSpec challenge =
        new DnsRecordSpec("TXT", "_acme-challenge.example.com", "token-from-the-tenant", null, null);
    DnsRecordSpec delegated = new DnsRecordSpec("CNAME", "_acme-challenge.shop.example.com", "acme.evil.example", null,
        null);

    assertThatThrownBy(() -> type.create(challenge, ctx()))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'name'")
        .hasMessageContaining("_acme-challenge")
        .hasMessageContaining("allowAcmeChallenge");
    assertThatThrownBy(() -> type.create(delegated, ctx())).isInstanceOf(PermanentException.class);
    assertThat(fake.totalCalls()).isZero();

    config.put("allowAcmeChallenge", true);
    assertThat(type.create(challenge, ctx()).origin()).isEqualTo(CreateResult.Origin.CREATED);
  }

  @Test
  void sec4_aWildcardNameIsRefusedBeforeAnyCallUnlessTheConfigAllowsIt() {
    DnsRecordSpec wildcard = new DnsRecordSpec("A", "*.example.com", "198.51.100.66", null, null);

    assertThatThrownBy(() -> type.create(wildcard, ctx()))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("*.example.com")
        .hasMessageContaining("allowWildcard");
    assertThat(fake.totalCalls()).isZero();

    config.put("allowWildcard", true);
    type.create(wildcard, ctx());
    assertThat(fake.records()).singleElement().satisfies(r -> assertThat(r.name()).isEqualTo("*.example.com"));
  }

  @Test
  void sec4_theZoneApexIsRefusedBeforeAnyRecordCallUnlessTheConfigAllowsIt() {
    DnsRecordSpec apex = new DnsRecordSpec("A", "example.com", "198.51.100.66", null, null);

    assertThatThrownBy(() -> type.create(apex, ctx()))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("apex")
        .hasMessageContaining("allowApex");
    config.remove("zoneName");
    assertThatThrownBy(() -> type.create(apex, ctx())).as("known only once the zone's name is read")
        .isInstanceOf(PermanentException.class).hasMessageContaining("apex");
    assertThat(fake.calls(CloudflareFake.LIST) + fake.calls(CloudflareFake.CREATE)).isZero();

    config.put("allowApex", true);
    assertThat(type.create(apex, ctx()).outputs().name()).isEqualTo("example.com");
  }

  @Test
  void sec4_aTxtRecordNeverJoinsForeignTxtRecordsOfTheSameNameUnlessTheConfigAllowsIt() {
    String foreign = fake.putRecord("TXT", "_dmarc.example.com", "v=DMARC1; p=reject", null);
    DnsRecordSpec joining = new DnsRecordSpec("TXT", "_dmarc.example.com", "v=DMARC1; p=none", null, null);

    assertThatThrownBy(() -> type.create(joining, ctx()))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining(foreign)
        .hasMessageContaining("allowSharedTxt");
    assertThat(fake.calls(CloudflareFake.CREATE)).isZero();

    config.put("allowSharedTxt", true);
    assertThat(type.create(joining, ctx()).origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.records()).hasSize(2);
  }

  @Test
  void sec4_aManagedTxtVerificationFollowsTheSamePolicyForTheRecordItWrites() {
    CloudflareTxtVerificationType verification = new CloudflareTxtVerificationType();
    TxtVerificationSpec challenge = new TxtVerificationSpec("_acme-challenge.example.com", "x", null, Duration.ofSeconds(1), Duration.ofMillis(10));

    assertThatThrownBy(() -> verification.create(challenge, ctx()))
        .isInstanceOf(PermanentException.class).hasMessageContaining("allowAcmeChallenge");
    assertThat(fake.totalCalls()).isZero();
  }

  @Test
  void sec4_deletingOurOwnRecordIsNeverRefusedByThePolicy() {
    config.put("allowWildcard", true);
    DnsRecordSpec wildcard = new DnsRecordSpec("A", "*.example.com", "198.51.100.66", null, null);
    DnsRecordOutputs made = type.create(wildcard, ctx()).outputs();

    config.remove("allowWildcard");
    type.delete(wildcard, made, ctx());
    assertThat(fake.records()).isEmpty();
  }
}
