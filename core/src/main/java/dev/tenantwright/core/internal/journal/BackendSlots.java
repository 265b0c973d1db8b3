package dev.tenantwright.core.internal.journal;

/**
 * Per-backend concurrency limits that hold across every engine on the database: one row of
 * {@code tw_backend_slot} per permit, held by owning the row under a lease so that a dead engine's permits
 * come back. Thread-safe.
 */
public final class BackendSlots {

  private final Sql sql;
  private final boolean singleEngine;

  public BackendSlots(Database database) {
    this.sql = database.sql();
    this.singleEngine = database.dialect() == Database.Dialect.H2;
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
