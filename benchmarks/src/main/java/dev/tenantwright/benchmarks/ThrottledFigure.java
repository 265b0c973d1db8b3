package dev.tenantwright.benchmarks;

import dev.tenantwright.core.Blueprint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A throttled backend beside a free one: does a tight limit on one backend slow down the steps of another?
 *
 * <p>One engine on the default settings ({@code maxParallelSteps} 16; on Java 17 a pool of 16 platform threads) with two resource
 * types on two backends: {@code bench.free} on backend {@code free} and {@code bench.throttled} on backend
 * {@code throttled}, limited to 2 calls at a time ({@code backendConcurrency}) and 20 step starts a second
 * ({@code backendRate}). A free run is one step whose backend call sleeps 20 ms — a fast real backend, so that
 * its wall is a backend call plus the journal and not journal noise alone; a throttled run is one step of 50 ms.
 * The figure is the free runs' wall (from the {@code provision} call to the run's end event) with throttled runs
 * queued behind their limit ÷ the same free runs with no throttled run: 1.00 means the limit costs the other
 * backend nothing (the target is ≤ 1.10).
 *
 * <p>Free runs are started open-loop, one every 25 ms, so that a slow run does not delay the start of the next
 * (which would hide the wait it measures). In the loaded phase the throttled runs are all started first and
 * stay queued for longer than the free runs take (120 of them at 20 a second: about 6 s; the row says how long
 * they took and whether they outlasted the free runs). A step waiting for a backend permit or a rate slot on a
 * pool thread keeps that thread from the free steps; this figure shows whether it does, it does not work around it.
 */
final class ThrottledFigure {

  private static final int FREE_MILLIS = 20;
  private static final int THROTTLED_MILLIS = 50;
  private static final int CONCURRENCY = 2;
  private static final double RATE = 20;
  private static final long PACE_MILLIS = 25;

  private final Rows rows;
  private final boolean quick;

  ThrottledFigure(Rows rows, boolean quick) {
    this.rows = rows;
    this.quick = quick;
  }

  /** Measures the figure on {@code storeName} and adds its two rows. */
  void run(String storeName) {
    int free = quick ? 20 : 40;
    int throttled = quick ? 60 : 120;
    RunEnds ends = new RunEnds();
    try (BenchStore store = BenchStore.open(storeName);
        Driver d = new Driver(store.builder()
            .resourceType(BenchTypes.sleepOn("bench.free", "free"))
            .resourceType(BenchTypes.sleepOn("bench.throttled", "throttled"))
            .backendConcurrency("throttled", CONCURRENCY)
            .backendRate("throttled", RATE)
            .listener(ends)
            .blueprint(oneStep("free", "bench.free", FREE_MILLIS))
            .blueprint(oneStep("throttled", "bench.throttled", THROTTLED_MILLIS)))) {
      List<String> warm = d.tenants("Throttled warm", 10);
      List<String> alone = d.tenants("Free alone", free);
      List<String> beside = d.tenants("Free beside", free);
      List<String> load = d.tenants("Throttled load", throttled);
      List<String> warmRuns = new ArrayList<>();
      for (int i = 0; i < warm.size(); i++) {
        warmRuns.add(d.startDemo(warm.get(i), i % 2 == 0 ? "free" : "throttled"));
      }
      d.awaitAll(warmRuns);

      long[] aloneWalls = paced(d, ends, alone);

      long loadStart = System.nanoTime();
      List<String> loadRuns = new ArrayList<>();
      for (String tenant : load) {
        loadRuns.add(d.startDemo(tenant, "throttled"));
      }
      long[] besideWalls = paced(d, ends, beside);
      long lastFreeEnd = System.nanoTime();
      d.awaitAll(loadRuns);
      long loadEnd = loadRuns.stream().mapToLong(ends::endOf).max().orElseThrow();

      double aloneP50 = Percentile.millis(aloneWalls, 50);
      double aloneP99 = Percentile.millis(aloneWalls, 99);
      double besideP50 = Percentile.millis(besideWalls, 50);
      double besideP99 = Percentile.millis(besideWalls, 99);
      int java = Runtime.version().feature();
      rows.row("throttled beside free: free runs alone", storeName,
          "p50 " + Harness.fmt(aloneP50) + " ms, p99 " + Harness.fmt(aloneP99) + " ms", "1.00",
          free + " one-step runs (" + FREE_MILLIS + " ms backend call on 'free') started every " + PACE_MILLIS
              + " ms; wall from provision to the run's end");
      rows.row("throttled beside free: free runs, " + throttled + " queued", storeName,
          "p50 " + Harness.fmt(besideP50) + " ms, p99 " + Harness.fmt(besideP99) + " ms",
          Harness.ratio(besideP50, aloneP50),
          "÷ alone p50 (p99 ÷ alone p99 " + Harness.ratio(besideP99, aloneP99) + "); target ≤ 1.10; "
              + throttled + " runs of " + THROTTLED_MILLIS + " ms on 'throttled' (" + CONCURRENCY
              + " at a time, " + Harness.fmt(RATE) + "/s) took " + Harness.fmt((loadEnd - loadStart) / 1e9)
              + " s and " + (loadEnd > lastFreeEnd ? "outlasted" : "did NOT outlast") + " the free runs; "
              + "default settings, Java " + java);
    }
  }

  /**
   * Starts one free run per tenant, one every {@link #PACE_MILLIS} ms from now (open loop: a late start does not
   * move the later ones), waits for them all and returns each run's wall in nanoseconds.
   */
  private static long[] paced(Driver d, RunEnds ends, List<String> tenants) {
    long t0 = System.nanoTime();
    long[] starts = new long[tenants.size()];
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < tenants.size(); i++) {
      long due = t0 + i * PACE_MILLIS * 1_000_000;
      for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      starts[i] = System.nanoTime();
      runs.add(d.startDemo(tenants.get(i), "free"));
    }
    d.awaitAll(runs);
    long[] walls = new long[runs.size()];
    for (int i = 0; i < walls.length; i++) {
      walls[i] = ends.endOf(runs.get(i)) - starts[i];
    }
    return walls;
  }


  private static Blueprint oneStep(String name, String type, int millis) {
    return Blueprint.builder(name).resource("call", type, r -> r.param("millis", millis)).build();
  }
}
