package dev.tenantwright.core.internal.api;

import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.Page;
import dev.tenantwright.core.PageRequest;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.Runs;
import dev.tenantwright.core.internal.engine.Engine;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.Pages;
import dev.tenantwright.core.internal.journal.Records.RunRecord;
import java.util.List;
import java.util.Optional;

/** Finds runs in the journal and wraps them in live handles. */
final class DefaultRuns implements Runs {

  private final Journal journal;
  private final Engine engine;
  private final Pages pages;

  DefaultRuns(Journal journal, Engine engine, Pages pages) {
    this.journal = journal;
    this.engine = engine;
    this.pages = pages;
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

  @Override
  public Page<Run> list(String tenantId, String environment, PageRequest page) {
    String[] after = Cursors.decode("runs", page.cursor(), 2);
    List<RunRecord> rows = after == null ? pages.runs(tenantId + "/" + environment, 0, null, page.limit() + 1)
        : pages.runs(tenantId + "/" + environment, Cursors.number(after[0]), after[1], page.limit() + 1);
    return Cursors.page(rows, page, r -> RunHandle.load(journal, engine, r),
        r -> Cursors.encode("runs", Long.toString(r.createdAt()), r.id()));
  }
}
