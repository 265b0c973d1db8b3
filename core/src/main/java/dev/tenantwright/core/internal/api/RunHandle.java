package dev.tenantwright.core.internal.api;

import dev.tenantwright.core.CompensationFailedException;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunFailedException;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepState;
import dev.tenantwright.core.StepStatus;
import dev.tenantwright.core.internal.engine.Engine;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.Records.RunRecord;
import dev.tenantwright.core.internal.journal.Records.StepRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A {@link Run} view loaded from the journal; the engine supplies live progress while it executes. */
final class RunHandle implements Run {

  private final Journal journal;
  private final Engine engine;
  private final RunRecord run;
  private final List<StepStatus> steps;
  private final int percent;

  private RunHandle(Journal journal, Engine engine, RunRecord run, List<StepStatus> steps, int percent) {
    this.journal = journal;
    this.engine = engine;
    this.run = run;
    this.steps = steps;
    this.percent = percent;
  }

  static RunHandle load(Journal journal, Engine engine, RunRecord run) {
    List<StepRecord> recs = journal.steps(run.id());
    List<StepStatus> steps = recs.stream().map(s -> new StepStatus(s.seq() + 1, s.name(), s.type(), s.action(),
        s.state(), s.attempt(), s.origin() == null ? null : s.origin().name(), s.error(), instant(s.startedAt()),
        instant(s.finishedAt()))).toList();
    int percent;
    if (run.state() == RunState.SUCCEEDED) {
      percent = 100;
    } else {
      percent = engine.livePercent(run.id()).orElseGet(() -> {
        if (recs.isEmpty()) {
          return run.state().isTerminal() ? 100 : 0;
        }
        long done = recs.stream().filter(s -> s.state() != StepState.PENDING && s.state() != StepState.RUNNING
            && s.state() != StepState.IN_DOUBT).count();
        return (int) Math.min(99, done * 100 / recs.size());
      });
    }
    return new RunHandle(journal, engine, run, steps, percent);
  }

  private static Instant instant(Long ms) {
    return ms == null ? null : Instant.ofEpochMilli(ms);
  }

  @Override
  public String id() {
    return run.id();
  }

  @Override
  public String tenantId() {
    return run.tenantId();
  }

  @Override
  public String environment() {
    return run.environmentId().substring(run.environmentId().indexOf('/') + 1);
  }

  @Override
  public RunKind kind() {
    return run.kind();
  }

  @Override
  public RunState state() {
    return run.state();
  }

  @Override
  public String error() {
    return run.error();
  }

  @Override
  public String idempotencyKey() {
    return run.idempotencyKey();
  }

  @Override
  public int percent() {
    return percent;
  }

  @Override
  public List<StepStatus> steps() {
    return steps;
  }

  @Override
  public Instant createdAt() {
    return Instant.ofEpochMilli(run.createdAt());
  }

  @Override
  public Instant finishedAt() {
    return instant(run.finishedAt());
  }

  @Override
  public List<Event> events() {
    return journal.events(run.id()).stream().map(Events::of).toList();
  }

  @Override
  public Run refresh() {
    return load(journal, engine, journal.run(run.id()).orElseThrow());
  }

  @Override
  public List<String> leftBehind() {
    return run.leftBehind();
  }

  @Override
  public Run await(Duration timeout) {
    engine.await(run.id(), timeout);
    return refresh();
  }

  @Override
  public Run awaitSuccess(Duration timeout) {
    Run done = await(timeout);
    if (done.state() == RunState.SUCCEEDED) {
      return done;
    }
    if (!done.leftBehind().isEmpty()) {
      throw new CompensationFailedException(done.id(), done.error(), done.leftBehind());
    }
    throw new RunFailedException(done.id(), done.state(), done.error());
  }

  @Override
  public Run cancel() {
    engine.cancel(run.id(), null);
    return refresh();
  }

  @Override
  public String toString() {
    return "Run[" + run.id() + " " + run.kind() + " " + run.environmentId() + " " + run.state() + " " + percent + "%]";
  }
}
