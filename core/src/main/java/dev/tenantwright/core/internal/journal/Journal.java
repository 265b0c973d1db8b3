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
import dev.tenantwright.core.internal.types.PortAllocator;
import dev.tenantwright.spi.CreateResult.Origin;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.TenantwrightException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Update;

/**
 * Reads and writes the journal tables. Every public write method is one transaction, and the event that
 * describes a state change is inserted in the same transaction as the change.
 *
 * <p>Thread-safe: it holds no state beyond the {@link Jdbi} handle factory.
 */
public final class Journal implements PortAllocator {

  private static final ObjectMapper PLAIN = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private final Jdbi jdbi;
  private final boolean singleEngine;

  public Journal(Database database) {
    this.jdbi = database.jdbi();
    this.singleEngine = database.dialect() == Database.Dialect.H2;
  }

  // ---------------------------------------------------------------- tenants

  /** Inserts a tenant and its creation event. */
  public void insertTenant(TenantRecord t, EventRecord event) {
    write(h -> {
      h.createUpdate("INSERT INTO tw_tenant (id, display_name, email, plan, attributes, state, created_at, updated_at)"
              + " VALUES (:id, :dn, :email, :plan, :attrs, :state, :c, :u)")
          .bind("id", t.id()).bind("dn", t.displayName()).bind("email", t.email()).bind("plan", t.plan())
          .bind("attrs", json(t.attributes())).bind("state", t.state().name())
          .bind("c", t.createdAt()).bind("u", t.updatedAt())
          .execute();
      insertEvent(h, event);
    });
  }

  public Optional<TenantRecord> tenant(String id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tw_tenant WHERE id = :id").bind("id", id)
        .map((rs, ctx) -> tenant(rs)).findOne());
  }

  public Optional<TenantRecord> tenantByEmail(String email) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tw_tenant WHERE email = :e").bind("e", email)
        .map((rs, ctx) -> tenant(rs)).findOne());
  }

  public List<TenantRecord> tenants() {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tw_tenant ORDER BY created_at, id")
        .map((rs, ctx) -> tenant(rs)).list());
  }

  // ---------------------------------------------------------------- environments and resources

  public Optional<EnvironmentRecord> environment(String id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tw_environment WHERE id = :id").bind("id", id)
        .map((rs, ctx) -> environment(rs)).findOne());
  }

  public List<EnvironmentRecord> environments(String tenantId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tw_environment WHERE tenant_id = :t ORDER BY created_at, id")
        .bind("t", tenantId).map((rs, ctx) -> environment(rs)).list());
  }

  public List<ResourceRecord> resources(String environmentId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tw_resource WHERE environment_id = :e ORDER BY name")
        .bind("e", environmentId).map((rs, ctx) -> resource(rs)).list());
  }

  // ---------------------------------------------------------------- runs, steps, events

  /**
   * Starts a run: creates or updates its environment row, inserts the run and its steps and the queued
   * event, all in one transaction.
   *
   * @throws JournalException {@link Reason#ACTIVE_RUN_EXISTS} when the environment has an active run,
   *     {@link Reason#IDEMPOTENCY_KEY_TAKEN} when the key was used before
   */
  public void createRun(EnvironmentRecord env, boolean environmentExists, RunRecord run, List<StepRecord> steps,
      EventRecord event) {
    write(h -> {
      if (environmentExists) {
        updateEnvironment(h, env);
      } else {
        insertEnvironment(h, env);
      }
      h.createUpdate("INSERT INTO tw_run (id, environment_id, tenant_id, kind, state, idempotency_key,"
              + " active_environment, options, step_count, owner, lease_until, lease_generation, error,"
              + " created_at, started_at, finished_at) VALUES (:id, :env, :tenant, :kind, :state, :key, :active,"
              + " :options, :count, :owner, :lease, :gen, :error, :created, :started, :finished)")
          .bind("id", run.id()).bind("env", run.environmentId()).bind("tenant", run.tenantId())
          .bind("kind", run.kind().name()).bind("state", run.state().name()).bind("key", run.idempotencyKey())
          .bind("active", run.state().isTerminal() ? null : run.environmentId())
          .bind("options", run.optionsJson()).bind("count", run.stepCount()).bind("owner", run.owner())
          .bind("lease", run.leaseUntil()).bind("gen", run.leaseGeneration()).bind("error", run.error())
          .bind("created", run.createdAt()).bind("started", run.startedAt()).bind("finished", run.finishedAt())
          .execute();
      if (!steps.isEmpty()) {
        PreparedBatch batch = h.prepareBatch("INSERT INTO tw_step (run_id, name, seq, action, type, state, attempt,"
            + " deadline, origin, outputs, error, in_doubt, started_at, finished_at) VALUES (:run, :name, :seq,"
            + " :action, :type, :state, :attempt, :deadline, :origin, :outputs, :error, :doubt, :started, :finished)");
        for (StepRecord s : steps) {
          bindStep(batch, s).add();
        }
        batch.execute();
      }
      insertEvent(h, event);
    });
  }

  public Optional<RunRecord> run(String id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tw_run WHERE id = :id").bind("id", id)
        .map((rs, ctx) -> run(rs)).findOne());
  }

  public Optional<RunRecord> runByKey(String key) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tw_run WHERE idempotency_key = :k").bind("k", key)
        .map((rs, ctx) -> run(rs)).findOne());
  }

  public Optional<RunRecord> activeRun(String environmentId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tw_run WHERE active_environment = :e")
        .bind("e", environmentId).map((rs, ctx) -> run(rs)).findOne());
  }

  public List<RunRecord> runs(String environmentId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tw_run WHERE environment_id = :e ORDER BY created_at, id")
        .bind("e", environmentId).map((rs, ctx) -> run(rs)).list());
  }

  /** Runs that are not finished: the ones a starting engine resumes. */
  public List<RunRecord> unfinishedRuns() {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tw_run WHERE active_environment IS NOT NULL"
        + " ORDER BY created_at, id").map((rs, ctx) -> run(rs)).list());
  }

  public List<StepRecord> steps(String runId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tw_step WHERE run_id = :r ORDER BY seq")
        .bind("r", runId).map((rs, ctx) -> step(rs)).list());
  }

  public List<EventRecord> events(String runId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tw_event WHERE run_id = :r ORDER BY id")
        .bind("r", runId).map((rs, ctx) -> event(rs)).list());
  }

  public List<EventRecord> tenantEvents(String tenantId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM tw_event WHERE tenant_id = :t ORDER BY id")
        .bind("t", tenantId).map((rs, ctx) -> event(rs)).list());
  }

  /**
   * Takes the lease on a run for {@code owner} if it is free or expired, and bumps its generation.
   *
   * @return the new lease generation, or empty when another owner holds a live lease
   */
  public Optional<Long> claim(String runId, String owner, long now, long leaseUntil) {
    // H2 serves one engine only, so there is no other engine whose lease could count.
    long horizon = singleEngine ? Long.MAX_VALUE : now;
    return jdbi.inTransaction(h -> {
      int n = h.createUpdate("UPDATE tw_run SET owner = :o, lease_until = :l, lease_generation = lease_generation + 1"
              + " WHERE id = :id AND active_environment IS NOT NULL"
              + " AND (owner IS NULL OR owner = :o OR lease_until IS NULL OR lease_until < :now)")
          .bind("o", owner).bind("l", leaseUntil).bind("id", runId).bind("now", horizon).execute();
      if (n == 0) {
        return Optional.<Long>empty();
      }
      return Optional.of(h.createQuery("SELECT lease_generation FROM tw_run WHERE id = :id").bind("id", runId)
          .mapTo(Long.class).one());
    });
  }

  /** Gives up this owner's leases on the listed runs so another engine may resume them at once. */
  public void release(List<String> runIds, String owner) {
    if (runIds.isEmpty()) {
      return;
    }
    write(h -> {
      for (String id : runIds) {
        h.createUpdate("UPDATE tw_run SET owner = NULL, lease_until = NULL WHERE id = :id AND owner = :o")
            .bind("id", id).bind("o", owner).execute();
      }
    });
  }

  /** Writes a batch of changes in one transaction. */
  public void commit(Batch batch) {
    if (batch.ops.isEmpty()) {
      return;
    }
    write(h -> batch.ops.forEach(op -> op.accept(h)));
  }

  /**
   * Writes a batch of a run's changes in one transaction, but only while {@code owner} still holds the run's
   * lease at {@code generation}; the same statement extends the lease to {@code leaseUntil}. An engine that
   * lost its lease (paused, partitioned, slow) is fenced out: nothing is written.
   *
   * @throws JournalException {@link Reason#STALE_LEASE} when the lease moved on
   */
  public void commitFenced(String runId, String owner, long generation, long leaseUntil, Batch batch) {
    write(h -> {
      fence(h, runId, owner, generation, leaseUntil);
      batch.ops.forEach(op -> op.accept(h));
    });
  }

  /** Extends the lease of a run this owner holds at this generation; false when it was lost. */
  public boolean heartbeat(String runId, String owner, long generation, long leaseUntil) {
    try {
      write(h -> fence(h, runId, owner, generation, leaseUntil));
      return true;
    } catch (JournalException e) {
      if (e.reason() == Reason.STALE_LEASE) {
        return false;
      }
      throw e;
    }
  }

  private static void fence(Handle h, String runId, String owner, long generation, long leaseUntil) {
    int n = h.createUpdate("UPDATE tw_run SET lease_until = :l WHERE id = :id AND owner = :o AND lease_generation = :g")
        .bind("l", leaseUntil).bind("id", runId).bind("o", owner).bind("g", generation).execute();
    if (n != 1) {
      throw new JournalException(Reason.STALE_LEASE, "the lease of run " + runId + " (generation " + generation
          + ") is no longer held by " + owner, null);
    }
  }

  /** A run this engine claimed, with the lease generation its writes must carry. */
  public record Claim(String runId, long generation) {}

  /**
   * Claims up to {@code limit} unfinished runs whose lease is free or expired, skipping rows another engine
   * is claiming at the same moment ({@code FOR UPDATE SKIP LOCKED} on PostgreSQL), and bumps each lease
   * generation so that the previous owner is fenced out.
   */
  public List<Claim> claimExpired(String owner, long now, long leaseUntil, int limit) {
    long horizon = singleEngine ? Long.MAX_VALUE : now;
    return jdbi.inTransaction(h -> {
      // never this owner's own runs: they are executing here, kept alive by heartbeats even when one is late
      List<String> ids = h.createQuery("SELECT id FROM tw_run WHERE active_environment IS NOT NULL"
              + " AND (owner IS NULL OR (owner <> :o AND (lease_until IS NULL OR lease_until < :now)))"
              + " ORDER BY created_at, id LIMIT :n FOR UPDATE" + (singleEngine ? "" : " SKIP LOCKED"))
          .bind("now", horizon).bind("o", owner).bind("n", limit).mapTo(String.class).list();
      List<Claim> claims = new ArrayList<>();
      for (String id : ids) {
        h.createUpdate("UPDATE tw_run SET owner = :o, lease_until = :l, lease_generation = lease_generation + 1"
            + " WHERE id = :id").bind("o", owner).bind("l", leaseUntil).bind("id", id).execute();
        claims.add(new Claim(id, h.createQuery("SELECT lease_generation FROM tw_run WHERE id = :id").bind("id", id)
            .mapTo(Long.class).one()));
      }
      return claims;
    });
  }

  /** Starts an empty batch. */
  public Batch batch() {
    return new Batch();
  }

  /**
   * Changes to commit together. Operations run in the order they were added.
   *
   * <p>Not thread-safe; build it on one thread and hand it to {@link #commit}.
   */
  public static final class Batch {
    private final List<Consumer<Handle>> ops = new ArrayList<>(4);

    private Batch() {}

    /** Rewrites a step row. */
    public Batch step(StepRecord s) {
      ops.add(h -> {
        Update u = h.createUpdate("UPDATE tw_step SET seq = :seq, action = :action, type = :type, state = :state,"
            + " attempt = :attempt, deadline = :deadline, origin = :origin, outputs = :outputs, error = :error,"
            + " in_doubt = :doubt, started_at = :started, finished_at = :finished WHERE run_id = :run AND name = :name");
        requireOne(bindStep(u, s).execute(), "step " + s.runId() + "/" + s.name());
      });
      return this;
    }

    /** Rewrites a run row; a terminal state frees the environment for its next run. */
    public Batch run(RunRecord r) {
      // owner, lease and generation are only changed by claim, fence, heartbeat and release
      ops.add(h -> requireOne(h.createUpdate("UPDATE tw_run SET state = :state, active_environment = :active,"
              + " options = :options, error = :error, started_at = :started, finished_at = :finished WHERE id = :id")
          .bind("state", r.state().name()).bind("active", r.state().isTerminal() ? null : r.environmentId())
          .bind("options", r.optionsJson()).bind("error", r.error()).bind("started", r.startedAt())
          .bind("finished", r.finishedAt()).bind("id", r.id()).execute(), "run " + r.id()));
      return this;
    }

    /** Rewrites an environment row. */
    public Batch environment(EnvironmentRecord e) {
      ops.add(h -> updateEnvironment(h, e));
      return this;
    }

    /** Rewrites a tenant's state. */
    public Batch tenant(TenantRecord t) {
      ops.add(h -> requireOne(h.createUpdate("UPDATE tw_tenant SET state = :s, updated_at = :u WHERE id = :id")
          .bind("s", t.state().name()).bind("u", t.updatedAt()).bind("id", t.id()).execute(), "tenant " + t.id()));
      return this;
    }

    /** Inserts or rewrites a resource row. */
    public Batch resource(ResourceRecord r, boolean exists) {
      ops.add(h -> {
        String sql = exists
            ? "UPDATE tw_resource SET type = :type, origin = :origin, params = :params, spec_hash = :hash,"
                + " outputs = :outputs, updated_at = :u WHERE environment_id = :env AND name = :name"
            : "INSERT INTO tw_resource (environment_id, name, type, origin, params, spec_hash, outputs, updated_at)"
                + " VALUES (:env, :name, :type, :origin, :params, :hash, :outputs, :u)";
        requireOne(h.createUpdate(sql).bind("env", r.environmentId()).bind("name", r.name()).bind("type", r.type())
            .bind("origin", r.origin().name()).bind("params", r.paramsJson()).bind("hash", r.specHash())
            .bind("outputs", r.outputsJson()).bind("u", r.updatedAt()).execute(), "resource " + r.name());
      });
      return this;
    }

    /** Deletes a resource row (the object is gone from its backend). */
    public Batch deleteResource(String environmentId, String name) {
      ops.add(h -> h.createUpdate("DELETE FROM tw_resource WHERE environment_id = :e AND name = :n")
          .bind("e", environmentId).bind("n", name).execute());
      return this;
    }

    /** Inserts an audit event. */
    public Batch event(EventRecord e) {
      ops.add(h -> insertEvent(h, e));
      return this;
    }

    /** Whether nothing was added. */
    public boolean isEmpty() {
      return ops.isEmpty();
    }
  }

  // ---------------------------------------------------------------- shared backend permits

  /** Makes sure {@code backend} has {@code permits} permit rows (never removes any). */
  public void ensurePermits(String backend, int permits) {
    for (int slot = 0; slot < permits; slot++) {
      int s = slot;
      try {
        write(h -> {
          boolean exists = h.createQuery("SELECT count(*) FROM tw_backend_slot WHERE backend = :b AND slot = :s")
              .bind("b", backend).bind("s", s).mapTo(Integer.class).one() > 0;
          if (!exists) {
            h.createUpdate("INSERT INTO tw_backend_slot (backend, slot) VALUES (:b, :s)").bind("b", backend)
                .bind("s", s).execute();
          }
        });
      } catch (RuntimeException raced) {
        // another engine inserted the same row at the same moment
      }
    }
  }

  /**
   * Takes a free (or expired) permit of {@code backend} for {@code holder} until {@code leaseUntil}.
   *
   * @return the permit's slot number, or -1 when every permit is held
   */
  public int acquirePermit(String backend, String holder, long now, long leaseUntil) {
    return jdbi.inTransaction(h -> {
      Optional<Integer> slot = h.createQuery("SELECT slot FROM tw_backend_slot WHERE backend = :b"
              + " AND (holder IS NULL OR lease_until < :now) ORDER BY slot LIMIT 1 FOR UPDATE"
              + (singleEngine ? "" : " SKIP LOCKED"))
          .bind("b", backend).bind("now", now).mapTo(Integer.class).findOne();
      if (slot.isEmpty()) {
        return -1;
      }
      h.createUpdate("UPDATE tw_backend_slot SET holder = :h, lease_until = :l WHERE backend = :b AND slot = :s")
          .bind("h", holder).bind("l", leaseUntil).bind("b", backend).bind("s", slot.get()).execute();
      return slot.get();
    });
  }

  /** Extends the lease of permits held by {@code holderPrefix}* (this engine). */
  public void extendPermits(String holderPrefix, long leaseUntil) {
    write(h -> h.createUpdate("UPDATE tw_backend_slot SET lease_until = :l WHERE holder LIKE :p")
        .bind("l", leaseUntil).bind("p", holderPrefix + "%").execute());
  }

  /** Gives a permit back. */
  public void releasePermit(String backend, int slot, String holder) {
    write(h -> h.createUpdate("UPDATE tw_backend_slot SET holder = NULL, lease_until = NULL"
            + " WHERE backend = :b AND slot = :s AND holder = :h")
        .bind("b", backend).bind("s", slot).bind("h", holder).execute());
  }

  // ---------------------------------------------------------------- ports

  @Override
  public int allocate(String environmentId, String resourceName, int from, int to) {
    if (from < 1 || to > 65535 || from > to) {
      throw new PermanentException("port range " + from + "-" + to + " is not within 1-65535");
    }
    for (int round = 0; round < 20; round++) {
      OptionalInt existing = find(environmentId, resourceName);
      if (existing.isPresent()) {
        return existing.getAsInt();
      }
      Set<Integer> used = new HashSet<>(jdbi.withHandle(h -> h.createQuery(
              "SELECT port FROM tw_port WHERE port BETWEEN :f AND :t").bind("f", from).bind("t", to)
          .mapTo(Integer.class).list()));
      int size = to - from + 1;
      if (used.size() >= size) {
        throw new PermanentException("no free host port left in range " + from + "-" + to);
      }
      int start = ThreadLocalRandom.current().nextInt(size);
      int candidate = -1;
      for (int i = 0; i < size; i++) {
        int p = from + (start + i) % size;
        if (!used.contains(p)) {
          candidate = p;
          break;
        }
      }
      int port = candidate;
      try {
        write(h -> h.createUpdate("INSERT INTO tw_port (port, environment_id, resource) VALUES (:p, :e, :r)")
            .bind("p", port).bind("e", environmentId).bind("r", resourceName).execute());
        return port;
      } catch (JournalException e) {
        if (e.reason() != Reason.PORT_TAKEN) {
          throw e;
        }
        // another engine took the port, or this resource got one concurrently: look again
      }
    }
    throw new TenantwrightException("could not allocate a host port after 20 attempts (heavy contention)");
  }

  @Override
  public void release(String environmentId, String resourceName) {
    write(h -> h.createUpdate("DELETE FROM tw_port WHERE environment_id = :e AND resource = :r")
        .bind("e", environmentId).bind("r", resourceName).execute());
  }

  @Override
  public OptionalInt find(String environmentId, String resourceName) {
    Optional<Integer> p = jdbi.withHandle(h -> h.createQuery(
            "SELECT port FROM tw_port WHERE environment_id = :e AND resource = :r")
        .bind("e", environmentId).bind("r", resourceName).mapTo(Integer.class).findOne());
    return p.map(OptionalInt::of).orElse(OptionalInt.empty());
  }

  // ---------------------------------------------------------------- helpers

  private void write(Consumer<Handle> work) {
    try {
      jdbi.useTransaction(work::accept);
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  private static RuntimeException translate(RuntimeException e) {
    SQLException sql = findSql(e);
    if (sql == null || !"23505".equals(sql.getSQLState())) {
      return e;
    }
    String m = String.valueOf(sql.getMessage()).toLowerCase(Locale.ROOT);
    if (m.contains("tw_tenant_email_uk")) {
      return new JournalException(Reason.TENANT_EMAIL_TAKEN, "e-mail already owns a tenant", e);
    }
    if (m.contains("tw_run_active_uk")) {
      return new JournalException(Reason.ACTIVE_RUN_EXISTS, "environment already has an active run", e);
    }
    if (m.contains("tw_run_key_uk")) {
      return new JournalException(Reason.IDEMPOTENCY_KEY_TAKEN, "idempotency key already used", e);
    }
    if (m.contains("tw_port")) {
      return new JournalException(Reason.PORT_TAKEN, "port already allocated", e);
    }
    if (m.contains("tw_environment")) {
      return new JournalException(Reason.ENVIRONMENT_EXISTS, "environment already exists", e);
    }
    if (m.contains("tw_tenant")) {
      return new JournalException(Reason.TENANT_ID_TAKEN, "tenant id already taken", e);
    }
    return e;
  }

  private static SQLException findSql(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException s) {
        return s;
      }
    }
    return null;
  }

  private static void requireOne(int rows, String what) {
    if (rows != 1) {
      throw new JournalException(Reason.STALE_STATE, what + " was not found for update", null);
    }
  }

  private static void insertEnvironment(Handle h, EnvironmentRecord e) {
    h.createUpdate("INSERT INTO tw_environment (id, tenant_id, name, kind, state, blueprint, parameters, last_error,"
            + " created_at, updated_at) VALUES (:id, :t, :n, :k, :s, :b, :p, :err, :c, :u)")
        .bind("id", e.id()).bind("t", e.tenantId()).bind("n", e.name()).bind("k", e.kind().name())
        .bind("s", e.state().name()).bind("b", e.blueprint()).bind("p", e.parametersJson())
        .bind("err", e.lastError()).bind("c", e.createdAt()).bind("u", e.updatedAt()).execute();
  }

  private static void updateEnvironment(Handle h, EnvironmentRecord e) {
    requireOne(h.createUpdate("UPDATE tw_environment SET state = :s, blueprint = :b, parameters = :p,"
            + " last_error = :err, updated_at = :u WHERE id = :id")
        .bind("s", e.state().name()).bind("b", e.blueprint()).bind("p", e.parametersJson())
        .bind("err", e.lastError()).bind("u", e.updatedAt()).bind("id", e.id()).execute(), "environment " + e.id());
  }

  private static void insertEvent(Handle h, EventRecord e) {
    if (e == null) {
      return;
    }
    h.createUpdate("INSERT INTO tw_event (run_id, tenant_id, environment_id, step, type, step_index, step_count,"
            + " percent, message, actor, at) VALUES (:run, :tenant, :env, :step, :type, :i, :n, :pct, :msg, :actor, :at)")
        .bind("run", e.runId()).bind("tenant", e.tenantId()).bind("env", e.environmentId()).bind("step", e.step())
        .bind("type", e.type().name()).bind("i", e.stepIndex()).bind("n", e.stepCount()).bind("pct", e.percent())
        .bind("msg", e.message()).bind("actor", e.actor()).bind("at", e.at()).execute();
  }

  private static <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bindStep(T st, StepRecord s) {
    return st.bind("run", s.runId()).bind("name", s.name()).bind("seq", s.seq()).bind("action", s.action().name())
        .bind("type", s.type()).bind("state", s.state().name()).bind("attempt", s.attempt())
        .bind("deadline", s.deadline()).bind("origin", s.origin() == null ? null : s.origin().name())
        .bind("outputs", s.outputsJson()).bind("error", s.error()).bind("doubt", s.inDoubt())
        .bind("started", s.startedAt()).bind("finished", s.finishedAt());
  }

  private static String json(Map<String, String> map) {
    try {
      return PLAIN.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Long longOrNull(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : v;
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

  private static EnvironmentRecord environment(ResultSet rs) throws SQLException {
    return new EnvironmentRecord(rs.getString("id"), rs.getString("tenant_id"), rs.getString("name"),
        EnvironmentKind.valueOf(rs.getString("kind")), EnvironmentState.valueOf(rs.getString("state")),
        rs.getString("blueprint"), rs.getString("parameters"), rs.getString("last_error"),
        rs.getLong("created_at"), rs.getLong("updated_at"));
  }

  private static ResourceRecord resource(ResultSet rs) throws SQLException {
    return new ResourceRecord(rs.getString("environment_id"), rs.getString("name"), rs.getString("type"),
        Origin.valueOf(rs.getString("origin")), rs.getString("params"), rs.getString("spec_hash"),
        rs.getString("outputs"), rs.getLong("updated_at"));
  }

  private static RunRecord run(ResultSet rs) throws SQLException {
    return new RunRecord(rs.getString("id"), rs.getString("environment_id"), rs.getString("tenant_id"),
        RunKind.valueOf(rs.getString("kind")), RunState.valueOf(rs.getString("state")),
        rs.getString("idempotency_key"), rs.getString("options"), rs.getInt("step_count"), rs.getString("owner"),
        longOrNull(rs, "lease_until"), rs.getLong("lease_generation"), rs.getString("error"),
        rs.getLong("created_at"), longOrNull(rs, "started_at"), longOrNull(rs, "finished_at"));
  }

  private static StepRecord step(ResultSet rs) throws SQLException {
    String origin = rs.getString("origin");
    return new StepRecord(rs.getString("run_id"), rs.getString("name"), rs.getInt("seq"),
        StepAction.valueOf(rs.getString("action")), rs.getString("type"), StepState.valueOf(rs.getString("state")),
        rs.getInt("attempt"), longOrNull(rs, "deadline"), origin == null ? null : Origin.valueOf(origin),
        rs.getString("outputs"), rs.getString("error"), rs.getBoolean("in_doubt"), longOrNull(rs, "started_at"),
        longOrNull(rs, "finished_at"));
  }

  private static EventRecord event(ResultSet rs) throws SQLException {
    return new EventRecord(rs.getLong("id"), rs.getString("run_id"), rs.getString("tenant_id"),
        rs.getString("environment_id"), rs.getString("step"), EventType.valueOf(rs.getString("type")),
        rs.getInt("step_index"), rs.getInt("step_count"), rs.getInt("percent"), rs.getString("message"),
        rs.getString("actor"), rs.getLong("at"));
  }
}
