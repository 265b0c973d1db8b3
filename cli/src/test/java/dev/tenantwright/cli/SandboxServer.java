package dev.tenantwright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.examples.stories.Sandbox;
import dev.tenantwright.server.ServerConfig;
import dev.tenantwright.server.TenantwrightServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One Tenantwright server in sandbox mode (every backend a fake in this JVM) shared by every test class of the
 * module, started on first use and closed when the test run ends: starting one takes seconds.
 *
 * <p>Tests that provision share one tenant, {@link #provisioning()}, each test class on environments of its own
 * ({@code demo}, {@code live}, {@code test-next}, {@code test-broken}): the sandbox makes a TLS certificate for each
 * new tenant's domains, which takes seconds. Tests that only read or are refused make tenants of their own.
 */
final class SandboxServer implements AutoCloseable {

  private static final AtomicInteger TENANTS = new AtomicInteger();

  private final Path dir;
  private final TenantwrightServer server;
  private final String adminToken;
  private String provisioning;

  private SandboxServer() throws IOException {
    dir = Files.createTempDirectory("tw-cli-test");
    ServerConfig config = ServerConfig.builder().port(0).dataDir(dir).pluginsDir(dir.resolve("none"))
        .blueprintsDir(dir.resolve("none")).sandbox(true).build();
    server = TenantwrightServer.start(config);
    adminToken = server.issueToken("ops", "admin", null);
  }

  /** Hands the shared server to a test's constructor or methods: {@code @ExtendWith(SandboxServer.Resolver.class)}. */
  static final class Resolver implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == SandboxServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return get(context);
    }
  }

  /** The shared server, started by the first test that asks. */
  static SandboxServer get(ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(SandboxServer.class,
        k -> {
          try {
            return new SandboxServer();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }, SandboxServer.class);
  }

  String url() {
    return server.url();
  }

  String adminToken() {
    return adminToken;
  }

  /** The server's data directory (its first admin token is in {@code admin.token}). */
  Path dataDir() {
    return dir;
  }

  String issueToken(String name, String scope, String tenant) {
    return server.issueToken(name, scope, tenant);
  }

  Sandbox sandbox() {
    return server.sandbox().orElseThrow();
  }

  /** A command line acting with the admin token, the server's URL in {@code TW_URL}. */
  Cli admin() {
    return new Cli(Map.of("TW_URL", url(), "TW_TOKEN", adminToken));
  }

  /** The tenant the provisioning tests share, signed up on first use. */
  synchronized String provisioning() {
    if (provisioning == null) {
      provisioning = newTenant("Shared Shop");
    }
    return provisioning;
  }

  /**
   * Signs up a new tenant through the API (the CLI does not create tenants: they sign up through the product) and
   * returns its id: the company name plus a number, slugged.
   */
  String newTenant(String company) {
    String name = company + " " + TENANTS.incrementAndGet();
    String body = "{\"company\":\"" + name + "\",\"email\":\"ops@" + name.toLowerCase(Locale.ROOT).replace(' ', '-')
        + ".example\"}";
    HttpResponse<String> r = post("/tenants", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return name.toLowerCase(Locale.ROOT).replace(' ', '-');
  }

  HttpResponse<String> post(String path, String json) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url() + path))
          .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
