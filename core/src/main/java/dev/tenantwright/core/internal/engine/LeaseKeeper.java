package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.internal.journal.Leases;
import dev.tenantwright.core.internal.journal.Records.RunRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this engine's runs leased and makes sure every unfinished run is executed somewhere.
 *
 * <ul>
 *   <li>At start-up it claims and resumes every unfinished run it can (on H2, all of them).
 *   <li>A heartbeat every third of the lease extends the leases of the runs executing here and stops the
 *       executions whose run another engine took.
 *   <li>A sweep (at most every second) claims runs whose lease is free or expired — a dead engine's runs, a run
 *       an execution here abandoned after a journal failure, a stalled run whose back-off passed — and resumes
 *       them; it also passes on cancel requests that other engines recorded for runs executing here.
 * </ul>
 * Runs on the engine's timer thread. The same on H2 and PostgreSQL: with one engine, the sweep is how a run
 * abandoned after a journal outage is resumed without a restart.
 */
final class LeaseKeeper {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

  private final Engine engine;
  private final Leases leases;
  private final EngineOptions options;

  LeaseKeeper(Engine engine, Leases leases, EngineOptions options) {
    this.engine = engine;
    this.leases = leases;
    this.options = options;
  }

  void start() {
    long beat = Math.max(50, options.leaseDuration().toMillis() / 3);
    engine.timers().scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
    long every = Math.max(50, Math.min(1000, beat));
    engine.timers().scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
  }

  int recover() {
    int resumed = 0;
    List<RunRecord> unfinished;
    try {
      unfinished = engine.journal().unfinishedRuns();
    } catch (RuntimeException e) {
      LOG.warn("cannot list unfinished runs at start-up ({}); the sweep resumes them later", e.getMessage());
      return 0;
    }
    for (RunRecord run : unfinished) {
      if (engine.busyHere().contains(run.id())) {
        continue;
      }
      Instant now = engine.now();
      try {
        Optional<Long> claimed = leases.claim(run.id(), options.owner(), now.toEpochMilli(),
            now.plus(options.leaseDuration()).toEpochMilli(), true);
        if (claimed.isPresent() && engine.resume(run.id(), claimed.get(), run.owner())) {
          resumed++;
        }
      } catch (RuntimeException e) {
        LOG.warn("cannot claim run {} at start-up ({}); the sweep tries again", run.id(), e.getMessage());
      }
    }
    return resumed;
  }

  private void heartbeat() {
    if (engine.isStopped()) {
      return;
    }
    Instant now = engine.now();
    long until = now.plus(options.leaseDuration()).toEpochMilli();
    engine.permits().extend(until);
    List<String> ids = new ArrayList<>();
    for (RunExecution exec : engine.activeExecutions()) {
      ids.add(exec.id());
    }
    if (ids.isEmpty()) {
      return;
    }
    try {
      Set<String> lost = leases.extend(ids, options.owner(), until);
      for (String id : lost) {
        RunExecution exec = engine.activeExecution(id);
        if (exec != null) {
          engine.fenced(exec);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("heartbeat failed: {}", e.toString());
    }
  }

  private void sweep() {
    if (engine.isStopped()) {
      return;
    }
    try {
      for (String[] c : leases.cancelling(options.owner())) {
        engine.cancelRequested(c[0], c[1]);
      }
      Instant now = engine.now();
      for (Leases.Claim c : leases.claimExpired(options.owner(), now.toEpochMilli(),
          now.plus(options.leaseDuration()).toEpochMilli(), 64, engine.busyHere())) {
        LOG.info("taking over run {} (its lease was free or expired)", c.runId());
        engine.resume(c.runId(), c.generation(), c.previousOwner());
      }
    } catch (RuntimeException e) {
      LOG.warn("sweep for runs to resume failed: {}", e.toString());
    }
  }
}
