package dev.tenantwright.benchmarks.jmh;

import dev.tenantwright.benchmarks.BenchStore;
import dev.tenantwright.benchmarks.BenchTypes;
import dev.tenantwright.benchmarks.Blueprints;
import dev.tenantwright.benchmarks.Driver;
import dev.tenantwright.benchmarks.Floor;
import java.sql.SQLException;
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
 * The floor of a journaled step on the engine's own database: two {@code INSERT}s, each committed, on one
 * connection. The engine is opened first (and left idle) so that the schema and the file or server are the
 * ones it uses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class JournalFloorBenchmark {

  /** The journal store. */
  @Param({"h2", "postgres"})
  public String store;

  private BenchStore db;
  private Driver driver;
  private Floor floor;

  /** Opens the store, the engine on it (idle) and the floor's connection. */
  @Setup(Level.Trial)
  public void open() throws SQLException {
    db = BenchStore.open(store);
    driver = new Driver(db.builder().resourceType(BenchTypes.noop())
        .blueprint(Blueprints.independent("bp", "bench.noop", 1)));
    floor = new Floor(db.floorConnection(), db.afterCommit());
  }

  /** One step's intent and result, each committed. */
  @Benchmark
  public void step() throws SQLException {
    floor.step();
  }

  /** Closes everything. */
  @TearDown(Level.Trial)
  public void close() throws SQLException {
    floor.close();
    driver.close();
    db.close();
  }
}
