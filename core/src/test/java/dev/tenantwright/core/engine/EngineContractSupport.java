package dev.tenantwright.core.engine;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the store-parameterised suites share: a fresh store per test (H2 file or PostgreSQL database), the
 * in-memory backend, event capture, and opening engines on the store.
 */
abstract class EngineContractSupport {

  static final Duration WAIT = Duration.ofSeconds(30);

  /** A journal store for one test. */
  interface Fixture {
    void start() throws IOException;

    Tenantwright.Builder builder();

    DataSource dataSource();

    void stop() throws IOException;
  }

  /** An embedded H2 file in a temporary directory. */
  static final class H2 implements Fixture {
    private Path dir;

    @Override
    public void start() throws IOException {
      dir = Files.createTempDirectory("tw-engine");
    }

    @Override
    public Tenantwright.Builder builder() {
      return Stores.h2(dir);
    }

    @Override
    public DataSource dataSource() {
      JdbcDataSource ds = new JdbcDataSource();
      ds.setURL("jdbc:h2:async:" + dir.toAbsolutePath().resolve("tenantwright"));
      ds.setUser("tw");
      return ds;
    }

    @Override
    public void stop() throws IOException {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** A fresh database on the shared embedded PostgreSQL. */
  static final class Postgres implements Fixture {
    private DataSource ds;

    @Override
    public void start() {
      ds = Stores.freshPostgres();
    }

    @Override
    public Tenantwright.Builder builder() {
      return Stores.on(ds);
    }

    @Override
    public DataSource dataSource() {
      return ds;
    }

    @Override
    public void stop() {
      // databases are dropped with the server at the end of the JVM
    }
  }

  protected final MemoryBackend backend = new MemoryBackend();
  protected final List<Event> events = new CopyOnWriteArrayList<>();
  private final List<Tenantwright> opened = new ArrayList<>();
  private final Fixture fixture;

  EngineContractSupport(Fixture fixture) {
    this.fixture = fixture;
  }

  @BeforeEach
  void startStore() throws IOException {
    fixture.start();
  }

  @AfterEach
  void closeAll() throws IOException {
    backend.clearBlocks();
    for (Tenantwright tw : opened) {
      tw.close(Duration.ZERO);
    }
    fixture.stop();
  }

  /** A builder on this test's store (the same database on every call). */
  protected Tenantwright.Builder store() {
    return fixture.builder();
  }

  /** A JDBC view of this test's store, for scanning tables. */
  protected DataSource dataSource() {
    return fixture.dataSource();
  }

  /** Registers the backend's types; suites add more. */
  protected Tenantwright.Builder wire(Tenantwright.Builder b) {
    return b.resourceType(backend.type());
  }

  protected Tenantwright open(Blueprint bp) {
    return open(store().blueprint(bp));
  }

  protected Tenantwright open(Tenantwright.Builder b) {
    Tenantwright tw = wire(b).listener(events::add).backoff(Duration.ofMillis(10), Duration.ofMillis(50)).build();
    opened.add(tw);
    return tw;
  }

  protected Tenant abc(Tenantwright tw) {
    return tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
  }
}
