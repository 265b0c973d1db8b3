package dev.tenantwright.core.internal.journal;

import dev.tenantwright.core.EventType;
import dev.tenantwright.core.PruneResult;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import dev.tenantwright.spi.EnvironmentKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Removes what the journal no longer needs once runs are old: the steps, step checkpoints, progress events and run
 * rows of runs that finished before a cut-off, and status webhook deliveries that were answered or given up before
 * it.
 *
 * <p>What stays, whatever its age, and why:
 * <ul>
 *   <li>the audit trail: every event outside a run (tenant lifecycle, plan changes, policy refusals, verified
 *       domains); and the run-level events ({@code RUN_*}) of a run on a live environment, or of a run any of whose
 *       events names a person (the approver of an approved run, who cancelled or force-failed it);
 *   <li>unfinished runs, with everything they have;
 *   <li>the newest run of each environment (its status shows it), the newest provisioning run of each environment
 *       (a retry reads the variables it was started with), and the failed provisioning runs since the environment's
 *       newest successful run (a retry counts them against its limit);
 *   <li>the current state: tenants, environments, resources, host names — none of it is ever pruned.
 * </ul>
 *
 * <p>Work goes in batches of at most {@code batch} runs, one short transaction each, so no lock is held for long.
 * Runs are visited in the order they finished (index {@code tw_run_finished_ix}), continuing after the last one seen,
 * so a pass reads each old run once even when most are kept. Every delete is idempotent: engines pruning the same
 * journal at once only find fewer rows to delete (a deadlock between them is retried like any other). Thread-safe.
 */
public final class Retention {

  /** The run-level event types: what stays of an audited run. */
  private static final List<String> RUN_LEVEL = Arrays.stream(EventType.values())
      .map(Enum::name).filter(n -> n.startsWith("RUN_")).toList();

  private final Sql sql;
  private final int batch;

  public Retention(Database database, int batch) {
    this.sql = database.sql();
    this.batch = batch;
  }

  /** A run the pass removes; {@code audited} runs keep their run-level events. */
  private record Candidate(String id, long finishedAt, boolean audited) {}

  /** What one batch removed, how many runs it found, and where the next batch starts. */
  private record Step(int runs, int steps, int events, int found, long lastFinished, String lastId) {}

  /**
   * Prunes everything that finished before {@code cutoff} (epoch milliseconds) and is not kept (see the class
   * comment). Stops between batches when the calling thread is interrupted, returning what was removed so far.
   */
  public PruneResult pruneFinishedBefore(long cutoff) {
    int runs = 0;
    int steps = 0;
    int events = 0;
    long afterFinished = Long.MIN_VALUE;
    String afterId = "";
    while (!Thread.currentThread().isInterrupted()) {
      long fromFinished = afterFinished;
      String fromId = afterId;
      Step step = sql.idempotentTransaction(c -> batch(c, cutoff, fromFinished, fromId));
      runs += step.runs();
      steps += step.steps();
      events += step.events();
      if (step.found() < batch) {
        break;
      }
      afterFinished = step.lastFinished();
      afterId = step.lastId();
    }
    int deliveries = Thread.currentThread().isInterrupted() ? 0 : pruneDeliveries(cutoff);
    int operations = Thread.currentThread().isInterrupted() ? 0 : pruneFleetOperations(cutoff);
    return new PruneResult(runs, steps, events, deliveries, operations);
  }

  private Step batch(Connection c, long cutoff, long afterFinished, String afterId) throws SQLException {
    List<Candidate> found = candidates(c, cutoff, afterFinished, afterId);
    if (found.isEmpty()) {
      return new Step(0, 0, 0, 0, afterFinished, afterId);
    }
    List<String> plain = new ArrayList<>();
    List<String> audited = new ArrayList<>();
    for (Candidate r : found) {
      (r.audited() ? audited : plain).add(r.id());
    }
    List<String> all = found.stream().map(Candidate::id).toList();
    int events = deleteIn(c, "DELETE FROM tw_event WHERE run_id IN (%s)", plain, List.of())
        + deleteIn(c, "DELETE FROM tw_event WHERE run_id IN (%s) AND type NOT IN (" + marks(RUN_LEVEL.size()) + ")",
            audited, RUN_LEVEL);
    deleteIn(c, "DELETE FROM tw_step_checkpoint WHERE run_id IN (%s)", all, List.of());
    int steps = deleteIn(c, "DELETE FROM tw_step WHERE run_id IN (%s)", all, List.of());
    // a finished run never becomes active again; the condition only makes the delete safe to repeat on its own
    int runs = deleteIn(c, "DELETE FROM tw_run WHERE id IN (%s) AND active_environment IS NULL", all, List.of());
    Candidate last = found.get(found.size() - 1);
    return new Step(runs, steps, events, found.size(), last.finishedAt(), last.id());
  }

  /**
   * The next {@code batch} finished runs after the position that the keeping rules let go, in the order they
   * finished. The rules compare runs by (created_at, id), the order an environment's runs are listed in.
   */
  private List<Candidate> candidates(Connection c, long cutoff, long afterFinished, String afterId)
      throws SQLException {
    String newer = "FROM tw_run n WHERE n.environment_id = r.environment_id"
        + " AND (n.created_at > r.created_at OR (n.created_at = r.created_at AND n.id > r.id))";
    return Sql.list(c, "SELECT r.id, r.finished_at, CASE WHEN e.kind = ? OR EXISTS (SELECT 1 FROM tw_event v"
            + " WHERE v.run_id = r.id AND v.actor IS NOT NULL) THEN 1 ELSE 0 END AS audited"
            + " FROM tw_run r JOIN tw_environment e ON e.id = r.environment_id"
            + " WHERE r.active_environment IS NULL AND r.finished_at < ?"
            + " AND (r.finished_at > ? OR (r.finished_at = ? AND r.id > ?))"
            // the newest run of its environment that works on it, and the newest refresh that read it all (its
            // findings are what drift() shows and repair acts on)
            + " AND (r.kind <> ? AND EXISTS (SELECT 1 " + newer + " AND n.kind <> ?)"
            + " OR r.kind = ? AND EXISTS (SELECT 1 " + newer + " AND n.kind = ? AND n.state = ?))"
            // the newest provisioning run of its environment
            + " AND (r.kind <> ? OR EXISTS (SELECT 1 " + newer + " AND n.kind = ?))"
            // a failed provisioning attempt since the environment last succeeded
            + " AND (r.kind <> ? OR r.state NOT IN (?, ?) OR EXISTS (SELECT 1 " + newer + " AND n.state = ?"
            + " AND n.kind <> ?))"
            + " ORDER BY r.finished_at, r.id FETCH FIRST " + batch + " ROWS ONLY",
        rs -> new Candidate(rs.getString(1), rs.getLong(2), rs.getInt(3) == 1),
        EnvironmentKind.LIVE, cutoff, afterFinished, afterFinished, afterId,
        RunKind.REFRESH, RunKind.REFRESH, RunKind.REFRESH, RunKind.REFRESH, RunState.SUCCEEDED,
        RunKind.PROVISION, RunKind.PROVISION,
        RunKind.PROVISION, RunState.ROLLED_BACK, RunState.FAILED, RunState.SUCCEEDED, RunKind.REFRESH);
  }

  /** Deletes delivered and given-up webhook deliveries that finished before {@code cutoff}, in batches. */
  private int pruneDeliveries(long cutoff) {
    int total = 0;
    while (!Thread.currentThread().isInterrupted()) {
      int n = sql.idempotentTransaction(c -> {
        List<String> ids = Sql.list(c, "SELECT id FROM tw_webhook_delivery WHERE finished_at < ?"
            + " AND state IN ('DELIVERED', 'FAILED') ORDER BY finished_at FETCH FIRST " + batch + " ROWS ONLY",
            rs -> rs.getString(1), cutoff);
        return ids.isEmpty() ? 0 : deleteIn(c, "DELETE FROM tw_webhook_delivery WHERE id IN (%s)"
            + " AND state IN ('DELIVERED', 'FAILED')", ids, List.of());
      });
      total += n;
      if (n < batch) {
        break;
      }
    }
    return total;
  }

  /**
   * Deletes fleet operations that finished (completed or aborted) before {@code cutoff}, each with its items in one
   * transaction; an operation still running, paused or halted is kept however old.
   */
  private int pruneFleetOperations(long cutoff) {
    int total = 0;
    while (!Thread.currentThread().isInterrupted()) {
      List<String> ids = sql.read(c -> Sql.list(c, "SELECT id FROM tw_fleet_op WHERE finished_at < ?"
          + " ORDER BY finished_at FETCH FIRST " + batch + " ROWS ONLY", rs -> rs.getString(1), cutoff));
      for (String id : ids) {
        total += sql.idempotentTransaction(c -> {
          Sql.update(c, "DELETE FROM tw_fleet_item WHERE op_id = ?", id);
          return Sql.update(c, "DELETE FROM tw_fleet_op WHERE id = ? AND finished_at < ?", id, cutoff);
        });
      }
      if (ids.size() < batch) {
        break;
      }
    }
    return total;
  }

  /** Runs {@code template} with its {@code %s} replaced by one marker per id, binding the ids, then {@code more}. */
  private static int deleteIn(Connection c, String template, List<String> ids, List<String> more)
      throws SQLException {
    if (ids.isEmpty()) {
      return 0;
    }
    List<Object> args = new ArrayList<>(ids);
    args.addAll(more);
    return Sql.update(c, String.format(template, marks(ids.size())), args.toArray());
  }

  private static String marks(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }
}
