package dev.tenantwright.benchmarks.jmh;

import dev.tenantwright.benchmarks.BenchStore;
import dev.tenantwright.benchmarks.BenchTypes;
import dev.tenantwright.benchmarks.Driver;
import dev.tenantwright.core.Blueprint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code tenants} tenants provisioning their demo at once, six no-op steps each (a → {b, c} → d, e → f): the
 * time of one batch, from the first start to the last end. Runs per second are {@code tenants / time}, steps
 * per second six times that.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 3)
public class ThroughputBenchmark {

  /** The journal store. */
  @Param({"h2", "postgres"})
  public String store;

  /** Tenants per batch. */
  @Param({"20"})
  public int tenants;

  private BenchStore db;
  private Driver driver;
  private final List<String> ready = new ArrayList<>();
  private int batch;

  /** Opens the store and the engine. */
  @Setup(Level.Trial)
  public void open() {
    db = BenchStore.open(store);
    Blueprint six = Blueprint.builder("six")
        .resource("a", "bench.noop")
        .resource("b", "bench.noop", r -> r.needs("a"))
        .resource("c", "bench.noop", r -> r.needs("a"))
        .resource("d", "bench.noop", r -> r.needs("b", "c"))
        .resource("e", "bench.noop")
        .resource("f", "bench.noop", r -> r.needs("e"))
        .build();
    driver = new Driver(db.builder().resourceType(BenchTypes.noop()).blueprint(six));
  }

  /** Signs up the next batch's tenants (not measured). */
  @Setup(Level.Invocation)
  public void signUp() {
    ready.clear();
    batch++;
    for (int i = 0; i < tenants; i++) {
      ready.add(driver.tenant("Batch " + batch + " Tenant " + i));
    }
  }

  /** Provisions every tenant's demo at once and waits for all of them. */
  @Benchmark
  public void provisionBatch() {
    List<String> runs = new ArrayList<>(ready.size());
    for (String id : ready) {
      runs.add(driver.startDemo(id, "six"));
    }
    driver.awaitAll(runs);
  }

  /** Stops the engine and drops the store. */
  @TearDown(Level.Trial)
  public void close() {
    driver.close();
    db.close();
  }
}
