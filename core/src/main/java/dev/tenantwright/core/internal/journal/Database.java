package dev.tenantwright.core.internal.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tenantwright.spi.TenantwrightException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A migrated database the journal writes to: the host's DataSource, or an embedded H2 file.
 *
 * <p>Opening runs the Flyway migrations in {@code classpath:dev/tenantwright/core/db} into the history table
 * {@code tw_schema_history}, so Tenantwright's schema lives beside a host's own without touching its
 * migrations.
 *
 * <p>Durability: every transaction the journal commits must survive a crash of the process that committed
 * it, because the engine calls a backend only after the intent is committed. H2's MVStore does not write a
 * commit to its file when the commit returns: a background thread (or enough unsaved memory) does, later — the
 * kill -9 chaos test lost ~40 ms of commits, including a run whose first object already existed. So on H2 every
 * write transaction ends with {@code CHECKPOINT}, which writes the committed state to the file before the commit
 * counts as done. That alone was not enough: a probe that killed a process committing from 16 threads, 25 times
 * over one file, still lost committed rows about once in 20 kills, always after the store had begun to reuse
 * freed space inside the file (on restart H2 then recovers from an older chunk). The embedded store therefore
 * opens with {@code WRITE_DELAY=0} (no background writer) and {@code REUSE_SPACE=FALSE} (new chunks always go to
 * the end of the file), with which the same probe lost nothing; and {@link Sql} runs H2's write transactions one
 * at a time, because the kill -9 chaos test reopened a file written while another transaction was open with a
 * run row that no transaction could lock again (H2 spun in {@code UPDATE tw_run} at start-up). The price is a file that grows while the engine
 * runs (by about 10 KiB per commit until H2 drops the chunks it no longer needs, which it then never reuses);
 * H2 compacts it for up to 200 ms when the engine closes, and it is compacted fully when it is opened over
 * {@value #COMPACT_OVER_BYTES} bytes (after a crash, or a long run). A process crash then loses nothing; a power loss may lose the last commits, because the
 * file is not fsynced each time. PostgreSQL is as durable as its server's {@code fsync} and
 * {@code synchronous_commit} settings make it.
 *
 * <p>Thread-safe; {@link #close()} releases an embedded pool (a host's DataSource is left open).
 */
public final class Database implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /** The SQL dialects the journal supports. */
  public enum Dialect {
    H2,
    POSTGRESQL
  }

  /** H2 serves one engine: the databases (by JDBC URL) an engine in this JVM has open. */
  private static final Set<String> OPEN_H2 = ConcurrentHashMap.newKeySet();

  private static final String CHECKPOINT = "CHECKPOINT";

  /** An embedded journal file larger than this is compacted when it is opened. */
  static final long COMPACT_OVER_BYTES = 64L << 20;

  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

  private final DataSource dataSource;
  private final Sql sql;
  private final String h2Key;
  private final Dialect dialect;
  private final AutoCloseable owned;

  private Database(DataSource dataSource, AutoCloseable owned) {
    this.dataSource = dataSource;
    this.owned = owned;
    this.dialect = detect(dataSource);
    this.h2Key = dialect == Dialect.H2 ? url(dataSource) : null;
    if (h2Key != null && !OPEN_H2.add(h2Key)) {
      throw new TenantwrightException("the H2 journal " + h2Key + " is already used by another Tenantwright engine in "
          + "this process; H2 serves one engine only — use PostgreSQL (dataSource) to run several engines");
    }
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations(dialect == Dialect.POSTGRESQL
              ? new String[] {"classpath:dev/tenantwright/core/db", "classpath:dev/tenantwright/core/pgdb"}
              : new String[] {"classpath:dev/tenantwright/core/db"})
          .table("tw_schema_history")
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load()
          .migrate();
      if (dialect == Dialect.H2) {
        checkpoint(dataSource);
      }
    } catch (RuntimeException e) {
      if (h2Key != null) {
        OPEN_H2.remove(h2Key);
      }
      throw e;
    }
    this.sql = new Sql(dataSource, 6, 20, dialect == Dialect.H2 ? CHECKPOINT : null);
  }

  /** Opens (and migrates) the host's database. */
  public static Database of(DataSource dataSource) {
    return new Database(dataSource, null);
  }

  /**
   * Opens (creating and migrating as needed) an embedded H2 database in {@code dir}. The directory is created
   * readable by its owner only (0700) and the database files are made 0600: they hold every tenant's data.
   */
  public static Database embedded(Path dir) {
    createPrivateDirectory(dir);
    String url = embeddedUrl(dir);
    compactIfLarger(dir, url, COMPACT_OVER_BYTES);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername("tw");
    config.setPassword("");
    config.setPoolName("tenantwright-h2");
    config.setMaximumPoolSize(16);
    config.setMinimumIdle(2);
    config.setConnectionTimeout(10_000);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      if (String.valueOf(rootMessage(e)).toLowerCase(Locale.ROOT).contains("already in use")) {
        throw new TenantwrightException("the embedded H2 journal in " + dir
            + " is already open in another process; H2 serves one engine only — use PostgreSQL to run several", e);
      }
      throw new TenantwrightException("cannot open the embedded H2 journal in " + dir + ": " + rootMessage(e), e);
    }
    try {
      restrictFiles(dir);
      return new Database(pool, pool::close);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /**
   * Every row of every journal table ({@code TW_*}, the migration history aside) of the closed embedded journal in
   * {@code dir}, as one text: for tests that assert a value appears nowhere in it.
   */
  public static String dumpEmbedded(Path dir) {
    StringBuilder all = new StringBuilder();
    try (Connection c = DriverManager.getConnection(embeddedUrl(dir), "tw", "");
        Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'"
          + " AND TABLE_NAME LIKE 'TW\\_%' AND TABLE_NAME <> 'TW_SCHEMA_HISTORY' ORDER BY TABLE_NAME")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
          int cols = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= cols; i++) {
              all.append(rs.getString(i)).append('|');
            }
            all.append('\n');
          }
        }
      }
    } catch (SQLException e) {
      throw new TenantwrightException("cannot read the embedded H2 journal in " + dir + ": " + e.getMessage(), e);
    }
    return all.toString();
  }

  /** The JDBC URL of the embedded journal in {@code dir}: durable settings, see the class comment. */
  static String embeddedUrl(Path dir) {
    // async: H2's file system on AsynchronousFileChannel, which an interrupt does not close. On the default
    // FileChannel, a thread interrupted while H2 read or wrote the file (an engine closing its workers, a step's
    // deadline) closed the channel and with it the whole database, for every connection, until the pool was rebuilt
    // (found by the journal crash test: "The database has been closed" at the next engine's start).
    return "jdbc:h2:async:" + dir.toAbsolutePath().resolve("tenantwright")
        + ";LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64;WRITE_DELAY=0;REUSE_SPACE=FALSE";
  }

  /**
   * Compacts an embedded journal file that grew large (it never reuses space while open; see the class comment):
   * {@code SHUTDOWN COMPACT} rewrites the live data into a fresh file. Costs time in proportion to the live data,
   * which for a journal is small beside the file.
   */
  static void compactIfLarger(Path dir, String url, long limit) {
    Path file = dir.resolve("tenantwright.mv.db");
    try {
      long before = Files.exists(file) ? Files.size(file) : 0;
      if (before <= limit) {
        return;
      }
      long started = System.nanoTime();
      try (Connection c = java.sql.DriverManager.getConnection(url, "tw", ""); Statement s = c.createStatement()) {
        s.execute("SHUTDOWN COMPACT");
      }
      LOG.info("compacted the embedded journal {} from {} MiB to {} MiB in {} ms", file, before >> 20,
          Files.size(file) >> 20, (System.nanoTime() - started) / 1_000_000);
    } catch (IOException | SQLException e) {
      LOG.warn("could not compact the embedded journal {} ({}); it stays as it is", file, e.getMessage());
    }
  }

  private static void createPrivateDirectory(Path dir) {
    try {
      if (Files.notExists(dir)) {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        try {
          Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        } catch (UnsupportedOperationException noPosix) {
          Files.createDirectories(dir);
        }
      } else {
        try {
          Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
          if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            LOG.warn("the journal directory {} is accessible to other users ({}); it holds every tenant's data — "
                + "restrict it to its owner (chmod 700)", dir, PosixFilePermissions.toString(perms));
          }
        } catch (UnsupportedOperationException noPosix) {
          // not a POSIX file system: nothing to check
        }
      }
    } catch (IOException e) {
      throw new TenantwrightException("cannot create data directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void restrictFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("tenantwright.")).toList()) {
        try {
          Files.setPosixFilePermissions(f, OWNER_ONLY_FILE);
        } catch (UnsupportedOperationException noPosix) {
          return;
        }
      }
    } catch (IOException e) {
      throw new TenantwrightException("cannot restrict the permissions of the journal files in " + dir + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Writes the migrated schema to the file (a process killed right after a first start must not find tables
   * without their migration history), and checks that this user may checkpoint at all.
   */
  private static void checkpoint(DataSource ds) {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(CHECKPOINT);
    } catch (SQLException e) {
      throw new TenantwrightException("the H2 journal cannot make its commits durable: CHECKPOINT failed ("
          + e.getMessage() + "); it needs a database user with admin rights", e);
    }
  }

  private static Dialect detect(DataSource ds) {
    try (Connection c = ds.getConnection()) {
      String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
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

  /** The transaction runner every journal class writes through. */
  public Sql sql() {
    return sql;
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

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
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
