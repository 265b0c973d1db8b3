package dev.tenantwright.benchmarks;

import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.server.ServerConfig;
import dev.tenantwright.server.TenantwrightServer;
import dev.tenantwright.spi.Nullable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One {@link TenantwrightServer} for a server figure: on an ephemeral port of 127.0.0.1, in a temporary data
 * directory, with no plugin directory, no rate limit that a benchmark could reach, an admin token, and one
 * blueprint, {@value #BLUEPRINT}.
 *
 * <p>The server takes no resource types in code, only plugin jars and blueprint files, so the blueprint uses core's
 * {@code secret} type: its one step generates 16 random characters, a backend call of microseconds, so that a run
 * costs what the server and the journal cost. The journal is the server's embedded H2 in the data directory, or a
 * shared PostgreSQL database when a JDBC URL is given (several servers on one URL form a cluster; they need the
 * same key file). Closing stops the server and deletes the directory.
 */
final class BenchServer implements AutoCloseable {

  /** The blueprint every server figure provisions: one {@code secret} step. */
  static final String BLUEPRINT = "server-bench";

  private static final String BLUEPRINT_YAML = """
      # One generated secret: a run of one step whose backend call costs microseconds.
      blueprint: server-bench
      resources:
        token:
          type: secret
          params: {length: 16}
      """;
  private static final AtomicLong NAMES = new AtomicLong();

  private final Path dir;
  private final TenantwrightServer server;
  private final String token;

  private BenchServer(Path dir, TenantwrightServer server, String token) {
    this.dir = dir;
    this.server = server;
    this.token = token;
  }

  /**
   * Starts a server named {@code node}.
   *
   * @param jdbcUrl a PostgreSQL journal shared with other nodes, or null for the embedded H2 journal
   * @param keyFile the key file the nodes of one cluster share, or null for one in the data directory
   */
  static BenchServer start(String node, @Nullable String jdbcUrl, @Nullable Path keyFile) {
    Path dir;
    try {
      dir = Files.createTempDirectory("tw-bench-server-" + node);
      // owner-only, as the journal asks of the directory that holds it
      Files.createDirectory(dir.resolve("data"),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path blueprints = Files.createDirectories(dir.resolve("blueprints"));
      Files.writeString(blueprints.resolve(BLUEPRINT + ".yaml"), BLUEPRINT_YAML);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ServerConfig.Builder b = ServerConfig.builder().port(0).dataDir(dir.resolve("data"))
        .pluginsDir(dir.resolve("no-plugins")).blueprintsDir(dir.resolve("blueprints")).node(node)
        .ratePerMinute(1_000_000).maxSubscribers(10_000);
    if (jdbcUrl != null) {
      b.journal(jdbcUrl, "postgres", null);
    }
    if (keyFile != null) {
      b.secretKeyFile(keyFile);
    }
    try {
      TenantwrightServer server = TenantwrightServer.start(b.build());
      return new BenchServer(dir, server, server.issueToken("bench", "admin", null));
    } catch (RuntimeException e) {
      delete(dir);
      throw e;
    }
  }

  TenantwrightServer server() {
    return server;
  }

  /** The server's engine: the embedded SDK on the same journal. */
  Tenantwright tw() {
    return server.tenantwright();
  }

  /** {@code http://127.0.0.1:port}. */
  String url() {
    return server.url();
  }

  /** An admin API token. */
  String token() {
    return token;
  }

  /** Creates {@code n} tenants through the SDK and returns their ids, in order. */
  List<String> tenants(String prefix, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(tw().tenants().create(NewTenant.company(prefix + " " + i)
          .email("server-" + NAMES.incrementAndGet() + "@bench.example")).id());
    }
    return ids;
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      delete(dir);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
