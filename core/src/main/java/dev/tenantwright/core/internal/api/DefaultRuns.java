package dev.tenantwright.core.internal.api;

import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.Runs;
import dev.tenantwright.core.internal.engine.Engine;
import dev.tenantwright.core.internal.journal.Journal;
import java.util.List;
import java.util.Optional;

/** Finds runs in the journal and wraps them in live handles. */
final class DefaultRuns implements Runs {

  private final Journal journal;
  private final Engine engine;

  DefaultRuns(Journal journal, Engine engine) {
    this.journal = journal;
    this.engine = engine;
  }

  @Override
  public Optional<Run> find(String runId) {
    return journal.run(runId).map(r -> RunHandle.load(journal, engine, r));
  }

  @Override
  public Run get(String runId) {
    return find(runId).orElseThrow(() -> new NotFoundException("run '" + runId + "' does not exist"));
  }

  @Override
  public Run forceFail(String runId, String actor, String reason) {
    engine.forceFail(runId, actor, reason);
    return get(runId);
  }

  @Override
  public List<Run> list(String tenantId, String environment) {
    return journal.runs(tenantId + "/" + environment).stream().map(r -> (Run) RunHandle.load(journal, engine, r))
        .toList();
  }
}
