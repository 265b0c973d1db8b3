package dev.tenantwright.benchmarks.jmh;

import dev.tenantwright.benchmarks.BenchStore;
import dev.tenantwright.benchmarks.BenchTypes;
import dev.tenantwright.benchmarks.Blueprints;
import dev.tenantwright.benchmarks.Driver;
import dev.tenantwright.core.Blueprint;
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
 * One provisioning run of {@code steps} no-op resources, chained or independent, through the public API:
 * {@code createTest} of a new test instance, then the wait for its end. The per-step cost is the difference
 * between the 24-step and the 1-step run divided by 23; compare it with {@link JournalFloorBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class StepOverheadBenchmark {

  /** The journal store. */
  @Param({"h2", "postgres"})
  public String store;

  /** {@code chain}: each step needs the one before; {@code independent}: no dependencies. */
  @Param({"chain", "independent"})
  public String shape;

  /** Steps per run. */
  @Param({"1", "24"})
  public int steps;

  private BenchStore db;
  private Driver driver;

  /** Opens the store and the engine. */
  @Setup(Level.Trial)
  public void open() {
    db = BenchStore.open(store);
    Blueprint bp = "chain".equals(shape) ? Blueprints.chain("bp", "bench.noop", steps)
        : Blueprints.independent("bp", "bench.noop", steps);
    driver = new Driver(db.builder().resourceType(BenchTypes.noop()).blueprint(bp));
  }

  /** Provisions one test instance and waits for it. */
  @Benchmark
  public void provision() {
    driver.provisionOnce("bp");
  }

  /** Stops the engine and drops the store. */
  @TearDown(Level.Trial)
  public void close() {
    driver.close();
    db.close();
  }
}
