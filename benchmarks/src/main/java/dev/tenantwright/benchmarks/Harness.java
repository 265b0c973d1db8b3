package dev.tenantwright.benchmarks;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.Tenantwright;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * The end-to-end harness: runs every figure of the benchmark suite once and prints them as a table of ratios
 * against floors or ideals measured or computed in the same run.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tenantwright.benchmarks.Harness [--quick] [--stores h2,postgres]
 *     [--tenants 50] [--in-flight 200] [--slow 1000,10000] [--callers 1,16] [--environments 10000]
 *     [--backend-ms 1] [--backend-limit 8] [--only peer,noop,throttled,slow]
 * </pre>
 *
 * <p>Figures: engine overhead per journaled step against two committed inserts on the same database;
 * throughput of N tenants × 6 steps against that floor; wall time of a DAG of sleeping steps against its
 * critical path and its sequential sum; backend calls per provisioning against the minimum; builder-to-ready
 * with plugin jars; heap per in-flight run; a free backend's steps beside a throttled one
 * ({@link ThrottledFigure}); durable no-op steps per second on one engine and on 4 engines sharing one PostgreSQL
 * ({@link NoopFigure}); the peer, db-scheduler, side by side on the same PostgreSQL ({@link PeerFigure}); N runs
 * whose one step waits 5 s in its backend ({@code ctx.pause}) on the default settings, against 5 s, with the JVM's
 * peak platform threads and heap, the N runs started by one caller thread and by 16 at once, as a burst of sign-ups
 * arrives on a web server's request threads ({@code --slow} sets the N, {@code --callers} the caller counts); day
 * two: a drift scan of N environments × 5 resources by one fleet refresh ({@link DriftFigure}) and a roll-out to N
 * environments in waves, with its halt on a failure threshold ({@link RolloutFigure}), on an in-process backend whose
 * calls take {@code --backend-ms} under {@code backendConcurrency} {@code --backend-limit} ({@code --environments}
 * sets the N: 10,000, or 1,000 with {@code --quick}).
 *
 * <p>{@code --only} takes a comma-separated list of the names in {@link #FIGURES} and runs just those, in the
 * order of the full run. Figures that need PostgreSQL (the multi-engine form of {@code noop}, {@code peer}) run
 * only when {@code --stores} includes it.
 */
public final class Harness {

  private static final int CHAIN = 24;
  private static final PrintStream OUT = System.out;

  /** The names {@code --only} accepts, in the order the full run takes them. */
  static final List<String> FIGURES = List.of("startup", "journal", "overhead", "throughput", "critical-path",
      "api-calls", "heap", "throttled", "noop", "peer", "slow", "observers", "drift", "rollout");

  private final List<String[]> rows = new ArrayList<>();
  private final boolean quick;
  private final List<String> stores;
  private final int tenants;
  private final int inFlight;
  private final List<Integer> slow;
  private final List<Integer> slowCallers;
  private final Set<String> only;
  private final int environments;
  private final Duration backendLatency;
  private final int backendLimit;

  private Harness(boolean quick, List<String> stores, int tenants, int inFlight, List<Integer> slow,
      List<Integer> slowCallers, Set<String> only, int environments, Duration backendLatency, int backendLimit) {
    this.quick = quick;
    this.stores = stores;
    this.tenants = tenants;
    this.inFlight = inFlight;
    this.slow = slow;
    this.slowCallers = slowCallers;
    this.only = only;
    this.environments = environments;
    this.backendLatency = backendLatency;
    this.backendLimit = backendLimit;
  }

  /** Runs the harness; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    boolean quick = false;
    List<String> stores = List.of("h2", "postgres");
    int tenants = 50;
    int inFlight = 200;
    List<Integer> slow = List.of(1000);
    List<Integer> callers = List.of(1, 16);
    Set<String> only = Set.copyOf(FIGURES);
    Integer environments = null;
    double backendMs = 1;
    int backendLimit = 8;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--stores" -> stores = Arrays.asList(args[++i].split(","));
        case "--tenants" -> tenants = Integer.parseInt(args[++i]);
        case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
        case "--slow" -> slow = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
        case "--callers" -> callers = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
        case "--only" -> only = Set.of(args[++i].split(","));
        case "--environments" -> environments = Integer.valueOf(args[++i]);
        case "--backend-ms" -> backendMs = Double.parseDouble(args[++i]);
        case "--backend-limit" -> backendLimit = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("unknown option " + args[i]
              + "; use --quick, --stores h2,postgres, --tenants N, --in-flight N, --slow N,N, --callers N,N,"
              + " --environments N, --backend-ms MS, --backend-limit N, --only a,b with " + String.join(", ", FIGURES));
          System.exit(2);
        }
      }
    }
    if (!FIGURES.containsAll(only)) {
      System.err.println("unknown figure in --only " + String.join(",", only) + "; use " + String.join(", ", FIGURES));
      System.exit(2);
    }
    if (environments != null && environments < 2) {
      System.err.println("--environments must be at least 2 (one edited, one deleted)");
      System.exit(2);
    }
    new Harness(quick, stores, tenants, inFlight, slow, callers, only,
        environments != null ? environments : quick ? 1000 : 10_000, Duration.ofNanos(Math.round(backendMs * 1e6)),
        backendLimit).run();
  }

  private void run() throws Exception {
    OUT.printf(Locale.ROOT, "Tenantwright harness: %d processors, max heap %d MiB, Java %s (%s), %s %s%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.version"), System.getProperty("java.vm.name"), System.getProperty("os.name"),
        System.getProperty("os.version"));
    if (only.contains("startup")) {
      startup();
    }
    for (String store : stores) {
      if (only.contains("journal")) {
        journalCounts(store);
      }
      if (only.contains("overhead")) {
        overhead(store);
      }
      if (only.contains("throughput")) {
        throughput(store);
      }
    }
    if (only.contains("critical-path")) {
      criticalPath();
    }
    if (only.contains("api-calls")) {
      apiCalls();
    }
    for (String store : stores) {
      if (only.contains("heap")) {
        heap(store);
      }
    }
    boolean postgres = stores.stream().map(BenchStore::canonical).anyMatch("postgres"::equals);
    for (String store : stores) {
      if (only.contains("throttled")) {
        new ThrottledFigure(this::row, quick).run(store);
      }
      if (only.contains("noop")) {
        new NoopFigure(this::row, quick).oneEngine(store);
      }
    }
    if (only.contains("noop") && postgres) {
      new NoopFigure(this::row, quick).engines();
    }
    if (only.contains("peer")) {
      if (postgres) {
        new PeerFigure(this::row, quick).run();
      } else {
        OUT.println("  (peer skipped: db-scheduler is measured on PostgreSQL; add postgres to --stores)");
      }
    }
    if (only.contains("observers")) {
      for (String store : stores) {
        new ObserverFigure(this::row, quick).run(store);
      }
    }
    if (only.contains("slow")) {
      for (String store : stores) {
        for (int n : slow) {
          for (int c : slowCallers) {
            slowSteps(store, n, c);
          }
        }
      }
    }
    for (String store : stores) {
      if (only.contains("drift")) {
        new DriftFigure(this::row, environments, backendLatency, backendLimit).run(store);
      }
      if (only.contains("rollout")) {
        new RolloutFigure(this::row, environments, backendLatency, backendLimit).run(store);
      }
    }
    print();
  }

  // ---------------------------------------------------------------- engine overhead per journaled step

  private void overhead(String storeName) throws SQLException {
    int warm = quick ? 20 : 60;
    int rounds = quick ? 20 : 60;
    try (BenchStore store = BenchStore.open(storeName);
        Driver d = new Driver(store.builder().resourceType(BenchTypes.noop())
            .blueprint(Blueprints.chain("chain1", "bench.noop", 1))
            .blueprint(Blueprints.chain("chain" + CHAIN, "bench.noop", CHAIN))
            .blueprint(Blueprints.independent("wide" + CHAIN, "bench.noop", CHAIN)));
        Floor floor = new Floor(store.floorConnection(), store.afterCommit())) {
      for (int i = 0; i < warm; i++) {
        d.provisionOnce("chain1");
        d.provisionOnce("chain" + CHAIN);
        d.provisionOnce("wide" + CHAIN);
        floor.microsPerStep(CHAIN);
      }
      ExecutorService worker = Executors.newSingleThreadExecutor();
      double[] handedOff = new double[rounds];
      long[] one = new long[rounds];
      long[] chain = new long[rounds];
      long[] wide = new long[rounds];
      double[] floors = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        one[i] = timed(() -> d.provisionOnce("chain1"));
        chain[i] = timed(() -> d.provisionOnce("chain" + CHAIN));
        wide[i] = timed(() -> d.provisionOnce("wide" + CHAIN));
        floors[i] = floor.microsPerStep(CHAIN);
        handedOff[i] = floor.microsPerStepHandedOff(CHAIN, worker);
      }
      worker.shutdown();
      double handOffUs = median(handedOff);
      double floorUs = median(floors);
      double oneUs = median(one) / 1e3;
      double chainUs = median(chain) / 1e3;
      double wideUs = median(wide) / 1e3;
      double perStep = (chainUs - oneUs) / (CHAIN - 1);
      double fixed = oneUs - perStep;
      row("floor: 2 committed INSERTs per step", storeName, fmt(floorUs) + " µs/step", "1.00",
          store.durability());
      row("floor with 2 thread hand-offs per step", storeName, fmt(handOffUs) + " µs/step", ratio(handOffUs, floorUs),
          "each write on a worker thread, awaited: what scheduling alone adds on this machine");
      row("engine per step, chain (marginal)", storeName, fmt(perStep) + " µs/step", ratio(perStep, floorUs),
          "(T(" + CHAIN + " chained) − T(1)) / " + (CHAIN - 1) + "; budget ≤ 1.5; ÷ hand-off floor "
              + ratio(perStep, handOffUs));
      row("engine per step, chain of " + CHAIN + " (all-in)", storeName, fmt(chainUs / CHAIN) + " µs/step",
          ratio(chainUs / CHAIN, floorUs), "whole run ÷ steps, run overhead included");
      row("engine per step, " + CHAIN + " independent", storeName, fmt(wideUs / CHAIN) + " µs/step",
          ratio(wideUs / CHAIN, floorUs), "whole run ÷ steps, up to 16 in parallel");
      row("run fixed overhead (plan, run row, end)", storeName, fmt(fixed / 1e3) + " ms/run",
          ratio(fixed, floorUs), "in floor-steps; budget: a few ms");
    }
  }

  // ---------------------------------------------------------------- database work per step (load-independent)

  private void journalCounts(String storeName) {
    int runs = 10;
    try (BenchStore store = BenchStore.open(storeName)) {
      CountingDataSource db = new CountingDataSource(store.dataSource());
      try (Driver d = new Driver(store.builderOn(db).resourceType(BenchTypes.noop())
          .blueprint(Blueprints.chain("chain1", "bench.noop", 1))
          .blueprint(Blueprints.chain("chain" + CHAIN, "bench.noop", CHAIN)))) {
        for (int i = 0; i < 3; i++) {
          d.provisionOnce("chain1");
          d.provisionOnce("chain" + CHAIN);
        }
        long[] before = {db.commits(), db.writes(), db.reads()};
        for (int i = 0; i < runs; i++) {
          d.provisionOnce("chain1");
        }
        long[] mid = {db.commits(), db.writes(), db.reads()};
        for (int i = 0; i < runs; i++) {
          d.provisionOnce("chain" + CHAIN);
        }
        long[] after = {db.commits(), db.writes(), db.reads()};
        double[] perStep = new double[3];
        double[] perRun = new double[3];
        for (int k = 0; k < 3; k++) {
          double one = (mid[k] - before[k]) / (double) runs;
          double many = (after[k] - mid[k]) / (double) runs;
          perStep[k] = (many - one) / (CHAIN - 1);
          perRun[k] = one - perStep[k];
        }
        row("commits per step (engine)", storeName, fmt(perStep[0]) + " commits/step", ratio(perStep[0], 2),
            "÷ 2 (intent + result); counted at the DataSource, marginal of " + CHAIN + " vs 1 chained steps");
        row("statements per step (engine)", storeName,
            fmt(perStep[1]) + " writes + " + fmt(perStep[2]) + " reads", ratio(perStep[1] + perStep[2], 2),
            "÷ 2 INSERTs of the floor");
        row("database work per run (fixed)", storeName,
            fmt(perRun[0]) + " commits, " + fmt(perRun[1]) + " writes, " + fmt(perRun[2]) + " reads",
            ratio(perRun[0], 2), "in floor-steps (2 commits each): plan, run row, completion, API reads");
      }
    }
  }

  // ---------------------------------------------------------------- throughput

  private void throughput(String storeName) throws SQLException {
    Blueprint six = six("six", "bench.noop");
    try (BenchStore store = BenchStore.open(storeName);
        Driver d = new Driver(store.builder().resourceType(BenchTypes.noop()).blueprint(six));
        Floor floor = new Floor(store.floorConnection(), store.afterCommit())) {
      double floorUs = 0;
      double bestSeconds = Double.MAX_VALUE;
      int rounds = quick ? 2 : 4;
      for (int round = 0; round <= rounds; round++) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < tenants; i++) {
          ids.add(d.tenant("Throughput " + round + " " + i));
        }
        floorUs = floor.microsPerStep(600);
        long t0 = System.nanoTime();
        List<String> runs = new ArrayList<>();
        for (String id : ids) {
          runs.add(d.startDemo(id, "six"));
        }
        d.awaitAll(runs);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (round > 0) {
          bestSeconds = Math.min(bestSeconds, seconds);
        }
      }
      double runsPerSecond = tenants / bestSeconds;
      double stepsPerSecond = tenants * 6 / bestSeconds;
      double floorStepsPerSecond = 1e6 / floorUs;
      row("throughput: " + tenants + " tenants × 6 steps", storeName,
          fmt(stepsPerSecond) + " steps/s, " + fmt(runsPerSecond) + " runs/s",
          ratio(stepsPerSecond, floorStepsPerSecond),
          "÷ floor " + fmt(floorStepsPerSecond) + " steps/s on one connection; best of " + rounds);
    }
  }

  /** Six steps as a small real blueprint would have them: a → {b, c} → d, e → f. */
  static Blueprint six(String name, String type) {
    return Blueprint.builder(name)
        .resource("a", type)
        .resource("b", type, r -> r.needs("a"))
        .resource("c", type, r -> r.needs("a"))
        .resource("d", type, r -> r.needs("b", "c"))
        .resource("e", type)
        .resource("f", type, r -> r.needs("e"))
        .build();
  }

  // ---------------------------------------------------------------- critical path

  private void criticalPath() {
    Blueprint dag = Blueprints.criticalPath();
    long cp = Blueprints.criticalPathMillis(dag);
    long sum = Blueprints.sequentialMillis(dag);
    int rounds = quick ? 3 : 5;
    try (BenchStore store = BenchStore.open("h2")) {
      double parallel;
      try (Driver d = new Driver(store.builder().resourceType(BenchTypes.sleep()).blueprint(dag))) {
        d.provisionOnce("critical-path");
        long[] walls = new long[rounds];
        for (int i = 0; i < rounds; i++) {
          walls[i] = timed(() -> d.provisionOnce("critical-path"));
        }
        parallel = median(walls) / 1e6;
      }
      double sequential;
      try (Driver d = new Driver(store.builder().resourceType(BenchTypes.sleep()).blueprint(dag).maxParallelSteps(1))) {
        sequential = timed(() -> d.provisionOnce("critical-path")) / 1e6;
      }
      row("critical path: 11 sleeping steps", "h2", fmt(parallel) + " ms wall", ratio(parallel, cp),
          "÷ critical path " + cp + " ms; median of " + rounds);
      row("critical path vs one after another", "h2", fmt(parallel) + " ms wall", ratio(parallel, sum),
          "÷ sum " + sum + " ms");
      row("same DAG with maxParallelSteps(1)", "h2", fmt(sequential) + " ms wall", ratio(sequential, sum),
          "÷ sum " + sum + " ms (the engine's own sequential run)");
    }
  }

  // ---------------------------------------------------------------- API calls per provisioning

  private void apiCalls() {
    int envs = quick ? 20 : 50;
    for (double rate : new double[] {0.0, 0.10}) {
      BenchTypes.Counting counting = new BenchTypes.Counting(rate, 42);
      try (BenchStore store = BenchStore.open("h2");
          Driver d = new Driver(store.builder().resourceType(counting).blueprint(six("six", "bench.count"))
              .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).maxAttempts(10))) {
        Tenantwright tw = d.tenantwright();
        String tenant = d.tenant("Api Calls");
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < envs; i++) {
          runs.add(d.startTest(tenant, "e" + i, o -> o.blueprint("six")));
        }
        d.awaitAll(runs);
        long resources = envs * 6L;
        long provisionCalls = counting.calls();
        String what = rate == 0 ? "no faults" : "10 % of creates fail retryably (half with unknown outcome)";
        row("backend calls per provisioned resource", "h2", provisionCalls + " calls / " + resources,
            ratio(provisionCalls, resources), what + "; minimum is 1 create each");
        if (rate == 0) {
          List<String> destroys = new ArrayList<>();
          for (int i = 0; i < envs; i++) {
            destroys.add(tw.environments().destroy(tenant, "test-e" + i, RunOptions.defaults()).id());
          }
          d.awaitAll(destroys);
          long destroyCalls = counting.calls() - provisionCalls;
          row("backend calls per destroyed resource", "h2", destroyCalls + " calls / " + resources,
              ratio(destroyCalls, resources), "minimum is 1 delete each; " + counting.objects() + " left");
        }
      }
    }
  }

  // ---------------------------------------------------------------- builder to ready

  private void startup() throws IOException {
    Path work = Files.createTempDirectory("tw-bench-startup");
    try {
      Path pluginsDir = work.resolve("plugins");
      PluginJars.write(pluginsDir, 6);
      Blueprint.Builder all = Blueprint.builder("startup");
      for (int i = 1; i <= 6; i++) {
        int n = i;
        all.resource("alpha" + i, "p" + i + ".alpha", r -> r.param("name", "a" + n).param("size", n));
        all.resource("beta" + i, "p" + i + ".beta", r -> r.param("name", "b" + n).param("size", n));
      }
      Blueprint bp = all.build();
      long cold = buildAndClose(work.resolve("cold"), null, Blueprints.independent("plain", "bench.noop", 1));
      int n = quick ? 5 : 11;
      long[] plain = new long[n];
      long[] plugged = new long[n];
      for (int i = 0; i < n; i++) {
        plain[i] = buildAndClose(work.resolve("plain" + i), null, Blueprints.independent("plain", "bench.noop", 1));
        plugged[i] = buildAndClose(work.resolve("plugged" + i), pluginsDir, bp);
      }
      double plainMs = median(plain) / 1e6;
      double pluggedMs = median(plugged) / 1e6;
      row("builder → ready, first in a fresh JVM", "h2", fmt(cold / 1e6) + " ms", ratio(cold / 1e6, plainMs),
          "÷ warm start without plugins (class loading, JIT)");
      row("builder → ready, no plugin jars", "h2", fmt(plainMs) + " ms", "1.00",
          "new H2 file, Flyway migration; median of " + n);
      row("builder → ready, 6 plugin jars (12 types)", "h2", fmt(pluggedMs) + " ms", ratio(pluggedMs, plainMs),
          "÷ without plugins; PF4J load + SPI check + blueprint validation");
    } finally {
      delete(work);
    }
  }

  private long buildAndClose(Path dir, Path plugins, Blueprint bp) {
    long t0 = System.nanoTime();
    Tenantwright.Builder b = Tenantwright.builder().embedded(dir).classpathPlugins(false).blueprint(bp);
    if (plugins != null) {
      b.plugins(plugins);
    } else {
      b.resourceType(BenchTypes.noop());
    }
    Tenantwright tw = b.build();
    long elapsed = System.nanoTime() - t0;
    if (plugins != null && !tw.resourceTypes().contains("p6.beta")) {
      throw new IllegalStateException("plugins did not load: " + tw.resourceTypes());
    }
    tw.close(Duration.ZERO);
    return elapsed;
  }

  // ---------------------------------------------------------------- slow steps in flight

  /**
   * {@code n} tenants whose one step waits 5 s in its backend, started at once on the default settings: wall time
   * from the first start to the last end against the 5 s one run takes, the JVM's peak platform threads (virtual
   * threads are not counted) and the heap the runs took, and how long {@code provision} took (p50, p99) with the
   * runs started by {@code callers} threads at once. Tenants are created before the clock starts.
   */
  private void slowSteps(String storeName, int n, int callers) throws Exception {
    int waitMs = 5000;
    try (BenchStore store = BenchStore.open(storeName);
        Driver d = new Driver(store.builder().resourceType(BenchTypes.poll())
            .blueprint(Blueprint.builder("slow")
                .resource("deploy", "bench.poll", r -> r.param("millis", waitMs))
                .build()))) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ids.add(d.tenant("Slow " + i));
      }
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long heapBefore = settledHeap(memory);
      int threadsBefore = threads.getThreadCount();
      threads.resetPeakThreadCount();
      String[] runs = new String[n];
      long[] latencies = new long[n];
      // the burst arrives on `callers` request threads (virtual where the JVM has them, so that they do not count as
      // the engine's platform threads), each starting its share one after another
      ExecutorService starters = callerThreads(callers);
      long t0 = System.nanoTime();
      List<java.util.concurrent.Future<?>> parts = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        int first = c;
        parts.add(starters.submit(() -> {
          for (int i = first; i < n; i += callers) {
            long s0 = System.nanoTime();
            runs[i] = d.startDemo(ids.get(i), "slow");
            latencies[i] = System.nanoTime() - s0;
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : parts) {
        f.get();
      }
      long started = System.nanoTime() - t0;
      starters.shutdown();
      long heapPeak = memory.getHeapMemoryUsage().getUsed();
      d.awaitAll(Arrays.asList(runs));
      double wall = (System.nanoTime() - t0) / 1e6;
      int peak = threads.getPeakThreadCount();
      heapPeak = Math.max(heapPeak, memory.getHeapMemoryUsage().getUsed());
      row("in-flight slow steps: " + n + " runs × 5 s wait, " + callers + (callers == 1 ? " caller" : " callers"),
          storeName, fmt(wall) + " ms wall", ratio(wall, waitMs), "÷ 5 s; starting them took " + fmt(started / 1e6)
              + " ms (provision() p50 " + fmt(Percentile.millis(latencies, 50)) + " ms, p99 "
              + fmt(Percentile.millis(latencies, 99)) + " ms); peak platform threads " + peak + " (" + threadsBefore
              + " before); heap used up to " + ((heapPeak - heapBefore) >> 20) + " MiB more; Java "
              + Runtime.version().feature()
              + (Runtime.version().feature() >= 24 ? " (virtual threads)" : " (platform pool of 16)"));
    }
  }

  /** {@code n} caller threads: virtual ones where the JVM has them (Java 21+), else platform threads. */
  private static ExecutorService callerThreads(int n) {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException noVirtualThreads) {
      return Executors.newFixedThreadPool(n);
    }
  }

  // ---------------------------------------------------------------- heap per in-flight run

  private void heap(String storeName) throws InterruptedException {
    BenchTypes.Blocking blocking = new BenchTypes.Blocking();
    try (BenchStore store = BenchStore.open(storeName);
        Driver d = new Driver(store.builder().resourceType(blocking).resourceType(BenchTypes.noop())
            .blueprint(Blueprint.builder("held")
                .resource("wait", "bench.block")
                .resource("after1", "bench.noop", r -> r.needs("wait"))
                .resource("after2", "bench.noop", r -> r.needs("wait"))
                .resource("side1", "bench.noop")
                .resource("side2", "bench.noop")
                .resource("side3", "bench.noop")
                .build())
            .maxParallelSteps(inFlight + 16))) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < inFlight; i++) {
        ids.add(d.tenant("Heap " + i));
      }
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      long before = settledHeap(memory);
      List<String> runs = new ArrayList<>();
      for (String id : ids) {
        runs.add(d.startDemo(id, "held"));
      }
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (blocking.waiting() < inFlight) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("only " + blocking.waiting() + " of " + inFlight + " runs reached the step");
        }
        Thread.sleep(20);
      }
      Thread.sleep(500);
      long during = settledHeap(memory);
      blocking.release();
      d.awaitAll(runs);
      double perRun = (during - before) / (double) inFlight / 1024;
      row("heap per in-flight run", storeName, fmt(perRun) + " KiB/run",
          ratio(perRun * inFlight, Runtime.getRuntime().maxMemory() / 1024.0),
          inFlight + " runs held in a step (6-step blueprint); ratio = their heap ÷ max heap");
    }
  }

  static long settledHeap(MemoryMXBean memory) throws InterruptedException {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
      best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  // ---------------------------------------------------------------- helpers

  static long timed(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return System.nanoTime() - t0;
  }

  static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  static String fmt(double v) {
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
  }

  static String ratio(double value, double base) {
    return String.format(Locale.ROOT, "%.2f", value / base);
  }

  private void row(String figure, String store, String value, String ratio, String note) {
    rows.add(new String[] {figure, store, value, ratio, note});
    OUT.printf(Locale.ROOT, "  %-44s %-9s %-30s %6s  %s%n", figure, store, value, ratio, note);
  }

  private void print() {
    OUT.println();
    OUT.println("| figure | store | measured | ratio | against |");
    OUT.println("|---|---|---|---|---|");
    for (String[] r : rows) {
      OUT.println("| " + String.join(" | ", r) + " |");
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
