package dev.tenantwright.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.EngineObserver;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meters a real provisioning leaves in a registry: names, tags and values. */
class TenantwrightMetricsTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  final MeterRegistry registry = new SimpleMeterRegistry();
  final Boxes boxes = new Boxes();
  final List<Tenantwright> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(tw -> tw.close(Duration.ZERO));
  }

  Tenantwright open(Tenantwright.Builder b) {
    Tenantwright tw = b.embedded(dir).blueprint(Boxes.pair()).resourceType(boxes.type())
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50)).observer(new TenantwrightMetrics(registry)).build();
    opened.add(tw);
    return tw;
  }

  Tenantwright open() {
    return open(Tenantwright.builder());
  }

  static Tenant abc(Tenantwright tw) {
    return tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
  }

  double count(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  Timer timer(String name, String... tags) {
    return registry.get(name).tags(tags).timer();
  }

  double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void aSuccessfulProvisioningCountsItsRunAndTimesEachAttemptByTypeActionAndOutcome() {
    Tenantwright tw = open();
    Tenant t = abc(tw);
    Run done = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(count("tenantwright.runs", "kind", "provision", "outcome", "succeeded")).isEqualTo(1);
    Timer run = timer("tenantwright.runs.duration", "kind", "provision", "outcome", "succeeded");
    assertThat(run.count()).isEqualTo(1);
    assertThat(run.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    Timer steps = timer("tenantwright.steps.duration", "type", "box.item", "action", "create", "outcome", "succeeded");
    assertThat(steps.count()).isEqualTo(2);
    assertThat(count("tenantwright.backend.calls", "backend", "box")).isEqualTo(2);
    assertThat(registry.find("tenantwright.backend.errors").meters()).isEmpty();
    assertThat(registry.find("tenantwright.backend.retries").meters()).isEmpty();
    assertThat(gauge("tenantwright.runs.active")).isZero();
    assertThat(gauge("tenantwright.steps.active")).isZero();
    assertThat(count("tenantwright.lease.takeovers")).isZero();

    List<String> tagValues = registry.getMeters().stream().flatMap(m -> m.getId().getTags().stream())
        .map(Tag::getValue).toList();
    assertThat(tagValues).as("no tenant, environment or run in a tag")
        .doesNotContain(t.id(), "demo", done.id(), "a", "b");
  }

  @Test
  void aRetryAndARollbackAreCountedAsErrorsARetryCompensationsAndARolledBackRun() {
    boxes.fail("a", "create", () -> RetryableException.rateLimited("box: slow down", Duration.ofMillis(20)));
    boxes.fail("b", "create", () -> new PermanentException("box: no room left"));
    Tenantwright tw = open();
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(count("tenantwright.runs", "kind", "provision", "outcome", "rolled_back")).isEqualTo(1);
    assertThat(registry.find("tenantwright.runs").tag("outcome", "succeeded").counter()).isNull();
    assertThat(count("tenantwright.backend.retries", "backend", "box")).isEqualTo(1);
    assertThat(count("tenantwright.backend.errors", "backend", "box", "kind", "retryable")).isEqualTo(1);
    assertThat(count("tenantwright.backend.errors", "backend", "box", "kind", "permanent")).isEqualTo(1);
    assertThat(timer("tenantwright.steps.duration", "action", "create", "outcome", "retryable_failure").count())
        .isEqualTo(1);
    assertThat(timer("tenantwright.steps.duration", "action", "create", "outcome", "permanent_failure").count())
        .isEqualTo(1);
    assertThat(timer("tenantwright.steps.duration", "action", "create", "outcome", "succeeded").count())
        .as("a, on its second attempt").isEqualTo(1);
    assertThat(timer("tenantwright.steps.duration", "type", "box.item", "action", "compensate", "outcome",
        "succeeded").count()).as("a is deleted again").isEqualTo(1);
    assertThat(count("tenantwright.backend.calls", "backend", "box")).as("a twice, b once, a's undo").isEqualTo(4);
    assertThat(gauge("tenantwright.runs.active")).isZero();
    assertThat(gauge("tenantwright.steps.active")).isZero();
  }

  @Test
  void aRunWhoseUndoFailsIsCountedFailed() {
    boxes.fail("b", "create", () -> new PermanentException("box: no room left"));
    boxes.fail("a", "delete", () -> new PermanentException("box: a is locked"));
    Tenantwright tw = open();
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.FAILED);
    assertThat(count("tenantwright.runs", "kind", "provision", "outcome", "failed")).isEqualTo(1);
    assertThat(timer("tenantwright.runs.duration", "kind", "provision", "outcome", "failed").count()).isEqualTo(1);
    assertThat(timer("tenantwright.steps.duration", "action", "compensate", "outcome", "permanent_failure").count())
        .isEqualTo(1);
    assertThat(count("tenantwright.backend.errors", "backend", "box", "kind", "permanent")).isEqualTo(2);
  }

  @Test
  void aRunAndItsStepInProgressShowInTheGaugesUntilTheyEnd() throws Exception {
    CountDownLatch hold = boxes.hold("a");
    Tenantwright tw = open();
    Run run = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO);
    boxes.awaitHeld("a");

    assertThat(gauge("tenantwright.runs.active")).isEqualTo(1);
    assertThat(gauge("tenantwright.steps.active")).isEqualTo(1);

    hold.countDown();
    assertThat(run.await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(gauge("tenantwright.runs.active")).isZero();
    assertThat(gauge("tenantwright.steps.active")).isZero();
  }

  @Test
  void aDestroyIsCountedUnderItsOwnKind() {
    Tenantwright tw = open();
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    Run destroyed = tw.environments().destroy(t.id(), "demo", dev.tenantwright.core.RunOptions.defaults()).await(WAIT);

    assertThat(destroyed.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(count("tenantwright.runs", "kind", "destroy", "outcome", "succeeded")).isEqualTo(1);
    assertThat(timer("tenantwright.steps.duration", "type", "box.item", "action", "delete", "outcome", "succeeded")
        .count()).isEqualTo(2);
  }

  @Test
  void waitsForALimitedBackendAreTimedPerBackend() {
    boxes.createLatency = Duration.ofMillis(50);
    Tenantwright tw = open(Tenantwright.builder().backendConcurrency("box", 1));
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(timer("tenantwright.backend.permit.wait", "backend", "box").count()).isEqualTo(2);
  }

  @Test
  void aTakeoverIsCountedAndEveryMeterCarriesTheCommonTags() {
    TenantwrightMetrics metrics = new TenantwrightMetrics(registry, Tags.of("app", "portal"));
    EngineObserver.RunInfo run = new EngineObserver.RunInfo("r1", "acme", "live", RunKind.PROVISION);
    metrics.runStarted(new EngineObserver.RunStarted(run, 2, true));
    metrics.leaseTakenOver(new EngineObserver.LeaseTakeover(run, "engine-a", "engine-b"));
    metrics.runFinished(new EngineObserver.RunFinished(run, EngineObserver.RunOutcome.STOPPED, Duration.ofSeconds(3),
        "taken over by another engine"));

    assertThat(count("tenantwright.lease.takeovers", "app", "portal")).isEqualTo(1);
    assertThat(count("tenantwright.runs", "app", "portal", "kind", "provision", "outcome", "stopped")).isEqualTo(1);
    assertThat(timer("tenantwright.runs.duration", "outcome", "stopped").totalTime(TimeUnit.SECONDS)).isEqualTo(3);
    assertThat(registry.getMeters()).extracting(Meter::getId).allSatisfy(id ->
        assertThat(id.getTag("app")).as(id.getName()).isEqualTo("portal"));
  }
}
