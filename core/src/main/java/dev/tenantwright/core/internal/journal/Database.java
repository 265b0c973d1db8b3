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
import java.sql.SQLException;
import java.sql.Statement;
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
 * commit to its file when the commit returns: a background thread (or enough unsaved memory) does, later, and
 * {@code WRITE_DELAY=0} only stops that thread. A process killed then loses the last commits — the kill -9 chaos
 * test lost ~40 ms of them, including a run whose first object already existed. So on H2 every write
 * transaction ends with {@code CHECKPOINT}, which writes the committed state to the file before the commit
 * counts as done (a process crash then loses nothing; a power loss may lose the last commits, because the file
 * is not fsynced each time). PostgreSQL is as durable as its server's {@code fsync} and
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
          .locations("classpath:dev/tenantwright/core/db")
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
    String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("tenantwright")
        + ";LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64";
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
