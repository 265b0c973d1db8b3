package dev.tenantwright.plugin.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.SchemaValidator;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.CreateResult.Origin;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.testkit.CommandFault;
import dev.tenantwright.testkit.CommandRunnerFake;
import dev.tenantwright.testkit.RecordedCommand;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.compose.DockerComposeFake;
import dev.tenantwright.testkit.compose.DockerComposeFake.ContainerView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeProjectTypeTest {

  static final String PROJECT = "acme--demo--site";

  @TempDir
  Path root;

  final DockerComposeFake compose = new DockerComposeFake().validateWith(SchemaValidator.compose()::validateYaml)
      .externalNetwork("traefik");
  final CommandRunnerFake runner = new CommandRunnerFake().on(compose);
  final ComposeProjectType type = new ComposeProjectType();
  ComposeConfig config;
  TestStepContext ctx;

  @BeforeEach
  void setUp() {
    config = new ComposeConfig(root.resolve("sites").toString(), null, null, null, 30, null, null, null, null, null,
        "le", null, "traefik", null, null, null, null, null);
    ctx = TestStepContext.builder().step("site").config(config).commands(runner).build();
  }

  Path site() {
    return root.resolve("sites").resolve(PROJECT);
  }

  String composeYaml() throws IOException {
    return Files.readString(site().resolve("compose.yaml"));
  }

  @Test
  void createRendersTheSiteFolderValidatesItAndStartsTheProjectHealthWaited() throws IOException {
    CreateResult<ComposeProjectOutputs> result = type.create(Specs.website("r1"), ctx);

    assertThat(result.origin()).isEqualTo(Origin.CREATED);
    String yaml = composeYaml();
    assertThat(SchemaValidator.compose().validateYaml(yaml)).isEmpty();
    List<RecordedCommand> ups = runner.invocations("docker", "compose", "-p", PROJECT);
    assertThat(ups).extracting(RecordedCommand::argv).contains(List.of("docker", "compose", "-p", PROJECT,
        "-f", site().resolve("compose.yaml").toString(), "--project-directory", site().toString(),
        "up", "-d", "--wait", "--wait-timeout", "30", "--remove-orphans"));
    assertThat(ups).allSatisfy(c -> assertThat(c.succeeded()).as(c.toString()).isTrue());

    ComposeProjectOutputs out = result.outputs();
    assertThat(out.project()).isEqualTo(PROJECT);
    assertThat(out.directory()).isEqualTo(site().toString());
    assertThat(out.owner()).isEqualTo(ctx.ownershipMarker());
    assertThat(out.revision()).isEqualTo("r1");
    assertThat(out.url()).isEqualTo("https://shop.acme.example/");
    assertThat(out.services()).extracting(s -> s.service() + ":" + s.state() + ":" + s.health())
        .containsExactly("web:running:healthy", "worker:running:");
    assertThat(out.publishedPort()).isNotNull();
    assertThat(out.services().get(0).ports()).singleElement().satisfies(p -> {
      assertThat(p.hostIp()).isEqualTo("127.0.0.1");
      assertThat(p.target()).isEqualTo(8080);
      assertThat(p.published()).isEqualTo(out.publishedPort());
    });
    assertThat(compose.volumes(PROJECT)).containsExactly(PROJECT + "_content");
    assertThat(compose.networks(PROJECT)).containsExactly(PROJECT + "_site");
    assertThat(compose.validatedFiles()).as("the fake checked the file Compose read against the schema")
        .containsExactly(site().resolve("compose.yaml").toString());
  }

  @Test
  void secretsGoToAPrivateEnvFileAndReachTheContainersButNeverAnArgvOrTheComposeFile() throws IOException {
    type.create(Specs.website("r1"), ctx);

    Path env = site().resolve(".env");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-------");
    assertThat(Files.readString(env)).contains("DB_PASSWORD='" + Specs.DB_PASSWORD.reveal() + "'")
        .contains("APP_KEY='" + Specs.APP_KEY.reveal() + "'");
    assertThat(composeYaml()).doesNotContain(Specs.DB_PASSWORD.reveal()).doesNotContain(Specs.APP_KEY.reveal())
        .contains("${TW_SECRET_DB_PASSWORD}");
    for (RecordedCommand c : runner.invocations()) {
      String all = c.argv() + " " + c.environment() + " " + c.stdin() + " " + c.stdout() + " " + c.stderr();
      assertThat(all).doesNotContain(Specs.DB_PASSWORD.reveal()).doesNotContain(Specs.APP_KEY.reveal());
    }
    ContainerView web = compose.containers(PROJECT).get("web");
    assertThat(web.environment()).containsEntry("DB_PASSWORD", Specs.DB_PASSWORD.reveal())
        .containsEntry("APP_KEY", Specs.APP_KEY.reveal())
        .containsEntry("GREETING", "hello $USER");
    assertThat(compose.containers(PROJECT).get("worker").environment())
        .containsEntry("DB_PASSWORD", Specs.DB_PASSWORD.reveal()).doesNotContainKey("APP_KEY");
    try (Stream<Path> files = Files.list(site())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("compose.yaml", ".env");
    }
  }

  @Test
  void everyServiceCarriesTheOwnerLabelTraefikRoutingLimitsAndAHealthcheck() throws IOException {
    ComposeConfig withNetwork = new ComposeConfig(config.rootDir(), null, null, null, null, null, null, null, null,
        null, "le", null, "traefik", null, null, null, null, null);
    compose.externalNetwork("traefik");
    Map<String, ProjectSpec.Service> services = Map.of("web", new ProjectSpec.Service(Specs.IMAGE, null,
        null, null, null, null,
        new ProjectSpec.Healthcheck(List.of("CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/"), "2s",
            null, null, "1s"),
        "128m", "0.25", null,
        new ProjectSpec.Route("acme.example", "/shop", 8080, true, null, null), null, null, null, null));
    type.create(new ProjectSpec(services, null, null), ctx.newBuilder().config(withNetwork).build());

    JsonNode doc = SupportJson.yamlMapper().readTree(composeYaml());
    assertThat(SchemaValidator.compose().validateYaml(composeYaml())).isEmpty();
    JsonNode web = doc.path("services").path("web");
    JsonNode labels = web.path("labels");
    String r = "traefik.http.routers." + PROJECT + "-web";
    assertThat(labels.path("dev.tenantwright.owner").asText()).isEqualTo(ctx.ownershipMarker());
    assertThat(labels.path(r + ".rule").asText()).isEqualTo("Host(`acme.example`) && PathPrefix(`/shop`)");
    assertThat(labels.path(r + ".entrypoints").asText()).isEqualTo("websecure");
    assertThat(labels.path(r + ".tls").asText()).isEqualTo("true");
    assertThat(labels.path(r + ".tls.certresolver").asText()).isEqualTo("le");
    assertThat(labels.path(r + ".middlewares").asText()).isEqualTo(PROJECT + "-web-strip");
    assertThat(labels.path("traefik.http.middlewares." + PROJECT + "-web-strip.stripprefix.prefixes").asText())
        .isEqualTo("/shop");
    assertThat(labels.path(r + "-http.entrypoints").asText()).isEqualTo("web");
    assertThat(labels.path(r + "-http.middlewares").asText()).isEqualTo(PROJECT + "-web-https");
    assertThat(labels.path("traefik.http.middlewares." + PROJECT + "-web-https.redirectscheme.scheme").asText())
        .isEqualTo("https");
    assertThat(labels.path("traefik.http.services." + PROJECT + "-web.loadbalancer.server.port").asText())
        .isEqualTo("8080");
    assertThat(labels.path("traefik.docker.network").asText()).isEqualTo("traefik");
    assertThat(web.path("deploy").path("resources").path("limits").path("memory").asText()).isEqualTo("128m");
    assertThat(web.path("deploy").path("resources").path("limits").path("cpus").asText()).isEqualTo("0.25");
    assertThat(web.path("healthcheck").path("test").get(0).asText()).isEqualTo("CMD-SHELL");
    assertThat(web.path("networks")).extracting(JsonNode::asText).containsExactly("site", "traefik");
    assertThat(doc.path("networks").path("traefik").path("external").asBoolean()).isTrue();
    assertThat(doc.path("networks").path("site").path("labels").path("dev.tenantwright.owner").asText())
        .isEqualTo(ctx.ownershipMarker());
    assertThat(doc.path("x-tenantwright").path("owner").asText()).isEqualTo(ctx.ownershipMarker());
    assertThat(compose.containers(PROJECT).get("web").networks()).containsExactly(PROJECT + "_site", "traefik");
  }

  @Test
  void createTwiceConvergesWithoutRecreatingAnything() {
    type.create(Specs.website("r1"), ctx);
    String id = compose.containers(PROJECT).get("web").id();

    CreateResult<ComposeProjectOutputs> again = type.create(Specs.website("r1"), ctx);

    assertThat(again.origin()).isEqualTo(Origin.CREATED);
    assertThat(compose.containers(PROJECT).get("web").id()).isEqualTo(id);
    assertThat(compose.containers(PROJECT).get("web").generation()).isEqualTo(1);
  }

  @Test
  void aProjectMadeByAnotherRunOfThisResourceIsAdoptedAndKeepsItsMarker() throws IOException {
    type.create(Specs.website("r1"), ctx);
    String marker = ctx.ownershipMarker();

    CreateResult<ComposeProjectOutputs> adopted = type.create(Specs.website("r1"), ctx.inRun("run2"));

    assertThat(adopted.origin()).isEqualTo(Origin.ADOPTED);
    assertThat(adopted.outputs().owner()).isEqualTo(marker);
    assertThat(composeYaml()).contains(marker);
  }

  @Test
  void aForeignFolderIsAConflictAndStaysUntouched() throws IOException {
    Files.createDirectories(site());
    Files.writeString(site().resolve("compose.yaml"), "services:\n  web:\n    image: nginx\n");
    Files.writeString(site().resolve("index.html"), "theirs");

    assertThatThrownBy(() -> type.create(Specs.website("r1"), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("compose project " + PROJECT + " already exists")
        .hasMessageContaining("no Tenantwright ownership marker");
    assertThat(Files.readString(site().resolve("compose.yaml"))).isEqualTo("services:\n  web:\n    image: nginx\n");
    assertThat(compose.projects()).isEmpty();
    assertThatThrownBy(() -> type.delete(Specs.website("r1"), null, ctx)).isInstanceOf(PermanentException.class);
    assertThat(site().resolve("index.html")).exists();
  }

  @Test
  void foreignContainersUnderTheProjectNameAreAConflict() {
    compose.plantProject(PROJECT, Map.of("dev.tenantwright.owner", "tw:other/demo/site@1234"), "web");

    assertThatThrownBy(() -> type.create(Specs.website("r1"), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("owned by tw:other/demo/site@1234");
    assertThat(compose.containers(PROJECT)).containsKey("web");
    assertThat(site()).doesNotExist();
  }

  @Test
  void anUnhealthyServiceFailsPermanentlyAndTheCreateLeavesNothingBehind() {
    compose.unhealthy("web");

    assertThatThrownBy(() -> type.create(Specs.website("r1"), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("container " + PROJECT + "-web-1 is unhealthy");
    assertThat(compose.liveObjects()).isEmpty();
    assertThat(site()).doesNotExist();
  }

  @Test
  void anExitingServiceFailsPermanently() {
    compose.exits("worker", 1);

    assertThatThrownBy(() -> type.create(Specs.website("r1"), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("container " + PROJECT + "-worker-1 exited (1)");
    assertThat(compose.liveObjects()).isEmpty();
  }

  @Test
  void aSlowHealthcheckIsRetryableAndAFollowingAttemptConverges() {
    compose.slowToBecomeHealthy("web");

    assertThatThrownBy(() -> type.create(Specs.website("r1"), ctx))
        .isInstanceOf(RetryableException.class)
        .hasMessageContaining("application not healthy after 30s");
    compose.clearFailures();
    CreateResult<ComposeProjectOutputs> second = type.create(Specs.website("r1"), ctx);

    assertThat(second.origin()).isEqualTo(Origin.CREATED);
    assertThat(second.outputs().services()).extracting(ComposeProjectOutputs.ServiceStatus::health)
        .containsExactly("healthy", "");
  }

  @Test
  void anUnreachableDaemonIsRetryable() {
    runner.inject(CommandFault.exit(1, "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
        + "Is the docker daemon running?").on("docker", "compose").nth(1));

    assertThatThrownBy(() -> type.create(Specs.website("r1"), ctx)).isInstanceOf(RetryableException.class)
        .hasMessageContaining("Cannot connect to the Docker daemon");
    assertThat(site()).doesNotExist();
  }

  @Test
  void aTimedOutUpIsRetryableWithAnUnknownOutcomeAndTheNextAttemptConverges() {
    runner.inject(CommandFault.timeout().afterHandler().on("docker", "compose", "-p", PROJECT, "-f",
        site().resolve("compose.yaml").toString(), "--project-directory", site().toString(), "up").nth(1));

    assertThatThrownBy(() -> type.create(Specs.website("r1"), ctx))
        .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e.outcomeUnknown()).isTrue());
    assertThat(type.read(Specs.website("r1"), null, ctx)).isPresent();
    CreateResult<ComposeProjectOutputs> again = type.create(Specs.website("r1"), ctx);

    assertThat(again.origin()).isEqualTo(Origin.CREATED);
    assertThat(compose.containers(PROJECT).get("web").generation()).isEqualTo(1);
  }

  @Test
  void updateRewritesPullsAndRecreatesOnlyTheChangedService() throws IOException {
    ComposeProjectOutputs first = type.create(Specs.website("r1"), ctx).outputs();
    String web = compose.containers(PROJECT).get("web").id();

    ComposeProjectOutputs second = type.update(Specs.website("r1", Map.of("GREETING", "hello $USER"), "mailer"),
        Specs.website("r1"), first, ctx);

    assertThat(compose.containers(PROJECT).get("worker").generation()).isEqualTo(2);
    assertThat(compose.containers(PROJECT).get("worker").environment()).containsEntry("ROLE", "mailer");
    assertThat(compose.containers(PROJECT).get("web").id()).isEqualTo(web);
    assertThat(compose.pulls()).containsEntry(Specs.IMAGE, 2);
    assertThat(second.owner()).isEqualTo(first.owner());
    assertThat(SchemaValidator.compose().validateYaml(composeYaml())).isEmpty();
  }

  @Test
  void aChangedServiceTakesItsDependentsAlong() {
    ComposeProjectOutputs first = type.create(Specs.website("r1"), ctx).outputs();

    type.update(Specs.website("r1", Map.of("GREETING", "hi")), Specs.website("r1"), first, ctx);

    assertThat(compose.containers(PROJECT).get("web").generation()).isEqualTo(2);
    assertThat(compose.containers(PROJECT).get("worker").generation()).as("worker depends on web").isEqualTo(2);
  }

  @Test
  void aNewRevisionRedeploysEveryService() {
    ComposeProjectOutputs first = type.create(Specs.website("r1"), ctx).outputs();

    ComposeProjectOutputs second = type.update(Specs.website("r2"), Specs.website("r1"), first, ctx.inRun("deploy-2"));

    assertThat(second.revision()).isEqualTo("r2");
    assertThat(compose.containers(PROJECT).values()).extracting(ContainerView::generation).containsOnly(2);
    assertThat(compose.containers(PROJECT).get("web").labels()).containsEntry("dev.tenantwright.revision", "r2")
        .containsEntry("dev.tenantwright.owner", first.owner());
  }

  @Test
  void resetTakesTheProjectDownWithItsVolumesAndStartsItAgain() {
    ComposeProjectOutputs first = type.create(Specs.website("r1"), ctx).outputs();

    type.reset(Specs.website("r1"), first, ctx);

    List<String> history = compose.history();
    assertThat(history.subList(history.size() - 4, history.size()))
        .containsExactly(PROJECT + " ps", PROJECT + " down", PROJECT + " up", PROJECT + " ps");
    assertThat(compose.containers(PROJECT).get("web").generation()).isEqualTo(1);
    assertThat(compose.volumes(PROJECT)).containsExactly(PROJECT + "_content");
  }

  @Test
  void deleteLeavesNoContainerVolumeNetworkOrFolderAndTwiceIsFine() {
    ComposeProjectOutputs out = type.create(Specs.website("r1"), ctx).outputs();

    type.delete(Specs.website("r1"), out, ctx);
    type.delete(Specs.website("r1"), out, ctx);

    assertThat(compose.liveObjects()).isEmpty();
    assertThat(site()).doesNotExist();
    assertThat(type.read(Specs.website("r1"), out, ctx)).isEmpty();
    assertThat(runner.invocations("docker", "compose", "-p", PROJECT, "-f")).extracting(RecordedCommand::argv)
        .anySatisfy(a -> assertThat(a).endsWith("down", "-v", "--remove-orphans"));
  }

  @Test
  void deleteOfAProjectWhoseFolderVanishedTakesItDownByName() throws IOException {
    ComposeProjectOutputs out = type.create(Specs.website("r1"), ctx).outputs();
    new dev.tenantwright.plugin.compose.internal.SiteFolder(root.resolve("sites"), PROJECT).remove();

    type.delete(Specs.website("r1"), out, ctx);

    assertThat(compose.liveObjects()).isEmpty();
    assertThat(runner.invocations()).last().satisfies(c ->
        assertThat(c.argv()).containsExactly("docker", "compose", "-p", PROJECT, "down", "-v", "--remove-orphans"));
  }

  @Test
  void archivingKeepsTheFolderButNotItsSecrets() throws IOException {
    ComposeConfig archive = new ComposeConfig(config.rootDir(), null, "archive", root.resolve("archive").toString(),
        null, null, null, null, null, null, null, null, "traefik", null, null, null, null, null);
    TestStepContext actx = ctx.newBuilder().config(archive).build();
    ComposeProjectOutputs out = type.create(Specs.website("r1"), actx).outputs();

    type.delete(Specs.website("r1"), out, actx);

    assertThat(site()).doesNotExist();
    try (Stream<Path> archived = Files.list(root.resolve("archive"))) {
      Path dir = archived.findFirst().orElseThrow();
      assertThat(dir.getFileName().toString()).startsWith(PROJECT + "-");
      assertThat(dir.resolve("compose.yaml")).exists();
      assertThat(dir.resolve(".env")).doesNotExist();
    }
    assertThat(compose.liveObjects()).isEmpty();
  }

  @Test
  void readReportsTheContainersAndIsEmptyForAForeignProject() {
    assertThat(type.read(Specs.website("r1"), null, ctx)).isEmpty();
    type.create(Specs.website("r1"), ctx);

    assertThat(type.read(Specs.website("r1"), null, ctx)).hasValueSatisfying(o ->
        assertThat(o.services()).hasSize(2));
    assertThat(type.read(Specs.website("r1"), null, ctx.forTenant("other")))
        .as("another tenant's resource with the same name sees nothing of ours").isEmpty();
  }

  @Test
  void theStandaloneBinaryIsUsedWhenConfigured() {
    DockerComposeFake standalone = DockerComposeFake.standalone().externalNetwork("traefik");
    CommandRunnerFake r = new CommandRunnerFake().on(standalone);
    ComposeConfig v1 = new ComposeConfig(config.rootDir(), List.of("docker-compose"), null, null, null, null, null,
        null, null, null, null, null, "traefik", null, null, null, null, null);

    type.create(Specs.website("r1"), ctx.newBuilder().config(v1).commands(r).build());

    assertThat(r.invocations()).allSatisfy(c -> assertThat(c.program()).isEqualTo("docker-compose"));
    assertThat(standalone.containers(PROJECT)).containsOnlyKeys("web", "worker");
  }

  @Test
  void anInvalidProjectNameIsRefusedBeforeAnyCommandRuns() {
    TestStepContext bad = ctx.newBuilder().resourceName("acme-demo-Site.Main").build();

    assertThatThrownBy(() -> type.create(Specs.website("r1"), bad))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("is not a valid Compose project name");
    assertThat(runner.invocations()).isEmpty();
  }

  @Test
  void aComposeFileThatFailsTheSchemaIsNeverRun() {
    ProjectSpec spec = new ProjectSpec(Map.of("web", new ProjectSpec.Service(Specs.IMAGE, null,
        null, null, null, null, null, null, null, null, null, null, null, null, Map.of("x", "y"))), null, null);
    String valid = dev.tenantwright.plugin.compose.internal.ComposeFile.render(PROJECT, spec, config, "tw:a/b/c@1");
    assertThat(SchemaValidator.compose().validateYaml(valid)).isEmpty();
    String broken = valid.replace("restart:", "restartt:");

    assertThat(SchemaValidator.compose().validateYaml(broken)).isNotEmpty();
    assertThatThrownBy(() -> SchemaValidator.compose().requireValidYaml("compose.yaml", broken))
        .isInstanceOf(PermanentException.class).hasMessageContaining("restartt");
  }

  @Test
  void specRefusesBadFieldsByName() {
    assertThatThrownBy(() -> new ProjectSpec(Map.of(), null, null))
        .hasMessageContaining("field 'services'");
    assertThatThrownBy(() -> new ProjectSpec(Map.of("Web", Specs.service("x")), null, null))
        .hasMessageContaining("not a valid service name");
    assertThatThrownBy(() -> new ProjectSpec(Map.of("web", Specs.service("x")),
        Map.of("DB", dev.tenantwright.spi.Secret.of("it's")), null))
        .hasMessageContaining("field 'secrets.DB'").hasMessageNotContaining("it's");
    assertThatThrownBy(() -> new ProjectSpec(Map.of("web", new ProjectSpec.Service("x", null, null, null,
        List.of("NOPE"), null, null, null, null, null, null, null, null, null, null)), null, null))
        .hasMessageContaining("names secret 'NOPE'");
    assertThatThrownBy(() -> new ProjectSpec.Route("Shop.Example", null, 80, null, null, null))
        .hasMessageContaining("route.host");
    assertThatThrownBy(() -> new ProjectSpec.Service("x", null, null, null, null, null, null, "lots", null,
        null, null, null, null, null, null)).hasMessageContaining("field 'memory'");
    assertThatThrownBy(() -> new ProjectSpec.Service("x", null, null, null, null, null, null, null, null, null,
        null, null, null, null, Map.of("dev.tenantwright.owner", "me"))).hasMessageContaining("reserved");
  }

  @Test
  void theConfigHasDefaultsAndNamesTheFieldItRefuses() {
    ComposeConfig c = ComposeConfig.of(root);
    assertThat(c.binary()).containsExactly("docker", "compose");
    assertThat(c.onDelete()).isEqualTo("remove");
    assertThat(c.archiveDir()).isEqualTo(root.resolve(".archive").toString());
    assertThat(c.waitTimeoutSeconds()).isEqualTo(120);
    assertThatThrownBy(() -> new ComposeConfig(null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null)).hasMessageContaining("field 'rootDir'");
    assertThatThrownBy(() -> new ComposeConfig("/x", List.of(), null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null)).hasMessageContaining("field 'binary'");
    assertThatThrownBy(() -> new ComposeConfig("/x", null, "shred", null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null)).hasMessageContaining("field 'onDelete'");
  }

  @Test
  void dollarSignsInPlainValuesAreEscapedForCompose() throws IOException {
    type.create(Specs.website("r1", Map.of("PRICE", "$5 and ${NOT_A_VAR}")), ctx);

    assertThat(composeYaml()).contains("$$5 and $${NOT_A_VAR}");
    assertThat(compose.containers(PROJECT).get("web").environment()).containsEntry("PRICE", "$5 and ${NOT_A_VAR}");
    assertThat(runner.invocations()).allSatisfy(c -> assertThat(c.stderr()).doesNotContain("variable is not set"));
    assertThat(new String(Files.readAllBytes(site().resolve(".env")), StandardCharsets.UTF_8)).doesNotContain("PRICE");
  }
}
