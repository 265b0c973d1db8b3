package dev.tenantwright.core.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tenantwright.core.internal.journal.JournalException.Reason;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Transitions ready together share a commit, and each caller still gets its own outcome. */
class GroupCommitTest {

  private final AtomicInteger commits = new AtomicInteger();
  private DataSource ds;
  private Sql sql;

  @BeforeEach
  void open() throws Exception {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:group-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    ds = counting(h2);
    sql = new Sql(ds, 3, 1, "CHECKPOINT");
    sql.transaction(c -> Sql.update(c, "CREATE TABLE t (id INT PRIMARY KEY, owner VARCHAR(20))"));
    commits.set(0);
  }

  @Test
  void concurrentCommitsShareTransactionsAndAllLand() throws Exception {
    GroupCommit groups = new GroupCommit(sql, 64);
    int threads = 16;
    int each = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    // a commit holds the lead until every thread's first commit is queued behind it, so at least those share one
    // transaction however the threads are scheduled (a fresh-clone CI run once saw 640 transactions for 640 commits
    // when the threads happened not to overlap)
    CountDownLatch othersQueued = new CountDownLatch(1);
    Future<?> leader = holdTheLead(groups, pool, othersQueued, null);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      done.add(pool.submit(() -> {
        for (int i = 0; i < each; i++) {
          int id = thread * 1000 + i;
          groups.commit(c -> Sql.update(c, "INSERT INTO t (id, owner) VALUES (?, ?)", id, "w" + thread));
        }
        return null;
      }));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> groups.queued() == threads);
    othersQueued.countDown();
    leader.get(1, TimeUnit.MINUTES);
    for (Future<?> f : done) {
      f.get(1, TimeUnit.MINUTES);
    }
    pool.shutdown();

    int rows = sql.read(c -> Sql.one(c, "SELECT count(*) FROM t", rs -> rs.getInt(1)).orElseThrow());
    assertThat(rows).as("every commit landed").isEqualTo(threads * each);
    assertThat(commits.get()).as("transactions for %d commits from %d threads", threads * each, threads)
        .isLessThan(threads * each);
  }

  /**
   * A part that is refused inside a group (a row not in the expected state, here a duplicate key) gets its own
   * error, and the parts beside it are committed: the group's transaction rolled back whole, then each part ran alone.
   */
  @Test
  void aRefusedPartFailsAloneAndTheOthersInItsGroupCommit() throws Exception {
    sql.transaction(c -> Sql.update(c, "INSERT INTO t (id, owner) VALUES (1, 'first')"));
    GroupCommit groups = new GroupCommit(sql, 64);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    // the first commit holds the lead while the three others queue up behind it, so they form one group
    CountDownLatch othersQueued = new CountDownLatch(1);
    Future<?> leader = holdTheLead(groups, pool, othersQueued, "INSERT INTO t (id, owner) VALUES (10, 'leader')");
    Future<?> good1 = pool.submit(() -> {
      groups.commit(c -> Sql.update(c, "INSERT INTO t (id, owner) VALUES (11, 'good')"));
      return null;
    });
    Future<?> bad = pool.submit(() -> {
      groups.commit(c -> Journal.requireOne(Sql.update(c, "UPDATE t SET owner = 'bad' WHERE id = 999"), "row 999"));
      return null;
    });
    Future<?> good2 = pool.submit(() -> {
      groups.commit(c -> Sql.update(c, "INSERT INTO t (id, owner) VALUES (12, 'good')"));
      return null;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> groups.queued() == 3);
    othersQueued.countDown();
    leader.get(1, TimeUnit.MINUTES);
    good1.get(1, TimeUnit.MINUTES);
    good2.get(1, TimeUnit.MINUTES);
    assertThatThrownBy(() -> bad.get(1, TimeUnit.MINUTES)).hasCauseInstanceOf(JournalException.class)
        .cause().satisfies(e -> assertThat(((JournalException) e).reason()).isEqualTo(Reason.STALE_STATE));
    pool.shutdown();

    List<String> owners = sql.read(c -> Sql.list(c, "SELECT owner FROM t ORDER BY id", rs -> rs.getString(1)));
    assertThat(owners).containsExactly("first", "leader", "good", "good");
  }

  /**
   * An Error in one caller's work (a stack overflow in a statement builder, say) answers every caller of its group
   * instead of leaving them waiting for a group that was already taken off the queue.
   */
  @Test
  void anErrorInOnePartAnswersEveryCallerOfItsGroup() throws Exception {
    GroupCommit groups = new GroupCommit(sql, 64);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    CountDownLatch othersQueued = new CountDownLatch(1);
    Future<?> leader = holdTheLead(groups, pool, othersQueued, null);
    Future<?> failing = pool.submit(() -> {
      groups.commit(c -> {
        throw new StackOverflowError("deep");
      });
      return null;
    });
    Future<?> bystander = pool.submit(() -> {
      groups.commit(c -> Sql.update(c, "INSERT INTO t (id, owner) VALUES (20, 'bystander')"));
      return null;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> groups.queued() == 2);
    othersQueued.countDown();
    leader.get(1, TimeUnit.MINUTES);
    assertThatThrownBy(() -> failing.get(1, TimeUnit.MINUTES)).isInstanceOf(java.util.concurrent.ExecutionException.class);
    try {
      bystander.get(1, TimeUnit.MINUTES);
    } catch (java.util.concurrent.ExecutionException told) {
      assertThat(told.getCause()).isInstanceOf(JournalException.class);
    }
    pool.shutdown();
    // whoever led the group, nobody is left waiting: a commit afterwards goes through
    groups.commit(c -> Sql.update(c, "INSERT INTO t (id, owner) VALUES (21, 'after')"));
  }

  /**
   * Starts a commit that holds the lead (its work waits for {@code release}, then runs {@code statement} if any), and
   * returns once it is inside: whatever is committed meanwhile queues up behind it and forms the next group.
   */
  private static Future<?> holdTheLead(GroupCommit groups, ExecutorService pool, CountDownLatch release,
      String statement) throws InterruptedException {
    CountDownLatch inside = new CountDownLatch(1);
    Future<?> leader = pool.submit(() -> {
      groups.commit(c -> {
        inside.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new java.sql.SQLException(e);
        }
        if (statement != null) {
          Sql.update(c, statement);
        }
      });
      return null;
    });
    inside.await();
    return leader;
  }

  private DataSource counting(JdbcDataSource target) {
    return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
        (p, m, a) -> {
          Object r = m.invoke(target, a);
          if (r instanceof Connection c) {
            return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (cp, cm, ca) -> {
                  if (cm.getName().equals("commit")) {
                    commits.incrementAndGet();
                  }
                  try {
                    return cm.invoke(c, ca);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
          }
          return r;
        });
  }
}
