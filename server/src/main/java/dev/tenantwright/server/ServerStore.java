package dev.tenantwright.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The server's own tables ({@code tws_*}: tokens, approval requests, push deliveries) and the small JDBC helpers
 * that read and write them. On PostgreSQL they live in the journal's database, so every node sees the same
 * tokens and approvals; on the embedded defaults, in an H2 file of their own beside the journal.
 */
final class ServerStore implements AutoCloseable {

  /** A row mapper that may throw. */
  interface Rows<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private final HikariDataSource pool;
  private final boolean sharesJournal;

  private ServerStore(HikariDataSource pool, boolean sharesJournal) {
    this.pool = pool;
    this.sharesJournal = sharesJournal;
  }

  /** Opens (and migrates) the store the configuration names. */
  static ServerStore open(ServerConfig config) {
    HikariConfig hc = new HikariConfig();
    boolean shared = config.journalUrl() != null;
    if (shared) {
      hc.setJdbcUrl(config.journalUrl());
      hc.setUsername(config.journalUser());
      hc.setPassword(config.journalPassword());
      hc.setMaximumPoolSize(16);
    } else {
      Path file = config.dataDir().toAbsolutePath().resolve("server");
      hc.setJdbcUrl("jdbc:h2:" + file + ";LOCK_TIMEOUT=10000");
      hc.setUsername("tw");
      hc.setPassword("");
      hc.setMaximumPoolSize(8);
    }
    hc.setPoolName("tenantwright-server");
    hc.setConnectionTimeout(10_000);
    HikariDataSource pool = new HikariDataSource(hc);
    try {
      Flyway.configure().dataSource(pool).table("tws_schema_history")
          .locations("classpath:dev/tenantwright/server/db").baselineOnMigrate(true).baselineVersion("0")
          .load().migrate();
      return new ServerStore(pool, shared);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** The pool, which the engine also uses when the journal is shared (PostgreSQL). */
  DataSource dataSource() {
    return pool;
  }

  boolean sharesJournal() {
    return sharesJournal;
  }

  int update(String sql, Object... args) {
    try (Connection c = pool.getConnection(); PreparedStatement ps = prepared(c, sql, args)) {
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  <T> List<T> list(String sql, Rows<T> rows, Object... args) {
    try (Connection c = pool.getConnection(); PreparedStatement ps = prepared(c, sql, args);
        ResultSet rs = ps.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rows.map(rs));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  <T> Optional<T> one(String sql, Rows<T> rows, Object... args) {
    List<T> all = list(sql, rows, args);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /** True when {@code e} says a unique key was already taken (SQLSTATE 23505 on H2 and PostgreSQL). */
  static boolean duplicate(StoreException e) {
    return "23505".equals(e.sqlState());
  }

  private static PreparedStatement prepared(Connection c, String sql, Object[] args) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  @Override
  public void close() {
    pool.close();
  }

  /** A failed statement on the server's tables. */
  static final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String sqlState;

    StoreException(SQLException cause) {
      super("server store: " + cause.getMessage(), cause);
      this.sqlState = cause.getSQLState();
    }

    String sqlState() {
      return sqlState;
    }
  }
}
