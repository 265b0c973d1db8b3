package dev.tenantwright.plugin.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tenantwright.plugin.cloudflare.internal.CommentMarkers;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CloudflareDnsRecordTypeTest {

  final CloudflareFake fake = new CloudflareFake();
  final CloudflareDnsRecordType type = new CloudflareDnsRecordType();
  final Map<String, Object> config = new HashMap<>(Map.of(
      "token", CloudflareFake.TOKEN, "zoneId", CloudflareFake.ZONE_ID, "baseUrl", fake.baseUrl()));

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
    fake.close();
  }

  StepContext ctx(String runId) {
    return TestStepContext.builder().step("dns").run(runId).config("cloudflare", config).build();
  }

  static DnsRecordSpec cname(String name) {
    return new DnsRecordSpec("CNAME", name, "cname.vercel-dns.com", false, null);
  }

  @Test
  void createsACnameCarryingTheMarkerAndFindsItAgainOnASecondCreate() {
    StepContext ctx = ctx("run-1");
    CreateResult<DnsRecordOutputs> first = type.create(cname("shop.example.com"), ctx);
    CreateResult<DnsRecordOutputs> second = type.create(cname("shop.example.com"), ctx);

    assertThat(first.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(second.origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(second.outputs()).isEqualTo(first.outputs());
    assertThat(fake.records()).singleElement().satisfies(r -> {
      assertThat(r.comment()).isEqualTo(ctx.ownershipMarker());
      assertThat(r.content()).isEqualTo("cname.vercel-dns.com");
      assertThat(r.ttl()).isEqualTo(1);
    });
    assertThat(fake.calls(CloudflareFake.CREATE)).isEqualTo(1);
  }

  @Test
  void aRecordOfAnEarlierRunOfThisResourceIsAdoptedAndConverged() {
    type.create(new DnsRecordSpec("A", "app.example.com", "198.51.100.4", false, 300), ctx("run-1"));
    CreateResult<DnsRecordOutputs> later =
        type.create(new DnsRecordSpec("A", "app.example.com", "198.51.100.4", true, 300), ctx("run-2"));

    assertThat(later.origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    assertThat(later.outputs().proxied()).isTrue();
    assertThat(fake.records()).hasSize(1);
  }

  @Test
  void anIdenticalRecordWithoutOurMarkerIsAConflictNamingIt() {
    String foreign = fake.putRecord("CNAME", "shop.example.com", "cname.vercel-dns.com", "managed by hand");

    assertThatThrownBy(() -> type.create(cname("shop.example.com"), ctx("run-1")))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("identical")
        .hasMessageContaining(foreign)
        .hasMessageContaining("managed by hand");
    assertThat(fake.records()).hasSize(1);
  }

  @Test
  void aForeignRecordHoldingTheNameIsAConflictWhetherWeSeeItOrCloudflareRefuses() {
    fake.putRecord("A", "app.example.com", "198.51.100.7", null);
    fake.putRecord("A", "www.example.com", "198.51.100.8", null);

    assertThatThrownBy(() -> type.create(new DnsRecordSpec("A", "app.example.com", "198.51.100.4", false, null),
        ctx("run-1"))).isInstanceOf(PermanentException.class).hasMessageContaining("conflicts with A app.example.com");
    assertThatThrownBy(() -> type.create(cname("www.example.com"), ctx("run-1")))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("81053")
        .hasMessageContaining("held by A www.example.com -> 198.51.100.8");
    assertThat(fake.records()).hasSize(2);
  }

  @Test
  void aMarkerLongerThanTheCommentLimitIsStoredShortenedAndStillRecognised() {
    String tenant = "a-very-long-tenant-identifier-made-from-a-rather-long-company-name";
    TestStepContext run1 = TestStepContext.builder().tenant(tenant).step("custom-domain-record")
        .config("cloudflare", config).build();
    assertThat(run1.ownershipMarker().length()).isGreaterThan(100);

    type.create(cname("shop.example.com"), run1);
    String comment = fake.records().get(0).comment();
    assertThat(comment).hasSizeLessThanOrEqualTo(100).startsWith("tw:~").isEqualTo(CommentMarkers.comment(run1.ownershipMarker(), 100));
    assertThat(type.create(cname("shop.example.com"), run1).origin()).isEqualTo(CreateResult.Origin.CREATED);
    StepContext run2 = run1.inRun("run-2");
    assertThat(type.create(cname("shop.example.com"), run2).origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    StepContext otherResource = run1.newBuilder().step("other-record").build();
    assertThatThrownBy(() -> type.create(cname("shop.example.com"), otherResource))
        .isInstanceOf(PermanentException.class);
  }

  @Test
  void deleteRemovesTheRecordedRecordAndTreatsAMissingOneAsGone() {
    StepContext ctx = ctx("run-1");
    DnsRecordOutputs out = type.create(cname("shop.example.com"), ctx).outputs();
    String foreign = fake.putRecord("A", "other.example.com", "198.51.100.9", null);

    type.delete(cname("shop.example.com"), out, ctx);
    type.delete(cname("shop.example.com"), out, ctx);

    assertThat(fake.records()).extracting(CloudflareFake.DnsRecord::id).containsExactly(foreign);
    assertThat(type.read(cname("shop.example.com"), out, ctx)).isEmpty();
    assertThat(type.read(cname("shop.example.com"), null, ctx)).isEmpty();
  }

  @Test
  void deleteRefusesARecordWhoseCommentIsNoLongerOurs() {
    String foreign = fake.putRecord("CNAME", "shop.example.com", "cname.vercel-dns.com", "someone else");
    DnsRecordOutputs claimed = new DnsRecordOutputs(foreign, "CNAME", "shop.example.com", "cname.vercel-dns.com", false, 1);

    assertThatThrownBy(() -> type.delete(cname("shop.example.com"), claimed, ctx("run-1")))
        .isInstanceOf(PermanentException.class).hasMessageContaining("refusing to delete");
    assertThat(fake.records()).hasSize(1);
  }

  @Test
  void updateChangesTheRecordInPlaceAndReplacesItWhenTheNameChanges() {
    StepContext ctx = ctx("run-1");
    DnsRecordSpec before = new DnsRecordSpec("A", "app.example.com", "198.51.100.4", false, null);
    DnsRecordOutputs out = type.create(before, ctx).outputs();

    DnsRecordSpec after = new DnsRecordSpec("A", "app.example.com", "198.51.100.5", false, 120);
    DnsRecordOutputs updated = type.update(after, before, out, ctx);
    assertThat(updated.id()).isEqualTo(out.id());
    assertThat(fake.record(out.id()).orElseThrow().content()).isEqualTo("198.51.100.5");
    assertThat(type.update(after, after, updated, ctx)).isEqualTo(updated);

    DnsRecordSpec renamed = new DnsRecordSpec("A", "api.example.com", "198.51.100.5", false, 120);
    DnsRecordOutputs moved = type.update(renamed, after, updated, ctx);
    assertThat(moved.name()).isEqualTo("api.example.com");
    assertThat(fake.records()).extracting(CloudflareFake.DnsRecord::name).containsExactly("api.example.com");
  }

  @Test
  void aClientErrorIsPermanentAndCarriesCloudflaresMessage() {
    config.put("token", "wrong-token");

    PermanentException e = catchThrowableOfType(() -> type.create(cname("shop.example.com"), ctx("run-1")),
        PermanentException.class);
    assertThat(e).hasMessageContaining("403").hasMessageContaining("Authentication error").hasMessageNotContaining("wrong-token");
  }

  @Test
  void serverErrorsAndRateLimitsAreRetryableAndARateLimitSaysHowLongToWait() {
    fake.inject(Fault.status(503).on(CloudflareFake.CREATE).times(1));
    assertThatThrownBy(() -> type.create(cname("shop.example.com"), ctx("run-1")))
        .isInstanceOf(RetryableException.class).hasMessageContaining("503");

    fake.inject(Fault.rateLimited(Duration.ofSeconds(7)).on(CloudflareFake.LIST).times(1));
    RetryableException limited = catchThrowableOfType(() -> type.create(cname("shop.example.com"), ctx("run-1")),
        RetryableException.class);
    assertThat(limited.retryAfter()).contains(Duration.ofSeconds(7));

    assertThat(type.create(cname("shop.example.com"), ctx("run-1")).origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.records()).hasSize(1);
  }

  @Test
  void aTimeoutAfterTheRecordWasMadeIsRetryableAndTheRetryFindsTheRecord() {
    config.put("timeout", "300ms");
    fake.inject(Fault.timeout(Duration.ofSeconds(3)).on(CloudflareFake.CREATE).afterHandler().times(1));

    RetryableException timedOut = catchThrowableOfType(() -> type.create(cname("shop.example.com"), ctx("run-1")),
        RetryableException.class);
    assertThat(timedOut.outcomeUnknown()).isTrue();
    assertThat(type.create(cname("shop.example.com"), ctx("run-1")).origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(fake.records()).hasSize(1);
  }

  @Test
  void invalidSpecsAreRefusedBeforeAnyCallNamingTheField() {
    assertThatThrownBy(() -> new DnsRecordSpec("A", "app.example.com", "not-an-ip", null, null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'content'");
    assertThatThrownBy(() -> new DnsRecordSpec("MX", "app.example.com", "mx.example.com", null, null))
        .hasMessageContaining("field 'type'");
    assertThatThrownBy(() -> new DnsRecordSpec("CNAME", "App.Example.com", "x.example.net", null, null))
        .hasMessageContaining("field 'name'");
    assertThatThrownBy(() -> new DnsRecordSpec("TXT", "a.example.com", "x", true, null))
        .hasMessageContaining("field 'proxied'");
    assertThatThrownBy(() -> new DnsRecordSpec("TXT", "a.example.com", "x", null, 5))
        .hasMessageContaining("field 'ttl'");
    assertThat(fake.totalCalls()).isZero();
  }

  @Test
  void cf3_aProxiedRecordKeepsTheAutomaticTtlAndConvergesWithoutAPatch() {
    StepContext ctx = ctx("run-1");
    DnsRecordSpec proxied = new DnsRecordSpec("A", "app.example.com", "198.51.100.4", true, 300);
    CreateResult<DnsRecordOutputs> made = type.create(proxied, ctx);

    assertThat(made.outputs().ttl()).isEqualTo(1);
    type.create(proxied, ctx);
    assertThat(type.update(proxied, proxied, made.outputs(), ctx)).isEqualTo(made.outputs());
    type.create(proxied, ctx("run-2"));
    assertThat(fake.calls(CloudflareFake.PATCH)).as("no endless TTL drift").isZero();
    assertThat(fake.records()).singleElement().satisfies(r -> assertThat(r.ttl()).isEqualTo(1));

    DnsRecordSpec dnsOnly = new DnsRecordSpec("A", "app.example.com", "198.51.100.4", false, 300);
    assertThat(type.update(dnsOnly, proxied, made.outputs(), ctx).ttl()).as("DNS-only keeps its TTL").isEqualTo(300);
  }

  @Test
  void cf4_changingTheTypeAtTheSameNameDeletesTheOldRecordFirstWhenTheTypesExcludeEachOther() {
    StepContext ctx = ctx("run-1");
    DnsRecordSpec a = new DnsRecordSpec("A", "app.example.com", "198.51.100.4", false, null);
    DnsRecordOutputs made = type.create(a, ctx).outputs();

    DnsRecordOutputs changed = type.update(cname("app.example.com"), a, made, ctx);

    assertThat(changed.type()).isEqualTo("CNAME");
    assertThat(fake.records()).singleElement().satisfies(r -> {
      assertThat(r.type()).isEqualTo("CNAME");
      assertThat(r.comment()).isEqualTo(ctx.ownershipMarker());
    });
    List<String> order = fake.requests().stream().map(c -> c.method()).filter(m -> !m.equals("GET")).toList();
    assertThat(order).as("delete the A record, then create the CNAME").containsExactly("POST", "DELETE", "POST");

    DnsRecordOutputs back = type.update(a, cname("app.example.com"), changed, ctx);
    assertThat(back.type()).isEqualTo("A");
    assertThat(fake.records()).singleElement().satisfies(r -> assertThat(r.type()).isEqualTo("A"));
  }

  @Test
  void cf4_aTypeThatMayShareTheNameIsCreatedBeforeTheOldRecordIsDeleted() {
    StepContext ctx = ctx("run-1");
    DnsRecordSpec a = new DnsRecordSpec("A", "app.example.com", "198.51.100.4", false, null);
    DnsRecordOutputs made = type.create(a, ctx).outputs();

    type.update(new DnsRecordSpec("AAAA", "app.example.com", "2001:db8::4", false, null), a, made, ctx);

    List<String> order = fake.requests().stream().map(c -> c.method()).filter(m -> !m.equals("GET")).toList();
    assertThat(order).as("no gap: the AAAA record exists before the A record goes")
        .containsExactly("POST", "POST", "DELETE");
    assertThat(fake.records()).singleElement().satisfies(r -> assertThat(r.type()).isEqualTo("AAAA"));
  }

  @Test
  void cf5_anApexCnameIsAcceptedWhenTheApexIsAllowedAndCloudflareFlattensIt() {
    config.put("allowApex", true);
    fake.putRecord("A", "origin.example.com", "198.51.100.4", null);

    type.create(new DnsRecordSpec("CNAME", "example.com", "origin.example.com", false, null), ctx("run-1"));

    assertThat(fake.dns().lookup("example.com", "CNAME")).as("resolvers never see an apex CNAME").isEmpty();
    assertThat(fake.dns().lookup("example.com", "A")).containsExactly("198.51.100.4");
  }
}
