package dev.tenantwright.plugin.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.testing.TestSupport;
import dev.tenantwright.plugin.support.SchemaValidator;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.testkit.TestStepContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compose.project} against the real dockerd and Compose v2 of the build machine (see
 * {@code scripts/README.md}): a two-service site from the busybox test image comes up health-waited, answers
 * HTTP on its published port, redeploys, and leaves nothing behind.
 */
class ComposeProjectIT {

  static final String SOCKET = System.getenv().getOrDefault("TW_IT_DOCKER_SOCKET", "/var/run/docker.sock");

  @TempDir
  Path root;

  final CommandRunner runner = TestSupport.processRunner();
  final ComposeProjectType type = new ComposeProjectType();
  TestStepContext ctx;
  String project;
  String network;

  @BeforeEach
  void setUp() {
    String tenant = "it" + UUID.randomUUID().toString().substring(0, 6).toLowerCase(Locale.ROOT);
    // the external network Traefik would reach the routed service on (required for routes, finding C6)
    network = tenant + "-traefik";
    assertThat(docker("network", "create", network).exitCode()).isZero();
    ComposeConfig config = new ComposeConfig(root.resolve("sites").toString(), null, null, null, 90, 300, null, null,
        null, null, "le", null, network, null, null, "unix://" + SOCKET, null, null);
    ctx = TestStepContext.builder().tenant(tenant).step("site").config(config).commands(runner)
        .budget(Duration.ofMinutes(5)).build();
    project = ctx.resourceName();
  }

  @AfterEach
  void cleanUp() {
    docker("compose", "-p", project, "down", "-v", "--remove-orphans", "-t", "0");
    docker("network", "rm", network);
  }

  @Test
  void aTwoServiceSiteComesUpHealthyAnswersHttpRedeploysAndLeavesNothingBehind() throws Exception {
    ProjectSpec spec = Specs.website("r1");

    CreateResult<ComposeProjectOutputs> created = type.create(spec, ctx);

    ComposeProjectOutputs out = created.outputs();
    assertThat(SchemaValidator.compose().validateYaml(Files.readString(Path.of(out.composeFile())))).isEmpty();
    assertThat(out.services()).extracting(s -> s.service() + ":" + s.state() + ":" + s.health())
        .containsExactly("web:running:healthy", "worker:running:");
    assertThat(out.publishedPort()).isNotNull();
    assertThat(get("http://127.0.0.1:" + out.publishedPort() + "/")).contains("tenantwright-busybox ok");
    assertThat(env("web")).contains("DB_PASSWORD=" + Specs.DB_PASSWORD.reveal());
    assertThat(docker("inspect", "--format", "{{index .Config.Labels \"dev.tenantwright.owner\"}}", project + "-web-1")
        .stdout().strip()).isEqualTo(ctx.ownershipMarker());

    String web = containerId("web");
    String worker = containerId("worker");
    assertThat(type.create(spec, ctx).origin()).isEqualTo(CreateResult.Origin.CREATED);
    assertThat(containerId("web")).as("an unchanged project is not recreated").isEqualTo(web);

    ProjectSpec changedWorker = Specs.website("r1", Map.of("GREETING", "hello $USER"), "mailer");
    ComposeProjectOutputs updated = type.update(changedWorker, spec, out, ctx);

    assertThat(containerId("worker")).as("the changed service is recreated").isNotEqualTo(worker);
    assertThat(containerId("web")).as("the unchanged service is kept").isEqualTo(web);
    assertThat(env("worker")).contains("ROLE=mailer");

    ComposeProjectOutputs redeployed = type.update(Specs.website("r1", Map.of("GREETING", "hello again"), "mailer"),
        changedWorker, updated, ctx);

    assertThat(containerId("web")).as("the changed service is recreated").isNotEqualTo(web);
    assertThat(env("web")).contains("GREETING=hello again");
    assertThat(get("http://127.0.0.1:" + redeployed.publishedPort() + "/")).contains("tenantwright-busybox ok");
    assertThat(type.read(spec, redeployed, ctx)).isPresent();

    type.delete(spec, redeployed, ctx);

    assertThat(lines(docker("ps", "-a", "-q", "--filter", "label=com.docker.compose.project=" + project))).isEmpty();
    assertThat(lines(docker("volume", "ls", "-q", "--filter", "label=com.docker.compose.project=" + project))).isEmpty();
    assertThat(lines(docker("network", "ls", "-q", "--filter", "label=com.docker.compose.project=" + project))).isEmpty();
    assertThat(lines(docker("volume", "ls", "-q"))).noneMatch(v -> v.startsWith(project));
    assertThat(lines(docker("network", "ls", "--format", "{{.Name}}"))).noneMatch(n -> n.startsWith(project));
    assertThat(Path.of(out.directory())).doesNotExist();
    assertThat(type.read(spec, redeployed, ctx)).isEmpty();
    type.delete(spec, redeployed, ctx);
  }

  @Test
  void anUnhealthyServiceFailsTheCreateAndNothingIsLeft() {
    ProjectSpec broken = new ProjectSpec(Map.of("web", new ProjectSpec.Service(Specs.IMAGE, null,
        List.of("sleep", "300"), null, null, null,
        new ProjectSpec.Healthcheck(List.of("false"), "1s", "1s", 1, null),
        null, null, null, null, null, null, "1s", null)), null, null);

    assertThatThrownBy(() -> type.create(broken, ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("container " + project + "-web-1 is unhealthy");
    assertThat(lines(docker("ps", "-a", "-q", "--filter", "label=com.docker.compose.project=" + project))).isEmpty();
    assertThat(lines(docker("network", "ls", "-q", "--filter", "label=com.docker.compose.project=" + project))).isEmpty();
    assertThat(root.resolve("sites").resolve(project)).doesNotExist();
  }

  /** The container's environment as {@code env} prints it inside the running container. */
  private List<String> env(String service) {
    return lines(docker("exec", project + "-" + service + "-1", "env"));
  }

  private String containerId(String service) {
    CommandResult r = docker("ps", "-q", "--filter", "label=com.docker.compose.project=" + project,
        "--filter", "label=com.docker.compose.service=" + service);
    List<String> ids = lines(r);
    assertThat(ids).hasSize(1);
    return ids.get(0);
  }

  private CommandResult docker(String... args) {
    return runner.run(Command.builder("docker", args).env("DOCKER_HOST", "unix://" + SOCKET)
        .timeout(Duration.ofMinutes(2)).build());
  }

  private static List<String> lines(CommandResult r) {
    assertThat(r.exitCode()).as(r.describeFailure()).isZero();
    return r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  private static String get(String url) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
