package dev.tenantwright.benchmarks;

import dev.tenantwright.core.FleetItem;
import dev.tenantwright.core.FleetOperation;
import dev.tenantwright.core.FleetRequest;
import dev.tenantwright.core.FleetState;
import dev.tenantwright.core.Page;
import dev.tenantwright.core.PageRequest;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepStatus;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A roll-out to the whole fleet in waves: N environments on version 1 of {@link Blueprints#sandbox} moved to a new
 * version (each environment's update is one UPDATE step and four NOOPs on {@link BenchTypes.Sandbox}) by one
 * {@code fleet().start(FleetRequest.update().blueprintVersion(…).canary(c).growth(g).maxInFlight(m))}, against the
 * slowest-wave bound (target ≤ 1.2), and a second roll-out whose updates start failing after the first waves, which
 * must halt within the wave that crosses its failure threshold.
 *
 * <p>The slowest-wave bound is what waves with {@code m} in flight allow when nothing but the runs themselves takes
 * time: wave {@code w} of {@code n_w} environments needs at most {@code ceil(n_w / m)} rounds of {@code m} runs, none
 * longer than the slowest run observed in that wave (its {@code createdAt} to {@code finishedAt} in the journal), and
 * the next wave starts when the last run of this one ended. bound = Σ_w ceil(n_w / m) × slowest_w; the figure is the
 * roll-out's time from {@code start()} to COMPLETED ÷ bound. Since the slowest run is measured under the same load,
 * the bound charges the roll-out nothing for contention; what it charges is the time between runs — starting them,
 * noticing their ends, moving to the next wave — which is the fleet driver's.
 *
 * <p>A stricter baseline in the same run: the same number of updates (to another version, so each is the same one
 * UPDATE and four NOOPs) started directly through {@code environments().update}, from one thread, with a semaphore of
 * {@code m} in flight and no waves; ratio roll-out ÷ direct. The direct updates run first, so the roll-out runs on the
 * larger journal. Per wave the figure prints the runs' p50, p99 and slowest, the wave's bound, its first start to last
 * end and the gap before it (the previous wave's gate and the next claim), and where the slowest run's time went.
 *
 * <p>The halt: a roll-out to a fourth version with failure threshold {@value #THRESHOLD} whose wave gate switches the
 * sandbox's updates to fail once wave {@value #FAIL_AFTER_WAVE} has passed, so wave {@value #FAIL_AFTER_WAVE} + 1
 * fails entirely (and rolls back). The figure reads the wave it halted in, how many of that wave's environments were
 * started and how many were in flight when the halt was seen, and how many environments of later waves were started —
 * 0, or the figure fails.
 */
final class RolloutFigure {

  private static final int CANARY = 10;
  private static final int GROWTH = 4;
  private static final int IN_FLIGHT = 64;
  private static final double THRESHOLD = 0.1;
  private static final int FAIL_AFTER_WAVE = 1;
  private static final int SETUP_IN_FLIGHT = 100;
  private static final String BLUEPRINT = "rollout";
  private static final Duration WAIT = Duration.ofMinutes(30);
  private static final PrintStream OUT = System.out;

  private final Rows rows;
  private final int environments;
  private final Duration latency;
  private final int limit;

  RolloutFigure(Rows rows, int environments, Duration latency, int limit) {
    this.rows = rows;
    this.environments = environments;
    this.latency = latency;
    this.limit = limit;
  }

  /** Measures the figure on {@code storeName} and adds its rows. */
  void run(String storeName) throws InterruptedException {
    BenchTypes.Sandbox sandbox = new BenchTypes.Sandbox(latency);
    int n = environments;
    try (BenchStore store = BenchStore.open(storeName);
        Driver d = new Driver(store.builder().resourceType(sandbox).backendConcurrency("sandbox", limit)
            .blueprint(Blueprints.sandbox(BLUEPRINT, 1)).blueprint(Blueprints.sandbox(BLUEPRINT, 2))
            .blueprint(Blueprints.sandbox(BLUEPRINT, 3)).blueprint(Blueprints.sandbox(BLUEPRINT, 4))
            .waveGate("failing-after", (op, wave, ok) -> {
              if (wave == FAIL_AFTER_WAVE) {
                sandbox.failUpdates(true);
              }
              return Optional.empty();
            }))) {
      Tenantwright tw = d.tenantwright();
      long t0 = System.nanoTime();
      List<String> tenants = d.tenants("Rollout", n);
      d.startAll(starts(tenants, t -> tw.environments().provision(t, EnvironmentKind.DEMO,
          RunOptions.defaults().blueprint(BLUEPRINT).blueprintVersion(1)).id()), SETUP_IN_FLIGHT);
      rows.row("roll-out set-up: " + n + " environments on v1", storeName,
          Harness.fmt((System.nanoTime() - t0) / 1e9) + " s", "—", "tenants and provisioning ("
              + SETUP_IN_FLIGHT + " in flight), 5 sandbox.object each; not the figure");

      long d0 = System.nanoTime();
      d.startAll(starts(tenants, t -> tw.environments().update(t, "demo",
          RunOptions.defaults().blueprintVersion(2)).id()), IN_FLIGHT);
      double directSeconds = (System.nanoTime() - d0) / 1e9;

      long r0 = System.nanoTime();
      FleetOperation op = tw.fleet().start(FleetRequest.update().blueprintVersion(BLUEPRINT, 3).canary(CANARY)
          .growth(GROWTH).maxInFlight(IN_FLIGHT));
      op = tw.fleet().await(op.id(), WAIT);
      double rolloutSeconds = (System.nanoTime() - r0) / 1e9;
      if (op.state() != FleetState.COMPLETED || op.counts().succeeded() != n) {
        throw new IllegalStateException("the roll-out ended " + op.state() + " with " + op.counts() + ": "
            + op.reason());
      }
      List<Timed> runs = timed(tw, items(tw, op.id()));
      double bound = 0;
      double medianBound = 0;
      OUT.println("    wave  environments  run p50 / p99 / slowest  ceil(n/m) × slowest  first start → last end"
          + "  gap before");
      long previousEnd = -1;
      for (int w = 0; w < op.waveCount(); w++) {
        int wave = w;
        List<Timed> in = runs.stream().filter(r -> r.wave == wave).toList();
        long[] nanos = in.stream().mapToLong(Timed::nanos).toArray();
        long first = in.stream().mapToLong(r -> r.start).min().orElseThrow();
        long last = in.stream().mapToLong(r -> r.end).max().orElseThrow();
        double rounds = Math.ceil(in.size() / (double) IN_FLIGHT);
        double waveBound = rounds * Percentile.millis(nanos, 100) / 1e3;
        bound += waveBound;
        medianBound += rounds * Percentile.millis(nanos, 50) / 1e3;
        OUT.printf(Locale.ROOT, "    %4d  %12d  %6.0f / %4.0f / %5.0f ms  %17.2f s  %20.2f s  %s%n", w, in.size(),
            Percentile.millis(nanos, 50), Percentile.millis(nanos, 99), Percentile.millis(nanos, 100), waveBound,
            (last - first) / 1e3, previousEnd < 0 ? "—" : (first - previousEnd) + " ms");
        previousEnd = last;
      }
      Timed slowest = runs.stream().max(Comparator.comparingLong(Timed::nanos)).orElseThrow();
      OUT.println("    slowest run, wave " + slowest.wave + ": " + steps(tw.runs().get(slowest.runId)));
      long[] nanos = runs.stream().mapToLong(Timed::nanos).toArray();
      rows.row("roll-out: " + n + " updates, direct", storeName, Harness.fmt(directSeconds) + " s",
          Harness.ratio(directSeconds, bound), "÷ the roll-out's slowest-wave bound; environments().update from one "
              + "thread, " + IN_FLIGHT + " in flight (a semaphore), no waves; " + Harness.fmt(n / directSeconds)
              + " updates/s");
      rows.row("roll-out: " + n + " env in " + op.waveCount() + " waves", storeName,
          Harness.fmt(rolloutSeconds) + " s", Harness.ratio(rolloutSeconds, bound), "÷ slowest-wave bound "
              + Harness.fmt(bound) + " s (target ≤ 1.2); ÷ direct " + Harness.ratio(rolloutSeconds, directSeconds)
              + "; ÷ the bound with each wave's median run instead of its slowest (" + Harness.fmt(medianBound)
              + " s) " + Harness.ratio(rolloutSeconds, medianBound) + "; canary " + CANARY + ", growth " + GROWTH
              + ", maxInFlight " + IN_FLIGHT + "; runs p50 " + Harness.fmt(Percentile.millis(nanos, 50)) + " ms, p99 "
              + Harness.fmt(Percentile.millis(nanos, 99)) + " ms, slowest " + Harness.fmt(Percentile.millis(nanos, 100))
              + " ms; peak " + peak(runs) + " runs in flight, " + Harness.fmt(Arrays.stream(nanos).sum() / 1e9
              / rolloutSeconds) + " on average; " + Harness.fmt(n / rolloutSeconds) + " updates/s");

      halt(tw, sandbox, storeName);
    }
  }

  /** The second roll-out, whose updates fail after wave {@value #FAIL_AFTER_WAVE}: where and how it halts. */
  private void halt(Tenantwright tw, BenchTypes.Sandbox sandbox, String storeName) throws InterruptedException {
    FleetOperation op = tw.fleet().start(FleetRequest.update().blueprintVersion(BLUEPRINT, 4).canary(CANARY)
        .growth(GROWTH).maxInFlight(IN_FLIGHT).failureThreshold(THRESHOLD).gate("failing-after"));
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (op.state() == FleetState.RUNNING && System.nanoTime() < deadline) {
      Thread.sleep(5);
      op = tw.fleet().get(op.id());
    }
    long seen = System.currentTimeMillis();
    if (op.state() != FleetState.HALTED) {
      throw new IllegalStateException("the failing roll-out ended " + op.state() + ", not HALTED: " + op.counts());
    }
    while (op.counts().running() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
      op = tw.fleet().get(op.id());
    }
    int wave = op.wave();
    List<FleetItem> items = items(tw, op.id());
    tw.fleet().abort(op.id(), "benchmark");
    sandbox.failUpdates(false);
    long later = items.stream().filter(i -> i.wave() > wave && i.runId() != null).count();
    if (later > 0) {
      throw new IllegalStateException(later + " environments of waves after " + wave + " were started");
    }
    List<Timed> halting = timed(tw, items.stream().filter(i -> i.wave() == wave && i.runId() != null).toList());
    long waveSize = items.stream().filter(i -> i.wave() == wave).count();
    long laterSize = items.stream().filter(i -> i.wave() > wave).count();
    long inFlight = halting.stream().filter(r -> r.start <= seen && r.end > seen).count();
    long afterHalt = halting.stream().filter(r -> r.start > seen).count();
    long failed = halting.stream().filter(r -> r.state != RunState.SUCCEEDED).count();
    rows.row("roll-out halting at " + Math.round(THRESHOLD * 100) + " % failures", storeName,
        "halted in wave " + wave + " of " + op.waveCount(), Harness.ratio(inFlight, IN_FLIGHT),
        "in flight when the halt was seen ÷ maxInFlight: " + inFlight + " of " + IN_FLIGHT + "; updates fail from "
            + "wave " + (FAIL_AFTER_WAVE + 1) + " on (" + waveSize + " environments): " + halting.size()
            + " started, " + failed + " failed, " + afterHalt + " started after the halt was seen; later waves: 0 of "
            + laterSize + " started; " + op.reason());
  }

  private static List<Supplier<String>> starts(List<String> tenants, Function<String, String> f) {
    List<Supplier<String>> s = new ArrayList<>(tenants.size());
    for (String t : tenants) {
      s.add(() -> f.apply(t));
    }
    return s;
  }

  /** Where a run's time went: from its creation to its first step, each step, and from its last step to its end. */
  private static String steps(Run run) {
    List<StepStatus> steps = run.steps().stream().filter(st -> st.startedAt() != null)
        .sorted(Comparator.comparing(StepStatus::startedAt)).toList();
    if (steps.isEmpty()) {
      return Duration.between(run.createdAt(), run.finishedAt()).toMillis() + " ms, no step started";
    }
    StringBuilder sb = new StringBuilder().append(Duration.between(run.createdAt(), run.finishedAt()).toMillis())
        .append(" ms = ").append(Duration.between(run.createdAt(), steps.get(0).startedAt()).toMillis())
        .append(" ms to its first step");
    Instant lastEnd = steps.get(0).startedAt();
    for (StepStatus st : steps) {
      sb.append(", ").append(st.name()).append(' ').append(st.action()).append(' ')
          .append(st.duration() == null ? "?" : st.duration().toMillis()).append(" ms");
      if (st.finishedAt() != null && st.finishedAt().isAfter(lastEnd)) {
        lastEnd = st.finishedAt();
      }
    }
    return sb.append(", ").append(Duration.between(lastEnd, run.finishedAt()).toMillis())
        .append(" ms from its last step to its end").toString();
  }

  /** Every item of the operation, in wave order. */
  private static List<FleetItem> items(Tenantwright tw, String opId) {
    List<FleetItem> all = new ArrayList<>();
    PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
    while (page != null) {
      Page<FleetItem> p = tw.fleet().items(opId, page);
      all.addAll(p.items());
      page = p.next(PageRequest.MAX_LIMIT).orElse(null);
    }
    return all;
  }

  /** A finished run of a fleet item: its wave, its start and end in the journal (epoch ms) and how it ended. */
  private record Timed(String runId, int wave, long start, long end, RunState state) {
    long nanos() {
      return (end - start) * 1_000_000;
    }
  }

  private static List<Timed> timed(Tenantwright tw, List<FleetItem> items) {
    List<Timed> out = new ArrayList<>(items.size());
    for (FleetItem i : items) {
      if (i.runId() == null) {
        continue;
      }
      Run r = tw.runs().get(i.runId());
      if (r.finishedAt() == null) {
        throw new IllegalStateException("run " + r.id() + " has not finished");
      }
      out.add(new Timed(r.id(), i.wave(), r.createdAt().toEpochMilli(), r.finishedAt().toEpochMilli(), r.state()));
    }
    return out;
  }

  /** The most runs in flight at once (an end at the same millisecond as a start counts first). */
  private static int peak(List<Timed> runs) {
    List<long[]> edges = new ArrayList<>();
    for (Timed r : runs) {
      edges.add(new long[] {r.start, 1});
      edges.add(new long[] {r.end, -1});
    }
    edges.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    int now = 0;
    int peak = 0;
    for (long[] e : edges) {
      now += (int) e[1];
      peak = Math.max(peak, now);
    }
    return peak;
  }
}
