package dev.tenantwright.benchmarks;

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
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource that counts what the engine asks of the database: statements that read, statements that write,
 * and commits (explicit ones, and each write made in auto-commit mode). Counts do not depend on how loaded the
 * machine is, which makes "commits per step" the most robust figure of the suite.
 *
 * <p>Thread-safe; wraps every connection and statement in a counting proxy.
 */
public final class CountingDataSource implements DataSource {

  private final DataSource target;
  private final LongAdder reads = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder commits = new LongAdder();

  /** Counts what passes through to {@code target}. */
  public CountingDataSource(DataSource target) {
    this.target = target;
  }

  /** Statements that read (SELECT) so far. */
  public long reads() {
    return reads.sum();
  }

  /** Statements that wrote (INSERT, UPDATE, DELETE, MERGE, …) so far. */
  public long writes() {
    return writes.sum();
  }

  /** Commits so far: explicit ones plus writes in auto-commit mode. */
  public long commits() {
    return commits.sum();
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(target.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return wrap(target.getConnection(username, password));
  }

  private Connection wrap(Connection c) {
    InvocationHandler h = (proxy, m, args) -> {
      Object result = call(c, m, args);
      switch (m.getName()) {
        case "commit" -> commits.increment();
        case "prepareStatement", "prepareCall" -> {
          return statement((Statement) result, (String) args[0], c, PreparedStatement.class);
        }
        case "createStatement" -> {
          return statement((Statement) result, null, c, Statement.class);
        }
        default -> { }
      }
      return result;
    };
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
  }

  private Object statement(Statement s, String preparedSql, Connection c, Class<?> iface) {
    InvocationHandler h = (proxy, m, args) -> {
      Object result = call(s, m, args);
      if (m.getName().startsWith("execute")) {
        String sql = preparedSql != null ? preparedSql : args != null && args.length > 0 ? (String) args[0] : "";
        count(sql, c, m.getName().equals("executeBatch"));
      }
      return result;
    };
    Class<?> type = iface == PreparedStatement.class && s instanceof java.sql.CallableStatement
        ? java.sql.CallableStatement.class : iface;
    return Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {type}, h);
  }

  private void count(String sql, Connection c, boolean batch) throws SQLException {
    String head = sql.stripLeading().toUpperCase(Locale.ROOT);
    if (head.startsWith("SELECT") || head.startsWith("WITH") && !head.contains("INSERT") && !head.contains("UPDATE")) {
      reads.increment();
      return;
    }
    writes.increment();
    if (c.getAutoCommit()) {
      commits.increment();
    }
  }

  private static Object call(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
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
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    return target.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || target.isWrapperFor(iface);
  }
}
