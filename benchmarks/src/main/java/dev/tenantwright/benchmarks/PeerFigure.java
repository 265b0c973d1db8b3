package dev.tenantwright.benchmarks;

import dev.tenantwright.core.EventType;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The peer side by side: the engine and db-scheduler ({@link DbSchedulerPeer}) on the same embedded PostgreSQL
 * database in the same run, with the same number of workers (16 scheduler threads; {@code maxParallelSteps} 16),
 * doing the same two workloads of no-op work:
 * <ol>
 *   <li>1,000 one-step executions started at once (300 with {@code --quick}): db-scheduler, 1,000 one-time tasks
 *       scheduled for now, one {@code schedule} call each; the engine, 1,000 demos of a one-step {@code bench.noop}
 *       blueprint, one {@code provision} call each (the tenants exist before the clock starts);
 *   <li>200 chains of 5 (60 with {@code --quick}): db-scheduler, a task whose completion replaces it with the
 *       chain's next link; the engine, a blueprint of 5 chained no-op steps.
 * </ol>
 * Both are started from one thread. For each: executions/s (executions ÷ the time from the first start to the
 * last completion — for the engine the last run's end event, after its last step), the p50 and p99 of the time
 * from the start of the burst to each execution's completion (the engine: a step's {@code STEP_SUCCEEDED} event,
 * sent after its result is committed; db-scheduler: after its completion has been written), and the database
 * work per run and per step, counted at the DataSource both use ({@link CountingDataSource} around the same pool):
 * statements (each a round trip) and commits, polls included. The best of 3 rounds (1 with {@code --quick}) by
 * executions/s, after a warm-up burst of each. The engine runs first and is closed before db-scheduler starts, so
 * neither polls during the other's burst.
 *
 * <p>Ratio: the engine's executions/s ÷ db-scheduler's (the target is ≥ 1.0). The engine journals more per
 * execution than db-scheduler by design (intent and result of each step, a run row, events); the counts say how much.
 * A commit counted here is a round trip of its own only when it is an explicit {@code commit()}: all of the
 * engine's are, while db-scheduler writes in auto-commit mode, where the commit rides on the statement.
 */
final class PeerFigure {

  private static final int WORKERS = 16;
  private static final int CHAIN = 5;
  private static final Duration WAIT = Duration.ofMinutes(5);

  private final Rows rows;
  private final int executions;
  private final int rounds;

  PeerFigure(Rows rows, boolean quick) {
    this.rows = rows;
    this.executions = quick ? 300 : 1000;
    this.rounds = quick ? 1 : 3;
  }

  /** What one burst did: its executions, how long it took, when each completed and the database work. */
  private record Result(int runs, int stepsPerRun, double seconds, long[] completions, long statements,
      long commits) {

    double perSecond() {
      return runs * stepsPerRun / seconds;
    }

    String measured() {
      return Harness.fmt(perSecond()) + " exec/s, p50 " + Harness.fmt(Percentile.millis(completions, 50))
          + " ms, p99 " + Harness.fmt(Percentile.millis(completions, 99)) + " ms";
    }

    String work() {
      double statementsPerRun = statements / (double) runs;
      double commitsPerRun = commits / (double) runs;
      String perRun =
          Harness.fmt(statementsPerRun) + " statements + " + Harness.fmt(commitsPerRun) + " commits per run";
      return stepsPerRun == 1 ? perRun : perRun + " (" + Harness.fmt(statementsPerRun / stepsPerRun) + " + "
          + Harness.fmt(commitsPerRun / stepsPerRun) + " per step)";
    }

    static Result best(Result a, Result b) {
      return a == null || b.perSecond() > a.perSecond() ? b : a;
    }
  }

  /** Measures both workloads on PostgreSQL and adds their four rows. */
  void run() throws SQLException, InterruptedException {
    int chains = executions / CHAIN;
    try (BenchStore store = BenchStore.open("postgres")) {
      Result oneTw = null;
      Result chainTw = null;
      CountingDataSource twDb = new CountingDataSource(store.dataSource());
      AtomicReference<Burst> current = new AtomicReference<>();
      try (Driver d = new Driver(store.builderOn(twDb).maxParallelSteps(WORKERS)
          .resourceType(BenchTypes.noop())
          .blueprint(Blueprints.chain("peer-one", "bench.noop", 1))
          .blueprint(Blueprints.chain("peer-chain", "bench.noop", CHAIN))
          .listener(e -> {
            Burst b = current.get();
            if (e.type() == EventType.STEP_SUCCEEDED && b != null) {
              b.completed();
            }
          }))) {
        engine(d, twDb, current, "peer-one", d.tenants("Peer warm one", executions / 4), 1);
        engine(d, twDb, current, "peer-chain", d.tenants("Peer warm chain", chains / 4), CHAIN);
        for (int round = 0; round < rounds; round++) {
          oneTw = Result.best(oneTw,
              engine(d, twDb, current, "peer-one", d.tenants("Peer one " + round, executions), 1));
          chainTw = Result.best(chainTw,
              engine(d, twDb, current, "peer-chain", d.tenants("Peer chain " + round, chains), CHAIN));
        }
      }
      Result oneDs = null;
      Result chainDs = null;
      CountingDataSource dsDb = new CountingDataSource(store.dataSource());
      try (DbSchedulerPeer peer = new DbSchedulerPeer(dsDb, WORKERS, CHAIN)) {
        peer(dsDb, 1, () -> peer.oneStep("warm", executions / 4), executions / 4);
        peer(dsDb, CHAIN, () -> peer.chains("warm", chains / 4), chains / 4);
        for (int round = 0; round < rounds; round++) {
          String prefix = "r" + round;
          oneDs = Result.best(oneDs, peer(dsDb, 1, () -> peer.oneStep(prefix, executions), executions));
          chainDs = Result.best(chainDs, peer(dsDb, CHAIN, () -> peer.chains(prefix, chains), chains));
        }
      }
      String settings = "db-scheduler 16.7.1, " + DbSchedulerPeer.SETTINGS;
      String best = "best of " + rounds;
      rows.row("peer: " + executions + " one-step executions, db-scheduler", "postgres", oneDs.measured(), "1.00",
          settings + "; " + oneDs.work() + "; " + best);
      rows.row("peer: " + executions + " one-step executions, engine", "postgres", oneTw.measured(),
          Harness.ratio(oneTw.perSecond(), oneDs.perSecond()),
          "÷ db-scheduler exec/s (target ≥ 1.0); one-step no-op runs, maxParallelSteps 16; " + oneTw.work()
              + "; " + best);
      rows.row("peer: " + chains + " chains of " + CHAIN + ", db-scheduler", "postgres", chainDs.measured(), "1.00",
          "completion replaces the execution with the next link; " + chainDs.work() + "; " + best);
      rows.row("peer: " + chains + " chains of " + CHAIN + ", engine", "postgres", chainTw.measured(),
          Harness.ratio(chainTw.perSecond(), chainDs.perSecond()),
          "÷ db-scheduler exec/s (target ≥ 1.0); " + CHAIN + " chained no-op steps per run; " + chainTw.work()
              + "; " + best);
    }
  }

  /** One burst of the engine: a demo of {@code blueprint} per tenant, started at once. */
  private static Result engine(Driver d, CountingDataSource db, AtomicReference<Burst> current, String blueprint,
      List<String> tenants, int steps) throws InterruptedException {
    long statements = db.reads() + db.writes();
    long commits = db.commits();
    Burst burst = new Burst(tenants.size() * steps);
    current.set(burst);
    List<String> runs = new ArrayList<>();
    for (String tenant : tenants) {
      runs.add(d.startDemo(tenant, blueprint));
    }
    d.awaitAll(runs);
    double seconds = (System.nanoTime() - burst.start()) / 1e9;
    burst.await(WAIT);
    current.set(null);
    return new Result(tenants.size(), steps, seconds, burst.completions(),
        db.reads() + db.writes() - statements, db.commits() - commits);
  }

  /** A burst of db-scheduler's; it ends with its last execution's completion. */
  private static Result peer(CountingDataSource db, int steps, PeerBurst burst, int runs)
      throws InterruptedException {
    long statements = db.reads() + db.writes();
    long commits = db.commits();
    Burst done = burst.run();
    long[] completions = done.completions();
    long last = 0;
    for (long c : completions) {
      last = Math.max(last, c);
    }
    return new Result(runs, steps, last / 1e9, completions, db.reads() + db.writes() - statements,
        db.commits() - commits);
  }

  /** Starts one of db-scheduler's bursts and waits for it. */
  @FunctionalInterface
  private interface PeerBurst {
    Burst run() throws InterruptedException;
  }

}
