package dev.tenantwright.core.internal.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.StepState;
import dev.tenantwright.core.TenantState;
import dev.tenantwright.core.internal.journal.JournalException.Reason;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.EventRecord;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.journal.Records.RunRecord;
import dev.tenantwright.core.internal.journal.Records.StepRecord;
import dev.tenantwright.core.internal.journal.Records.TenantRecord;
import dev.tenantwright.spi.CreateResult.Origin;
import dev.tenantwright.spi.EnvironmentKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes the journal's tenant, environment, resource, run, step, step checkpoint and event tables. Every public
 * write is one transaction, and the event that describes a state change is inserted in the same transaction
 * as the change. Leases live in {@link Leases}, backend permits in {@link BackendSlots}, ports in
 * {@link Ports}.
 *
 * <p>Lock order: a transaction that touches a tenant's runs and environments locks (writes) the tenant row
 * first (only quota checks do), then run rows, then environment rows, then steps, resources and events. Starting
 * a run and finishing the previous run of the same environment therefore wait for each other instead of
 * deadlocking.
 *
 * <p>Thread-safe: it holds no state beyond the {@link Sql} runner.
 */
public final class Journal {

  private static final ObjectMapper PLAIN = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};

  private final Sql sql;
  /** Whether a run's transition can be written as one statement (PostgreSQL: data-modifying CTEs, tw_check). */
  private final boolean oneStatement;
  /** Runs' transitions that are ready together share a transaction. */
  private final GroupCommit groups;

  public Journal(Database database) {
    this.sql = database.sql();
    this.oneStatement = database.dialect() == Database.Dialect.POSTGRESQL;
    this.groups = new GroupCommit(sql, 64);
  }

  /** The statement runner, for the lease, permit and port tables. */
  Sql sql() {
    return sql;
  }

  // ---------------------------------------------------------------- tenants

  /** Inserts a tenant and its creation event. */
  public void insertTenant(TenantRecord t, EventRecord event) {
    sql.transaction(c -> {
      Sql.update(c, "INSERT INTO tw_tenant (id, display_name, email, plan, attributes, state, created_at, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", t.id(), t.displayName(), t.email(), t.plan(), json(t.attributes()),
          t.state(), t.createdAt(), t.updatedAt());
      insertEvent(c, event);
      return null;
    });
  }

  public Optional<TenantRecord> tenant(String id) {
    return sql.read(c -> Sql.one(c, "SELECT * FROM tw_tenant WHERE id = ?", Journal::tenant, id));
  }

  public Optional<TenantRecord> tenantByEmail(String email) {
    return sql.read(c -> Sql.one(c, "SELECT * FROM tw_tenant WHERE email = ?", Journal::tenant, email));
  }

  public List<TenantRecord> tenants() {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_tenant ORDER BY created_at, id", Journal::tenant));
  }

  // ---------------------------------------------------------------- environments and resources

  public Optional<EnvironmentRecord> environment(String id) {
    return sql.read(c -> Sql.one(c, "SELECT * FROM tw_environment WHERE id = ?", Journal::environment, id));
  }

  public List<EnvironmentRecord> environments(String tenantId) {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_environment WHERE tenant_id = ? ORDER BY created_at, id",
        Journal::environment, tenantId));
  }

  public List<ResourceRecord> resources(String environmentId) {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_resource WHERE environment_id = ? ORDER BY name",
        Journal::resource, environmentId));
  }

  /** What a tenant holds, read inside the transaction that starts a run, for quota checks. */
  public record Usage(List<EnvironmentRecord> environments, Map<String, Integer> resourcesByType) {}

  /** Refuses a run start by throwing; sees the tenant's usage with its row locked. */
  @FunctionalInterface
  public interface UsageCheck {
    void check(Usage usage);
  }

  // ---------------------------------------------------------------- runs, steps, events

  /**
   * Starts a run in one transaction: inserts the run (already RUNNING) and its steps, creates or rewrites its
   * environment row, and inserts the queued and started events.
   *
   * <p>The environment row is written only if its version is still {@code env.version()} (the version the run
   * was planned from); otherwise nothing is written and {@link Reason#ENVIRONMENT_CHANGED} tells the caller to
   * plan again. With a {@code usage} check, the tenant row is locked first and the check sees the tenant's
   * environments and resources as of this transaction, so concurrent starts cannot exceed a quota together (also
   * when they share a transaction through group commit: each sees the others' rows before it).
   *
   * @throws JournalException {@link Reason#ACTIVE_RUN_EXISTS} when the environment has an active run,
   *     {@link Reason#IDEMPOTENCY_KEY_TAKEN} when the key was used before, {@link Reason#ENVIRONMENT_EXISTS} or
   *     {@link Reason#ENVIRONMENT_CHANGED} when the environment changed since it was read
   */
  public void createRun(EnvironmentRecord env, boolean environmentExists, RunRecord run, List<StepRecord> steps,
      List<EventRecord> events, UsageCheck usage) {
    // shares a transaction with runs started or moved on at the same moment (a burst of sign-ups): see GroupCommit
    groups.commit(c -> {
      if (usage != null) {
        lockTenant(c, run.tenantId());
        usage.check(usage(c, run.tenantId()));
      }
      insertRun(c, run);
      if (environmentExists) {
        int n = Sql.update(c, "UPDATE tw_environment SET state = ?, blueprint = ?, parameters = ?, last_error = ?,"
                + " updated_at = ?, naming = ?, version = version + 1 WHERE id = ? AND version = ?", env.state(),
            env.blueprint(), env.parametersJson(), env.lastError(), env.updatedAt(), env.naming(), env.id(),
            env.version());
        if (n != 1) {
          throw new JournalException(Reason.ENVIRONMENT_CHANGED, "environment " + env.id()
              + " changed since the run was planned", null);
        }
      } else {
        insertEnvironment(c, env);
      }
      insertSteps(c, steps);
      for (EventRecord e : events) {
        insertEvent(c, e);
      }
    });
  }

  /**
   * Moves an ACTIVE tenant to {@code plan} in one transaction: locks its row, lets {@code check} refuse from what it
   * holds now (so no run start slips in between), rewrites the plan and writes {@code event}.
   *
   * @return false when the tenant is not ACTIVE (nothing written)
   */
  public boolean changePlan(String tenantId, String plan, long now, UsageCheck check, EventRecord event) {
    return sql.transaction(c -> {
      lockTenant(c, tenantId);
      check.check(usage(c, tenantId));
      int n = Sql.update(c, "UPDATE tw_tenant SET plan = ?, updated_at = ? WHERE id = ? AND state = ?", plan, now,
          tenantId, TenantState.ACTIVE);
      if (n == 1) {
        insertEvent(c, event);
      }
      return n == 1;
    });
  }

  private static void lockTenant(Connection c, String tenantId) throws SQLException {
    // an UPDATE locks the row on both databases (H2 and PostgreSQL), unlike SELECT … FOR UPDATE on H2's MVCC
    Sql.update(c, "UPDATE tw_tenant SET updated_at = updated_at WHERE id = ?", tenantId);
  }

  private static Usage usage(Connection c, String tenantId) throws SQLException {
    List<EnvironmentRecord> envs = Sql.list(c, "SELECT * FROM tw_environment WHERE tenant_id = ? AND state <> ?",
        Journal::environment, tenantId, EnvironmentState.DESTROYED);
    Map<String, Integer> byType = new java.util.HashMap<>();
    for (String[] row : Sql.list(c, "SELECT r.type, count(*) FROM tw_resource r JOIN tw_environment e"
        + " ON e.id = r.environment_id WHERE e.tenant_id = ? AND e.state <> ? GROUP BY r.type",
        rs -> new String[] {rs.getString(1), String.valueOf(rs.getInt(2))}, tenantId, EnvironmentState.DESTROYED)) {
      byType.put(row[0], Integer.parseInt(row[1]));
    }
    return new Usage(envs, byType);
  }

  private static void insertRun(Connection c, RunRecord run) throws SQLException {
    Sql.update(c, "INSERT INTO tw_run (id, environment_id, tenant_id, kind, state, idempotency_key,"
            + " active_environment, options, step_count, owner, lease_until, lease_generation, error,"
            + " created_at, started_at, finished_at, stalled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        run.id(), run.environmentId(), run.tenantId(), run.kind(), run.state(), run.idempotencyKey(),
        run.state().isTerminal() ? null : run.environmentId(), run.optionsJson(), run.stepCount(), run.owner(),
        Sql.bigint(run.leaseUntil()), run.leaseGeneration(), run.error(), run.createdAt(), Sql.bigint(run.startedAt()),
        Sql.bigint(run.finishedAt()), run.stalled());
  }

  private static void insertSteps(Connection c, List<StepRecord> steps) throws SQLException {
    if (steps.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO tw_step (run_id, name, seq, action, type, state,"
        + " attempt, deadline, origin, outputs, error, in_doubt, started_at, finished_at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (StepRecord s : steps) {
        Sql.bind(ps, s.runId(), s.name(), s.seq(), s.action(), s.type(), s.state(), s.attempt(),
            Sql.bigint(s.deadline()), s.origin() == null ? null : s.origin().name(), s.outputsJson(), s.error(),
            s.inDoubt(), Sql.bigint(s.startedAt()), Sql.bigint(s.finishedAt()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  public Optional<RunRecord> run(String id) {
    return sql.read(c -> Sql.one(c, "SELECT * FROM tw_run WHERE id = ?", Journal::run, id));
  }

  /** The run an idempotency key started in an environment (keys are scoped to their environment). */
  public Optional<RunRecord> runByKey(String environmentId, String key) {
    return sql.read(c -> Sql.one(c, "SELECT * FROM tw_run WHERE environment_id = ? AND idempotency_key = ?",
        Journal::run, environmentId, key));
  }

  public Optional<RunRecord> activeRun(String environmentId) {
    return sql.read(c -> Sql.one(c, "SELECT * FROM tw_run WHERE active_environment = ?", Journal::run, environmentId));
  }

  public List<RunRecord> runs(String environmentId) {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_run WHERE environment_id = ? ORDER BY created_at, id",
        Journal::run, environmentId));
  }

  /** The newest run of {@code kind} of the environment that ended in {@code state}. */
  public Optional<RunRecord> latestRun(String environmentId, RunKind kind, RunState state) {
    return sql.read(c -> Sql.one(c, "SELECT * FROM tw_run WHERE environment_id = ? AND kind = ? AND state = ?"
        + " ORDER BY created_at DESC, id DESC LIMIT 1", Journal::run, environmentId, kind, state));
  }

  /** Runs that are not finished: the ones a starting engine resumes. */
  public List<RunRecord> unfinishedRuns() {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_run WHERE active_environment IS NOT NULL"
        + " ORDER BY created_at, id", Journal::run));
  }

  public List<StepRecord> steps(String runId) {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_step WHERE run_id = ? ORDER BY seq", Journal::step, runId));
  }

  public List<EventRecord> events(String runId) {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_event WHERE run_id = ? ORDER BY id", Journal::event, runId));
  }

  public List<EventRecord> tenantEvents(String tenantId) {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_event WHERE tenant_id = ? ORDER BY id", Journal::event,
        tenantId));
  }

  /** The highest event id, 0 when there is none. */
  public long lastEventId() {
    return sql.read(c -> Sql.one(c, "SELECT MAX(id) FROM tw_event", rs -> rs.getLong(1)).orElse(0L));
  }

  /** Events of every tenant after {@code afterId}, oldest first, at most {@code limit}. */
  public List<EventRecord> eventsAfter(long afterId, int limit) {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_event WHERE id > ? ORDER BY id FETCH FIRST " + limit
        + " ROWS ONLY", Journal::event, afterId));
  }

  /** A tenant's events with {@code afterId < id <= upToId}, oldest first, at most {@code limit}. */
  public List<EventRecord> tenantEventsBetween(String tenantId, long afterId, long upToId, int limit) {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_event WHERE tenant_id = ? AND id > ? AND id <= ? ORDER BY id"
        + " FETCH FIRST " + limit + " ROWS ONLY", Journal::event, tenantId, afterId, upToId));
  }

  /** A run's events with {@code afterId < id <= upToId}, oldest first, at most {@code limit}. */
  public List<EventRecord> runEventsBetween(String runId, long afterId, long upToId, int limit) {
    return sql.read(c -> Sql.list(c, "SELECT * FROM tw_event WHERE run_id = ? AND id > ? AND id <= ? ORDER BY id"
        + " FETCH FIRST " + limit + " ROWS ONLY", Journal::event, runId, afterId, upToId));
  }

  /** The newest {@code limit} events of a tenant, oldest first. */
  public List<EventRecord> latestTenantEvents(String tenantId, int limit) {
    return sql.read(c -> Sql.list(c, "SELECT * FROM (SELECT * FROM tw_event WHERE tenant_id = ? ORDER BY id DESC"
        + " LIMIT ?) latest ORDER BY id", Journal::event, tenantId, limit));
  }

  /**
   * Records a cancel request from any engine: moves a QUEUED or RUNNING run to CANCELLING with its event. The
   * engine that executes the run (or takes it over later) rolls it back.
   *
   * @return false when the run was not QUEUED or RUNNING (already cancelling, rolling back or finished)
   */
  public boolean requestCancel(String runId, String error, EventRecord event) {
    return sql.transaction(c -> {
      int n = Sql.update(c, "UPDATE tw_run SET state = ?, error = ? WHERE id = ? AND state IN (?, ?)",
          RunState.CANCELLING, error, runId, RunState.QUEUED, RunState.RUNNING);
      if (n == 1) {
        insertEvent(c, event);
      }
      return n == 1;
    });
  }

  // ---------------------------------------------------------------- step checkpoints

  /**
   * Records (or replaces) a step's checkpoint, only while {@code owner} still holds the run's lease at
   * {@code generation}: on H2 the fence extends the lease to {@code leaseUntil} and the row is written in the same
   * transaction; on PostgreSQL the fence and the upsert are one statement (a data-modifying CTE and {@code tw_check},
   * as a run's transitions are), leaving the lease to the heartbeat. Shares a transaction with other runs' writes
   * that are ready at the same moment ({@link GroupCommit}).
   *
   * @throws JournalException {@link Reason#STALE_LEASE} when the lease moved on: nothing is written
   */
  public void checkpoint(String runId, String owner, long generation, long leaseUntil, String step, String name,
      String content, int attempt, long at) {
    if (oneStatement) {
      groups.commit(c -> checked(c, "WITH f AS (SELECT 1 FROM tw_run WHERE id = ? AND owner = ?"
              + " AND lease_generation = ? FOR SHARE), o AS (INSERT INTO tw_step_checkpoint (run_id, step, name, content,"
              + " attempt, recorded_at) SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM f)"
              + " ON CONFLICT (run_id, step, name) DO UPDATE SET content = EXCLUDED.content, attempt = EXCLUDED.attempt,"
              + " recorded_at = EXCLUDED.recorded_at RETURNING 1)"
              + " SELECT tw_check((SELECT count(*) FROM f), ARRAY[(SELECT count(*) FROM o)]::BIGINT[], ARRAY[?]::TEXT[])",
          new Object[] {runId, owner, generation, runId, step, name, content, attempt, at,
              "checkpoint " + runId + "/" + step + "/" + name}, runId, owner, generation));
    } else {
      groups.commit(c -> {
        Leases.fence(c, runId, owner, generation, leaseUntil);
        // no upsert both databases share; the fence makes this the only writer of the run's rows
        if (Sql.update(c, "UPDATE tw_step_checkpoint SET content = ?, attempt = ?, recorded_at = ? WHERE run_id = ?"
            + " AND step = ? AND name = ?", content, attempt, at, runId, step, name) == 0) {
          Sql.update(c, "INSERT INTO tw_step_checkpoint (run_id, step, name, content, attempt, recorded_at)"
              + " VALUES (?, ?, ?, ?, ?, ?)", runId, step, name, content, attempt, at);
        }
      });
    }
  }

  /** The value a step recorded under {@code name} in a run, by any attempt, or empty. */
  public Optional<String> checkpoint(String runId, String step, String name) {
    return sql.read(c -> Sql.one(c, "SELECT content FROM tw_step_checkpoint WHERE run_id = ? AND step = ? AND name = ?",
        rs -> rs.getString(1), runId, step, name));
  }

  /** Writes a batch of changes in one transaction. */
  public void commit(Batch batch) {
    if (batch.ops.isEmpty()) {
      return;
    }
    sql.transaction(c -> {
      batch.apply(c);
      return null;
    });
  }

  /**
   * Writes a batch of a run's changes in one transaction, but only while {@code owner} still holds the run's
   * lease at {@code generation}; the same statement extends the lease to {@code leaseUntil}. An engine that
   * lost its lease (paused, partitioned, slow) is fenced out: nothing is written. (On PostgreSQL a batch that is one
   * statement leaves the lease to the heartbeat: see {@link Batch#applyAsOne}.) Batches of different runs that
   * are committed at the same moment share a transaction ({@link GroupCommit}); each still gets its own outcome.
   *
   * @throws JournalException {@link Reason#STALE_LEASE} when the lease moved on
   */
  public void commitFenced(String runId, String owner, long generation, long leaseUntil, Batch batch) {
    if (oneStatement && batch.asOne) {
      groups.commit(c -> batch.applyAsOne(c, runId, owner, generation));
    } else {
      groups.commit(c -> {
        Leases.fence(c, runId, owner, generation, leaseUntil);
        batch.apply(c);
      });
    }
  }

  /** Starts an empty batch. */
  public Batch batch() {
    return new Batch();
  }

  /**
   * Changes to commit together. Operations run in the order they were added; a state change is written only
   * where the stored row is still in the state the change started from.
   *
   * <p>Not thread-safe; build it on one thread and hand it to {@link #commit}.
   */
  public static final class Batch {

    @FunctionalInterface
    private interface Op {
      void apply(Connection c) throws SQLException;
    }

    /** One row change as a statement that can stand in a data-modifying CTE; {@code what} names a required row. */
    private record Piece(String sql, Object[] args, String what) {}

    private final List<Op> ops = new ArrayList<>(4);
    private final List<Piece> pieces = new ArrayList<>(4);
    /** The rows changed so far: a row changed twice cannot be written by one statement. */
    private final java.util.Set<String> rows = new java.util.HashSet<>(8);
    /** Whether every change so far has a {@link Piece} and no row is changed twice. */
    private boolean asOne = true;

    private Batch() {}

    private void apply(Connection c) throws SQLException {
      for (Op op : ops) {
        op.apply(c);
      }
    }

    /**
     * {@code sql} changed so that it writes nothing unless the fence matched: every change reads the fence first, so
     * a stale lease is reported as such (and not as, say, a duplicate key of a row the new owner wrote meanwhile).
     */
    private static String guarded(String sql) {
      String fenced = "EXISTS (SELECT 1 FROM f)";
      int values = sql.indexOf(" VALUES (");
      if (values >= 0 && sql.endsWith(")")) {
        return sql.substring(0, values) + " SELECT " + sql.substring(values + 9, sql.length() - 1) + " WHERE " + fenced;
      }
      if (!sql.contains(" WHERE ")) {
        throw new IllegalStateException("a change without WHERE cannot be fenced: " + sql);
      }
      return sql + " AND " + fenced;
    }

    /** Adds a change that has both forms: statements run one by one, and a piece of the one-statement form. */
    private Batch add(String row, String sql, String what, Object... args) {
      ops.add(c -> {
        int n = Sql.update(c, sql, args);
        if (what != null) {
          requireOne(n, what);
        }
      });
      pieces.add(new Piece(sql, args, what));
      if (row != null && !rows.add(row)) {
        asOne = false;
      }
      return this;
    }

    /**
     * Writes the batch and the lease fence as one statement (PostgreSQL): each change is a data-modifying CTE, and
     * {@code tw_check} raises when the fence or a required row matched nothing, so the transaction rolls back as a
     * whole. One round trip instead of one per statement; the changes run in the order they were added, because the
     * check reads their counts in that order.
     *
     * <p>The fence here only reads the run row, share-locked, instead of rewriting it to extend the lease: the lock
     * makes a concurrent claim wait for this commit (and then see its effects), the generation check refuses a stale
     * engine exactly as the rewrite did, and the heartbeat extends the lease every third of its length anyway. Not
     * rewriting the run row at every transition spares PostgreSQL a new row version (and its WAL) per commit.
     */
    private void applyAsOne(Connection c, String runId, String owner, long generation)
        throws SQLException {
      StringBuilder q = new StringBuilder(256 + 128 * pieces.size())
          .append("WITH f AS (SELECT 1 FROM tw_run WHERE id = ? AND owner = ? AND lease_generation = ? FOR SHARE)");
      List<Object> args = new ArrayList<>(16 + 12 * pieces.size());
      args.add(runId);
      args.add(owner);
      args.add(generation);
      for (int i = 0; i < pieces.size(); i++) {
        Piece p = pieces.get(i);
        q.append(", o").append(i).append(" AS (").append(guarded(p.sql())).append(" RETURNING 1)");
        args.addAll(java.util.Arrays.asList(p.args()));
      }
      q.append(" SELECT tw_check((SELECT count(*) FROM f), ARRAY[");
      for (int i = 0; i < pieces.size(); i++) {
        q.append(i == 0 ? "" : ", ").append("(SELECT count(*) FROM o").append(i).append(')');
      }
      q.append("]::BIGINT[], ARRAY[");
      for (int i = 0; i < pieces.size(); i++) {
        q.append(i == 0 ? "?" : ", ?");
        args.add(pieces.get(i).what());
      }
      q.append("]::TEXT[])");
      checked(c, q.toString(), args.toArray(), runId, owner, generation);
    }

    /** Moves a step from {@code from} to {@code to} (made by one of {@link StepRecord}'s transitions). */
    public Batch step(StepRecord from, StepRecord to) {
      if (to.state() != from.state() && !from.state().canMoveTo(to.state())) {
        throw new IllegalStateException("illegal step transition " + from.state() + " -> " + to.state());
      }
      // only the columns the transition changes: a step's outputs (the largest column) are written once
      StringBuilder q = new StringBuilder("UPDATE tw_step SET state = ?");
      List<Object> args = new ArrayList<>(12);
      args.add(to.state());
      String origin = to.origin() == null ? null : to.origin().name();
      changed(q, args, "attempt", from.attempt(), to.attempt(), to.attempt());
      changed(q, args, "deadline", from.deadline(), to.deadline(), Sql.bigint(to.deadline()));
      changed(q, args, "origin", from.origin(), to.origin(), origin);
      changed(q, args, "outputs", from.outputsJson(), to.outputsJson(), to.outputsJson());
      changed(q, args, "error", from.error(), to.error(), to.error());
      changed(q, args, "in_doubt", from.inDoubt(), to.inDoubt(), to.inDoubt());
      changed(q, args, "started_at", from.startedAt(), to.startedAt(), Sql.bigint(to.startedAt()));
      changed(q, args, "finished_at", from.finishedAt(), to.finishedAt(), Sql.bigint(to.finishedAt()));
      q.append(" WHERE run_id = ? AND name = ? AND state = ?");
      args.add(to.runId());
      args.add(to.name());
      args.add(from.state());
      return add("step " + to.runId() + "/" + to.name(), q.toString(),
          "step " + to.runId() + "/" + to.name() + " in state " + from.state(), args.toArray());
    }

    /** Sets {@code column} to {@code bound} when the value changed from {@code before} to {@code after}. */
    private static void changed(StringBuilder q, List<Object> args, String column, Object before, Object after,
        Object bound) {
      if (!java.util.Objects.equals(before, after)) {
        q.append(", ").append(column).append(" = ?");
        args.add(bound);
      }
    }

    /**
     * Moves a run from {@code from}'s state to {@code to}'s; a terminal state frees the environment for its next
     * run. Owner, lease and generation are only changed by {@link Leases}.
     */
    public Batch run(RunRecord from, RunRecord to) {
      return add("run " + to.id(), "UPDATE tw_run SET state = ?, active_environment = ?, error = ?, started_at = ?,"
              + " finished_at = ?, stalled = NULL, left_behind = ? WHERE id = ? AND state = ?",
          "run " + to.id() + " in state " + from.state(), to.state(),
          to.state().isTerminal() ? null : to.environmentId(), to.error(), Sql.bigint(to.startedAt()),
          Sql.bigint(to.finishedAt()), to.leftBehind().isEmpty() ? null : json(to.leftBehind()), to.id(),
          from.state());
    }

    /** Rewrites an environment row (its state changed through {@link EnvironmentRecord#moveTo}). */
    public Batch environment(EnvironmentRecord e) {
      return add("environment " + e.id(), "UPDATE tw_environment SET state = ?, blueprint = ?, parameters = ?,"
              + " last_error = ?, updated_at = ?, version = version + 1 WHERE id = ?", "environment " + e.id(),
          e.state(), e.blueprint(), e.parametersJson(), e.lastError(), e.updatedAt(), e.id());
    }

    /** Rewrites a tenant's state. */
    public Batch tenant(TenantRecord t) {
      return add("tenant " + t.id(), "UPDATE tw_tenant SET state = ?, updated_at = ? WHERE id = ?", "tenant " + t.id(),
          t.state(), t.updatedAt(), t.id());
    }

    /** Inserts or rewrites a resource row. */
    public Batch resource(ResourceRecord r, boolean exists) {
      String row = "resource " + r.environmentId() + "/" + r.name();
      return exists
          ? add(row, "UPDATE tw_resource SET type = ?, origin = ?, params = ?, spec_hash = ?, outputs = ?,"
              + " updated_at = ?, resolved = ? WHERE environment_id = ? AND name = ?", "resource " + r.name(), r.type(),
              r.origin(), r.paramsJson(), r.specHash(), r.outputsJson(), r.updatedAt(), r.resolvedJson(),
              r.environmentId(), r.name())
          : add(row, "INSERT INTO tw_resource (environment_id, name, type, origin, params, spec_hash, outputs,"
              + " updated_at, resolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "resource " + r.name(), r.environmentId(),
              r.name(), r.type(), r.origin(), r.paramsJson(), r.specHash(), r.outputsJson(), r.updatedAt(),
              r.resolvedJson());
    }

    /** Deletes a resource row (the object is gone from its backend, or no longer ours). */
    public Batch deleteResource(String environmentId, String name) {
      return add("resource " + environmentId + "/" + name,
          "DELETE FROM tw_resource WHERE environment_id = ? AND name = ?", null, environmentId, name);
    }

    /** Releases the host names a resource no longer uses (all of them when {@code keep} is empty). */
    public Batch releaseHostNames(String environmentId, String resource, java.util.Set<String> keep) {
      ops.add(c -> HostNameRegistry.release(c, environmentId, resource, keep));
      asOne = false;
      return this;
    }

    /** Releases the host names held for resources the environment no longer has. */
    public Batch releaseOrphanHostNames(String environmentId) {
      ops.add(c -> HostNameRegistry.releaseOrphans(c, environmentId));
      asOne = false;
      return this;
    }

    /** Inserts an audit event. */
    public Batch event(EventRecord e) {
      if (e == null) {
        return this;
      }
      return add(null, INSERT_EVENT, null, eventArgs(e));
    }

    /** Adds work of another journal table to the same transaction. */
    Batch raw(Op op) {
      ops.add(op);
      asOne = false;
      return this;
    }

    /** Whether nothing was added. */
    public boolean isEmpty() {
      return ops.isEmpty();
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Runs a one-statement fenced write ending in {@code tw_check} (PostgreSQL), turning its refusals into
   * {@link Reason#STALE_LEASE} (the fence matched nothing) and {@link Reason#STALE_STATE} (a required row did not).
   */
  private static void checked(Connection c, String q, Object[] args, String runId, String owner, long generation)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(q)) {
      Sql.bind(ps, args);
      ps.executeQuery().close();
    } catch (SQLException e) {
      if ("TWL01".equals(e.getSQLState())) {
        throw new JournalException(Reason.STALE_LEASE, "the lease of run " + runId + " (generation " + generation
            + ") is no longer held by " + owner, e);
      }
      if ("TWS01".equals(e.getSQLState())) {
        throw new JournalException(Reason.STALE_STATE, Sql.describe(e), e);
      }
      throw e;
    }
  }

  static void requireOne(int rows, String what) {
    if (rows != 1) {
      throw new JournalException(Reason.STALE_STATE, what + " was not found for update", null);
    }
  }

  private static void insertEnvironment(Connection c, EnvironmentRecord e) throws SQLException {
    Sql.update(c, "INSERT INTO tw_environment (id, tenant_id, name, kind, state, blueprint, parameters, last_error,"
            + " created_at, updated_at, version, naming) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)", e.id(),
        e.tenantId(), e.name(), e.kind(), e.state(), e.blueprint(), e.parametersJson(), e.lastError(), e.createdAt(),
        e.updatedAt(), e.naming());
  }

  private static final String INSERT_EVENT = "INSERT INTO tw_event (run_id, tenant_id, environment_id, step, type,"
      + " step_index, step_count, percent, message, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private static Object[] eventArgs(EventRecord e) {
    return new Object[] {e.runId(), e.tenantId(), e.environmentId(), e.step(), e.type(), e.stepIndex(), e.stepCount(),
        e.percent(), e.message(), e.actor(), e.at()};
  }

  static void insertEvent(Connection c, EventRecord e) throws SQLException {
    if (e == null) {
      return;
    }
    Sql.update(c, INSERT_EVENT, eventArgs(e));
  }

  private static String json(Object mapOrList) {
    try {
      return PLAIN.writeValueAsString(mapOrList);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static TenantRecord tenant(ResultSet rs) throws SQLException {
    Map<String, String> attrs;
    try {
      attrs = PLAIN.readValue(rs.getString("attributes"), STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new SQLException("corrupt tenant attributes", e);
    }
    return new TenantRecord(rs.getString("id"), rs.getString("display_name"), rs.getString("email"),
        rs.getString("plan"), attrs, TenantState.valueOf(rs.getString("state")), rs.getLong("created_at"),
        rs.getLong("updated_at"));
  }

  static EnvironmentRecord environment(ResultSet rs) throws SQLException {
    return new EnvironmentRecord(rs.getString("id"), rs.getString("tenant_id"), rs.getString("name"),
        EnvironmentKind.valueOf(rs.getString("kind")), EnvironmentState.valueOf(rs.getString("state")),
        rs.getString("blueprint"), rs.getString("parameters"), rs.getString("last_error"),
        rs.getLong("created_at"), rs.getLong("updated_at"), rs.getLong("version"), rs.getInt("naming"));
  }

  private static ResourceRecord resource(ResultSet rs) throws SQLException {
    return new ResourceRecord(rs.getString("environment_id"), rs.getString("name"), rs.getString("type"),
        Origin.valueOf(rs.getString("origin")), rs.getString("params"), rs.getString("spec_hash"),
        rs.getString("outputs"), rs.getLong("updated_at"), rs.getString("resolved"));
  }

  static RunRecord run(ResultSet rs) throws SQLException {
    return new RunRecord(rs.getString("id"), rs.getString("environment_id"), rs.getString("tenant_id"),
        RunKind.valueOf(rs.getString("kind")), RunState.valueOf(rs.getString("state")),
        rs.getString("idempotency_key"), rs.getString("options"), rs.getInt("step_count"), rs.getString("owner"),
        Sql.longOrNull(rs, "lease_until"), rs.getLong("lease_generation"), rs.getString("error"),
        rs.getLong("created_at"), Sql.longOrNull(rs, "started_at"), Sql.longOrNull(rs, "finished_at"),
        rs.getString("stalled"), leftBehind(rs.getString("left_behind")));
  }

  private static List<String> leftBehind(String json) throws SQLException {
    try {
      return json == null ? List.of() : PLAIN.readValue(json, STRING_LIST);
    } catch (JsonProcessingException e) {
      throw new SQLException("corrupt left_behind of a run", e);
    }
  }

  static StepRecord step(ResultSet rs) throws SQLException {
    String origin = rs.getString("origin");
    return new StepRecord(rs.getString("run_id"), rs.getString("name"), rs.getInt("seq"),
        StepAction.valueOf(rs.getString("action")), rs.getString("type"), StepState.valueOf(rs.getString("state")),
        rs.getInt("attempt"), Sql.longOrNull(rs, "deadline"), origin == null ? null : Origin.valueOf(origin),
        rs.getString("outputs"), rs.getString("error"), rs.getBoolean("in_doubt"), Sql.longOrNull(rs, "started_at"),
        Sql.longOrNull(rs, "finished_at"));
  }

  static EventRecord event(ResultSet rs) throws SQLException {
    return new EventRecord(rs.getLong("id"), rs.getString("run_id"), rs.getString("tenant_id"),
        rs.getString("environment_id"), rs.getString("step"), EventType.valueOf(rs.getString("type")),
        rs.getInt("step_index"), rs.getInt("step_count"), rs.getInt("percent"), rs.getString("message"),
        rs.getString("actor"), rs.getLong("at"));
  }

  // ---------------------------------------------------------------- health

  /**
   * The run counts of {@link dev.tenantwright.core.EngineHealth}; see its javadoc for what each one means.
   *
   * @param awaitingTakeover unfinished runs, not stalled, whose lease is free or expired at the time asked about
   * @param stalled unfinished runs that are stalled and that no engine executes now
   * @param failedUnresolved FAILED runs that are still the newest run of their environment
   */
  public record HealthCounts(int awaitingTakeover, int stalled, int failedUnresolved) {}

  /**
   * Counts the runs that wait for something other than their backends, as of {@code now} (epoch milliseconds), in
   * one statement read once: a failure is reported at once, not retried, since a health probe must answer quickly.
   * The unfinished runs are found through the unique index on {@code active_environment}, the FAILED ones through
   * {@code tw_run_state_ix} and their newer runs through {@code tw_run_environment_ix}.
   *
   * @throws JournalException when the journal cannot be read
   */
  public HealthCounts healthCounts(long now) {
    return sql.readOnce(c -> Sql.one(c, "SELECT"
            + " (SELECT count(*) FROM tw_run WHERE active_environment IS NOT NULL AND stalled IS NULL"
            + " AND (lease_until IS NULL OR lease_until < ?)),"
            + " (SELECT count(*) FROM tw_run WHERE active_environment IS NOT NULL AND stalled IS NOT NULL"
            + " AND (owner IS NULL OR lease_until IS NULL OR lease_until < ?)),"
            + " (SELECT count(*) FROM tw_run r WHERE r.state = ? AND NOT EXISTS (SELECT 1 FROM tw_run n"
            + " WHERE n.environment_id = r.environment_id"
            + " AND (n.created_at > r.created_at OR (n.created_at = r.created_at AND n.id > r.id))))",
        rs -> new HealthCounts(rs.getInt(1), rs.getInt(2), rs.getInt(3)), now, now, RunState.FAILED).orElseThrow());
  }
}
