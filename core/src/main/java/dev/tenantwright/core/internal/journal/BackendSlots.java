package dev.tenantwright.core.internal.journal;

/**
 * Per-backend limits that hold across every engine on the database. Concurrency: one row of
 * {@code tw_backend_slot} per permit, held by owning the row under a lease so that a dead engine's permits
 * come back. Rate (PostgreSQL only; on H2 there is one engine and the rate stays in memory): one row of
 * {@code tw_backend_rate} per backend holding the next free start time, which each attempt moves on by the
 * backend's spacing in one statement. Thread-safe.
 */
public final class BackendSlots {

  private final Sql sql;
  private final boolean singleEngine;

  public BackendSlots(Database database) {
    this.sql = database.sql();
    this.singleEngine = database.dialect() == Database.Dialect.H2;
  }

  /** Whether rates are kept in the journal for every engine (PostgreSQL) rather than in each engine's memory. */
  public boolean sharesRates() {
    return !singleEngine;
  }

  /** Makes sure {@code backend} has a rate row. */
  public void ensureRate(String backend) {
    try {
      sql.transaction(c -> Sql.update(c, "INSERT INTO tw_backend_rate (backend, next_at) VALUES (?, 0)"
          + " ON CONFLICT (backend) DO NOTHING", backend));
    } catch (JournalException raced) {
      // a concurrent insert of the same row; ON CONFLICT covers all but a failed journal, which the first reserve
      // reports
    }
  }

  /**
   * Reserves the next start of an attempt on {@code backend} for a caller arriving at {@code nowMicros} (epoch
   * microseconds): the later of now and the row's next free start, which moves on by {@code spacingMicros}. One
   * statement under the row's lock, so engines take their turns one after another. Run again after a lost commit it
   * only leaves a gap in the rate, so it counts as idempotent.
   *
   * @return the reserved start, in epoch microseconds
   */
  public long reserveRate(String backend, long nowMicros, long spacingMicros) {
    return sql.idempotentTransaction(c -> Sql.one(c, "UPDATE tw_backend_rate SET next_at = GREATEST(next_at, ?) + ?"
        + " WHERE backend = ? RETURNING next_at - ?", rs -> rs.getLong(1), nowMicros, spacingMicros, backend,
        spacingMicros).orElseThrow(() -> new JournalException(JournalException.Reason.FAILED,
            "backend " + backend + " has no rate row", null)));
  }

  /** Makes sure {@code backend} has {@code permits} permit rows (never removes any). */
  public void ensure(String backend, int permits) {
    for (int slot = 0; slot < permits; slot++) {
      int s = slot;
      try {
        sql.transaction(c -> {
          boolean exists = Sql.one(c, "SELECT count(*) FROM tw_backend_slot WHERE backend = ? AND slot = ?",
              rs -> rs.getInt(1), backend, s).orElse(0) > 0;
          if (!exists) {
            Sql.update(c, "INSERT INTO tw_backend_slot (backend, slot) VALUES (?, ?)", backend, s);
          }
          return null;
        });
      } catch (JournalException raced) {
        // another engine inserted the same row at the same moment
      }
    }
  }

  /**
   * Takes a free (or expired) permit of {@code backend} for {@code holder} until {@code leaseUntil}.
   *
   * @return the permit's slot number, or -1 when every permit is held
   */
  public int acquire(String backend, String holder, long now, long leaseUntil) {
    return sql.transaction(c -> {
      int slot = Sql.one(c, "SELECT slot FROM tw_backend_slot WHERE backend = ?"
              + " AND (holder IS NULL OR lease_until < ?) ORDER BY slot LIMIT 1 FOR UPDATE"
              + (singleEngine ? "" : " SKIP LOCKED"), rs -> rs.getInt(1), backend, now).orElse(-1);
      if (slot >= 0) {
        Sql.update(c, "UPDATE tw_backend_slot SET holder = ?, lease_until = ? WHERE backend = ? AND slot = ?",
            holder, leaseUntil, backend, slot);
      }
      return slot;
    });
  }

  /** Extends the lease of permits held by {@code holderPrefix}* (this engine). */
  public void extend(String holderPrefix, long leaseUntil) {
    sql.idempotentTransaction(c -> Sql.update(c, "UPDATE tw_backend_slot SET lease_until = ? WHERE holder LIKE ?",
        leaseUntil, holderPrefix + "%"));
  }

  /** Gives a permit back. */
  public void release(String backend, int slot, String holder) {
    sql.idempotentTransaction(c -> Sql.update(c, "UPDATE tw_backend_slot SET holder = NULL, lease_until = NULL"
        + " WHERE backend = ? AND slot = ? AND holder = ?", backend, slot, holder));
  }
}
