package dev.tenantwright.benchmarks;

import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.micrometer.TenantwrightMetrics;
import dev.tenantwright.opentelemetry.TenantwrightTracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the optional observers cost a step: the marginal time per journaled step of a chain (as the overhead figure
 * measures it) on an engine with {@link TenantwrightMetrics} (a {@link SimpleMeterRegistry}) and
 * {@link TenantwrightTracing} (the OpenTelemetry SDK with a batch processor and an exporter that counts and drops
 * spans, so no network is measured), against the same engine without observers, on stores of the same kind opened
 * side by side; rounds alternate between the two so both see the same machine. Ratio: observed ÷ plain.
 */
final class ObserverFigure {

  private static final int CHAIN = 24;

  private final Rows rows;
  private final int rounds;

  ObserverFigure(Rows rows, boolean quick) {
    this.rows = rows;
    this.rounds = quick ? 20 : 60;
  }

  void run(String storeName) {
    AtomicLong exported = new AtomicLong();
    SpanExporter counting = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        exported.addAndGet(spans.size());
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(BatchSpanProcessor.builder(counting).build()).build()).build();
        BenchStore plainStore = BenchStore.open(storeName);
        BenchStore observedStore = BenchStore.open(storeName);
        Driver plain = new Driver(chains(plainStore));
        Driver observed = new Driver(chains(observedStore).observer(new TenantwrightMetrics(registry))
            .observer(new TenantwrightTracing(sdk)))) {
      for (int i = 0; i < rounds / 2; i++) {
        for (Driver d : new Driver[] {plain, observed}) {
          d.provisionOnce("chain1");
          d.provisionOnce("chain" + CHAIN);
        }
      }
      long[] plainOne = new long[rounds];
      long[] plainChain = new long[rounds];
      long[] observedOne = new long[rounds];
      long[] observedChain = new long[rounds];
      for (int i = 0; i < rounds; i++) {
        plainOne[i] = Harness.timed(() -> plain.provisionOnce("chain1"));
        observedOne[i] = Harness.timed(() -> observed.provisionOnce("chain1"));
        observedChain[i] = Harness.timed(() -> observed.provisionOnce("chain" + CHAIN));
        plainChain[i] = Harness.timed(() -> plain.provisionOnce("chain" + CHAIN));
      }
      double plainStep = (Harness.median(plainChain) / 1e3 - Harness.median(plainOne) / 1e3) / (CHAIN - 1);
      double observedStep = (Harness.median(observedChain) / 1e3 - Harness.median(observedOne) / 1e3)
          / (CHAIN - 1);
      double plainRun = Harness.median(plainChain) / 1e3;
      double observedRun = Harness.median(observedChain) / 1e3;
      sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
      rows.row("engine per step, chain (marginal), no observers", storeName, Harness.fmt(plainStep) + " µs/step",
          "1.00", "the overhead figure's measure, on a store opened beside the observed one; median of " + rounds);
      rows.row("engine per step, chain (marginal), metrics + tracing", storeName,
          Harness.fmt(observedStep) + " µs/step", Harness.ratio(observedStep, plainStep),
          "÷ no observers; TenantwrightMetrics (SimpleMeterRegistry) + TenantwrightTracing (SDK, batch processor, "
              + exported.get() + " spans exported and dropped); +" + Harness.fmt(observedStep - plainStep)
              + " µs/step");
      rows.row("run of " + CHAIN + " chained steps, metrics + tracing", storeName,
          Harness.fmt(observedRun / 1e3) + " ms/run", Harness.ratio(observedRun, plainRun),
          "÷ the same run without observers (" + Harness.fmt(plainRun / 1e3) + " ms)");
    }
  }

  private static Tenantwright.Builder chains(BenchStore store) {
    return store.builder().resourceType(BenchTypes.noop())
        .blueprint(Blueprints.chain("chain1", "bench.noop", 1))
        .blueprint(Blueprints.chain("chain" + CHAIN, "bench.noop", CHAIN));
  }
}
