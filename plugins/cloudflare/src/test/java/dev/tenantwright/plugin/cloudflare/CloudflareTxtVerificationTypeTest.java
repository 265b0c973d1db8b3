package dev.tenantwright.plugin.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.cloudflare.CloudflareFake;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CloudflareTxtVerificationTypeTest {

  static final String NAME = "_vercel.example.com";
  static final String VALUE = "vc-domain-verify=shop.example.com,0123456789abcdef";

  final CloudflareFake fake = new CloudflareFake();
  final CloudflareTxtVerificationType type = new CloudflareTxtVerificationType();
  final Map<String, Object> config = Map.of(
      "token", CloudflareFake.TOKEN, "zoneId", CloudflareFake.ZONE_ID, "baseUrl", fake.baseUrl());

  @AfterEach
  void everyRequestFollowedTheContract() {
    fake.assertContractRespected();
    fake.close();
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
  void anUnmanagedVerificationWaitsWithBackoffUntilTheRecordAppearsAndNeverDeletesIt() {
    AtomicInteger lists = new AtomicInteger();
    fake.afterEachCall(n -> {
      if (lists.incrementAndGet() == 2) {
        fake.putRecord("TXT", NAME, "\"" + VALUE + "\"", "added by the customer");
      }
    });
    TxtVerificationSpec spec = new TxtVerificationSpec(NAME, VALUE, false, "30s", "10ms");
    CreateResult<TxtVerificationOutputs> seen = type.create(spec, ctx(Duration.ofMinutes(1)));

    assertThat(seen.origin()).isEqualTo(CreateResult.Origin.ADOPTED);
    assertThat(seen.outputs().managed()).isFalse();
    assertThat(fake.calls(CloudflareFake.LIST)).isEqualTo(3);
    assertThat(fake.calls(CloudflareFake.CREATE)).isZero();
    type.delete(spec, seen.outputs(), ctx(Duration.ofMinutes(1)));
    assertThat(fake.records()).hasSize(1);
  }

  @Test
  void aRecordThatNeverAppearsFailsWithTheNameAndValueExpected() {
    TxtVerificationSpec spec = new TxtVerificationSpec(NAME, VALUE, false, "50ms", "10ms");

    assertThatThrownBy(() -> type.create(spec, ctx(Duration.ofMinutes(1))))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining(NAME)
        .hasMessageContaining(VALUE);
  }

  @Test
  void theStepsDeadlineEndsTheWaitAsRetryable() {
    TxtVerificationSpec spec = new TxtVerificationSpec(NAME, VALUE, false, "10m", "20ms");

    assertThatThrownBy(() -> type.create(spec, ctx(Duration.ofMillis(200))))
        .isInstanceOf(RetryableException.class).hasMessageContaining("deadline");
  }
}
