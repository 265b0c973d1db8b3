package dev.tenantwright.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The durable floor of a journaled step, measured on the engine's own database: one {@code INSERT} and one
 * commit for the step's intent (RUNNING, before the side effect) and one of each for its result (SUCCEEDED,
 * after it) — two committed writes on one connection, which no journal that survives a crash can beat. A commit
 * counts as done as the engine counts it: on H2 only after the {@code CHECKPOINT} that writes it to the file.
 *
 * <p>Owns its connection; not thread-safe.
 */
public final class Floor implements AutoCloseable {

  private final Connection connection;
  private final PreparedStatement insert;
  private final Statement flush;
  private final String afterCommit;
  private long seq;

  /**
   * Prepares the floor table (once per database) and the statement on {@code connection}, which it closes.
   *
   * @param afterCommit the statement the journal runs after each commit on this store ({@link BenchStore#afterCommit})
   *     or null
   */
  public Floor(Connection connection, String afterCommit) throws SQLException {
    this.connection = connection;
    this.afterCommit = afterCommit;
    connection.setAutoCommit(true);
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS bench_floor (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
          + "run_id VARCHAR(40) NOT NULL, step VARCHAR(64) NOT NULL, state VARCHAR(20) NOT NULL, at BIGINT NOT NULL)");
    }
    connection.setAutoCommit(false);
    this.insert = connection.prepareStatement("INSERT INTO bench_floor (run_id, step, state, at) VALUES (?, ?, ?, ?)");
    this.flush = connection.createStatement();
  }

  /** One step's two committed writes. */
  public void step() throws SQLException {
    long n = ++seq;
    write(n, "RUNNING");
    write(n, "SUCCEEDED");
  }

  private void write(long n, String state) throws SQLException {
    insert.setString(1, "floor-run");
    insert.setString(2, "s" + n);
    insert.setString(3, state);
    insert.setLong(4, System.currentTimeMillis());
    insert.executeUpdate();
    connection.commit();
    if (afterCommit != null) {
      flush.execute(afterCommit);
    }
  }

  /** Runs {@code steps} steps and returns the mean microseconds per step. */
  public double microsPerStep(int steps) throws SQLException {
    long t0 = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      step();
    }
    return (System.nanoTime() - t0) / 1_000.0 / steps;
  }

  /**
   * Like {@link #microsPerStep}, but each write runs on {@code worker} while the caller waits for it: the floor
   * plus the two thread hand-offs per step that any engine running steps on a pool pays (intent, then result).
   */
  public double microsPerStepHandedOff(int steps, ExecutorService worker) throws SQLException {
    long t0 = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      long n = ++seq;
      await(worker.submit(() -> {
        write(n, "RUNNING");
        return null;
      }));
      await(worker.submit(() -> {
        write(n, "SUCCEEDED");
        return null;
      }));
    }
    return (System.nanoTime() - t0) / 1_000.0 / steps;
  }

  private static void await(Future<?> f) throws SQLException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof SQLException s ? s : new SQLException(e.getCause());
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      insert.close();
    } finally {
      connection.close();
    }
  }
}
