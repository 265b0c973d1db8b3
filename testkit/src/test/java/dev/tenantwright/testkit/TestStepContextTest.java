package dev.tenantwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.RetryableException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The unit-test step context names and marks objects like the engine and never really sleeps. */
class TestStepContextTest {

  @Test
  void markersTellThisRunFromAnEarlierRunAndFromAnotherTenant() {
    TestStepContext ctx = TestStepContext.builder().tenant("acme").step("site").build();
    String marker = ctx.ownershipMarker();
    assertThat(ctx.resourceName()).isEqualTo("acme-demo-site");
    assertThat(ctx.isOurs(marker)).isTrue();
    assertThat(ctx.inRun("run-2").isOurs(marker)).isFalse();
    assertThat(ctx.inRun("run-2").belongsHere(marker)).isTrue();
    assertThat(ctx.forTenant("globex").belongsHere(marker)).isFalse();
  }

  @Test
  void pausesAdvanceAFakeClockAndStopAtTheDeadline() {
    TestStepContext ctx = TestStepContext.builder().budget(Duration.ofMinutes(1)).build();
    var before = ctx.clock().instant();
    ctx.pause(Duration.ofSeconds(30));
    assertThat(Duration.between(before, ctx.clock().instant())).isEqualTo(Duration.ofSeconds(30));
    assertThat(ctx.remaining()).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> ctx.pause(Duration.ofSeconds(31))).isInstanceOf(RetryableException.class);
    assertThat(ctx.pauses()).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(31));
  }

  @Test
  void progressReportsAreRecorded() {
    TestStepContext ctx = TestStepContext.builder().build();
    ctx.progress().report(40, "building");
    assertThat(ctx.progressReports()).containsExactly("40% building");
  }
}
