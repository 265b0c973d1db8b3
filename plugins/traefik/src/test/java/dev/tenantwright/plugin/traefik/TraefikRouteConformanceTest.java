package dev.tenantwright.plugin.traefik;

import dev.tenantwright.plugin.support.SchemaValidator;
import dev.tenantwright.plugin.traefik.internal.RouteFile;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.conformance.ResourceTypeConformance;
import dev.tenantwright.testkit.traefik.TraefikFake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;

/**
 * {@code traefik.route} through the conformance kit: route files in a real directory, verified through
 * {@link TraefikFake}. The backend calls the kit crashes after are the API polls, each of which follows the
 * file write.
 */
class TraefikRouteConformanceTest extends ResourceTypeConformance<RouteSpec, TraefikRouteOutputs> {

  final Path dir = tempDir();
  /** Every route file the fake loads is checked against the schema; a bad one would block the reload. */
  /** Reloads without Traefik's 2 s throttle: the kit creates and deletes the same route in quick succession. */
  final TraefikFake traefik = new TraefikFake(dir).throttle(java.time.Duration.ofMillis(50))
      .validateWith(SchemaValidator.traefik()::validateYaml);

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("tw-traefik-dynamic");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterEach
  void closeFake() throws IOException {
    traefik.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Override
  protected ResourceType<RouteSpec, TraefikRouteOutputs> type() {
    return new TraefikRouteType();
  }

  @Override
  protected Map<String, Object> params() {
    return Map.of("host", "${tenant.id}.example.com", "servers", List.of("http://127.0.0.1:20001"));
  }

  @Override
  protected Map<String, Object> updatedParams() {
    return Map.of("host", "${tenant.id}.example.com", "pathPrefix", "/v2", "stripPrefix", true,
        "servers", List.of("http://127.0.0.1:20001", "http://127.0.0.1:20002"));
  }

  @Override
  protected Map<String, Map<String, Object>> pluginConfig() {
    return Map.of("traefik", Map.of("directory", dir.toString(), "apiUrl", traefik.baseUrl(), "certResolver", "le",
        "serverNetworks", List.of("127.0.0.1/32"),
        "verifyTimeoutSeconds", 2, "pollIntervalMillis", 50));
  }

  @Override
  protected Collection<String> liveObjects() {
    return traefik.liveObjects();
  }

  @Override
  protected void onBackendCall(IntConsumer listener) {
    traefik.afterEachCall(listener);
  }

  /** Writes the file exactly as the type would, with {@code marker} in its first line. */
  @Override
  protected void plantOwnedObject(String resourceName, String marker) {
    TraefikConfig config = new TraefikConfig(dir.toString(), traefik.baseUrl(), null, null, null, null, "le", null, 2,
        50, List.of("127.0.0.1/32"), null);
    RouteSpec spec = new RouteSpec("shop.example.com", null, null, List.of("http://127.0.0.1:20001"),
        null, null, null, null, null, null, null, null);
    RouteFile file = new RouteFile(dir, resourceName);
    file.write(file.render(spec, config, marker));
  }

  /** Someone else's route file under the same name: no ownership line. */
  @Override
  protected void plantForeignObject(String resourceName) {
    try {
      Files.writeString(dir.resolve(resourceName + ".yml"), """
          http:
            routers:
              theirs:
                rule: "Host(`theirs.example`)"
                service: noop@internal
          """);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the route file by hand; Traefik drops the route on its next reload. */
  @Override
  protected void deleteOutOfBand(String resourceName) {
    try {
      Files.delete(dir.resolve(resourceName + ".yml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(
        new ErrorCase("401 from the API", () -> traefik.inject(Fault.status(401).on("GET /api/http/routers/{name}")
            .times(1)), false),
        new ErrorCase("503 from the API until the deadline", () -> traefik.inject(Fault.status(503)
            .on("GET /api/http/routers/{name}")), true));
  }
}
