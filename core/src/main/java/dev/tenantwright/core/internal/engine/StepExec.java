package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.ResourceDefinition;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.journal.Records.StepRecord;
import dev.tenantwright.core.internal.plugins.TypeHandle;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

/**
 * One step of a run and what its execution knows about it in memory.
 *
 * <p>{@link #rec} and {@link #row} mirror the journal: they change only after the commit that records the
 * change ({@link Change}). The other fields are scheduling state. Guarded by the run's lock.
 */
final class StepExec {

  /** The step row as committed. */
  StepRecord rec;
  /** The resource row as committed now (null when the environment has no such resource). */
  ResourceRecord row;
  /** The blueprint definition, or null for a resource no longer in the blueprint. */
  final ResourceDefinition def;
  /** The type the step acts through (the new type of a type change). */
  final TypeHandle type;
  /** The type of the object recorded before the run (the old type of a type change), or null. */
  final TypeHandle beforeType;
  /** The steps this one waits for. */
  final Set<String> waits;
  /** The planned spec hash. */
  final String hash;
  /** The resource row as it was before the run, or null. */
  final ResourceRecord before;
  /** The definition's parameters as journal JSON, computed once. */
  String paramsJson;

  boolean inFlight;
  /** Whether the next forward attempt gets a fresh deadline (the step was interrupted and is resumed). */
  boolean freshDeadline;
  int compensationAttempts;
  long compensationDeadline;
  long lastProgressWrite;
  /** Why this step is not undone although its run rolled back: a step that depends on it still exists. */
  String keptBecause;
  /** A scheduled retry, cancelled when the execution stops (or run at once when the run is cancelled). */
  ScheduledFuture<?> retry;
  /** What the scheduled retry runs. */
  Runnable retryTask;
  /** The attempt's way through its backend's limits, cancelled when the execution stops before it is let through. */
  BackendPermits.Ticket ticket;

  StepExec(StepRecord rec, ResourceRecord row, ResourceDefinition def, TypeHandle type, TypeHandle beforeType,
      Set<String> waits, String hash, ResourceRecord before) {
    this.rec = rec;
    this.row = row;
    this.def = def;
    this.type = type;
    this.beforeType = beforeType;
    this.waits = waits;
    this.hash = hash;
    this.before = before;
  }

  String name() {
    return rec.name();
  }

  StepAction action() {
    return rec.action();
  }

  @Override
  public String toString() {
    return rec.name() + "[" + rec.action() + " " + rec.state() + "]";
  }
}
