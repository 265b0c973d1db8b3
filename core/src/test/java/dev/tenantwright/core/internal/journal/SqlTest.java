package dev.tenantwright.core.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** Which journal failures are retried, and what a caller learns when they are not. */
class SqlTest {

  private static DataSource h2() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:sql-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    return ds;
  }

  @Test
  void lostConnectionsSerializationFailuresDeadlocksAndLockTimeoutsAreTransient() {
    assertThat(Sql.isTransient(new SQLException("gone", "08006"))).isTrue();
    assertThat(Sql.isTransient(new SQLTransientConnectionException("pool timed out"))).isTrue();
    assertThat(Sql.isTransient(new SQLException("serialize", "40001"))).isTrue();
    assertThat(Sql.isTransient(new SQLException("deadlock", "40P01"))).isTrue();
    assertThat(Sql.isTransient(new SQLException("lock timeout", "HY000", 50200))).isTrue();
    assertThat(Sql.isTransient(new SQLException("duplicate", "23505"))).isFalse();
    assertThat(Sql.isTransient(new SQLException("syntax", "42000"))).isFalse();
  }

  @Test
  void onlyAnAbortedTransactionCountsAsSurelyNotCommitted() {
    assertThat(Sql.rolledBack(new SQLException("deadlock", "40P01"))).isTrue();
    assertThat(Sql.rolledBack(new SQLException("serialize", "40001"))).isTrue();
    assertThat(Sql.rolledBack(new SQLException("gone", "08006"))).isFalse();
  }

  /**
   * With a flush (H2's CHECKPOINT), no write transaction starts while another is open: a checkpoint taken during
   * another's transaction wrote its uncommitted changes, and H2 reopened such a file after kill -9 with a row no
   * transaction could lock again. Reads still run beside a write.
   */
  @Test
  void withAFlushWriteTransactionsRunOneAtATimeAndReadsBesideThem() throws Exception {
    Sql sql = new Sql(h2(), 3, 1, "CHECKPOINT");
    java.util.concurrent.CountDownLatch inFirst = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger open = new AtomicInteger();
    AtomicInteger overlapped = new AtomicInteger();
    Thread first = new Thread(() -> sql.transaction(c -> {
      open.incrementAndGet();
      inFirst.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      open.decrementAndGet();
      return null;
    }));
    first.start();
    inFirst.await();
    Thread second = new Thread(() -> sql.transaction(c -> {
      if (open.get() > 0) {
        overlapped.incrementAndGet();
      }
      return null;
    }));
    second.start();
    second.join(300);
    assertThat(second.isAlive()).as("the second write waits for the first").isTrue();
    Integer read = sql.read(c -> 7);
    assertThat(read).as("a read does not wait").isEqualTo(7);
    release.countDown();
    first.join(5_000);
    second.join(5_000);
    assertThat(second.isAlive()).isFalse();
    assertThat(overlapped).hasValue(0);
  }

  @Test
  void aTransientFailureBeforeTheCommitIsRetriedAndSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    Sql sql = new Sql(h2(), 4, 1);
    int result = sql.transaction(c -> {
      if (calls.incrementAndGet() < 3) {
        throw new SQLException("deadlock detected", "40P01");
      }
      return 42;
    });
    assertThat(result).isEqualTo(42);
    assertThat(calls).hasValue(3);
  }

  @Test
  void pastTheRetriesTheJournalIsUnavailable() {
    Sql sql = new Sql(h2(), 3, 1);
    assertThatThrownBy(() -> sql.transaction(c -> {
      throw new SQLException("connection refused", "08001");
    })).isInstanceOfSatisfying(JournalException.class, e -> {
      assertThat(e.reason()).isEqualTo(JournalException.Reason.UNAVAILABLE);
      assertThat(e.isOutage()).isTrue();
    }).hasMessageContaining("after 3 attempts");
  }

  @Test
  void aConnectionLostDuringCommitIsAnUnknownOutcomeUnlessTheWorkIsIdempotent() {
    DataSource broken = new FailingCommit(h2());
    Sql sql = new Sql(broken, 3, 1);
    assertThatThrownBy(() -> sql.transaction(c -> 1))
        .isInstanceOfSatisfying(JournalException.class,
            e -> assertThat(e.reason()).isEqualTo(JournalException.Reason.UNKNOWN_OUTCOME));
    assertThatThrownBy(() -> sql.idempotentTransaction(c -> 1))
        .isInstanceOfSatisfying(JournalException.class,
            e -> assertThat(e.reason()).isEqualTo(JournalException.Reason.UNAVAILABLE));
  }

  @Test
  void aNonTransientFailureIsNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    Sql sql = new Sql(h2(), 5, 1);
    assertThatThrownBy(() -> sql.transaction(c -> {
      calls.incrementAndGet();
      throw new SQLException("syntax error", "42000");
    })).isInstanceOfSatisfying(JournalException.class,
        e -> assertThat(e.reason()).isEqualTo(JournalException.Reason.FAILED));
    assertThat(calls).hasValue(1);
  }

  @Test
  void aReadOnceReportsATransientFailureAtOnceWhereAReadRetriesIt() {
    AtomicInteger calls = new AtomicInteger();
    Sql sql = new Sql(h2(), 5, 1);
    assertThatThrownBy(() -> sql.readOnce(c -> {
      calls.incrementAndGet();
      throw new SQLException("connection refused", "08001");
    })).isInstanceOfSatisfying(JournalException.class,
        e -> assertThat(e.reason()).isEqualTo(JournalException.Reason.UNAVAILABLE))
        .hasMessageContaining("after 1 attempts");
    assertThat(calls).hasValue(1);

    calls.set(0);
    assertThatThrownBy(() -> sql.read(c -> {
      calls.incrementAndGet();
      throw new SQLException("connection refused", "08001");
    })).isInstanceOf(JournalException.class);
    assertThat(calls).hasValue(5);
  }

  /** Every commit fails as if the connection broke while committing. */
  private static final class FailingCommit implements DataSource {
    private final DataSource target;

    FailingCommit(DataSource target) {
      this.target = target;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection real = target.getConnection();
      return (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {Connection.class}, (proxy, m, args) -> {
            if (m.getName().equals("commit")) {
              throw new SQLException("I/O error while committing", "08006");
            }
            try {
              return m.invoke(real, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    @Override
    public Connection getConnection(String u, String p) throws SQLException {
      return getConnection();
    }

    @Override
    public java.io.PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(java.io.PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public java.util.logging.Logger getParentLogger() {
      return null;
    }

    @Override
    public <T> T unwrap(Class<T> iface) {
      return null;
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }

  /**
   * A thread whose interrupt flag is set (an engine closing its workers, a step's deadline) writes to the journal
   * without closing an H2 file database: H2 touches the file on the calling thread, and a FileChannel used by an
   * interrupted thread closes, taking the database down for every connection. The interrupt stays set for the caller.
   */
  @Test
  void anInterruptedThreadsWriteLeavesTheH2FileOpenAndKeepsTheInterrupt(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) {
    JdbcDataSource file = new JdbcDataSource();
    file.setURL("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0");
    Sql sql = new Sql(file, 3, 1, "CHECKPOINT");
    try (java.sql.Connection keepOpen = file.getConnection()) {
      sql.transaction(c -> Sql.update(c, "CREATE TABLE t (id INT PRIMARY KEY)"));
      Thread.currentThread().interrupt();
      boolean flagAfter;
      try {
        for (int i = 0; i < 50; i++) {
          int id = i;
          sql.transaction(c -> Sql.update(c, "INSERT INTO t (id) VALUES (?)", id));
        }
      } finally {
        flagAfter = Thread.interrupted();
      }
      assertThat(flagAfter).as("the interrupt is still there for the caller").isTrue();
      int rows = sql.read(c -> Sql.one(c, "SELECT count(*) FROM t", rs -> rs.getInt(1)).orElseThrow());
      assertThat(rows).as("rows written by the interrupted thread, read by a fresh one").isEqualTo(50);
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }
}
