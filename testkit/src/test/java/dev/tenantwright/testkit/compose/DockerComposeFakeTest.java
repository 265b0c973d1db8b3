package dev.tenantwright.testkit.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantwright.spi.Command;
import dev.tenantwright.spi.CommandResult;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.testkit.CommandFault;
import dev.tenantwright.testkit.CommandRunnerFake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerComposeFakeTest {

  static final String COMPOSE = """
      services:
        web:
          image: local/busybox:1
          environment:
            PASSWORD: ${DB_PASSWORD}
            LITERAL: "$$HOME"
          labels:
            dev.tenantwright.owner: "tw:acme/demo/site@1"
          ports:
            - target: 8080
              host_ip: 127.0.0.1
          healthcheck:
            test: [CMD, "true"]
          volumes:
            - type: volume
              source: data
              target: /data
          networks: [site]
        worker:
          image: local/busybox:1
          command: [sleep, "60"]
          depends_on: [web]
          networks: [site]
      networks:
        site: {}
      volumes:
        data: {}
      """;

  @TempDir
  Path dir;

  final DockerComposeFake compose = new DockerComposeFake();
  final CommandRunnerFake runner = new CommandRunnerFake().on(compose);
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void files() throws IOException {
    Files.writeString(dir.resolve("compose.yaml"), COMPOSE);
    Files.writeString(dir.resolve(".env"), "DB_PASSWORD='pw-1'\n");
  }

  CommandResult compose(String... args) {
    List<String> argv = new ArrayList<>(List.of("compose", "-p", "acme", "-f", dir.resolve("compose.yaml").toString(),
        "--project-directory", dir.toString()));
    argv.addAll(List.of(args));
    return runner.run(Command.builder("docker").args(argv).build());
  }

  CommandResult byName(String... args) {
    List<String> argv = new ArrayList<>(List.of("compose", "-p", "acme"));
    argv.addAll(List.of(args));
    return runner.run(Command.builder("docker").args(argv).build());
  }

  @Test
  void upCreatesContainersVolumesAndNetworksInterpolatedFromTheEnvFile() {
    CommandResult up = compose("up", "-d", "--wait");

    assertThat(up.exitCode()).isZero();
    assertThat(up.stderr()).contains(" Container acme-web-1  Healthy");
    assertThat(compose.containers("acme")).containsOnlyKeys("web", "worker");
    DockerComposeFake.ContainerView web = compose.containers("acme").get("web");
    assertThat(web.environment()).containsEntry("PASSWORD", "pw-1").containsEntry("LITERAL", "$HOME");
    assertThat(web.health()).isEqualTo("healthy");
    assertThat(web.labels()).containsEntry("com.docker.compose.project", "acme")
        .containsEntry("dev.tenantwright.owner", "tw:acme/demo/site@1");
    assertThat(web.publishers()).singleElement().satisfies(p -> {
      assertThat(p.url()).isEqualTo("127.0.0.1");
      assertThat(p.publishedPort()).isGreaterThan(0);
    });
    assertThat(compose.liveObjects()).containsExactlyInAnyOrder("container acme-web-1", "container acme-worker-1",
        "volume acme_data", "network acme_site");
  }

  @Test
  void upOnAnUnchangedProjectIsANoOpAndAChangeRecreatesTheServiceAndItsDependents() throws IOException {
    compose("up", "-d", "--wait");
    String web = compose.containers("acme").get("web").id();

    compose("up", "-d", "--wait");
    assertThat(compose.containers("acme").get("web").id()).isEqualTo(web);

    Files.writeString(dir.resolve(".env"), "DB_PASSWORD='pw-2'\n");
    compose("up", "-d", "--wait");

    assertThat(compose.containers("acme").get("web").generation()).isEqualTo(2);
    assertThat(compose.containers("acme").get("worker").generation()).isEqualTo(2);
    assertThat(compose.containers("acme").get("web").environment()).containsEntry("PASSWORD", "pw-2");
  }

  @Test
  void psPrintsJsonLinesWithComposeFieldsAndAnArrayBeforeVersion221() throws IOException {
    compose("up", "-d");

    String lines = byName("ps", "--format", "json", "-a").stdout();
    assertThat(lines.lines()).hasSize(2);
    JsonNode first = json.readTree(lines.lines().findFirst().orElseThrow());
    assertThat(first.get("Name").asText()).isEqualTo("acme-web-1");
    assertThat(first.get("Service").asText()).isEqualTo("web");
    assertThat(first.get("State").asText()).isEqualTo("running");
    assertThat(first.get("Health").asText()).isEqualTo("healthy");
    assertThat(first.get("Publishers").get(0).get("TargetPort").asInt()).isEqualTo(8080);
    assertThat(first.get("Labels").asText()).contains("com.docker.compose.project=acme");

    compose.version("2.20.2");
    JsonNode array = json.readTree(byName("ps", "--format", "json", "-a").stdout());
    assertThat(array.isArray()).isTrue();
    assertThat(array).hasSize(2);
    assertThat(array.get(0).has("Labels")).as("api.ContainerSummary had no labels before 2.21").isFalse();
    assertThat(array.get(0).get("Publishers").get(0).get("TargetPort").asInt()).isEqualTo(8080);
    assertThat(runner.run(Command.builder("docker", "compose", "-p", "nothing", "ps", "--format", "json").build()).stdout())
        .isEqualTo("[]\n");
  }

  @Test
  void downRemovesEverythingAndIsIdempotentWithComposesWarning() {
    compose("up", "-d", "--wait");

    assertThat(byName("down", "-v", "--remove-orphans").exitCode()).isZero();
    assertThat(compose.liveObjects()).isEmpty();

    CommandResult again = byName("down", "-v", "--remove-orphans");
    assertThat(again.exitCode()).isZero();
    assertThat(again.stderr()).isEqualTo("Warning: No resource found to remove for project \"acme\".\n");
  }

  @Test
  void downWithoutVolumesKeepsThem() {
    compose("up", "-d");

    byName("down");

    assertThat(compose.liveObjects()).containsExactly("volume acme_data");
  }

  @Test
  void anInvalidProjectNameIsRefusedWithComposesMessage() {
    CommandResult r = runner.run(Command.builder("docker", "compose", "-p", "Bad_Name", "ps").build());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).isEqualTo("invalid project name \"Bad_Name\": must consist only of lowercase alphanumeric "
        + "characters, hyphens, and underscores as well as start with a letter or number\n");
  }

  @Test
  void aMissingComposeFileExits14() {
    CommandResult r = runner.run(Command.builder("docker", "compose", "-p", "acme", "-f", "/nonexistent.yaml", "up", "-d")
        .build());

    assertThat(r.exitCode()).isEqualTo(14);
    assertThat(r.stderr()).contains("open /nonexistent.yaml: no such file or directory");
  }

  @Test
  void configuredFailuresAnswerLikeCompose() {
    compose.unhealthy("web");
    CommandResult unhealthy = compose("up", "-d", "--wait");
    assertThat(unhealthy.exitCode()).isEqualTo(1);
    assertThat(unhealthy.stderr()).endsWith("container acme-web-1 is unhealthy\n");

    compose.clearFailures();
    compose.exits("worker", 3);
    CommandResult exited = compose("up", "-d", "--wait", "--force-recreate");
    assertThat(exited.stderr()).endsWith("container acme-worker-1 exited (3)\n");

    compose.clearFailures();
    compose.slowToBecomeHealthy("web");
    CommandResult slow = compose("up", "-d", "--wait", "--wait-timeout", "5", "--force-recreate");
    assertThat(slow.stderr()).endsWith("application not healthy after 5s\n");
    assertThatThrownBy(() -> compose("up", "-d", "--wait", "--force-recreate")).isInstanceOf(RetryableException.class);
  }

  @Test
  void unknownFlagsAndUndeclaredVolumesAreRefused() throws IOException {
    assertThat(compose("up", "--detatch").stderr()).isEqualTo("unknown flag: --detatch\n");
    Files.writeString(dir.resolve("compose.yaml"), "services:\n  web:\n    image: x\n    volumes: [\"nope:/data\"]\n");
    CommandResult r = compose("up", "-d");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains("service \"web\" refers to undefined volume nope");
  }

  @Test
  void unsetVariablesAreWarnedAboutAndBecomeEmpty() throws IOException {
    Files.delete(dir.resolve(".env"));

    CommandResult up = compose("up", "-d");

    assertThat(up.stderr()).contains("The \\\"DB_PASSWORD\\\" variable is not set. Defaulting to a blank string.");
    assertThat(compose.containers("acme").get("web").environment()).containsEntry("PASSWORD", "");
  }

  @Test
  void theAfterCallHookSeesEveryInvocationAndFaultsComeFromTheRunner() {
    List<Integer> seen = new ArrayList<>();
    compose.afterEachCall(seen::add);
    runner.inject(CommandFault.timeout().afterHandler().on("docker", "compose", "-p", "acme", "-f").nth(1));

    assertThatThrownBy(() -> compose("up", "-d")).isInstanceOf(RetryableException.class);
    assertThat(compose.containers("acme")).as("the handler ran before the timeout struck").hasSize(2);
    byName("ps");

    assertThat(seen).containsExactly(1, 2);
  }

  @Test
  void anAttachedValidatorRefusesABadFileAsComposesSchemaCheckWould() throws IOException {
    compose.validateWith(text -> text.contains("imagee") ? List.of("services.web additional properties 'imagee' not allowed")
        : List.of());
    assertThat(compose("config", "-q").exitCode()).isZero();
    Files.writeString(dir.resolve("compose.yaml"), "services:\n  web:\n    imagee: x\n");

    CommandResult r = compose("up", "-d");

    assertThat(r.exitCode()).isEqualTo(15);
    assertThat(r.stderr()).contains("validating " + dir.resolve("compose.yaml") + ": services.web additional properties");
    assertThat(compose.validatedFiles()).hasSize(2);
    assertThat(compose.projects()).isEmpty();
  }

  @Test
  void theStandaloneBinaryTakesNoComposeWordAndPlantedProjectsShowUp() {
    DockerComposeFake standalone = DockerComposeFake.standalone();
    CommandRunnerFake r = new CommandRunnerFake().on(standalone);
    standalone.plantProject("theirs", java.util.Map.of("owner", "someone"), "app");

    CommandResult ps = r.run(Command.builder("docker-compose", "-p", "theirs", "ps", "--format", "json", "-a").build());

    assertThat(ps.stdout()).contains("\"Name\":\"theirs-app-1\"").contains("owner=someone");
    assertThat(standalone.liveObjects()).containsExactly("container theirs-app-1", "network theirs_default");
  }

  @Test
  void theProcessEnvironmentWinsOverTheEnvFileAsInCompose() {
    compose.processEnvironment(java.util.Map.of("DB_PASSWORD", "from-the-host"));

    compose("up", "-d");

    assertThat(compose.containers("acme").get("web").environment()).containsEntry("PASSWORD", "from-the-host");
  }

  @Test
  void theCommandsOwnVariablesWinOverTheInheritedOnes() {
    compose.processEnvironment(java.util.Map.of("DB_PASSWORD", "inherited"));
    List<String> argv = new ArrayList<>(List.of("compose", "-p", "acme", "-f", dir.resolve("compose.yaml").toString(),
        "up", "-d"));

    runner.run(Command.builder("docker").args(argv).env("DB_PASSWORD", "own").build());

    assertThat(compose.containers("acme").get("web").environment()).containsEntry("PASSWORD", "own");
  }

  @Test
  void aByNameCallFindsAComposeFileInAParentFolderAsComposeDoes() throws IOException {
    java.nio.file.Path nested = Files.createDirectories(dir.resolve("a/b"));

    CommandResult r = runner.run(Command.builder("docker", "compose", "-p", "acme", "up", "-d").workingDir(nested).build());

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(compose.containers("acme")).containsOnlyKeys("web", "worker");
  }

  @Test
  void waitTimeoutIsAnUnknownFlagBeforeCompose217() {
    compose.version("2.16.0");

    CommandResult r = compose("up", "-d", "--wait", "--wait-timeout", "5");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).isEqualTo("unknown flag: --wait-timeout\n");
    assertThat(runner.run(Command.builder("docker", "compose", "version", "--short").build()).stdout())
        .isEqualTo("2.16.0\n");
  }

  @Test
  void anImageIsBuiltWhenMissingAndRebuiltOnlyByBuildAChangedContextAloneDoesNotRebuild() throws IOException {
    Files.writeString(dir.resolve("compose.yaml"), "services:\n  app:\n    build: {context: \"https://git.example/a.git#r1\"}\n");
    compose("up", "-d");
    assertThat(compose.containers("acme").get("app").builtFrom()).isEqualTo("https://git.example/a.git#r1");

    Files.writeString(dir.resolve("compose.yaml"), "services:\n  app:\n    build: {context: \"https://git.example/a.git#r2\"}\n");
    compose("up", "-d");
    assertThat(compose.containers("acme").get("app").builtFrom()).as("a stale image").isEqualTo("https://git.example/a.git#r1");

    compose("build");
    compose("up", "-d");
    assertThat(compose.containers("acme").get("app").builtFrom()).isEqualTo("https://git.example/a.git#r2");
    assertThat(compose.containers("acme").get("app").generation()).isEqualTo(3);
    assertThat(compose.builds()).containsEntry("acme/app", 2);
  }
}
