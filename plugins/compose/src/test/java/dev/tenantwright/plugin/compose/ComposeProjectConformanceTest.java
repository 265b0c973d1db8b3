package dev.tenantwright.plugin.compose;

import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.plugin.support.SchemaValidator;
import dev.tenantwright.plugin.compose.internal.ComposeCli;
import dev.tenantwright.plugin.compose.internal.ComposeFile;
import dev.tenantwright.plugin.compose.internal.SiteFolder;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.CommandFault;
import dev.tenantwright.testkit.CommandRunnerFake;
import dev.tenantwright.testkit.compose.DockerComposeFake;
import dev.tenantwright.testkit.conformance.ResourceTypeConformance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** {@code compose.project} through the conformance kit, against {@link DockerComposeFake} and a real site folder. */
class ComposeProjectConformanceTest extends ResourceTypeConformance<ProjectSpec, ComposeProjectOutputs> {

  @TempDir
  Path root;

  /** Every compose file the plugin makes Compose read is checked against the schema. */
  final DockerComposeFake compose = new DockerComposeFake().validateWith(SchemaValidator.compose()::validateYaml)
      .externalNetwork("traefik");
  final CommandRunnerFake runner = new CommandRunnerFake().on(compose);

  /**
   * The plugin checks the Compose version once per runner; doing it here keeps that one call out of the kit's
   * per-run call counts (a crash point after it would otherwise exist only in the first run).
   */
  @BeforeEach
  void checkTheComposeVersionOnce() {
    new ComposeCli(List.of("docker", "compose"), runner, "warm-up", null, null, null, root.resolve("sites/.empty"))
        .ps(Duration.ofSeconds(5));
  }

  @Override
  protected ResourceType<ProjectSpec, ComposeProjectOutputs> type() {
    return new ComposeProjectType();
  }

  @Override
  protected Map<String, Object> params() {
    return params("hello");
  }

  @Override
  protected Map<String, Object> updatedParams() {
    return params("hello again");
  }

  private static Map<String, Object> params(String greeting) {
    return Map.of(
        "revision", "r1",
        "secrets", Map.of("DB_PASSWORD", "${secrets.conformance}"),
        "services", Map.of("web", Map.of(
            "image", "local/busybox:1",
            "environment", Map.of("GREETING", greeting),
            "secretEnv", List.of("DB_PASSWORD"),
            "ports", List.of(Map.of("target", 8080)),
            "healthcheck", Map.of("test", List.of("wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/")),
            "volumes", Map.of("data", "/data"),
            "route", Map.of("host", "${tenant.id}.example.com", "port", 8080))));
  }

  @Override
  protected Map<String, Map<String, Object>> pluginConfig() {
    return Map.of("compose", Map.of("rootDir", root.resolve("sites").toString(), "waitTimeoutSeconds", 30,
        "traefikNetwork", "traefik"));
  }

  @Override
  protected void configure(Tenantwright.Builder builder) {
    builder.commandRunner(runner);
  }

  /** Containers, volumes and networks in the fake, and the site folders on disk. */
  @Override
  protected Collection<String> liveObjects() {
    List<String> out = new ArrayList<>(compose.liveObjects());
    Path sites = root.resolve("sites");
    if (Files.isDirectory(sites)) {
      try (Stream<Path> dirs = Files.list(sites)) {
        dirs.filter(p -> !p.getFileName().toString().startsWith(".")).forEach(p -> out.add("folder " + p.getFileName()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  @Override
  protected void onBackendCall(IntConsumer listener) {
    compose.afterEachCall(listener);
  }

  /** Renders the folder exactly as the type would, with {@code marker}, and starts the project in the fake. */
  @Override
  protected void plantOwnedObject(String resourceName, String marker) {
    ComposeConfig config = new ComposeConfig(root.resolve("sites").toString(), null, null, null, null, null, null, null,
        null, null, null, null, "traefik", null, null, null, null, null);
    ProjectSpec spec = new ProjectSpec(Map.of("web", new ProjectSpec.Service("local/busybox:1",
        null, null, Map.of("GREETING", "hello"), List.of("DB_PASSWORD"),
        List.of(new ProjectSpec.Port(8080, null, null, null)),
        new ProjectSpec.Healthcheck(List.of("wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"), null,
            null, null, null),
        null, null, Map.of("data", "/data"), new ProjectSpec.Route("shop.example.com", null, 8080, null, null,
        null), null, null, null, null)), Map.of("DB_PASSWORD", Secret.of("planted-password")), "r1");
    SiteFolder folder = new SiteFolder(config.root(), resourceName);
    folder.write(ComposeFile.render(resourceName, spec, config, marker), ComposeFile.renderEnv(spec));
    runner.run(Command.builder("docker", "compose", "-p", resourceName, "-f", folder.composeFile().toString(),
        "--project-directory", folder.dir().toString(), "up", "-d", "--wait").build()).requireSuccess();
  }

  /** Someone else's site under the same name: a folder without marker and unlabelled containers. */
  @Override
  protected void plantForeignObject(String resourceName) {
    try {
      Path dir = Files.createDirectories(root.resolve("sites").resolve(resourceName));
      Files.writeString(dir.resolve("compose.yaml"), "services:\n  web:\n    image: nginx:1.27\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    compose.plantProject(resourceName, Map.of(), "web");
  }

  /** Takes the site away by hand: {@code docker compose down --volumes}, then the site folder. */
  @Override
  protected void deleteOutOfBand(String resourceName) {
    compose.removeProject(resourceName);
    try (Stream<Path> files = Files.walk(root.resolve("sites").resolve(resourceName))) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the site's container with {@code docker stop} by hand. */
  @Override
  protected String editOutOfBand(String resourceName) {
    compose.stop(resourceName, "web");
    return "services";
  }

  @Override
  protected List<ErrorCase> errorCases() {
    return List.of(
        new ErrorCase("docker daemon unreachable", () -> runner.inject(CommandFault.exit(1,
            "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
            .on("docker", "compose").times(1)), true),
        new ErrorCase("compose command timed out", () -> runner.inject(CommandFault.timeout().on("docker", "compose")
            .times(1)), true),
        new ErrorCase("image not in any registry", () -> runner.inject(CommandFault.exit(18,
            "Error response from daemon: pull access denied for local/busybox, repository does not exist")
            .on("docker", "compose").times(1)), false),
        new ErrorCase("service unhealthy", () -> compose.unhealthy("web"), false));
  }
}
