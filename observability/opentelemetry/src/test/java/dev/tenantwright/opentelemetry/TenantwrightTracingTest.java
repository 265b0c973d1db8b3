package dev.tenantwright.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spans of real runs, and the trace context a plugin's HTTP call and process receive. */
class TenantwrightTracingTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  final SdkTracerProvider tracerProvider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  final OpenTelemetry otel = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider)
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
  final List<Tenantwright> opened = new ArrayList<>();
  Sites sites;

  @BeforeEach
  void startBackend() throws Exception {
    sites = new Sites();
  }

  @AfterEach
  void closeAll() {
    opened.forEach(tw -> tw.close(Duration.ZERO));
    sites.close();
    tracerProvider.close();
  }

  Tenantwright open() {
    Tenantwright tw = Tenantwright.builder().embedded(dir).blueprint(Sites.pair()).resourceType(sites.type())
        .commandRunner(sites.commandRunner()).backoff(Duration.ofMillis(10), Duration.ofMillis(50))
        .observer(new TenantwrightTracing(otel)).build();
    opened.add(tw);
    return tw;
  }

  static Tenant abc(Tenantwright tw) {
    return tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
  }

  List<SpanData> spans(String namePrefix) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith(namePrefix)).toList();
  }

  SpanData runSpan() {
    assertThat(spans("tenantwright.run ")).hasSize(1);
    return spans("tenantwright.run ").get(0);
  }

  SpanData stepSpan(String step, long attempt, boolean compensation) {
    return spans("tenantwright.step ").stream()
        .filter(s -> step.equals(s.getAttributes().get(TenantwrightTracing.STEP_NAME))
            && attempt == s.getAttributes().get(TenantwrightTracing.STEP_ATTEMPT)
            && compensation == s.getAttributes().get(TenantwrightTracing.STEP_COMPENSATION))
        .findFirst().orElseThrow(() -> new AssertionError("no span of " + step + " attempt " + attempt
            + (compensation ? " (undo)" : "") + " in " + exporter.getFinishedSpanItems()));
  }

  /** The W3C {@code traceparent} of a span: version, trace id, span id (the parent of what it calls), flags. */
  static String traceparent(SpanData span) {
    return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getSpanContext().getTraceFlags().asHex();
  }

  @Test
  void aRunIsOneSpanWithAChildSpanPerStepAttemptCarryingItsAttributes() {
    Tenantwright tw = open();
    Tenant t = abc(tw);
    Run done = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    SpanData run = runSpan();
    assertThat(run.getName()).isEqualTo("tenantwright.run provision");
    assertThat(run.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(run.getParentSpanContext().isValid()).as("started outside any span: a root").isFalse();
    assertThat(run.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(run.getAttributes().get(TenantwrightTracing.TENANT_ID)).isEqualTo(t.id());
    assertThat(run.getAttributes().get(TenantwrightTracing.ENVIRONMENT_NAME)).isEqualTo("demo");
    assertThat(run.getAttributes().get(TenantwrightTracing.RUN_ID)).isEqualTo(done.id());
    assertThat(run.getAttributes().get(TenantwrightTracing.RUN_KIND)).isEqualTo("provision");
    assertThat(run.getAttributes().get(TenantwrightTracing.RUN_RESUMED)).isFalse();
    assertThat(run.getAttributes().get(TenantwrightTracing.RUN_STEPS)).isEqualTo(2);
    assertThat(run.getAttributes().get(TenantwrightTracing.RUN_OUTCOME)).isEqualTo("succeeded");

    assertThat(spans("tenantwright.step ")).hasSize(2).allSatisfy(step -> {
      assertThat(step.getName()).isEqualTo("tenantwright.step create site.page");
      assertThat(step.getKind()).isEqualTo(SpanKind.INTERNAL);
      assertThat(step.getTraceId()).isEqualTo(run.getTraceId());
      assertThat(step.getParentSpanId()).isEqualTo(run.getSpanId());
      assertThat(step.getAttributes().get(TenantwrightTracing.RUN_ID)).isEqualTo(done.id());
      assertThat(step.getAttributes().get(TenantwrightTracing.TENANT_ID)).isEqualTo(t.id());
      assertThat(step.getAttributes().get(TenantwrightTracing.RESOURCE_TYPE)).isEqualTo("site.page");
      assertThat(step.getAttributes().get(TenantwrightTracing.STEP_ACTION)).isEqualTo("create");
      assertThat(step.getAttributes().get(TenantwrightTracing.STEP_ATTEMPT)).isEqualTo(1);
      assertThat(step.getAttributes().get(TenantwrightTracing.BACKEND_NAME)).isEqualTo("site");
      assertThat(step.getAttributes().get(TenantwrightTracing.STEP_OUTCOME)).isEqualTo("succeeded");
      assertThat(step.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    });
    assertThat(spans("tenantwright.step ")).extracting(s -> s.getAttributes().get(TenantwrightTracing.STEP_NAME))
        .containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aPluginsHttpCallAndProcessCarryTheTraceContextOfTheirStepSpan() {
    Tenantwright tw = open();
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    for (String step : List.of("a", "b")) {
      SpanData span = stepSpan(step, 1, false);
      String expected = traceparent(span);
      String resource = "abc-corporation--demo--" + step;
      assertThat(sites.requests).filteredOn(r -> r.path().equals("/pages/" + resource)).singleElement()
          .satisfies(r -> {
            assertThat(r.method()).isEqualTo("PUT");
            assertThat(r.traceparent()).as("the HTTP call of step " + step).isEqualTo(expected);
          });
      assertThat(sites.commands).filteredOn(c -> c.argv().contains(resource)).singleElement()
          .satisfies(c -> {
            assertThat(c.environment()).as("the process of step " + step).containsEntry("TRACEPARENT", expected);
            assertThat(c.argv()).noneMatch(a -> a.contains(span.getTraceId()));
          });
    }
  }

  @Test
  void aRunStartedInsideAHostSpanIsItsChild() {
    Tenantwright tw = open();
    Tenant t = abc(tw);
    Span request = otel.getTracer("host").spanBuilder("POST /signup").startSpan();
    Run started;
    try (Scope ignored = request.makeCurrent()) {
      started = tw.environments().provision(t.id(), EnvironmentKind.DEMO);
    } finally {
      request.end();
    }
    assertThat(started.await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);

    SpanData run = runSpan();
    assertThat(run.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
    assertThat(run.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(spans("tenantwright.step ")).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(run.getTraceId()));
    assertThat(sites.requests).allSatisfy(r -> assertThat(r.traceparent()).contains(run.getTraceId()));
  }

  @Test
  void aFailedStepAndTheRunItRolledBackEndInErrorAndTheUndoIsAChildToo() {
    sites.fail("b", () -> new PermanentException("site: the title is taken"));
    Tenantwright tw = open();
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    SpanData run = runSpan();
    assertThat(run.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(run.getStatus().getDescription()).contains("the title is taken");
    assertThat(run.getAttributes().get(TenantwrightTracing.RUN_OUTCOME)).isEqualTo("rolled_back");

    SpanData b = stepSpan("b", 1, false);
    assertThat(b.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(b.getStatus().getDescription()).contains("the title is taken");
    assertThat(b.getAttributes().get(TenantwrightTracing.STEP_OUTCOME)).isEqualTo("permanent_failure");

    SpanData undo = stepSpan("a", 1, true);
    assertThat(undo.getName()).isEqualTo("tenantwright.step compensate site.page");
    assertThat(undo.getAttributes().get(TenantwrightTracing.STEP_ACTION)).isEqualTo("compensate");
    assertThat(undo.getParentSpanId()).isEqualTo(run.getSpanId());
    assertThat(undo.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    String expected = traceparent(undo);
    assertThat(sites.requests).filteredOn(r -> r.method().equals("DELETE")).singleElement()
        .satisfies(r -> assertThat(r.traceparent()).as("the undo's own call").isEqualTo(expected));
  }

  @Test
  void aRetryIsAFailedAttemptSpanAnEventOnTheRunAndASecondAttemptSpan() {
    sites.fail("a", () -> RetryableException.rateLimited("site: slow down", Duration.ofMillis(30)));
    Tenantwright tw = open();
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    SpanData first = stepSpan("a", 1, false);
    assertThat(first.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(first.getAttributes().get(TenantwrightTracing.STEP_OUTCOME)).isEqualTo("retryable_failure");
    assertThat(stepSpan("a", 2, false).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    EventData retry = runSpan().getEvents().stream().filter(e -> e.getName().equals(TenantwrightTracing.RETRY_EVENT))
        .findFirst().orElseThrow();
    assertThat(retry.getAttributes().get(TenantwrightTracing.STEP_NAME)).isEqualTo("a");
    assertThat(retry.getAttributes().get(TenantwrightTracing.STEP_ATTEMPT)).isEqualTo(1);
    assertThat(retry.getAttributes().get(TenantwrightTracing.RETRY_DELAY)).isGreaterThanOrEqualTo(0.03);
  }

  @Test
  void aRunResumedAfterARestartStartsANewTraceNamingTheSameRun() throws Exception {
    CountDownLatch hold = sites.hold("b");
    Tenantwright first = open();
    Run run = first.environments().provision(abc(first).id(), EnvironmentKind.DEMO);
    sites.awaitHeld("b");
    first.close(Duration.ZERO);
    hold.countDown();
    SpanData stopped = runSpan();
    assertThat(stopped.getAttributes().get(TenantwrightTracing.RUN_OUTCOME)).isEqualTo("stopped");
    exporter.reset();

    Tenantwright second = open();
    assertThat(second.runs().get(run.id()).await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);

    SpanData resumed = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("tenantwright.run "))
        .filter(s -> "succeeded".equals(s.getAttributes().get(TenantwrightTracing.RUN_OUTCOME))).findFirst()
        .orElseThrow();
    assertThat(resumed.getParentSpanContext().isValid()).isFalse();
    assertThat(resumed.getTraceId()).isNotEqualTo(stopped.getTraceId());
    assertThat(resumed.getAttributes().get(TenantwrightTracing.RUN_ID)).isEqualTo(run.id());
    assertThat(resumed.getAttributes().get(TenantwrightTracing.RUN_RESUMED)).isTrue();
  }

  @Test
  void withoutAConfiguredPropagatorTheStepStillPassesOnW3cTraceContext() {
    OpenTelemetry bare = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
    Tenantwright tw = Tenantwright.builder().embedded(dir).blueprint(Sites.pair()).resourceType(sites.type())
        .commandRunner(sites.commandRunner()).observer(new TenantwrightTracing(bare)).build();
    opened.add(tw);
    assertThat(tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT).state())
        .isEqualTo(RunState.SUCCEEDED);

    SpanData a = stepSpan("a", 1, false);
    assertThat(sites.commands.get(0).environment()).containsEntry("TRACEPARENT", traceparent(a));
  }
}
