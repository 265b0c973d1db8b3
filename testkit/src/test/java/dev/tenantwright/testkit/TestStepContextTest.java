package dev.tenantwright.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** The unit-test step context names and marks objects like the engine and never really sleeps. */
class TestStepContextTest {

  @Test
  void markersTellThisRunFromAnEarlierRunAndFromAnotherTenant() {
    TestStepContext ctx = TestStepContext.builder().tenant("acme").step("site").build();
    String marker = ctx.ownershipMarker();
    assertThat(ctx.resourceName()).isEqualTo("acme--demo--site");
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
  void traceHeadersAreTheOnesGivenKeptByDerivedContextsAndNoneByDefault() {
    Map<String, String> trace = Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "tracestate", "vendor=1");
    TestStepContext traced = TestStepContext.builder().traceHeaders(trace).build();

    assertThat(TestStepContext.builder().build().traceHeaders()).isEmpty();
    assertThat(traced.traceHeaders()).isEqualTo(trace);
    assertThat(traced.withAttempt(2).traceHeaders()).isEqualTo(trace);
    assertThat(traced.newBuilder().build().traceHeaders()).isEqualTo(trace);
    assertThatThrownBy(() -> traced.traceHeaders().put("traceparent", "x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void progressReportsAreRecorded() {
    TestStepContext ctx = TestStepContext.builder().build();
    ctx.progress().report(40, "building");
    assertThat(ctx.progressReports()).containsExactly("40% building");
  }

  @Test
  void aNewBuilderMakesAVariantWithItsOwnClockAndRecords() {
    TestStepContext ctx = TestStepContext.builder().step("site").config("first").build();
    ctx.pause(Duration.ofSeconds(5));
    TestStepContext other = ctx.newBuilder().step("db").config("second").build();

    assertThat(other.resourceName()).isEqualTo("acme--demo--db");
    assertThat(other.config(String.class)).isEqualTo("second");
    assertThat(ctx.config(String.class)).isEqualTo("first");
    assertThat(other.pauses()).isEmpty();
    assertThat(ctx.inRun("run-2").pauses()).as("derived contexts share the records").hasSize(1);
  }

  @Test
  void aConfigSectionGivenAsAMapIsBoundAsTheEngineBindsIt() {
    TestStepContext ctx = TestStepContext.builder().config("widgets", Map.of("token", "t", "limit", 3)).build();
    assertThat(ctx.config(WidgetsConfig.class)).isEqualTo(new WidgetsConfig(Secret.of("t"), 3));

    TestStepContext typo = ctx.newBuilder().config("widgets", Map.of("token", "t", "limt", 3)).build();
    assertThatThrownBy(() -> typo.config(WidgetsConfig.class))
        .isInstanceOf(PermanentException.class).hasMessageContaining("'limt'");
    TestStepContext missing = ctx.newBuilder().config("widgets", Map.of()).build();
    assertThatThrownBy(() -> missing.config(WidgetsConfig.class))
        .isInstanceOf(PermanentException.class).hasMessageContaining("'token'");
  }

  /** A plugin's config record. */
  public record WidgetsConfig(Secret token, @Nullable Integer limit) {}

  @Test
  void anOverriddenResourceNameLeavesTheMarkersAsTheEngineMakesThem() {
    TestStepContext engine = TestStepContext.builder().step("site").build();
    TestStepContext odd = engine.newBuilder().resourceName("Acme.Site").build();

    assertThat(odd.resourceName()).isEqualTo("Acme.Site");
    assertThat(odd.ownershipMarker()).isEqualTo(engine.ownershipMarker());
  }

  @Test
  void aTickingClockMovesOnEveryReadSoAWaitingLoopReachesTheDeadline() {
    TestStepContext ctx = TestStepContext.builder().tick(Duration.ofMillis(100)).budget(Duration.ofSeconds(1)).build();
    Instant first = ctx.clock().instant();
    assertThat(ctx.clock().instant()).isEqualTo(first.plusMillis(100));

    int reads = 0;
    while (!ctx.remaining().isZero()) {
      reads++;
    }
    assertThat(reads).isEqualTo(7);
  }

  @Test
  void inRealTimeTheClockIsTheSystemsAndAPauseReallyWaitsUpToTheDeadline() {
    Instant before = Instant.now();
    TestStepContext ctx = TestStepContext.builder().realTime().budget(Duration.ofMillis(200)).build();

    assertThat(ctx.clock().instant()).isAfterOrEqualTo(before);
    assertThatThrownBy(() -> ctx.pause(Duration.ofMinutes(10))).isInstanceOf(RetryableException.class)
        .hasMessageContaining("deadline");
    assertThat(Instant.now()).isAfterOrEqualTo(ctx.deadline());
  }

  @Test
  void cancellingARealTimeRunEndsItsPauseAtOnce() {
    TestStepContext ctx = TestStepContext.builder().realTime().budget(Duration.ofMinutes(10)).build();
    // cancel from another thread as soon as the pause is under way (the waiter is parked on the context)
    Thread canceller = new Thread(() -> {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> !ctx.pauses().isEmpty());
      ctx.cancel();
    });
    canceller.start();

    assertTimeoutPreemptively(Duration.ofMinutes(1), () ->
        assertThatThrownBy(() -> ctx.pause(Duration.ofMinutes(5))).isInstanceOf(CancellationException.class));
    assertThat(ctx.isCancelled()).isTrue();
  }

  @Test
  void checkpointsAreSeenByLaterAttemptsOfTheStepButNotByAnotherRunOrStep() {
    TestStepContext first = TestStepContext.builder().step("welcome").build();
    first.checkpoint("committing", "<tw.1@example.test>");
    first.checkpoint("committing", "<tw.2@example.test>");

    assertThat(first.withAttempt(2).checkpoint("committing")).contains("<tw.2@example.test>");
    assertThat(first.inRun("run-2").checkpoint("committing")).isEmpty();
    assertThat(first.newBuilder().step("other").build().checkpoint("committing")).isEmpty();
    assertThat(first.checkpoints()).containsExactly(Map.entry("committing", "<tw.2@example.test>"));
  }

  @Test
  void checkpointNamesAndValuesFollowTheEnginesRules() {
    TestStepContext ctx = TestStepContext.builder().build();
    assertThatThrownBy(() -> ctx.checkpoint("Sent", "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[a-z0-9.-]");
    assertThatThrownBy(() -> ctx.checkpoint("sent", "x".repeat(1001))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 1000");
    assertThatThrownBy(() -> ctx.checkpoint("sent", "a\u0000b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("control character").hasMessageNotContaining("a\u0000b");
    assertThatThrownBy(() -> ctx.checkpoint("")).isInstanceOf(IllegalArgumentException.class);
  }
}
