package dev.tenantwright.plugin.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import dev.tenantwright.testkit.dns.DnsFake;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cloudflare.txt-verification} against the Cloudflare fake and a {@link DnsFake} standing in for the
 * resolvers: a record is visible when DNS answers it (CF2); the API list only gates the DNS questions for names
 * in zones the plugin manages.
 */
class CloudflareTxtVerificationTypeTest {

  static final String NAME = "_vercel.example.com";
  static final String VALUE = "vc-domain-verify=shop.example.com,0123456789abcdef";

  final CloudflareFake fake = new CloudflareFake();
  final DnsFake dns = new DnsFake();
  final AtomicBoolean published = new AtomicBoolean(true);
  final CloudflareTxtVerificationType type = new CloudflareTxtVerificationType();
  final Map<String, Object> config = new HashMap<>(Map.of(
      "token", CloudflareFake.TOKEN, "zoneId", CloudflareFake.ZONE_ID, "zoneName", CloudflareFake.ZONE_NAME,
      "baseUrl", fake.baseUrl(), "resolvers", List.of(dns.address()), "resolverTimeout", "2s"));

  CloudflareTxtVerificationTypeTest() {
    dns.source((name, t) -> published.get() ? fake.dns().lookup(name, t) : List.of());
  }

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
    fake.close();
    dns.close();
  }

  StepContext ctx(Duration left) {
    return TestStepContext.builder().step("verify").config("cloudflare", config).budget(left).build();
  }

  @Test
  void aManagedVerificationCreatesTheTxtRecordWithOurMarkerAndDeletesIt() {
    TxtVerificationSpec spec = new TxtVerificationSpec(NAME, VALUE, null, null, null);
    StepContext ctx = ctx(Duration.ofMinutes(1));
    CreateResult<TxtVerificationOutputs> made = type.create(spec, ctx);

    assertThat(made.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(made.outputs().managed()).isTrue();
    assertThat(fake.hasTxt(NAME, VALUE)).isTrue();
    assertThat(fake.records().get(0).comment()).isEqualTo(ctx.ownershipMarker());
    assertThat(type.read(spec, null, ctx)).contains(made.outputs());

    type.delete(spec, made.outputs(), ctx);
    assertThat(fake.records()).isEmpty();
  }

  @Test
  void readReportsTheTextTheManagedRecordHoldsNowInTheSpecsSpellingWhileItIsTheSame() {
    TxtVerificationSpec spec = new TxtVerificationSpec(NAME, "\"" + VALUE + "\"", null, null, null);
    StepContext ctx = ctx(Duration.ofMinutes(1));
    TxtVerificationOutputs made = type.create(spec, ctx).outputs();
    assertThat(type.read(spec, made, ctx)).as("the same text, quoted or not").contains(made);

    fake.setContent(made.recordId(), "edited-by-hand");
    assertThat(type.read(spec, made, ctx).orElseThrow().value()).isEqualTo("edited-by-hand");
  }

  @Test
  void cf2_aManagedRecordIsVisibleOnlyOnceDnsAnswersIt() {
    published.set(false);
    AtomicInteger looks = new AtomicInteger();
    fake.afterEachCall(n -> {
      if (looks.incrementAndGet() == 4) {
        published.set(true);
      }
    });
    TxtVerificationSpec spec = new TxtVerificationSpec(NAME, VALUE, null, Duration.ofMinutes(1), Duration.ofMillis(10));

    CreateResult<TxtVerificationOutputs> made = type.create(spec, ctx(Duration.ofMinutes(5)));

    assertThat(made.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(dns.queries()).as("the API showed the record at once; DNS was asked until it answered")
        .hasSizeGreaterThan(1).allMatch(q -> q.equals("TXT " + NAME));
  }

  @Test
  void cf2_aRecordTheApiListsButDnsNeverAnswersFailsSayingSo() {
    published.set(false);
    TxtVerificationSpec spec = new TxtVerificationSpec(NAME, VALUE, null, Duration.ofSeconds(2), Duration.ofMillis(10));

    assertThatThrownBy(() -> type.create(spec, ctx(Duration.ofMinutes(1))))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining(NAME)
        .hasMessageContaining(VALUE)
        .hasMessageContaining("DNS")
        .hasMessageContaining(dns.address());
  }

  @Test
  void cf2_anUnmanagedRecordInTheCustomersOwnDnsIsFoundByResolvingItNotThroughTheApi() {
    String name = "_vercel.shop.customer-owned.test";
    AtomicInteger asked = new AtomicInteger();
    dns.source((n, t) -> t.equals("TXT") && n.equals(name) && asked.incrementAndGet() >= 3
        ? List.of(VALUE) : List.of());
    TxtVerificationSpec spec = new TxtVerificationSpec(name, VALUE, false, Duration.ofSeconds(30), Duration.ofMillis(10));

    CreateResult<TxtVerificationOutputs> seen = type.create(spec, ctx(Duration.ofMinutes(1)));

    assertThat(seen.origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    assertThat(seen.outputs().managed()).isFalse();
    assertThat(seen.outputs().recordId()).isNull();
    assertThat(fake.calls(CloudflareFake.LIST) + fake.calls(CloudflareFake.CREATE)).isZero();
    assertThat(type.read(spec, seen.outputs(), ctx(Duration.ofMinutes(1)))).contains(seen.outputs());
    type.delete(spec, seen.outputs(), ctx(Duration.ofMinutes(1)));
    assertThat(fake.totalCalls()).isZero();
  }

  @Test
  void cf2_inAManagedZoneDnsIsNotAskedBeforeTheApiListsTheRecord() {
    AtomicInteger lists = new AtomicInteger();
    fake.afterEachCall(n -> {
      if (lists.incrementAndGet() == 2) {
        fake.putRecord("TXT", NAME, "\"" + VALUE + "\"", "added by the customer");
      }
    });
    TxtVerificationSpec spec = new TxtVerificationSpec(NAME, VALUE, false, Duration.ofSeconds(30), Duration.ofMillis(10));

    CreateResult<TxtVerificationOutputs> seen = type.create(spec, ctx(Duration.ofMinutes(1)));

    assertThat(seen.origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    assertThat(seen.outputs().recordId()).isEqualTo(fake.records().get(0).id());
    assertThat(fake.calls(CloudflareFake.LIST)).isEqualTo(3);
    assertThat(dns.queries()).as("a negative answer would stay cached at resolvers (RFC 2308)")
        .containsExactly("TXT " + NAME);
    assertThat(fake.calls(CloudflareFake.CREATE)).isZero();
    type.delete(spec, seen.outputs(), ctx(Duration.ofMinutes(1)));
    assertThat(fake.records()).hasSize(1);
  }

  @Test
  void cf2_aZoneWhoseNameServersAreNotCloudflaresYetIsCheckedThroughDnsOnly() {
    fake.zone("5a7805061c88ada191ed06f989cc3dad", "moving.example.org", "pending");
    config.remove("zoneId");
    config.remove("zoneName");
    dns.txt("_vercel.moving.example.org", VALUE);
    TxtVerificationSpec spec = new TxtVerificationSpec("_vercel.moving.example.org", VALUE, false, Duration.ofSeconds(30), Duration.ofMillis(10));

    assertThat(type.create(spec, ctx(Duration.ofMinutes(1))).origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    assertThat(fake.calls(CloudflareFake.LIST)).as("the API does not show what the old DNS host serves").isZero();
  }

  @Test
  void cf2_aTxtValueLongerThan255BytesMatchesOnceItsStringsAreJoined() {
    String value = "k=" + "x".repeat(600);
    dns.txt("_long.customer-owned.test", value);

    TxtVerificationSpec spec = new TxtVerificationSpec("_long.customer-owned.test", value, false, Duration.ofSeconds(5), Duration.ofMillis(10));

    assertThat(type.create(spec, ctx(Duration.ofMinutes(1))).outputs().value()).isEqualTo(value);
  }

  @Test
  void cf2_dnsFailuresKeepTheWaitGoingAndTheLastOneIsNamedWhenItEnds() {
    dns.txt("_vercel.customer-owned.test", VALUE).fail("_vercel.customer-owned.test", DnsFake.Failure.SERVFAIL);
    TxtVerificationSpec spec = new TxtVerificationSpec("_vercel.customer-owned.test", VALUE, false, Duration.ofSeconds(1), Duration.ofMillis(10));

    assertThatThrownBy(() -> type.create(spec, ctx(Duration.ofMinutes(1))))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("SERVFAIL");
    assertThat(dns.queries()).hasSizeGreaterThan(1);
  }

  @Test
  void aRecordThatNeverAppearsFailsWithTheNameAndValueExpected() {
    TxtVerificationSpec spec = new TxtVerificationSpec(NAME, VALUE, false, Duration.ofMillis(50), Duration.ofMillis(10));

    assertThatThrownBy(() -> type.create(spec, ctx(Duration.ofMinutes(1))))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining(NAME)
        .hasMessageContaining(VALUE);
  }

  @Test
  void theStepsDeadlineEndsTheWaitAsRetryable() {
    TxtVerificationSpec spec = new TxtVerificationSpec(NAME, VALUE, false, Duration.ofMinutes(10), Duration.ofMillis(20));

    assertThatThrownBy(() -> type.create(spec, ctx(Duration.ofMillis(200))))
        .isInstanceOf(RetryableException.class).hasMessageContaining("deadline");
  }
}
