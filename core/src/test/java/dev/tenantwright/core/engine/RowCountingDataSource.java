package dev.tenantwright.core.engine;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource that counts the rows the queries of one thread read (every {@code ResultSet.next()} that found a row),
 * so a test can show that a read does not grow with the journal. The engine's own threads are not counted.
 */
final class RowCountingDataSource implements DataSource {

  private final DataSource target;
  private final AtomicLong rows = new AtomicLong();
  private volatile Thread counted;

  RowCountingDataSource(DataSource target) {
    this.target = target;
  }

  /** The rows the current thread's queries read while running {@code read}. */
  long rowsRead(Runnable read) {
    counted = Thread.currentThread();
    rows.set(0);
    try {
      read.run();
      return rows.get();
    } finally {
      counted = null;
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(target.getConnection(), Connection.class);
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return getConnection();
  }

  @SuppressWarnings("unchecked")
  private <T> T wrap(T delegate, Class<T> type) {
    InvocationHandler handler = (proxy, method, args) -> {
      Object result;
      try {
        result = method.invoke(delegate, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (result instanceof ResultSet rs && !(result instanceof Proxy)) {
        return wrap(rs, ResultSet.class);
      }
      if (result instanceof PreparedStatement ps) {
        return wrap(ps, PreparedStatement.class);
      }
      if (result instanceof Statement s) {
        return wrap(s, Statement.class);
      }
      if (type == ResultSet.class && method.getName().equals("next") && Boolean.TRUE.equals(result)
          && Thread.currentThread() == counted) {
        rows.incrementAndGet();
      }
      return result;
    };
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
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
}
