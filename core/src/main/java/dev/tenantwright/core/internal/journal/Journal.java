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
 * Reads and writes the journal's tenant, environment, resource, run, step and event tables. Every public
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

  private final Sql sql;

  public Journal(Database database) {
    this.sql = database.sql();
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
   * environments and resources as of this transaction, so concurrent starts cannot exceed a quota together.
   *
   * @throws JournalException {@link Reason#ACTIVE_RUN_EXISTS} when the environment has an active run,
   *     {@link Reason#IDEMPOTENCY_KEY_TAKEN} when the key was used before, {@link Reason#ENVIRONMENT_EXISTS} or
   *     {@link Reason#ENVIRONMENT_CHANGED} when the environment changed since it was read
   */
  public void createRun(EnvironmentRecord env, boolean environmentExists, RunRecord run, List<StepRecord> steps,
      List<EventRecord> events, UsageCheck usage) {
    sql.transaction(c -> {
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
      return null;
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
   * lost its lease (paused, partitioned, slow) is fenced out: nothing is written.
   *
   * @throws JournalException {@link Reason#STALE_LEASE} when the lease moved on
   */
  public void commitFenced(String runId, String owner, long generation, long leaseUntil, Batch batch) {
    sql.transaction(c -> {
      Leases.fence(c, runId, owner, generation, leaseUntil);
      batch.apply(c);
      return null;
    });
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

    private final List<Op> ops = new ArrayList<>(4);

    private Batch() {}

    private void apply(Connection c) throws SQLException {
      for (Op op : ops) {
        op.apply(c);
      }
    }

    /** Moves a step from {@code from} to {@code to} (made by one of {@link StepRecord}'s transitions). */
    public Batch step(StepRecord from, StepRecord to) {
      if (to.state() != from.state() && !from.state().canMoveTo(to.state())) {
        throw new IllegalStateException("illegal step transition " + from.state() + " -> " + to.state());
      }
      ops.add(c -> requireOne(Sql.update(c, "UPDATE tw_step SET state = ?, attempt = ?, deadline = ?, origin = ?,"
              + " outputs = ?, error = ?, in_doubt = ?, started_at = ?, finished_at = ?"
              + " WHERE run_id = ? AND name = ? AND state = ?", to.state(), to.attempt(), Sql.bigint(to.deadline()),
          to.origin() == null ? null : to.origin().name(), to.outputsJson(), to.error(), to.inDoubt(),
          Sql.bigint(to.startedAt()), Sql.bigint(to.finishedAt()), to.runId(), to.name(), from.state()),
          "step " + to.runId() + "/" + to.name() + " in state " + from.state()));
      return this;
    }

    /**
     * Moves a run from {@code from}'s state to {@code to}'s; a terminal state frees the environment for its next
     * run. Owner, lease and generation are only changed by {@link Leases}.
     */
    public Batch run(RunRecord from, RunRecord to) {
      ops.add(c -> requireOne(Sql.update(c, "UPDATE tw_run SET state = ?, active_environment = ?, error = ?,"
              + " started_at = ?, finished_at = ?, stalled = NULL WHERE id = ? AND state = ?", to.state(),
          to.state().isTerminal() ? null : to.environmentId(), to.error(), Sql.bigint(to.startedAt()),
          Sql.bigint(to.finishedAt()), to.id(), from.state()), "run " + to.id() + " in state " + from.state()));
      return this;
    }

    /** Rewrites an environment row (its state changed through {@link EnvironmentRecord#moveTo}). */
    public Batch environment(EnvironmentRecord e) {
      ops.add(c -> requireOne(Sql.update(c, "UPDATE tw_environment SET state = ?, blueprint = ?, parameters = ?,"
              + " last_error = ?, updated_at = ?, version = version + 1 WHERE id = ?", e.state(), e.blueprint(),
          e.parametersJson(), e.lastError(), e.updatedAt(), e.id()), "environment " + e.id()));
      return this;
    }

    /** Rewrites a tenant's state. */
    public Batch tenant(TenantRecord t) {
      ops.add(c -> requireOne(Sql.update(c, "UPDATE tw_tenant SET state = ?, updated_at = ? WHERE id = ?",
          t.state(), t.updatedAt(), t.id()), "tenant " + t.id()));
      return this;
    }

    /** Inserts or rewrites a resource row. */
    public Batch resource(ResourceRecord r, boolean exists) {
      ops.add(c -> requireOne(exists
          ? Sql.update(c, "UPDATE tw_resource SET type = ?, origin = ?, params = ?, spec_hash = ?, outputs = ?,"
              + " updated_at = ?, resolved = ? WHERE environment_id = ? AND name = ?", r.type(), r.origin(),
              r.paramsJson(), r.specHash(), r.outputsJson(), r.updatedAt(), r.resolvedJson(), r.environmentId(),
              r.name())
          : Sql.update(c, "INSERT INTO tw_resource (environment_id, name, type, origin, params, spec_hash, outputs,"
              + " updated_at, resolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", r.environmentId(), r.name(), r.type(),
              r.origin(), r.paramsJson(), r.specHash(), r.outputsJson(), r.updatedAt(), r.resolvedJson()),
          "resource " + r.name()));
      return this;
    }

    /** Deletes a resource row (the object is gone from its backend, or no longer ours). */
    public Batch deleteResource(String environmentId, String name) {
      ops.add(c -> Sql.update(c, "DELETE FROM tw_resource WHERE environment_id = ? AND name = ?", environmentId, name));
      return this;
    }

    /** Releases the host names a resource no longer uses (all of them when {@code keep} is empty). */
    public Batch releaseHostNames(String environmentId, String resource, java.util.Set<String> keep) {
      ops.add(c -> HostNameRegistry.release(c, environmentId, resource, keep));
      return this;
    }

    /** Releases the host names held for resources the environment no longer has. */
    public Batch releaseOrphanHostNames(String environmentId) {
      ops.add(c -> HostNameRegistry.releaseOrphans(c, environmentId));
      return this;
    }

    /** Inserts an audit event. */
    public Batch event(EventRecord e) {
      ops.add(c -> insertEvent(c, e));
      return this;
    }

    /** Adds work of another journal table to the same transaction. */
    Batch raw(Op op) {
      ops.add(op);
      return this;
    }

    /** Whether nothing was added. */
    public boolean isEmpty() {
      return ops.isEmpty();
    }
  }

  // ---------------------------------------------------------------- helpers

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

  static void insertEvent(Connection c, EventRecord e) throws SQLException {
    if (e == null) {
      return;
    }
    Sql.update(c, "INSERT INTO tw_event (run_id, tenant_id, environment_id, step, type, step_index, step_count,"
            + " percent, message, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", e.runId(), e.tenantId(),
        e.environmentId(), e.step(), e.type(), e.stepIndex(), e.stepCount(), e.percent(), e.message(), e.actor(),
        e.at());
  }

  private static String json(Map<String, String> map) {
    try {
      return PLAIN.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TenantRecord tenant(ResultSet rs) throws SQLException {
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
        rs.getString("stalled"));
  }

  private static StepRecord step(ResultSet rs) throws SQLException {
    String origin = rs.getString("origin");
    return new StepRecord(rs.getString("run_id"), rs.getString("name"), rs.getInt("seq"),
        StepAction.valueOf(rs.getString("action")), rs.getString("type"), StepState.valueOf(rs.getString("state")),
        rs.getInt("attempt"), Sql.longOrNull(rs, "deadline"), origin == null ? null : Origin.valueOf(origin),
        rs.getString("outputs"), rs.getString("error"), rs.getBoolean("in_doubt"), Sql.longOrNull(rs, "started_at"),
        Sql.longOrNull(rs, "finished_at"));
  }

  private static EventRecord event(ResultSet rs) throws SQLException {
    return new EventRecord(rs.getLong("id"), rs.getString("run_id"), rs.getString("tenant_id"),
        rs.getString("environment_id"), rs.getString("step"), EventType.valueOf(rs.getString("type")),
        rs.getInt("step_index"), rs.getInt("step_count"), rs.getInt("percent"), rs.getString("message"),
        rs.getString("actor"), rs.getLong("at"));
  }
}
