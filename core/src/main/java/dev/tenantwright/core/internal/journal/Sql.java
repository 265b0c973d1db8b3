package dev.tenantwright.core.internal.journal;

import dev.tenantwright.core.internal.journal.JournalException.Reason;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the journal's statements and transactions over plain JDBC, retrying transient failures.
 *
 * <p>Why not a higher-level library here: whether a failed transaction may be run again depends on where it
 * failed. A failure while taking a connection or running a statement, and a deadlock or serialization failure
 * (the database rolled the transaction back), leave nothing behind, so the transaction is retried a bounded
 * number of times with a short, jittered backoff. A lost connection during {@code COMMIT} leaves the outcome
 * unknown: such a transaction is retried only when it is idempotent; otherwise the caller gets
 * {@link Reason#UNKNOWN_OUTCOME} and must re-read the journal (the engine abandons the run and resumes it from
 * what was committed). Past the retries the caller gets {@link Reason#UNAVAILABLE}. On H2 a commit counts as done
 * only once it is in the database file (see {@link #Sql(DataSource, int, long, String)}); a failure on the way
 * there is a failure during {@code COMMIT}; and write transactions run one at a time, so that what H2 writes to
 * its file never holds another transaction's uncommitted changes.
 *
 * <p>Thread-safe; holds no connection between calls.
 */
public final class Sql {

  private static final Logger LOG = LoggerFactory.getLogger(Sql.class);

  /** Work on a connection. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  /** Maps the current row. */
  @FunctionalInterface
  public interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private final DataSource dataSource;
  private final int attempts;
  private final long backoffMillis;
  private final String flush;
  /** Held by a write transaction from its first statement to its flush, when there is a flush (H2). */
  private final ReentrantLock writes = new ReentrantLock(true);

  Sql(DataSource dataSource, int attempts, long backoffMillis) {
    this(dataSource, attempts, backoffMillis, null);
  }

  /**
   * @param flush a statement run after every commit, before the commit counts as done — H2's {@code CHECKPOINT},
   *     which writes the committed state to the database file (H2 itself writes it in the background, so a process
   *     killed right after a commit would lose it); null for none. With a flush, write transactions are
   *     serialised: a {@code CHECKPOINT} taken while another transaction had uncommitted changes wrote them to the
   *     file, and after a kill -9 H2 reopened such a file with a row it could never lock again (the engine's
   *     start-up spun in {@code UPDATE tw_run} for minutes — found by the kill -9 chaos test)
   */
  Sql(DataSource dataSource, int attempts, long backoffMillis, String flush) {
    this.dataSource = dataSource;
    this.attempts = attempts;
    this.backoffMillis = backoffMillis;
    this.flush = flush;
  }

  /** Runs {@code work} in one transaction; retries it only where it surely did not commit. */
  public <T> T transaction(Work<T> work) {
    return run(work, true, false);
  }

  /** Runs {@code work} in one transaction that may safely run twice; retries it even after a lost COMMIT. */
  public <T> T idempotentTransaction(Work<T> work) {
    return run(work, true, true);
  }

  /** Runs read-only {@code work} outside a transaction, retrying transient failures. */
  public <T> T read(Work<T> work) {
    return run(work, false, true);
  }

  /**
   * Runs read-only {@code work} outside a transaction once: a failure is reported at once instead of retried, for a
   * probe that must answer quickly (it still waits as long as the DataSource takes to give or refuse a connection).
   */
  public <T> T readOnce(Work<T> work) {
    return run(work, false, true, 1);
  }

  private <T> T run(Work<T> work, boolean transactional, boolean idempotent) {
    return run(work, transactional, idempotent, attempts);
  }

  private <T> T run(Work<T> work, boolean transactional, boolean idempotent, int maxAttempts) {
    boolean serial = transactional && flush != null;
    // An embedded H2 reads and writes its file on the calling thread, and a FileChannel touched by an interrupted
    // thread closes — for every connection (H2's async: file system, which the embedded URL uses, is immune; a
    // host's own H2 URL may not be). So on H2 the interrupt waits until the journal work is done: the caller sees it
    // right after, as it would have a moment later.
    boolean interrupted = flush != null && Thread.interrupted();
    if (serial) {
      writes.lock();
    }
    try {
      return attempt(work, transactional, idempotent, maxAttempts);
    } finally {
      if (serial) {
        writes.unlock();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private <T> T attempt(Work<T> work, boolean transactional, boolean idempotent, int maxAttempts) {
    for (int attempt = 1; ; attempt++) {
      boolean committing = false;
      try (Connection c = dataSource.getConnection()) {
        if (!transactional) {
          return work.apply(c);
        }
        boolean auto = c.getAutoCommit();
        if (auto) {
          c.setAutoCommit(false);
        }
        try {
          T result = work.apply(c);
          committing = true;
          c.commit();
          if (flush != null) {
            try (Statement s = c.createStatement()) {
              s.execute(flush);
            }
          }
          return result;
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(c);
          throw e;
        } finally {
          if (auto) {
            restoreAutoCommit(c);
          }
        }
      } catch (SQLException e) {
        RuntimeException refused = JournalException.translate(e);
        if (refused != null) {
          throw refused;
        }
        if (!isTransient(e)) {
          throw new JournalException(Reason.FAILED, "journal statement failed: " + describe(e), e);
        }
        boolean unknown = committing && !rolledBack(e);
        if (unknown && !idempotent) {
          throw new JournalException(Reason.UNKNOWN_OUTCOME, "the journal connection failed while committing ("
              + describe(e) + "); whether the change was recorded is unknown", e);
        }
        if (attempt >= maxAttempts) {
          throw new JournalException(Reason.UNAVAILABLE, "the journal is unavailable after " + attempt
              + " attempts: " + describe(e), e);
        }
        LOG.debug("transient journal failure (attempt {} of {}): {}", attempt, attempts, describe(e));
        pause(attempt);
      }
    }
  }

  private void pause(int attempt) {
    long ceiling = Math.min(1000, backoffMillis << Math.min(attempt - 1, 10));
    try {
      Thread.sleep(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JournalException(Reason.UNAVAILABLE, "interrupted while waiting to retry a journal write", e);
    }
  }

  /**
   * Whether a failure is worth retrying: a lost or refused connection (SQLState class 08, a pool time-out), a
   * serialization failure or deadlock (40001, 40P01), a server shutting down or out of connections (57P0x,
   * 53300), a lock that could not be had (55P03, H2's lock time-out 50200 and concurrent update 90131).
   */
  static boolean isTransient(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        if (state != null && (state.startsWith("08") || state.equals("40001") || state.equals("40P01")
            || state.startsWith("57P0") || state.equals("53300") || state.equals("55P03"))) {
          return true;
        }
        if (s.getErrorCode() == 50200 || s.getErrorCode() == 90131) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the database itself aborted the transaction (so nothing of it was committed). */
  static boolean rolledBack(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        if ("40001".equals(state) || "40P01".equals(state) || s.getErrorCode() == 50200 || s.getErrorCode() == 90131) {
          return true;
        }
      }
    }
    return false;
  }

  static String describe(SQLException e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)) + (e.getSQLState() == null ? "" : " [" + e.getSQLState() + "]");
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; closing it discards the transaction
    }
  }

  private static void restoreAutoCommit(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException ignored) {
      // the connection is broken; the pool discards it
    }
  }

  // ------------------------------------------------------------------------------------------ statements

  /** Executes an INSERT, UPDATE or DELETE and returns the row count. */
  public static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    }
  }

  /** Runs a query and maps every row. */
  public static <T> List<T> list(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(row.map(rs));
        }
        return out;
      }
    }
  }

  /** Runs a query expected to return at most one row. */
  public static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... args) throws SQLException {
    List<T> all = list(c, sql, row, args);
    if (all.size() > 1) {
      throw new SQLException("expected at most one row, got " + all.size() + ": " + sql);
    }
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      int p = i + 1;
      if (a == null) {
        ps.setNull(p, Types.VARCHAR);
      } else if (a instanceof Null n) {
        ps.setNull(p, n.type);
      } else if (a instanceof String s) {
        ps.setString(p, s);
      } else if (a instanceof Long l) {
        ps.setLong(p, l);
      } else if (a instanceof Integer n) {
        ps.setInt(p, n);
      } else if (a instanceof Boolean b) {
        ps.setBoolean(p, b);
      } else if (a instanceof Enum<?> en) {
        ps.setString(p, en.name());
      } else {
        throw new SQLException("cannot bind " + a.getClass().getSimpleName());
      }
    }
  }

  /** A typed SQL NULL, for columns that are not text. */
  public record Null(int type) {
    public static final Null BIGINT = new Null(Types.BIGINT);
    public static final Null INTEGER = new Null(Types.INTEGER);
  }

  /** {@code value} or a BIGINT NULL. */
  public static Object bigint(Long value) {
    return value == null ? Null.BIGINT : value;
  }

  /** A nullable BIGINT column. */
  public static Long longOrNull(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : v;
  }

  /** A lower-case message, for matching constraint names. */
  static String lower(SQLException e) {
    return String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
  }
}
