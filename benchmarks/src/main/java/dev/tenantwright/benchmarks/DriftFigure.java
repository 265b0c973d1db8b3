package dev.tenantwright.benchmarks;

import dev.tenantwright.core.DriftReport;
import dev.tenantwright.core.DriftStatus;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.FleetOperation;
import dev.tenantwright.core.FleetRequest;
import dev.tenantwright.core.FleetState;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A drift scan of the whole fleet: N environments × 5 {@code sandbox.object} resources (an in-process backend with a
 * fixed latency per call and a concurrency limit, {@link BenchTypes.Sandbox}) read by one fleet refresh on one engine,
 * in resources read per second against the target of 2,000, with the heap it took (target ≤ 1 GiB) and the
 * backend limit held.
 *
 * <p>Set-up, timed but not the figure: N tenants, each with a demo of {@link Blueprints#sandbox} provisioned, at most
 * {@value #SETUP_IN_FLIGHT} runs in flight. Then 1 % of the environments get one resource edited out of band and
 * another 1 % one resource deleted (at least one of each), and the figure takes:
 * <ul>
 *   <li>the baseline: the same 5N reads made directly — {@link BenchTypes.Sandbox#readNow}, the type's own read with
 *       its latency — in a plain pool of as many threads as the backend limit allows, no engine;
 *   <li>the scan: {@code fleet().start(FleetRequest.refresh().canary(N).maxInFlight(K))} (one wave) from the start
 *       call to the operation's COMPLETED ({@code fleet().await}); reads/s = 5N ÷ that time. The heap used is sampled
 *       every {@value #HEAP_SAMPLE_MS} ms meanwhile (garbage included, so an upper bound of what the scan needs), the
 *       sandbox counts the calls inside it at once, and the drift found — the {@code DRIFT_FOUND} events of the scan
 *       and each planted environment's {@code drift()} report — must be exactly what was planted, or the figure
 *       fails;
 *   <li>the same refresh runs without the fleet: {@code environments().refresh} for every environment from one thread
 *       with {@value #IN_FLIGHT} in flight (a semaphore), after the scan — what the engine itself reads a second, so
 *       that the fleet's share of the time shows.
 * </ul>
 */
final class DriftFigure {

  static final int RESOURCES = 5;
  private static final int SETUP_IN_FLIGHT = 100;
  private static final int IN_FLIGHT = 100;
  private static final int HEAP_SAMPLE_MS = 50;
  private static final double TARGET = 2000;
  private static final Duration WAIT = Duration.ofMinutes(30);

  private final Rows rows;
  private final int environments;
  private final Duration latency;
  private final int limit;

  DriftFigure(Rows rows, int environments, Duration latency, int limit) {
    this.rows = rows;
    this.environments = environments;
    this.latency = latency;
    this.limit = limit;
  }

  /** Measures the figure on {@code storeName} and adds its rows. */
  void run(String storeName) throws InterruptedException {
    BenchTypes.Sandbox sandbox = new BenchTypes.Sandbox(latency);
    Set<String> found = ConcurrentHashMap.newKeySet();
    int n = environments;
    try (BenchStore store = BenchStore.open(storeName);
        Driver d = new Driver(store.builder().resourceType(sandbox).backendConcurrency("sandbox", limit)
            .blueprint(Blueprints.sandbox("drift", 1))
            .listener(e -> {
              if (e.type() == EventType.DRIFT_FOUND) {
                found.add(e.tenantId() + "/" + e.step());
              }
            }))) {
      Tenantwright tw = d.tenantwright();
      long t0 = System.nanoTime();
      List<String> tenants = d.tenants("Drift", n);
      long tenantsNanos = System.nanoTime() - t0;
      List<Supplier<String>> provisions = new ArrayList<>();
      for (String t : tenants) {
        provisions.add(() -> tw.environments().provision(t, EnvironmentKind.DEMO,
            RunOptions.defaults().blueprint("drift")).id());
      }
      d.startAll(provisions, SETUP_IN_FLIGHT);
      double setupSeconds = (System.nanoTime() - t0) / 1e9;
      rows.row("drift scan set-up: " + n + " environments × " + RESOURCES, storeName,
          Harness.fmt(setupSeconds) + " s", "—", Harness.fmt(tenantsNanos / 1e9) + " s for the tenants, then "
              + Harness.fmt(n * RESOURCES / (setupSeconds - tenantsNanos / 1e9)) + " resources created/s, "
              + SETUP_IN_FLIGHT + " provisionings in flight; not the figure");

      // plant: every 100th environment gets one resource edited, another every 100th one deleted
      Map<String, DriftStatus> planted = new HashMap<>();
      int share = Math.max(1, n / 100);
      for (int k = 0; k < share; k++) {
        String edited = tenants.get((int) ((long) k * n / share));
        String gone = tenants.get((int) (((long) k * n + n / 2) / share) % n);
        String r1 = "r" + (1 + k % RESOURCES);
        String r2 = "r" + (1 + (k + 2) % RESOURCES);
        sandbox.edit(tw.environments().backendName(edited, "demo", r1), "edited out of band");
        sandbox.remove(tw.environments().backendName(gone, "demo", r2));
        planted.put(edited + "/" + r1, DriftStatus.CHANGED);
        planted.put(gone + "/" + r2, DriftStatus.GONE);
      }
      if (planted.size() != 2 * share) {
        throw new IllegalStateException("planted drift overlaps: " + planted.size() + " of " + 2 * share);
      }

      // the baseline: the same reads, straight from a pool as wide as the backend limit
      List<String> names = new ArrayList<>(n * RESOURCES);
      for (String t : tenants) {
        for (int r = 1; r <= RESOURCES; r++) {
          names.add(tw.environments().backendName(t, "demo", "r" + r));
        }
      }
      sandbox.resetPeak();
      AtomicInteger missing = new AtomicInteger();
      AtomicInteger next = new AtomicInteger();
      long b0 = System.nanoTime();
      List<Thread> pool = new ArrayList<>();
      for (int i = 0; i < limit; i++) {
        Thread th = new Thread(() -> {
          for (int j = next.getAndIncrement(); j < names.size(); j = next.getAndIncrement()) {
            if (sandbox.readNow(names.get(j)).isEmpty()) {
              missing.incrementAndGet();
            }
          }
        }, "direct-read-" + i);
        pool.add(th);
        th.start();
      }
      for (Thread th : pool) {
        th.join();
      }
      double directSeconds = (System.nanoTime() - b0) / 1e9;
      int directPeak = sandbox.peak();
      if (missing.get() != share) {
        throw new IllegalStateException("direct reads found " + missing.get() + " objects gone, planted " + share);
      }
      double directRate = names.size() / directSeconds;

      // the scan
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      long liveBefore = Harness.settledHeap(memory);
      sandbox.resetPeak();
      long readsBefore = sandbox.reads();
      AtomicLong heapPeak = new AtomicLong();
      Thread sampler = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          heapPeak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
          try {
            Thread.sleep(HEAP_SAMPLE_MS);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "heap-sampler");
      sampler.setDaemon(true);
      sampler.start();
      long s0 = System.nanoTime();
      FleetOperation op = tw.fleet().start(FleetRequest.refresh().canary(n).maxInFlight(IN_FLIGHT));
      op = tw.fleet().await(op.id(), WAIT);
      double scanSeconds = (System.nanoTime() - s0) / 1e9;
      sampler.interrupt();
      sampler.join();
      long liveAfter = Harness.settledHeap(memory);
      long engineReads = sandbox.reads() - readsBefore;
      if (op.state() != FleetState.COMPLETED || op.counts().succeeded() != n) {
        throw new IllegalStateException("the scan ended " + op.state() + " with " + op.counts() + ": " + op.reason());
      }
      if (engineReads != (long) n * RESOURCES) {
        throw new IllegalStateException("the scan read " + engineReads + " objects, not " + n * RESOURCES);
      }
      check(tw, planted, found);

      // the engine without the fleet: the same refresh runs started directly, as many in flight
      List<Supplier<String>> refreshes = new ArrayList<>();
      for (String t : tenants) {
        refreshes.add(() -> tw.environments().refresh(t, "demo", RunOptions.defaults()).id());
      }
      long f0 = System.nanoTime();
      d.startAll(refreshes, IN_FLIGHT);
      double refreshSeconds = (System.nanoTime() - f0) / 1e9;
      double refreshRate = n * RESOURCES / refreshSeconds;

      double rate = n * RESOURCES / scanSeconds;
      long maxHeap = Runtime.getRuntime().maxMemory();
      rows.row("drift scan: " + n * RESOURCES + " reads, direct", storeName,
          Harness.fmt(directRate) + " reads/s", "1.00", "no engine: " + limit + " threads (the backend limit) call "
              + "the type's read, " + Harness.fmt(latency.toNanos() / 1e6) + " ms each; " + Harness.fmt(directSeconds)
              + " s; peak " + directPeak + " calls at once");
      rows.row("drift scan: fleet refresh, " + n + " env × " + RESOURCES, storeName,
          Harness.fmt(rate) + " reads/s", Harness.ratio(rate, TARGET), "÷ target 2,000 reads/s; ÷ direct "
              + Harness.ratio(rate, directRate) + "; " + Harness.fmt(scanSeconds) + " s from start() to COMPLETED; "
              + "one wave (canary " + n + "), maxInFlight " + IN_FLIGHT + "; peak " + sandbox.peak()
              + " calls at once (backendConcurrency " + limit + "), " + Harness.fmt(engineReads * latency.toNanos()
              / 1e9 / scanSeconds) + " on average; drift found = planted: " + share
              + " CHANGED + " + share + " GONE");
      rows.row("drift scan: refresh runs, no fleet", storeName, Harness.fmt(refreshRate) + " reads/s",
          Harness.ratio(refreshRate, TARGET), "÷ target; the same " + n + " refresh runs started by "
              + "environments().refresh from one thread, " + IN_FLIGHT + " in flight (a semaphore), after the scan: "
              + "the engine's own rate; fleet ÷ this " + Harness.ratio(rate, refreshRate));
      rows.row("drift scan: heap", storeName, "peak " + (heapPeak.get() >> 20) + " MiB used",
          Harness.ratio(heapPeak.get(), 1L << 30), "÷ target 1 GiB; sampled every " + HEAP_SAMPLE_MS
              + " ms, garbage included; max heap " + (maxHeap >> 20) + " MiB; live after GC " + (liveBefore >> 20)
              + " MiB before the scan, " + (liveAfter >> 20) + " MiB after");
    }
  }

  /** Fails unless the scan found exactly the planted drift, by its events and by each environment's report. */
  private static void check(Tenantwright tw, Map<String, DriftStatus> planted, Set<String> found) {
    if (!found.equals(planted.keySet())) {
      Set<String> extra = new TreeSet<>(found);
      extra.removeAll(planted.keySet());
      Set<String> missed = new TreeSet<>(planted.keySet());
      missed.removeAll(found);
      throw new IllegalStateException("drift found ≠ planted: " + found.size() + " found, " + planted.size()
          + " planted; not planted " + first(extra) + ", not found " + first(missed));
    }
    for (Map.Entry<String, DriftStatus> p : planted.entrySet()) {
      String tenant = p.getKey().substring(0, p.getKey().indexOf('/'));
      String resource = p.getKey().substring(p.getKey().indexOf('/') + 1);
      Optional<DriftReport> report = tw.environments().drift(tenant, "demo");
      List<DriftReport.ResourceDrift> drifted = report.map(DriftReport::drifted).orElse(List.of());
      if (drifted.size() != 1 || !drifted.get(0).name().equals(resource) || drifted.get(0).status() != p.getValue()
          || p.getValue() == DriftStatus.CHANGED && !drifted.get(0).fields().equals(List.of("value"))) {
        throw new IllegalStateException("drift report of " + tenant + "/demo is " + drifted + ", planted "
            + resource + " " + p.getValue());
      }
    }
  }

  private static List<String> first(Set<String> s) {
    return s.stream().limit(5).toList();
  }
}
