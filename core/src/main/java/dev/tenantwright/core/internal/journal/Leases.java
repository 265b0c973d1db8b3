package dev.tenantwright.core.internal.journal;

import dev.tenantwright.core.RunState;
import dev.tenantwright.core.internal.journal.JournalException.Reason;
import dev.tenantwright.core.internal.journal.Records.EventRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which engine executes which run: the {@code owner}, {@code lease_until} and {@code lease_generation} columns
 * of {@code tw_run}.
 *
 * <p>An engine holds a run while its lease is in the future; heartbeats extend it. Claiming bumps the
 * generation, and every write of a run carries the generation it was claimed with (see
 * {@link Journal#commitFenced}), so an engine that lost a run writes nothing more. H2 serves one engine: when
 * it starts, every unfinished run is its own whatever the stored lease says. Thread-safe.
 */
public final class Leases {

  private final Sql sql;
  private final boolean singleEngine;

  public Leases(Database database) {
    this.sql = database.sql();
    this.singleEngine = database.dialect() == Database.Dialect.H2;
  }

  /**
   * Takes the lease on a run for {@code owner} if it is free, expired or already this owner's, and bumps its
   * generation.
   *
   * @param startUp whether this is the engine's start-up recovery (on H2, every unfinished run is then free)
   * @return the new lease generation, or empty when another owner holds a live lease or the run finished
   */
  public Optional<Long> claim(String runId, String owner, long now, long leaseUntil, boolean startUp) {
    long horizon = singleEngine && startUp ? Long.MAX_VALUE : now;
    return sql.idempotentTransaction(c -> {
      int n = Sql.update(c, "UPDATE tw_run SET owner = ?, lease_until = ?, lease_generation = lease_generation + 1"
          + " WHERE id = ? AND active_environment IS NOT NULL"
          + " AND (owner IS NULL OR owner = ? OR lease_until IS NULL OR lease_until < ?)",
          owner, leaseUntil, runId, owner, horizon);
      if (n == 0) {
        return Optional.<Long>empty();
      }
      return Sql.one(c, "SELECT lease_generation FROM tw_run WHERE id = ?", rs -> rs.getLong(1), runId);
    });
  }

  /**
   * A run this engine claimed, with the lease generation its writes must carry and the engine whose lease it was
   * (null when the lease had been given back).
   */
  public record Claim(String runId, long generation, String previousOwner) {}

  /**
   * Claims up to {@code limit} unfinished runs whose lease is free or expired — except those in
   * {@code skip} (executing here, or still finishing calls here) — skipping rows another engine is claiming at
   * the same moment ({@code FOR UPDATE SKIP LOCKED} on PostgreSQL), and bumps each generation so that the
   * previous owner is fenced out. A stalled run is only claimed again once its back-off (its lease) expired.
   */
  public List<Claim> claimExpired(String owner, long now, long leaseUntil, int limit, Set<String> skip) {
    return sql.idempotentTransaction(c -> {
      List<String[]> rows = Sql.list(c, "SELECT id, owner FROM tw_run WHERE active_environment IS NOT NULL"
              + " AND (lease_until IS NULL OR lease_until < ?)"
              + " ORDER BY created_at, id LIMIT ? FOR UPDATE" + (singleEngine ? "" : " SKIP LOCKED"),
          rs -> new String[] {rs.getString(1), rs.getString(2)}, now, limit + skip.size());
      List<Claim> claims = new ArrayList<>();
      for (String[] row : rows) {
        String id = row[0];
        if (skip.contains(id) || claims.size() >= limit) {
          continue;
        }
        Sql.update(c, "UPDATE tw_run SET owner = ?, lease_until = ?, lease_generation = lease_generation + 1"
            + " WHERE id = ?", owner, leaseUntil, id);
        claims.add(new Claim(id, Sql.one(c, "SELECT lease_generation FROM tw_run WHERE id = ?", rs -> rs.getLong(1), id)
            .orElseThrow(), row[1]));
      }
      return claims;
    });
  }

  /**
   * Extends this owner's leases on {@code runIds} and returns the unfinished ones it no longer holds (another
   * engine claimed them): their executions must stop.
   */
  public Set<String> extend(List<String> runIds, String owner, long leaseUntil) {
    Set<String> lost = new HashSet<>();
    for (int from = 0; from < runIds.size(); from += 500) {
      List<String> chunk = runIds.subList(from, Math.min(runIds.size(), from + 500));
      String in = placeholders(chunk.size());
      lost.addAll(sql.idempotentTransaction(c -> {
        Object[] args = new Object[chunk.size() + 2];
        args[0] = leaseUntil;
        args[1] = owner;
        for (int i = 0; i < chunk.size(); i++) {
          args[i + 2] = chunk.get(i);
        }
        Sql.update(c, "UPDATE tw_run SET lease_until = ? WHERE owner = ? AND active_environment IS NOT NULL"
            + " AND id IN (" + in + ")", args);
        Object[] held = new Object[chunk.size() + 1];
        held[0] = owner;
        System.arraycopy(args, 2, held, 1, chunk.size());
        // a run that finished meanwhile is not lost: only one whose owner changed is
        return new HashSet<>(Sql.list(c, "SELECT id FROM tw_run WHERE (owner IS NULL OR owner <> ?)"
            + " AND active_environment IS NOT NULL AND id IN (" + in + ")", rs -> rs.getString(1), held));
      }));
    }
    return lost;
  }

  /** The runs this owner executes that were asked to cancel (by any engine): id and the cancel message. */
  public List<String[]> cancelling(String owner) {
    return sql.read(c -> Sql.list(c, "SELECT id, error FROM tw_run WHERE owner = ? AND state = ?"
        + " AND active_environment IS NOT NULL", rs -> new String[] {rs.getString(1), rs.getString(2)}, owner,
        RunState.CANCELLING));
  }

  /** Gives up this owner's leases on the listed runs so that another engine (or this one) resumes them at once. */
  public void release(List<String> runIds, String owner) {
    if (runIds.isEmpty()) {
      return;
    }
    sql.idempotentTransaction(c -> {
      for (String id : runIds) {
        Sql.update(c, "UPDATE tw_run SET owner = NULL, lease_until = NULL WHERE id = ? AND owner = ?", id, owner);
      }
      return null;
    });
  }

  /**
   * Records that the run cannot be resumed now (its blueprint or a plugin is missing, or its journal rows cannot
   * be written): gives the lease up, with {@code retryAt} as the earliest time any engine claims it again, and
   * writes {@code event} when the reason is new.
   */
  public void stall(String runId, String owner, long generation, String reason, long retryAt, EventRecord event) {
    sql.idempotentTransaction(c -> {
      int n = Sql.update(c, "UPDATE tw_run SET owner = NULL, lease_until = ?, stalled = ? WHERE id = ? AND owner = ?"
          + " AND lease_generation = ? AND active_environment IS NOT NULL AND (stalled IS NULL OR stalled <> ?)",
          retryAt, reason, runId, owner, generation, reason);
      if (n == 1) {
        Journal.insertEvent(c, event);
      } else {
        Sql.update(c, "UPDATE tw_run SET owner = NULL, lease_until = ? WHERE id = ? AND owner = ?"
            + " AND lease_generation = ?", retryAt, runId, owner, generation);
      }
      return null;
    });
  }

  /** Fences a write: extends the lease if {@code owner} holds it at {@code generation}, else refuses. */
  static void fence(Connection c, String runId, String owner, long generation, long leaseUntil) throws SQLException {
    int n = Sql.update(c, "UPDATE tw_run SET lease_until = ? WHERE id = ? AND owner = ? AND lease_generation = ?",
        leaseUntil, runId, owner, generation);
    if (n != 1) {
      throw new JournalException(Reason.STALE_LEASE, "the lease of run " + runId + " (generation " + generation
          + ") is no longer held by " + owner, null);
    }
  }

  private static String placeholders(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "?" : ", ?");
    }
    return sb.toString();
  }
}
