package dev.tenantwright.benchmarks;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.SchedulableInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The peer the engine is compared with: db-scheduler, a persistent task scheduler that keeps one row per
 * scheduled execution in a table ({@code scheduled_tasks}) of the same database, run in this JVM.
 *
 * <p>Settings, chosen to be fair to it (the settings its own README and tests use for low latency):
 * {@value #SETTINGS}. Immediate execution wakes the poller when a task is scheduled for now; lock-and-fetch
 * picks due executions with one {@code UPDATE … FOR UPDATE SKIP LOCKED … RETURNING} on PostgreSQL.
 *
 * <p>Two tasks, neither doing anything in its handler: {@code bench-one}, whose completion deletes its row, and
 * {@code bench-chain}, whose completion replaces its row with the chain's next link
 * ({@code ExecutionOperations.removeAndScheduleNew}, db-scheduler's own way to chain jobs, as in its
 * {@code JobChainingUsingSeparateTasksMain} example) until the last link deletes it. Each execution is recorded
 * in the current {@link Burst} once its completion has been written. The table is created with the PostgreSQL DDL
 * db-scheduler ships in its repository ({@code postgresql_tables.sql}, the 16.x columns and indexes).
 *
 * <p>Not thread-safe: one burst at a time. Closing stops the scheduler.
 */
final class DbSchedulerPeer implements AutoCloseable {

  /** The scheduler settings, for the row's note and the README. */
  static final String SETTINGS =
      "threads(16), pollingInterval(10 ms), enableImmediateExecution(), pollUsingLockAndFetch(0.5, 1.0)";

  private static final String ONE = "bench-one";
  private static final String CHAIN = "bench-chain";
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final String[] DDL = {
      "CREATE TABLE scheduled_tasks (task_name TEXT NOT NULL, task_instance TEXT NOT NULL, task_data BYTEA, "
          + "execution_time TIMESTAMP WITH TIME ZONE NOT NULL, picked BOOLEAN NOT NULL, picked_by TEXT, "
          + "last_success TIMESTAMP WITH TIME ZONE, last_failure TIMESTAMP WITH TIME ZONE, consecutive_failures INT, "
          + "last_heartbeat TIMESTAMP WITH TIME ZONE, version BIGINT NOT NULL, priority SMALLINT, "
          + "PRIMARY KEY (task_name, task_instance))",
      "CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)",
      "CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)",
      "CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC)"};

  private final int chainLength;
  private final CustomTask<Void> one;
  private final CustomTask<Void> chain;
  private final Scheduler scheduler;
  private volatile Burst current;

  /**
   * Creates the table in the database of {@code dataSource} and starts a scheduler on it.
   *
   * @param threads the scheduler's executor threads (the engine's {@code maxParallelSteps} for a fair match)
   * @param chainLength how many links a chain has
   */
  DbSchedulerPeer(DataSource dataSource, int threads, int chainLength) throws SQLException {
    this.chainLength = chainLength;
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      for (String ddl : DDL) {
        s.execute(ddl);
      }
    }
    one = Tasks.custom(ONE, Void.class).execute((instance, ctx) -> (complete, ops) -> {
      ops.remove();
      current.completed();
    });
    chain = Tasks.custom(CHAIN, Void.class).execute((instance, ctx) -> (complete, ops) -> {
      String id = instance.getId();
      int dash = id.lastIndexOf('-');
      int link = Integer.parseInt(id.substring(dash + 1));
      if (link < this.chainLength) {
        ops.removeAndScheduleNew(SchedulableInstance.of(
            new TaskInstance<Void>(CHAIN, id.substring(0, dash + 1) + (link + 1)), Instant.now()));
      } else {
        ops.remove();
      }
      current.completed();
    });
    scheduler = Scheduler.create(dataSource, one, chain)
        .threads(threads)
        .pollingInterval(Duration.ofMillis(10))
        .enableImmediateExecution()
        .pollUsingLockAndFetch(0.5, 1.0)
        .schedulerName(new SchedulerName.Fixed("tw-bench"))
        .shutdownMaxWait(Duration.ofSeconds(5))
        .build();
    scheduler.start();
  }

  /** Schedules {@code n} one-step executions for now, one call each, and waits for all of them. */
  Burst oneStep(String prefix, int n) throws InterruptedException {
    Burst burst = new Burst(n);
    current = burst;
    for (int i = 0; i < n; i++) {
      scheduler.schedule(one.instance(prefix + "-" + i), Instant.now());
    }
    burst.await(WAIT);
    return burst;
  }

  /** Schedules the first link of {@code n} chains for now, one call each, and waits for every link of all. */
  Burst chains(String prefix, int n) throws InterruptedException {
    Burst burst = new Burst(n * chainLength);
    current = burst;
    for (int i = 0; i < n; i++) {
      scheduler.schedule(chain.instance(prefix + "-" + i + "-1"), Instant.now());
    }
    burst.await(WAIT);
    return burst;
  }

  @Override
  public void close() {
    scheduler.stop();
  }
}
