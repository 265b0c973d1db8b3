package dev.tenantwright.testkit.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A journal store for the fault suites: an H2 file (with the embedded store's durable settings) or a database on a
 * real PostgreSQL, behind a connection pool, which the suites wrap in a {@link FaultyDataSource}.
 */
abstract class Store implements AutoCloseable {

  static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  abstract DataSource pool();

  /** A JDBC URL another process can open (the store must be free of this process's connections for H2). */
  abstract String url();

  @Override
  public abstract void close();

  static Store h2(Path dir) {
    // async: as the embedded store opens it (an interrupted thread would close a FileChannel-backed database)
    String url = "jdbc:h2:async:" + dir.toAbsolutePath().resolve("tenantwright") + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000";
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    c.setUsername("tw");
    c.setPassword("");
    c.setMaximumPoolSize(16);
    HikariDataSource ds = new HikariDataSource(c);
    return new Store() {
      @Override
      DataSource pool() {
        return ds;
      }

      @Override
      String url() {
        return url;
      }

      @Override
      public void close() {
        ds.close();
      }
    };
  }

  private static EmbeddedPostgres postgres;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  static synchronized EmbeddedPostgres server() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start embedded PostgreSQL", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          postgres.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }));
    }
    return postgres;
  }

  static Store postgres() {
    String name = "twj_" + DATABASES.incrementAndGet();
    try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    String url = server().getJdbcUrl("postgres", name);
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    c.setUsername("postgres");
    c.setMaximumPoolSize(16);
    HikariDataSource ds = new HikariDataSource(c);
    return new Store() {
      @Override
      DataSource pool() {
        return ds;
      }

      @Override
      String url() {
        return url;
      }

      @Override
      public void close() {
        ds.close();
      }
    };
  }
}
