package dev.tenantwright.core.internal.journal;

import dev.tenantwright.spi.TenantwrightException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;
import org.jdbi.v3.core.Jdbi;

/**
 * A migrated database the journal writes to: the host's DataSource, or an embedded H2 file.
 *
 * <p>Opening runs the Flyway migrations in {@code classpath:dev/tenantwright/core/db} into the history table
 * {@code tw_schema_history}, so Tenantwright's schema lives beside a host's own without touching its
 * migrations. Thread-safe; {@link #close()} releases an embedded pool (a host's DataSource is left open).
 */
public final class Database implements AutoCloseable {

  /** The SQL dialects the journal supports. */
  public enum Dialect {
    H2,
    POSTGRESQL
  }

  /** H2 serves one engine: the databases (by JDBC URL) an engine in this JVM has open. */
  private static final java.util.Set<String> OPEN_H2 = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final DataSource dataSource;
  private final Jdbi jdbi;
  private final String h2Key;
  private final Dialect dialect;
  private final AutoCloseable owned;

  private Database(DataSource dataSource, AutoCloseable owned) {
    this.dataSource = dataSource;
    this.owned = owned;
    this.dialect = detect(dataSource);
    this.h2Key = dialect == Dialect.H2 ? url(dataSource) : null;
    if (h2Key != null && OPEN_H2.contains(h2Key)) {
      throw new TenantwrightException("the H2 journal " + h2Key + " is already used by another Tenantwright engine in "
          + "this process; H2 serves one engine only — use PostgreSQL (dataSource) to run several engines");
    }
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:dev/tenantwright/core/db")
        .table("tw_schema_history")
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
    this.jdbi = Jdbi.create(dataSource);
    if (h2Key != null && !OPEN_H2.add(h2Key)) {
      throw new TenantwrightException("the H2 journal " + h2Key + " is already used by another Tenantwright engine in "
          + "this process; H2 serves one engine only — use PostgreSQL (dataSource) to run several engines");
    }
  }

  /** Opens (and migrates) the host's database. */
  public static Database of(DataSource dataSource) {
    return new Database(dataSource, null);
  }

  /** Opens (creating and migrating as needed) an embedded H2 database in {@code dir}. */
  public static Database embedded(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new TenantwrightException("cannot create data directory " + dir + ": " + e.getMessage(), e);
    }
    // a query cache large enough for every statement the journal uses, so none is parsed again per step
    String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("tenantwright") + ";LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64";
    JdbcConnectionPool pool = JdbcConnectionPool.create(url, "tw", "");
    pool.setMaxConnections(32);
    try {
      return new Database(pool, pool::dispose);
    } catch (RuntimeException e) {
      pool.dispose();
      if (String.valueOf(e.getMessage()).contains("already in use")) {
        throw new TenantwrightException("the embedded H2 journal in " + dir
            + " is already open in another process; H2 serves one engine only — use PostgreSQL to run several", e);
      }
      throw e;
    }
  }

  private static Dialect detect(DataSource ds) {
    try (Connection c = ds.getConnection()) {
      String product = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
      if (product.contains("h2")) {
        return Dialect.H2;
      }
      if (product.contains("postgres")) {
        return Dialect.POSTGRESQL;
      }
      throw new TenantwrightException("unsupported journal database '" + product + "': use H2 or PostgreSQL");
    } catch (SQLException e) {
      throw new TenantwrightException("cannot connect to the journal database: " + e.getMessage(), e);
    }
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public Dialect dialect() {
    return dialect;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  private static String url(DataSource ds) {
    try (Connection c = ds.getConnection()) {
      String u = c.getMetaData().getURL();
      int semicolon = u.indexOf(';');
      return semicolon < 0 ? u : u.substring(0, semicolon);
    } catch (SQLException e) {
      throw new TenantwrightException("cannot connect to the journal database: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (h2Key != null) {
      OPEN_H2.remove(h2Key);
    }
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        throw new TenantwrightException("cannot close the journal database: " + e.getMessage(), e);
      }
    }
  }
}
