package dev.tenantwright.testkit.journal;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that fails chosen journal operations — statements, commits, connection checkouts — the way
 * real databases fail, or stops dead like a killed process. Give it to {@code Tenantwright.builder().dataSource(...)}
 * to test that no journal failure strands a run.
 *
 * <p>It counts every statement, commit and checkout made on the threads it {@linkplain #countOnly(Predicate)
 * counts} (all by default), so a test can run a scenario once to learn how many there are, then inject a
 * {@link JournalFault} at each one in turn. Random faults draw from a seeded generator: the same seed and the same
 * order of operations fail the same operations. Wrap a pooled data source (closing a connection here closes, that
 * is returns, the wrapped one).
 *
 * <p>Thread-safe.
 *
 * <pre>{@code
 * FaultyDataSource ds = FaultyDataSource.wrap(pool).countOnly(t -> !t.getName().startsWith("tenantwright-timer"));
 * ds.inject(JournalFault.atStatement(12).kind(JournalFault.Kind.DEADLOCK));
 * }</pre>
 */
public final class FaultyDataSource implements DataSource {

  private static final Set<String> EXECUTES = Set.of("execute", "executeQuery", "executeUpdate",
      "executeLargeUpdate", "executeBatch", "executeLargeBatch");

  private final DataSource target;
  private final AtomicLong statements = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong checkouts = new AtomicLong();
  private final List<Armed> faults = new CopyOnWriteArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final CountDownLatch haltLatch = new CountDownLatch(1);
  private volatile Predicate<Thread> counted = t -> true;
  private volatile boolean halted;
  private volatile long outageUntil;
  private volatile JournalFault.Kind outageKind = JournalFault.Kind.CONNECTION_LOST;
  private volatile boolean logging;
  private Random random = new Random(1);

  private FaultyDataSource(DataSource target) {
    this.target = target;
  }

  /** Wraps {@code target}; nothing fails until a fault is injected. */
  public static FaultyDataSource wrap(DataSource target) {
    return new FaultyDataSource(Objects.requireNonNull(target, "target"));
  }

  /** Counts (and injects faults into) only operations made on threads that match; the others pass untouched. */
  public FaultyDataSource countOnly(Predicate<Thread> threads) {
    this.counted = Objects.requireNonNull(threads, "threads");
    return this;
  }

  /** The seed random faults draw from. */
  public synchronized FaultyDataSource seed(long seed) {
    this.random = new Random(seed);
    return this;
  }

  /** Records the SQL of every counted statement (see {@link #statementLog()}). */
  public FaultyDataSource logStatements(boolean on) {
    this.logging = on;
    return this;
  }

  /** Arms a fault; its counting starts now. */
  public FaultyDataSource inject(JournalFault fault) {
    long base = switch (fault.target) {
      case STATEMENT -> statements.get();
      case COMMIT -> commits.get();
      case CHECKOUT -> checkouts.get();
    };
    faults.add(new Armed(fault, base));
    return this;
  }

  /** Removes every fault and ends a halt or an outage. */
  public FaultyDataSource clear() {
    faults.clear();
    halted = false;
    outageUntil = 0;
    return this;
  }

  /** Counted statements so far. */
  public long statements() {
    return statements.get();
  }

  /** Counted commits so far. */
  public long commits() {
    return commits.get();
  }

  /** Counted connection checkouts so far. */
  public long checkouts() {
    return checkouts.get();
  }

  /** The SQL of the counted statements, in order, while {@link #logStatements} is on. */
  public List<String> statementLog() {
    return List.copyOf(log);
  }

  /** Whether a {@link JournalFault#halt()} fault struck: every operation fails from then on. */
  public boolean halted() {
    return halted;
  }

  /** Waits until a halt fault strikes. */
  public boolean awaitHalt(Duration timeout) throws InterruptedException {
    return haltLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  // ------------------------------------------------------------------------------------------ DataSource

  @Override
  public Connection getConnection() throws SQLException {
    boolean count = counted.test(Thread.currentThread());
    checkDead();
    if (count) {
      strike(JournalFault.Target.CHECKOUT, checkouts.incrementAndGet(), null);
    }
    Connection real = target.getConnection();
    return (Connection) Proxy.newProxyInstance(FaultyDataSource.class.getClassLoader(), new Class<?>[] {Connection.class},
        new ConnectionHandler(real));
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return getConnection();
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return target.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    target.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    target.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return target.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return target.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return target.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return target.isWrapperFor(iface);
  }

  // ------------------------------------------------------------------------------------------ faults

  private record Armed(JournalFault fault, long base) {}

  private void checkDead() throws SQLException {
    if (halted) {
      throw error(JournalFault.Kind.CONNECTION_LOST, "the process is halted (injected crash)");
    }
    if (outageUntil != 0 && System.currentTimeMillis() < outageUntil) {
      throw error(outageKind, "the database is unreachable (injected outage)");
    }
  }

  /** Whether operation number {@code n} of {@code target} must fail; the matching fault, or null. */
  private JournalFault strike(JournalFault.Target target, long n, Runnable beforeFailing) throws SQLException {
    for (Armed a : faults) {
      JournalFault f = a.fault();
      if (f.target != target) {
        continue;
      }
      boolean hit;
      if (f.rate > 0) {
        synchronized (this) {
          hit = random.nextDouble() < f.rate;
        }
      } else {
        long rel = n - a.base();
        hit = rel >= f.nth && rel < f.nth + f.times;
      }
      if (!hit) {
        continue;
      }
      if (beforeFailing != null) {
        beforeFailing.run();
      }
      if (f.halt) {
        halted = true;
        haltLatch.countDown();
      }
      if (f.outage != null) {
        outageKind = f.kind;
        outageUntil = System.currentTimeMillis() + f.outage.toMillis();
      }
      throw error(f.kind, null);
    }
    return null;
  }

  private static SQLException error(JournalFault.Kind kind, String message) {
    return new SQLException(message != null ? message : kind.message, kind.sqlState, kind.vendorCode);
  }

  private final class ConnectionHandler implements InvocationHandler {
    private final Connection real;

    ConnectionHandler(Connection real) {
      this.real = real;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      String name = m.getName();
      boolean count = counted.test(Thread.currentThread());
      switch (name) {
        case "close", "isClosed", "unwrap", "isWrapperFor", "rollback", "isValid", "getAutoCommit", "setAutoCommit",
            "getMetaData", "toString", "hashCode", "equals", "abort", "clearWarnings", "getWarnings" -> {
          return call(real, m, args);
        }
        case "commit" -> {
          checkDead();
          if (count) {
            long n = commits.incrementAndGet();
            JournalFault f = faultFor(JournalFault.Target.COMMIT, n);
            if (f != null) {
              if (f.afterEffect) {
                real.commit();
              } else {
                real.rollback();
              }
              strike(JournalFault.Target.COMMIT, n, null);
            }
          }
          real.commit();
          return null;
        }
        case "prepareStatement", "prepareCall" -> {
          checkDead();
          Statement st = (Statement) call(real, m, args);
          return wrap(st, (String) args[0], m.getReturnType());
        }
        case "createStatement" -> {
          checkDead();
          Statement st = (Statement) call(real, m, args);
          return wrap(st, null, Statement.class);
        }
        default -> {
          checkDead();
          return call(real, m, args);
        }
      }
    }
  }

  /** The fault that strikes commit {@code n} (without triggering it), or null. */
  private JournalFault faultFor(JournalFault.Target target, long n) {
    for (Armed a : faults) {
      JournalFault f = a.fault();
      if (f.target == target && f.rate == 0) {
        long rel = n - a.base();
        if (rel >= f.nth && rel < f.nth + f.times) {
          return f;
        }
      }
    }
    return null;
  }

  private Object wrap(Statement st, String sql, Class<?> type) {
    Class<?> iface = type.isInterface() ? type : PreparedStatement.class;
    return Proxy.newProxyInstance(FaultyDataSource.class.getClassLoader(), new Class<?>[] {iface},
        new StatementHandler(st, sql));
  }

  private final class StatementHandler implements InvocationHandler {
    private final Statement real;
    private final String sql;

    StatementHandler(Statement real, String sql) {
      this.real = real;
      this.sql = sql;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      if (EXECUTES.contains(m.getName())) {
        checkDead();
        if (counted.test(Thread.currentThread())) {
          long n = statements.incrementAndGet();
          if (logging) {
            log.add(sql != null ? sql : args != null && args.length > 0 ? String.valueOf(args[0]) : "?");
          }
          strike(JournalFault.Target.STATEMENT, n, null);
        }
      }
      return call(real, m, args);
    }
  }

  private static Object call(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Counted operations so far, for a test's report. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    parts.add(statements.get() + " statements");
    parts.add(commits.get() + " commits");
    parts.add(checkouts.get() + " checkouts");
    if (halted) {
      parts.add("halted");
    }
    return "FaultyDataSource[" + String.join(", ", parts) + "]";
  }
}
