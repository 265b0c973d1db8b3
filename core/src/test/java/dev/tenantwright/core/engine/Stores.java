package dev.tenantwright.core.engine;

import dev.tenantwright.core.Tenantwright;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** The two journal stores every engine test runs against: an H2 file and a real PostgreSQL. */
public final class Stores {

  private static EmbeddedPostgres postgres;
  private static final AtomicInteger DATABASES = new AtomicInteger();
  static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Stores() {}

  /** A real PostgreSQL server shared by the whole test JVM (started on first use). */
  public static synchronized EmbeddedPostgres postgres() {
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

  /** A fresh, empty PostgreSQL database. */
  public static DataSource freshPostgres() {
    String name = "tw_" + DATABASES.incrementAndGet();
    try (Connection c = postgres().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    // pooled, as a host's DataSource would be; idle connections close on their own, so pools need no closing
    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
    config.setJdbcUrl(postgres().getJdbcUrl("postgres", name));
    config.setUsername("postgres");
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(0);
    config.setIdleTimeout(10_000);
    config.setPoolName("test-" + name);
    return new com.zaxxer.hikari.HikariDataSource(config);
  }

  /** A fresh database's JDBC URL, for a process of its own. */
  public static String url(DataSource ds) {
    return ((com.zaxxer.hikari.HikariDataSource) ds).getJdbcUrl();
  }

  /** A builder on a fresh H2 file in {@code dir}. */
  public static Tenantwright.Builder h2(Path dir) {
    return Tenantwright.builder().embedded(dir).classpathPlugins(false);
  }

  /** A builder on {@code ds} (PostgreSQL) with a fixed test key. */
  public static Tenantwright.Builder on(DataSource ds) {
    return Tenantwright.builder().dataSource(ds).secretKey(KEY).classpathPlugins(false);
  }
}
