package dev.tenantwright.core.internal.journal;

import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.EventRecord;
import dev.tenantwright.core.internal.journal.Records.RunRecord;
import dev.tenantwright.core.internal.journal.Records.TenantRecord;
import java.util.List;
import java.util.Optional;

/**
 * Reads whose cost does not grow with the journal: pages of the lists that do (an environment's runs, a tenant's
 * events, all tenants, a tenant's environments), and the few newest rows a status or a retry needs. Every page is
 * one indexed keyset query — {@code WHERE (order columns) after the cursor ORDER BY them FETCH FIRST n} — so reading
 * page 1,000 costs what page 1 does, and no page repeats or skips a row that existed when the first was read.
 * Callers ask for one row more than they show, to know whether a next page exists.
 *
 * <p>Thread-safe: it holds no state beyond the {@link Sql} runner.
 */
public final class Pages {

  private final Sql sql;

  public Pages(Database database) {
    this.sql = database.sql();
  }

  /**
   * An environment's runs, newest first (by created_at, then id), that come after the run at
   * ({@code createdAt}, {@code id}) in that order, or from the newest when {@code id} is null.
   */
  public List<RunRecord> runs(String environmentId, long createdAt, String id, int limit) {
    if (id == null) {
      return sql.read(c -> Sql.list(c, "SELECT * FROM tw_run WHERE environment_id = ?"
          + " ORDER BY created_at DESC, id DESC FETCH FIRST " + limit + " ROWS ONLY", Journal::run, environmentId));
    }
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_run WHERE environment_id = ?"
        + " AND (created_at < ? OR (created_at = ? AND id < ?))"
        + " ORDER BY created_at DESC, id DESC FETCH FIRST " + limit + " ROWS ONLY", Journal::run, environmentId,
        createdAt, createdAt, id));
  }

  /**
   * The newest run of an environment (by created_at, then id) that works on it — a refresh only reads, so a nightly
   * scan does not become what the environment's status shows — if it has one.
   */
  public Optional<RunRecord> newestRun(String environmentId) {
    return sql.read(c -> Sql.one(c, "SELECT * FROM tw_run WHERE environment_id = ? AND kind <> ?"
        + " ORDER BY created_at DESC, id DESC FETCH FIRST 1 ROWS ONLY", Journal::run, environmentId, RunKind.REFRESH));
  }

  /**
   * How many provisioning runs of an environment failed (rolled back or failed) since its newest successful run of any
   * kind but a refresh (which only reads: a scan of a FAILED environment must not reset its retries), or ever when none
   * succeeded: what a retry counts against its limit. Reads only the runs since that success.
   */
  public int failedProvisionsSinceSuccess(String environmentId) {
    return sql.read(c -> {
      Optional<Object[]> success = Sql.one(c, "SELECT created_at, id FROM tw_run WHERE environment_id = ?"
          + " AND state = ? AND kind <> ? ORDER BY created_at DESC, id DESC FETCH FIRST 1 ROWS ONLY",
          rs -> new Object[] {rs.getLong(1), rs.getString(2)}, environmentId, RunState.SUCCEEDED, RunKind.REFRESH);
      String failed = "SELECT count(*) FROM tw_run WHERE environment_id = ? AND kind = ? AND state IN (?, ?)";
      if (success.isEmpty()) {
        return Sql.one(c, failed, rs -> rs.getInt(1), environmentId, RunKind.PROVISION, RunState.ROLLED_BACK,
            RunState.FAILED).orElse(0);
      }
      long at = (Long) success.get()[0];
      return Sql.one(c, failed + " AND (created_at > ? OR (created_at = ? AND id > ?))", rs -> rs.getInt(1),
          environmentId, RunKind.PROVISION, RunState.ROLLED_BACK, RunState.FAILED, at, at, success.get()[1])
          .orElse(0);
    });
  }

  /** A tenant's events with an id below {@code beforeId} (every one when it is null), newest first. */
  public List<EventRecord> tenantEvents(String tenantId, Long beforeId, int limit) {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_event WHERE tenant_id = ? AND id < ?"
        + " ORDER BY id DESC FETCH FIRST " + limit + " ROWS ONLY", Journal::event, tenantId,
        beforeId == null ? Long.MAX_VALUE : beforeId));
  }

  /** Tenants with an id after {@code afterId} (every one when it is null), by id. */
  public List<TenantRecord> tenants(String afterId, int limit) {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_tenant WHERE id > ? ORDER BY id FETCH FIRST " + limit
        + " ROWS ONLY", Journal::tenant, afterId == null ? "" : afterId));
  }

  /** A tenant's environments named after {@code afterName} (every one when it is null), by name. */
  public List<EnvironmentRecord> environments(String tenantId, String afterName, int limit) {
    // an environment's id is tenant/name, so the id order within a tenant is the name order (and uses the key)
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_environment WHERE tenant_id = ? AND id > ?"
        + " ORDER BY id FETCH FIRST " + limit + " ROWS ONLY", Journal::environment, tenantId,
        tenantId + "/" + (afterName == null ? "" : afterName)));
  }
}
