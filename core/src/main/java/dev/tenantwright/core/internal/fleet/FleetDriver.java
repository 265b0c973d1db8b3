package dev.tenantwright.core.internal.fleet;

import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.Environments;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.FleetItem;
import dev.tenantwright.core.FleetItemState;
import dev.tenantwright.core.FleetState;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.WaveGate;
import dev.tenantwright.core.internal.blueprint.BlueprintCatalog;
import dev.tenantwright.core.internal.journal.FleetJournal;
import dev.tenantwright.core.internal.journal.FleetJournal.ItemRow;
import dev.tenantwright.core.internal.journal.FleetJournal.OpRow;
import dev.tenantwright.core.internal.journal.FleetJournal.ScheduleRow;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.RunRecord;
import dev.tenantwright.spi.TenantwrightException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives every unsettled fleet operation of the journal, on one daemon thread per engine: ends items whose runs
 * finished, halts an operation whose wave failed past its threshold, checks the wave gate and moves to the next wave,
 * claims free in-flight slots and starts their runs, and fires due schedules. Every step is a journal
 * compare-and-set or runs with the operation's row locked, so several engines drive one operation together and any
 * of them picks up what a crashed one left. Wakes on its interval and whenever a run finishes.
 */
public final class FleetDriver implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FleetDriver.class);

  private final FleetJournal fleet;
  private final Journal journal;
  private final Environments environments;
  private final Map<String, WaveGate> gates;
  private final String owner;
  private final Clock clock;
  private final Duration interval;
  private final Duration claimTimeout;
  /** How many runs one engine starts at once for its claims. */
  private static final int STARTERS = 8;

  private final Semaphore wake = new Semaphore(0);
  private final ExecutorService starters;
  private final Thread thread;
  private volatile boolean stopped;

  public FleetDriver(FleetJournal fleet, Journal journal, Environments environments, Map<String, WaveGate> gates,
      String owner, Clock clock, Duration interval, Duration claimTimeout) {
    this.fleet = fleet;
    this.journal = journal;
    this.environments = environments;
    this.gates = Map.copyOf(gates);
    this.owner = owner;
    this.clock = clock;
    this.interval = interval;
    this.claimTimeout = claimTimeout;
    this.thread = new Thread(this::loop, "tenantwright-fleet");
    this.thread.setDaemon(true);
    AtomicInteger n = new AtomicInteger();
    this.starters = Executors.newFixedThreadPool(STARTERS, r -> {
      Thread t = new Thread(r, "tenantwright-fleet-start-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts driving. */
  public void start() {
    thread.start();
  }

  /** Wakes the driver when a run ends, so the next environment starts without waiting for the interval. */
  public void onEvent(Event e) {
    if (e.type() == EventType.RUN_SUCCEEDED || e.type() == EventType.RUN_FAILED
        || e.type() == EventType.RUN_ROLLED_BACK) {
      wake.release();
    }
  }

  /** Asks for a round now (after a new operation or a resume). */
  public void nudge() {
    wake.release();
  }

  private void loop() {
    while (!stopped) {
      try {
        round();
      } catch (RuntimeException e) {
        LOG.warn("fleet round failed; trying again in {} ms: {}", interval.toMillis(), e.toString());
      }
      try {
        wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One round over every schedule and unsettled operation. */
  void round() {
    fireSchedules();
    for (OpRow op : fleet.unsettled()) {
      if (stopped) {
        return;
      }
      drive(op);
    }
  }

  private void drive(OpRow op) {
    FleetSpec spec = FleetSpec.read(op.specJson());
    reconcile(op, spec);
    if (op.state() == FleetState.ABORTED) {
      fleet.settle(op.id(), clock.millis());
      return;
    }
    for (int guard = 0; guard < 3 && op != null && op.state() == FleetState.RUNNING; guard++) {
      Map<FleetItemState, Integer> wave = fleet.counts(op.id(), op.wave());
      int total = wave.values().stream().mapToInt(Integer::intValue).sum();
      int failed = wave.get(FleetItemState.FAILED) + wave.get(FleetItemState.ROLLED_BACK);
      int counted = total - wave.get(FleetItemState.SKIPPED);
      if (op.acceptedWave() != op.wave() && failed > 0 && failed > spec.threshold() * counted) {
        halt(op, "wave " + op.wave() + ": " + failed + " of " + counted + " environments failed, more than the"
            + " threshold of " + Math.round(spec.threshold() * 100) + "%");
        return;
      }
      if (wave.get(FleetItemState.PENDING) + wave.get(FleetItemState.RUNNING) == 0) {
        if (op.acceptedWave() != op.wave()) {
          Optional<String> closed = gate(op, spec);
          if (closed.isPresent()) {
            halt(op, "wave " + op.wave() + " gate: " + closed.get());
            return;
          }
        }
        if (fleet.advance(op.id(), op.wave(), op.waveCount(), clock.millis())) {
          LOG.info("fleet operation {} finished wave {} of {}", op.id(), op.wave() + 1, op.waveCount());
        }
        op = fleet.op(op.id()).orElse(null);
        continue;
      }
      startAll(op, spec, fleet.claim(op.id(), op.wave(), spec.maxInFlight(), owner, clock.millis()));
      return;
    }
  }

  /** Ends items whose runs finished; starts again an item an engine claimed but did not get to start. */
  private void reconcile(OpRow op, FleetSpec spec) {
    long now = clock.millis();
    for (ItemRow item : fleet.running(op.id())) {
      if (item.runId() == null) {
        boolean mine = owner.equals(item.owner());
        boolean abandoned = item.claimedAt() != null && now - item.claimedAt() > claimTimeout.toMillis();
        if (!mine && abandoned || mine && now - item.claimedAt() > interval.toMillis()) {
          start(op, spec, item);
        }
        continue;
      }
      RunState rs = item.runState();
      if (rs == null || !rs.isTerminal()) {
        continue;
      }
      FleetItemState to = rs == RunState.SUCCEEDED ? FleetItemState.SUCCEEDED
          : rs == RunState.ROLLED_BACK ? FleetItemState.ROLLED_BACK : FleetItemState.FAILED;
      String detail = to == FleetItemState.SUCCEEDED ? null
          : journal.run(item.runId()).map(RunRecord::error).orElse(null);
      fleet.finish(op.id(), item.seq(), to, item.runId(), detail, now);
    }
  }

  /**
   * Starts the runs of a round's claimed items on the starter threads, side by side — each start is a journal
   * transaction of its own, and started together they share group commits — and waits for all of them.
   */
  private void startAll(OpRow op, FleetSpec spec, List<ItemRow> claimed) {
    if (claimed.size() == 1) {
      start(op, spec, claimed.get(0));
      return;
    }
    List<Future<?>> started = new ArrayList<>(claimed.size());
    for (ItemRow item : claimed) {
      started.add(starters.submit(() -> start(op, spec, item)));
    }
    for (Future<?> f : started) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        // an item whose start failed stays RUNNING without a run and is started again after the claim timeout
        LOG.warn("starting a run of fleet operation {} failed: {}", op.id(), e.getCause().toString());
      }
    }
  }

  /** Starts (or finds again, by its idempotency key) the run of one claimed item, or ends the item with why not. */
  private void start(OpRow op, FleetSpec spec, ItemRow item) {
    String key = "fleet-" + op.id() + "-" + item.seq();
    String envId = item.tenantId() + "/" + item.environment();
    try {
      Optional<RunRecord> already = journal.runByKey(envId, key);
      if (already.isPresent()) {
        fleet.started(op.id(), item.seq(), already.get().id());
        return;
      }
      Optional<EnvironmentRecord> env = journal.environment(envId);
      String skip = env.isEmpty() ? "the environment no longer exists"
          : skipReason(env.get(), fleet.pin(envId).orElse(null), op.kind(), spec);
      if (skip != null) {
        fleet.finish(op.id(), item.seq(), FleetItemState.SKIPPED, null, skip, clock.millis());
        return;
      }
      Run run = begin(op.kind(), item, spec.options(key));
      fleet.started(op.id(), item.seq(), run.id());
    } catch (ConflictException e) {
      fleet.finish(op.id(), item.seq(), FleetItemState.SKIPPED, null, "busy or not ready: " + e.getMessage(),
          clock.millis());
    } catch (TenantwrightException e) {
      fleet.finish(op.id(), item.seq(), FleetItemState.FAILED, null, "could not start: " + e.getMessage(),
          clock.millis());
    }
  }

  private Run begin(RunKind kind, ItemRow item, RunOptions options) {
    String t = item.tenantId();
    String e = item.environment();
    return switch (kind) {
      case UPDATE -> environments.update(t, e, options);
      case REDEPLOY -> environments.redeploy(t, e, options);
      case REFRESH -> environments.refresh(t, e, options);
      case REPAIR -> environments.repair(t, e, options);
      case RESET -> environments.reset(t, e, options);
      case DESTROY -> environments.destroy(t, e, options);
      case PROVISION, PROMOTE -> throw new IllegalStateException(kind + " is not a fleet operation");
    };
  }

  /** Why an environment is left alone, or null; reads only its journal row and its pin. */
  private static String skipReason(EnvironmentRecord e, Integer pinned, RunKind kind, FleetSpec spec) {
    if (e.state() == EnvironmentState.DESTROYED) {
      return "destroyed";
    }
    if (spec.version() != null) {
      String blueprint = BlueprintCatalog.nameOf(e.blueprint());
      if (spec.blueprint() != null && !spec.blueprint().equals(blueprint)) {
        return "runs blueprint '" + blueprint + "'";
      }
      if (pinned != null && !pinned.equals(spec.version())) {
        return "pinned to version " + pinned;
      }
      if (BlueprintCatalog.versionOf(e.blueprint()).orElse(0).equals(spec.version()) && spec.parameters().isEmpty()) {
        return "already on version " + spec.version();
      }
    }
    if (kind != RunKind.REFRESH && kind != RunKind.DESTROY && e.state() != EnvironmentState.READY) {
      return "not READY (" + e.state() + ")";
    }
    return null;
  }

  /** The wave's gate: every environment whose run succeeded is READY, and the host's gate, if named, passes. */
  private Optional<String> gate(OpRow op, FleetSpec spec) {
    List<ItemRow> succeeded = fleet.items(op.id(), op.wave(), FleetItemState.SUCCEEDED);
    if (op.kind() != RunKind.REFRESH && op.kind() != RunKind.DESTROY) {
      for (ItemRow i : succeeded) {
        Optional<EnvironmentRecord> env = journal.environment(i.tenantId() + "/" + i.environment());
        if (env.isEmpty() || env.get().state() != EnvironmentState.READY) {
          return Optional.of(i.tenantId() + "/" + i.environment() + " is "
              + env.map(x -> x.state().name()).orElse("gone") + " after its run succeeded");
        }
      }
    }
    if (spec.gate() == null) {
      return Optional.empty();
    }
    WaveGate g = gates.get(spec.gate());
    if (g == null) {
      return Optional.of("wave gate '" + spec.gate() + "' is not registered on this engine");
    }
    List<FleetItem> items = succeeded.stream().map(DefaultFleet::item).toList();
    return g.check(DefaultFleet.view(op, fleet.counts(op.id(), -1)), op.wave(), items);
  }

  private void halt(OpRow op, String why) {
    if (fleet.move(op.id(), FleetState.RUNNING, FleetState.HALTED, why, clock.millis())) {
      LOG.warn("fleet operation {} halted: {}", op.id(), why);
    }
  }

  private void fireSchedules() {
    long now = clock.millis();
    for (ScheduleRow s : fleet.due(now)) {
      long next = s.nextAt() + s.intervalMs() * Math.max(1, (now - s.nextAt()) / s.intervalMs() + 1);
      boolean busy = s.lastOpId() != null && fleet.op(s.lastOpId()).map(o -> o.finishedAt() == null).orElse(false);
      if (busy) {
        fleet.fire(s.name(), s.nextAt(), next, null, List.of());
        continue;
      }
      DefaultFleet.Prepared p = DefaultFleet.prepare(fleet, FleetSpec.read(s.specJson()), s.name(), now);
      if (fleet.fire(s.name(), s.nextAt(), next, p.op(), p.items())) {
        LOG.info("schedule {} started fleet operation {} ({} environments)", s.name(), p.op().id(), p.items().size());
      }
    }
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    starters.shutdownNow();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
