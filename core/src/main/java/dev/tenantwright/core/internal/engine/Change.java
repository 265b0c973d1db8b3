package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.EventType;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.journal.Records.RunRecord;
import dev.tenantwright.core.internal.journal.Records.StepRecord;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One transition of a run: the journal writes that record it, and the in-memory changes that follow once
 * they are committed.
 *
 * <p>This is the only way a run's, a step's or an environment's state changes: the new records come from the
 * records' own transition methods (which refuse moves their state machine does not allow), the batch writes
 * them only where the stored rows are still in the state the move starts from, and {@link RunExecution#commit}
 * applies the in-memory part only after the commit succeeded. A failed commit therefore leaves memory as it
 * was, matching the journal. Built and committed under the run's lock.
 */
final class Change {

  /** An event to insert with the change and publish after it. */
  record Pending(EventType type, StepExec step, String message) {}

  final Journal.Batch batch;
  final List<Runnable> onCommit = new ArrayList<>(4);
  final List<Pending> events = new ArrayList<>(2);
  /** Steps' states as they will be after the commit, for the percent of events written with it. */
  final Map<StepExec, StepRecord> next = new IdentityHashMap<>();
  RunRecord run;
  EnvironmentRecord environment;

  Change(Journal.Batch batch) {
    this.batch = batch;
  }

  /** Moves a step. */
  Change step(StepExec s, StepRecord to) {
    StepRecord from = next.getOrDefault(s, s.rec);
    batch.step(from, to);
    next.put(s, to);
    onCommit.add(() -> s.rec = to);
    return this;
  }

  /** Inserts or rewrites the step's resource row. */
  Change row(StepExec s, ResourceRecord r) {
    batch.resource(r, s.row != null);
    onCommit.add(() -> s.row = r);
    return this;
  }

  /** Deletes the step's resource row (no-op in the journal when there is none), freeing the names it held. */
  Change noRow(StepExec s) {
    if (s.row != null) {
      batch.deleteResource(s.row.environmentId(), s.name());
      if (HostNames.declares(s.type.specType()) || s.beforeType != null && HostNames.declares(s.beforeType.specType())) {
        batch.releaseHostNames(s.row.environmentId(), s.name(), java.util.Set.of());
      }
    }
    onCommit.add(() -> s.row = null);
    return this;
  }

  /** Moves the run. */
  Change run(RunRecord from, RunRecord to) {
    batch.run(from, to);
    run = to;
    return this;
  }

  /** Rewrites the environment. */
  Change environment(EnvironmentRecord to) {
    batch.environment(to);
    environment = to;
    return this;
  }

  /** Adds an event about the run ({@code step} null) or a step. */
  Change event(EventType type, StepExec step, String message) {
    events.add(new Pending(type, step, message));
    return this;
  }

  /** Something else to do once committed. */
  Change then(Runnable r) {
    onCommit.add(r);
    return this;
  }

  boolean isEmpty() {
    return batch.isEmpty() && events.isEmpty();
  }
}
