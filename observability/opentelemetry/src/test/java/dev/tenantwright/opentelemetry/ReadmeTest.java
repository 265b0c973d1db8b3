package dev.tenantwright.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.EngineObserver;
import dev.tenantwright.core.EngineObserver.RunInfo;
import dev.tenantwright.core.EngineObserver.StepAttempt;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.ReadmeSnippets;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README.md shows the compiled example and describes every span attribute there is. */
class ReadmeTest {

  static final Path README = Path.of("README.md");

  final InMemorySpanExporter exporter = InMemorySpanExporter.create();

  OpenTelemetrySdk sdk() {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build();
  }

  @Test
  void theReadmeShowsTheCompiledExample() throws IOException {
    ReadmeSnippets.assertShows(README, "## Use",
        Path.of("src/test/java/dev/tenantwright/opentelemetry/TracingWiring.java"), "README");
  }

  @Test
  void theReadmeExampleTracesARealProvisioning(@TempDir Path dir) {
    Blueprint website = Blueprint.builder("website")
        .resource("admin-password", "secret", r -> r.param("length", 32))
        .build();
    try (OpenTelemetrySdk otel = sdk(); Tenantwright tw = TracingWiring.open(dir, website, otel)) {
      Tenant t = tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
      Run done = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(Duration.ofSeconds(30));

      assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName)
          .containsExactlyInAnyOrder("tenantwright.run provision", "tenantwright.step create secret");
    }
  }

  @Test
  void everyAttributeTheModuleSetsIsInTheReadmeTableAndNothingElse() throws IOException {
    Set<String> documented = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `(tenantwright\\.[a-z_.]+)` \\|").matcher(Files.readString(README));
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertThat(documented).containsExactlyInAnyOrderElementsOf(
        TenantwrightTracing.ATTRIBUTE_KEYS.stream().map(AttributeKey::getKey).toList());

    Set<String> set = new TreeSet<>();
    try (OpenTelemetrySdk otel = sdk()) {
      everyCallback(new TenantwrightTracing(otel));
      for (SpanData span : exporter.getFinishedSpanItems()) {
        Stream.concat(Stream.of(span.getAttributes()), span.getEvents().stream().map(e -> e.getAttributes()))
            .forEach(a -> a.forEach((key, value) -> set.add(key.getKey())));
      }
    }
    assertThat(set).containsExactlyInAnyOrderElementsOf(documented);
  }

  /** Every callback once, as for a run taken over here whose limited step failed and was retried. */
  static void everyCallback(EngineObserver observer) {
    RunInfo run = new RunInfo("r1", "acme", "live", RunKind.PROVISION);
    StepAttempt attempt = new StepAttempt(run, "web", "site.page", "site", StepAction.CREATE, false, 1);
    observer.runStarted(new EngineObserver.RunStarted(run, 1, true));
    observer.leaseTakenOver(new EngineObserver.LeaseTakeover(run, "engine-a", "engine-b"));
    observer.backendPermitWaited(new EngineObserver.PermitWait(run, "web", "site", false, Duration.ofMillis(5)));
    observer.stepStarted(attempt);
    observer.traceHeaders(attempt);
    observer.stepFinished(new EngineObserver.StepFinished(attempt, EngineObserver.StepOutcome.RETRYABLE_FAILURE,
        Duration.ofMillis(20), "site: busy"));
    observer.retryScheduled(new EngineObserver.RetryScheduled(attempt, Duration.ofMillis(200)));
    observer.runFinished(new EngineObserver.RunFinished(run, EngineObserver.RunOutcome.ROLLED_BACK,
        Duration.ofSeconds(1), "step 'web' failed"));
  }
}
