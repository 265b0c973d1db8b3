package dev.tenantwright.benchmarks;

import dev.tenantwright.core.Tenantwright;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Durable no-op steps per second: how many journaled steps the engine completes a second when the backend costs
 * nothing, on one engine and on several engines sharing one PostgreSQL (the target is 10,000 steps/s).
 *
 * <p>A burst of 200 runs (100 with {@code --quick}), each a demo of 10 independent {@code bench.noop} steps, is
 * started at once from one thread; steps/s = 2,000 ÷ the time from the first {@code provision} call to the last
 * run's end. Independent steps put all ten of a run in the ready queue at its start, so the 16 workers
 * ({@code maxParallelSteps}, default) never wait for a dependency; every step is journaled as in production
 * (intent and result committed). Tenants are created before the clock starts; the best of 3 rounds (1 with
 * {@code --quick}) after a warm-up burst. Ratio: ÷ the floor's steps/s on one connection of the same database
 * ({@link Floor}: two committed INSERTs per step).
 *
 * <p>The multi-engine form runs 4 engines in this JVM on one PostgreSQL database, each built with its own owner
 * ({@code Builder.owner}) and its own connection pool (20), as 4 hosts would; each starts a quarter of the runs
 * from its own thread and executes what it started (runs are leased to the engine that claimed them). Steps/s
 * is the total across the 4 from the first start to the last end. On a machine with fewer cores than engines
 * this measures contention as much as scaling.
 */
final class NoopFigure {

  private static final int STEPS = 10;
  private static final int ENGINES = 4;
  private static final String BLUEPRINT = "noop" + STEPS;

  private final Rows rows;
  private final int runs;
  private final int rounds;

  NoopFigure(Rows rows, boolean quick) {
    this.rows = rows;
    this.runs = quick ? 100 : 200;
    this.rounds = quick ? 1 : 3;
  }

  /** One engine on {@code storeName}. */
  void oneEngine(String storeName) throws SQLException {
    try (BenchStore store = BenchStore.open(storeName);
        Driver d = new Driver(engine(store.builder()));
        Floor floor = new Floor(store.floorConnection(), store.afterCommit())) {
      burst(List.of(d), List.of(d.tenants("Noop warm", 20)));
      double best = Double.MAX_VALUE;
      double[] floors = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        List<String> ids = d.tenants("Noop " + round, runs);
        floors[round] = floor.microsPerStep(600);
        best = Math.min(best, burst(List.of(d), List.of(ids)));
      }
      double stepsPerSecond = runs * STEPS / best;
      double floorStepsPerSecond = 1e6 / Harness.median(floors);
      rows.row("no-op steps/s: " + runs + " runs × " + STEPS + " steps", storeName,
          Harness.fmt(stepsPerSecond) + " steps/s", Harness.ratio(stepsPerSecond, floorStepsPerSecond),
          "÷ floor " + Harness.fmt(floorStepsPerSecond) + " steps/s on one connection; one engine, 16 workers, "
              + "independent steps; best of " + rounds + "; issue target 10,000 steps/s");
    }
  }

  /** {@value #ENGINES} engines in this JVM on one PostgreSQL database. */
  void engines() throws SQLException {
    int perEngine = runs / ENGINES;
    List<Driver> drivers = new ArrayList<>();
    try (BenchStore store = BenchStore.open("postgres");
        Floor floor = new Floor(store.floorConnection(), store.afterCommit())) {
      try {
        for (int i = 1; i <= ENGINES; i++) {
          drivers.add(new Driver(engine(store.builderOn(store.newPool(20)).owner("bench-engine-" + i))));
        }
        burst(drivers, tenantsPerEngine(drivers, "Engines warm", 10));
        double best = Double.MAX_VALUE;
        double[] floors = new double[rounds];
        for (int round = 0; round < rounds; round++) {
          List<List<String>> ids = tenantsPerEngine(drivers, "Engines " + round, perEngine);
          floors[round] = floor.microsPerStep(600);
          best = Math.min(best, burst(drivers, ids));
        }
        double stepsPerSecond = perEngine * ENGINES * STEPS / best;
        double floorStepsPerSecond = 1e6 / Harness.median(floors);
        rows.row("no-op steps/s: " + ENGINES + " engines, one PostgreSQL", "postgres",
            Harness.fmt(stepsPerSecond) + " steps/s", Harness.ratio(stepsPerSecond, floorStepsPerSecond),
            "÷ floor " + Harness.fmt(floorStepsPerSecond) + " steps/s on one connection; " + ENGINES + " × "
                + perEngine + " runs × " + STEPS + " steps, total across the engines (each its own owner and "
                + "pool); best of " + rounds + "; issue target 10,000 steps/s");
      } finally {
        drivers.forEach(Driver::close);
      }
    }
  }

  private static Tenantwright.Builder engine(Tenantwright.Builder b) {
    return b.resourceType(BenchTypes.noop()).blueprint(Blueprints.independent(BLUEPRINT, "bench.noop", STEPS));
  }

  /**
   * Starts the demo of every tenant in {@code tenants.get(i)} on {@code drivers.get(i)}, each engine from its own
   * thread, and returns the seconds from the first start to the last end.
   */
  private static double burst(List<Driver> drivers, List<List<String>> tenants) {
    ExecutorService starters = Executors.newFixedThreadPool(drivers.size());
    try {
      long t0 = System.nanoTime();
      List<Future<List<String>>> started = new ArrayList<>();
      for (int i = 0; i < drivers.size(); i++) {
        Driver d = drivers.get(i);
        List<String> ids = tenants.get(i);
        Callable<List<String>> start = () -> {
          List<String> runIds = new ArrayList<>();
          for (String id : ids) {
            runIds.add(d.startDemo(id, BLUEPRINT));
          }
          return runIds;
        };
        started.add(starters.submit(start));
      }
      for (int i = 0; i < drivers.size(); i++) {
        drivers.get(i).awaitAll(started.get(i).get());
      }
      return (System.nanoTime() - t0) / 1e9;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during the burst", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("starting the burst failed", e.getCause());
    } finally {
      starters.shutdownNow();
    }
  }

  private static List<List<String>> tenantsPerEngine(List<Driver> drivers, String prefix, int n) {
    List<List<String>> ids = new ArrayList<>();
    for (int i = 0; i < drivers.size(); i++) {
      ids.add(drivers.get(i).tenants(prefix + " e" + (i + 1), n));
    }
    return ids;
  }

}
