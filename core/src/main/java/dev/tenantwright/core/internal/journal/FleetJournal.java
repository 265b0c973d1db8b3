package dev.tenantwright.core.internal.journal;

import dev.tenantwright.core.FleetItemState;
import dev.tenantwright.core.FleetState;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The journal's day-two tables: pinned blueprint versions, fleet operations with their items, and their schedules.
 * Every change that several engines could race on is a compare-and-set or runs with the operation's row locked.
 * Thread-safe.
 */
public final class FleetJournal {

  /** A row of {@code tw_fleet_op}. */
  public record OpRow(String id, RunKind kind, FleetState state, String specJson, int wave, int waveCount,
      int acceptedWave, int itemCount, String schedule, String reason, long createdAt, long updatedAt,
      Long finishedAt) {}

  /** A row of {@code tw_fleet_item}, with the state of its run when it has one. */
  public record ItemRow(String opId, int seq, String tenantId, String environment, int wave, FleetItemState state,
      String runId, String owner, Long claimedAt, Long finishedAt, String detail, RunState runState) {}

  /** A row of {@code tw_fleet_schedule}. */
  public record ScheduleRow(String name, String specJson, long intervalMs, long nextAt, String lastOpId) {}

  private final Sql sql;

  public FleetJournal(Database db) {
    this.sql = db.sql();
  }

  // ------------------------------------------------------------------------------------------ refresh, pins

  /** The version the environment is pinned to. */
  public Optional<Integer> pin(String environmentId) {
    return sql.read(c -> Sql.one(c, "SELECT version FROM tw_environment_pin WHERE environment_id = ?",
        rs -> rs.getInt(1), environmentId));
  }

  /** Pins (or re-pins) the environment, with its audit event, in one transaction. */
  public void pin(String environmentId, int version, String actor, long now, Records.EventRecord event) {
    sql.transaction(c -> {
      Sql.update(c, "DELETE FROM tw_environment_pin WHERE environment_id = ?", environmentId);
      Sql.update(c, "INSERT INTO tw_environment_pin (environment_id, version, actor, pinned_at) VALUES (?, ?, ?, ?)",
          environmentId, version, actor, now);
      Journal.insertEvent(c, event);
      return null;
    });
  }

  /** Removes a pin with its audit event; false when there was none (and nothing is written). */
  public boolean unpin(String environmentId, Records.EventRecord event) {
    return sql.transaction(c -> {
      if (Sql.update(c, "DELETE FROM tw_environment_pin WHERE environment_id = ?", environmentId) == 0) {
        return false;
      }
      Journal.insertEvent(c, event);
      return true;
    });
  }

  // ------------------------------------------------------------------------------------------ operations

  /** Records an operation and its items in one transaction. */
  public void create(OpRow op, List<ItemRow> items) {
    sql.transaction(c -> {
      insert(c, op, items);
      return null;
    });
  }

  /**
   * Records an operation a schedule fires, if the schedule is still due at {@code dueAt}: moves it to {@code nextAt} by
   * a compare-and-set in the same transaction, so only one engine's firing counts. False when another engine fired it.
   */
  public boolean fire(String schedule, long dueAt, long nextAt, OpRow op, List<ItemRow> items) {
    return sql.transaction(c -> {
      int moved = Sql.update(c, "UPDATE tw_fleet_schedule SET next_at = ?, last_op_id = ?, updated_at = ?"
          + " WHERE name = ? AND next_at = ?", nextAt, op == null ? null : op.id(), op == null ? dueAt : op.createdAt(),
          schedule, dueAt);
      if (moved != 1) {
        return false;
      }
      if (op != null) {
        insert(c, op, items);
      }
      return true;
    });
  }

  private static void insert(Connection c, OpRow op, List<ItemRow> items) throws SQLException {
    Sql.update(c, "INSERT INTO tw_fleet_op (id, kind, state, spec, wave, wave_count, accepted_wave, item_count,"
        + " schedule_name, reason, created_at, updated_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        op.id(), op.kind(), op.state(), op.specJson(), op.wave(), op.waveCount(), op.acceptedWave(), op.itemCount(),
        op.schedule(), op.reason(), op.createdAt(), op.updatedAt(), Sql.bigint(op.finishedAt()));
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO tw_fleet_item (op_id, seq, tenant_id, environment,"
        + " wave, state) VALUES (?, ?, ?, ?, ?, ?)")) {
      int n = 0;
      for (ItemRow i : items) {
        Sql.bind(ps, i.opId(), i.seq(), i.tenantId(), i.environment(), i.wave(), i.state());
        ps.addBatch();
        if (++n % 500 == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
    }
  }

  public Optional<OpRow> op(String id) {
    return sql.read(c -> Sql.one(c, "SELECT * FROM tw_fleet_op WHERE id = ?", FleetJournal::op, id));
  }

  /** Operations, newest first, after the keyset position {@code (createdAt, id)} when given. */
  public List<OpRow> ops(Long beforeCreatedAt, String beforeId, int limit) {
    if (beforeCreatedAt == null) {
      return sql.read(c -> Sql.list(c, "SELECT * FROM tw_fleet_op ORDER BY created_at DESC, id DESC LIMIT ?",
          FleetJournal::op, limit));
    }
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_fleet_op WHERE created_at < ? OR (created_at = ? AND id < ?)"
        + " ORDER BY created_at DESC, id DESC LIMIT ?", FleetJournal::op, beforeCreatedAt, beforeCreatedAt, beforeId,
        limit));
  }

  /** Operations an engine still has something to do for: not completed, and not aborted with nothing in flight. */
  public List<OpRow> unsettled() {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_fleet_op WHERE finished_at IS NULL ORDER BY created_at, id",
        FleetJournal::op));
  }

  /** How many items are in each state, for the whole operation or one wave (wave < 0: all). */
  public Map<FleetItemState, Integer> counts(String opId, int wave) {
    return sql.read(c -> {
      Map<FleetItemState, Integer> m = new EnumMap<>(FleetItemState.class);
      for (FleetItemState s : FleetItemState.values()) {
        m.put(s, 0);
      }
      List<Object[]> rows = wave < 0
          ? Sql.list(c, "SELECT state, count(*) FROM tw_fleet_item WHERE op_id = ? GROUP BY state",
              rs -> new Object[] {rs.getString(1), rs.getInt(2)}, opId)
          : Sql.list(c, "SELECT state, count(*) FROM tw_fleet_item WHERE op_id = ? AND wave = ? GROUP BY state",
              rs -> new Object[] {rs.getString(1), rs.getInt(2)}, opId, wave);
      for (Object[] r : rows) {
        m.put(FleetItemState.valueOf((String) r[0]), (Integer) r[1]);
      }
      return m;
    });
  }

  /**
   * Claims up to the free in-flight slots of the operation's current wave for {@code owner}: with the operation's row
   * locked, so engines claiming at once never exceed {@code maxInFlight} together. Nothing when the operation is not
   * RUNNING or has moved past {@code wave}.
   */
  public List<ItemRow> claim(String opId, int wave, int maxInFlight, String owner, long now) {
    return sql.transaction(c -> {
      Optional<OpRow> op = Sql.one(c, "SELECT * FROM tw_fleet_op WHERE id = ? FOR UPDATE", FleetJournal::op, opId);
      if (op.isEmpty() || op.get().state() != FleetState.RUNNING || op.get().wave() != wave) {
        return List.of();
      }
      int running = Sql.one(c, "SELECT count(*) FROM tw_fleet_item WHERE op_id = ? AND state = ?",
          rs -> rs.getInt(1), opId, FleetItemState.RUNNING).orElse(0);
      int free = maxInFlight - running;
      if (free <= 0) {
        return List.of();
      }
      List<ItemRow> pending = Sql.list(c, "SELECT i.*, NULL AS run_state FROM tw_fleet_item i WHERE op_id = ?"
          + " AND wave = ? AND state = ? ORDER BY seq LIMIT ?", FleetJournal::item, opId, wave, FleetItemState.PENDING,
          free);
      List<ItemRow> claimed = new ArrayList<>();
      for (ItemRow i : pending) {
        if (Sql.update(c, "UPDATE tw_fleet_item SET state = ?, owner = ?, claimed_at = ? WHERE op_id = ? AND seq = ?"
            + " AND state = ?", FleetItemState.RUNNING, owner, now, opId, i.seq(), FleetItemState.PENDING) == 1) {
          claimed.add(new ItemRow(opId, i.seq(), i.tenantId(), i.environment(), i.wave(), FleetItemState.RUNNING,
              null, owner, now, null, null, null));
        }
      }
      return claimed;
    });
  }

  /** The operation's items in flight, with their runs' states. */
  public List<ItemRow> running(String opId) {
    return sql.read(c -> Sql.list(c, "SELECT i.*, r.state AS run_state FROM tw_fleet_item i LEFT JOIN tw_run r"
        + " ON r.id = i.run_id WHERE i.op_id = ? AND i.state = ? ORDER BY i.seq", FleetJournal::item, opId,
        FleetItemState.RUNNING));
  }

  /** Items of one wave in one state. */
  public List<ItemRow> items(String opId, int wave, FleetItemState state) {
    return sql.read(c -> Sql.list(c, "SELECT i.*, NULL AS run_state FROM tw_fleet_item i WHERE op_id = ? AND wave = ?"
        + " AND state = ? ORDER BY seq", FleetJournal::item, opId, wave, state));
  }

  /** A page of the operation's items in order, after {@code afterSeq}. */
  public List<ItemRow> items(String opId, int afterSeq, int limit) {
    return sql.read(c -> Sql.list(c, "SELECT i.*, r.state AS run_state FROM tw_fleet_item i LEFT JOIN tw_run r"
        + " ON r.id = i.run_id WHERE i.op_id = ? AND i.seq > ? ORDER BY i.seq LIMIT ?", FleetJournal::item, opId,
        afterSeq, limit));
  }

  /** Records the run an item started. */
  public void started(String opId, int seq, String runId) {
    sql.idempotentTransaction(c -> Sql.update(c, "UPDATE tw_fleet_item SET run_id = ? WHERE op_id = ? AND seq = ?",
        runId, opId, seq));
  }

  /** Ends an item in flight; false when another engine ended it first. */
  public boolean finish(String opId, int seq, FleetItemState to, String runId, String detail, long now) {
    return sql.transaction(c -> Sql.update(c, "UPDATE tw_fleet_item SET state = ?, run_id = COALESCE(?, run_id),"
        + " detail = ?, finished_at = ? WHERE op_id = ? AND seq = ? AND state = ?", to, runId,
        detail == null ? null : cut(detail), now, opId, seq, FleetItemState.RUNNING) == 1);
  }

  /** Moves an operation between states by a compare-and-set. */
  public boolean move(String id, FleetState from, FleetState to, String reason, long now) {
    return sql.transaction(c -> Sql.update(c, "UPDATE tw_fleet_op SET state = ?, reason = ?, updated_at = ?"
        + " WHERE id = ? AND state = ?", to, reason == null ? null : cut(reason), now, id, from) == 1);
  }

  /** Resumes a halted or paused operation, accepting its current wave (its failures no longer halt it). */
  public boolean resume(String id, FleetState from, String reason, long now) {
    return sql.transaction(c -> Sql.update(c, "UPDATE tw_fleet_op SET state = ?, accepted_wave = wave, reason = ?,"
        + " updated_at = ? WHERE id = ? AND state = ?", FleetState.RUNNING, cut(reason), now, id, from) == 1);
  }

  /** Moves to the next wave (or completes) by a compare-and-set on the wave. */
  public boolean advance(String id, int wave, int waveCount, long now) {
    boolean last = wave + 1 >= waveCount;
    return sql.transaction(c -> Sql.update(c, "UPDATE tw_fleet_op SET wave = ?, state = ?, updated_at = ?,"
        + " finished_at = ? WHERE id = ? AND wave = ? AND state = ?", wave + 1,
        last ? FleetState.COMPLETED : FleetState.RUNNING, now, last ? (Object) now : Sql.Null.BIGINT, id, wave,
        FleetState.RUNNING) == 1);
  }

  /** Aborts: the operation and every item not started yet, in one transaction; false when it was already over. */
  public boolean abort(String id, String reason, long now) {
    return sql.transaction(c -> {
      int n = Sql.update(c, "UPDATE tw_fleet_op SET state = ?, reason = ?, updated_at = ? WHERE id = ? AND state IN"
          + " (?, ?, ?)", FleetState.ABORTED, cut(reason), now, id, FleetState.RUNNING, FleetState.PAUSED,
          FleetState.HALTED);
      if (n == 1) {
        Sql.update(c, "UPDATE tw_fleet_item SET state = ?, detail = ?, finished_at = ? WHERE op_id = ? AND state = ?",
            FleetItemState.SKIPPED, "the operation was aborted", now, id, FleetItemState.PENDING);
      }
      return n == 1;
    });
  }

  /** Marks an aborted operation finished once nothing of it is in flight. */
  public void settle(String id, long now) {
    sql.transaction(c -> Sql.update(c, "UPDATE tw_fleet_op SET finished_at = ? WHERE id = ? AND state = ?"
        + " AND finished_at IS NULL AND NOT EXISTS (SELECT 1 FROM tw_fleet_item WHERE op_id = ? AND state = ?)", now, id,
        FleetState.ABORTED, id, FleetItemState.RUNNING));
  }

  // ------------------------------------------------------------------------------------------ schedules

  /** Creates or replaces a schedule. */
  public void schedule(ScheduleRow s, long now) {
    sql.transaction(c -> {
      Sql.update(c, "DELETE FROM tw_fleet_schedule WHERE name = ?", s.name());
      return Sql.update(c, "INSERT INTO tw_fleet_schedule (name, spec, interval_ms, next_at, last_op_id, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, ?)", s.name(), s.specJson(), s.intervalMs(), s.nextAt(), s.lastOpId(), now);
    });
  }

  public boolean unschedule(String name) {
    return sql.transaction(c -> Sql.update(c, "DELETE FROM tw_fleet_schedule WHERE name = ?", name) == 1);
  }

  public List<ScheduleRow> schedules() {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_fleet_schedule ORDER BY name", FleetJournal::schedule));
  }

  /** Schedules due at {@code now}. */
  public List<ScheduleRow> due(long now) {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_fleet_schedule WHERE next_at <= ? ORDER BY next_at, name",
        FleetJournal::schedule, now));
  }

  /** The environments a selection takes: not destroyed, by tenant and name. */
  public List<String[]> select(List<String> tenants, List<String> kinds, String blueprint) {
    StringBuilder q = new StringBuilder("SELECT tenant_id, name, blueprint FROM tw_environment WHERE state <> 'DESTROYED'");
    List<Object> args = new ArrayList<>();
    if (!tenants.isEmpty()) {
      q.append(" AND tenant_id IN (").append(String.join(", ", java.util.Collections.nCopies(tenants.size(), "?")))
          .append(')');
      args.addAll(tenants);
    }
    q.append(" AND kind IN (").append(String.join(", ", java.util.Collections.nCopies(kinds.size(), "?"))).append(')');
    args.addAll(kinds);
    if (blueprint != null) {
      q.append(" AND (blueprint = ? OR blueprint LIKE ?)");
      args.add(blueprint);
      args.add(blueprint + "@%");
    }
    q.append(" ORDER BY tenant_id, name");
    return sql.read(c -> Sql.list(c, q.toString(), rs -> new String[] {rs.getString(1), rs.getString(2),
        rs.getString(3)}, args.toArray()));
  }

  private static String cut(String s) {
    return s == null || s.length() <= 1000 ? s : s.substring(0, 1000);
  }

  private static OpRow op(java.sql.ResultSet rs) throws SQLException {
    return new OpRow(rs.getString("id"), RunKind.valueOf(rs.getString("kind")), FleetState.valueOf(rs.getString("state")),
        rs.getString("spec"), rs.getInt("wave"), rs.getInt("wave_count"), rs.getInt("accepted_wave"),
        rs.getInt("item_count"), rs.getString("schedule_name"), rs.getString("reason"), rs.getLong("created_at"),
        rs.getLong("updated_at"), Sql.longOrNull(rs, "finished_at"));
  }

  private static ItemRow item(java.sql.ResultSet rs) throws SQLException {
    String runState = rs.getString("run_state");
    return new ItemRow(rs.getString("op_id"), rs.getInt("seq"), rs.getString("tenant_id"), rs.getString("environment"),
        rs.getInt("wave"), FleetItemState.valueOf(rs.getString("state")), rs.getString("run_id"),
        rs.getString("owner"), Sql.longOrNull(rs, "claimed_at"), Sql.longOrNull(rs, "finished_at"),
        rs.getString("detail"), runState == null ? null : RunState.valueOf(runState));
  }

  private static ScheduleRow schedule(java.sql.ResultSet rs) throws SQLException {
    return new ScheduleRow(rs.getString("name"), rs.getString("spec"), rs.getLong("interval_ms"), rs.getLong("next_at"),
        rs.getString("last_op_id"));
  }
}
