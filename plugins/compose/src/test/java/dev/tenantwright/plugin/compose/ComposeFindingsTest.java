package dev.tenantwright.plugin.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.plugin.compose.ProjectSpec.Build;
import dev.tenantwright.plugin.compose.ProjectSpec.Route;
import dev.tenantwright.plugin.compose.ProjectSpec.Service;
import dev.tenantwright.plugin.compose.internal.ComposeCli;
import dev.tenantwright.plugin.support.SchemaValidator;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.CommandRunnerFake;
import dev.tenantwright.testkit.RecordedCommand;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.compose.DockerComposeFake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per review finding on the Compose plugin (security review SEC2, SEC3, SEC10, SEC12; backend review
 * C2, C4, C5, C6, C8), each failing on the code before its fix.
 */
class ComposeFindingsTest {

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
    config = config(true);
    ctx = TestStepContext.builder().step("site").config(config).commands(runner).build();
  }

  ComposeConfig config(boolean pullOnUpdate) {
    return new ComposeConfig(root.resolve("sites").toString(), null, null, null, 30, null, pullOnUpdate, null, null,
        null, "le", null, "traefik", null, null, null, null, null);
  }

  Path site() {
    return root.resolve("sites").resolve(PROJECT);
  }

  static ProjectSpec withSecrets(Map<String, String> secrets) {
    Map<String, Secret> sealed = new LinkedHashMap<>();
    secrets.forEach((k, v) -> sealed.put(k, Secret.of(v)));
    return new ProjectSpec(Map.of("web", new Service(Specs.IMAGE, null, null, null, List.copyOf(secrets.keySet()),
        null, null, null, null, null, null, null, null, null, null)), sealed, null);
  }

  @Test
  void sec2_aSecretValueThatComposeWouldNotReadLiterallyIsRefusedAndNamesItsField() {
    for (String value : List.of("x\\", "a\\b", "it's", "two\nlines", "cr\rhere", "nul\0", "bell\u0007")) {
      assertThatThrownBy(() -> withSecrets(Map.of("SMTP_PASSWORD", value)))
          .as(value.replace("\n", "\\n"))
          .isInstanceOf(PermanentException.class)
          .hasMessageContaining("field 'secrets.SMTP_PASSWORD'")
          .hasMessageNotContaining(value);
    }
  }

  @Test
  void sec2_twoTenantSecretsCannotPullAHostVariableIntoAnother() {
    compose.processEnvironment(Map.of("HOST_ONLY_TOKEN", "cf-token-of-the-host"));
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("DB_PASSWORD", "generated-0123456789");
    secrets.put("SMTP_USER", "x\\");
    secrets.put("SMTP_PASSWORD", "DB_PASSWORD=${HOST_ONLY_TOKEN} #");

    try {
      type.create(withSecrets(secrets), ctx);
    } catch (PermanentException refused) {
      assertThat(refused).hasMessageContaining("secrets.SMTP_USER");
      return;
    }
    assertThat(compose.containers(PROJECT).get("web").environment())
        .containsEntry("DB_PASSWORD", "generated-0123456789")
        .containsEntry("SMTP_USER", "x\\")
        .containsEntry("SMTP_PASSWORD", "DB_PASSWORD=${HOST_ONLY_TOKEN} #");
  }

  @Test
  void sec3_aHostVariableNamedLikeASecretNeverReplacesTheGeneratedValue() {
    compose.processEnvironment(Map.of("DB_PASSWORD", "the-host's-own-password", "APP_KEY", "the-host's-key"));

    type.create(Specs.website("r1"), ctx);

    assertThat(compose.containers(PROJECT).get("web").environment())
        .containsEntry("DB_PASSWORD", Specs.DB_PASSWORD.reveal())
        .containsEntry("APP_KEY", Specs.APP_KEY.reveal());
  }

  @Test
  void sec3_aPathPrefixWithADollarOrACommaIsRefused() {
    for (String prefix : List.of("/$CLOUDFLARE_API_TOKEN", "/a,b", "/${X}")) {
      assertThatThrownBy(() -> new Route("shop.example.com", prefix, 8080, true, null, null))
          .as(prefix).isInstanceOf(PermanentException.class).hasMessageContaining("route.pathPrefix");
    }
  }

  @Test
  void sec10_aBuildContextOutsideTheSiteFolderIsRefused() {
    for (String context : List.of("../../acme-live-site", "/", "/etc", "themes/../../x", "..", "./.", ".")) {
      assertThatThrownBy(() -> type.create(built(context), ctx))
          .as(context).isInstanceOf(PermanentException.class).hasMessageContaining("build.context");
    }
    assertThat(runner.invocations()).noneMatch(c -> c.argv().contains("up"));
  }

  @Test
  void sec10_aBuildContextThatLeavesTheBuildRootThroughASymlinkIsRefused() throws Exception {
    Path builds = Files.createDirectories(root.resolve("builds"));
    Files.createDirectories(builds.resolve("themes/plain"));
    Files.createSymbolicLink(builds.resolve("escape"), root);
    ComposeConfig withRoot = new ComposeConfig(root.resolve("sites").toString(), null, null, null, 30, null, null, null,
        null, null, "le", null, "traefik", null, null, null, builds.toString(), null);
    TestStepContext c = ctx.newBuilder().config(withRoot).build();

    assertThatThrownBy(() -> type.create(built("escape/sites"), c))
        .isInstanceOf(PermanentException.class).hasMessageContaining("build.context");
    type.create(built("themes/plain"), c);
    assertThat(compose.containers(PROJECT).get("web").builtFrom()).isEqualTo(builds.resolve("themes/plain").toString());
  }

  @Test
  void sec10_aGitContextMustBeHttpsOnAnAllowedHost() {
    for (String context : List.of("http://github.com/acme/shop.git#main", "https://user:pw@github.com/acme/shop.git#m",
        "https://github.com/acme/shop.git", "https://github.com/acme/shop.git#../x", "git@github.com:acme/shop.git#m",
        "https://169.254.169.254/latest.git#x")) {
      assertThatThrownBy(() -> type.create(built(context), ctx)).as(context)
          .isInstanceOf(PermanentException.class).hasMessageContaining("build.context");
    }
  }

  static ProjectSpec built(String context) {
    return new ProjectSpec(Map.of("web", new Service(null, new Build(context, null), null, null, null, null,
        null, null, null, null, null, null, null, null, null)), null, null);
  }

  @Test
  void sec12_aLabelValueThatWouldReadAsAnotherLabelIsRefused() {
    String forged = "x,dev.tenantwright.owner=tw:victim/live/site@1";
    assertThatThrownBy(() -> new Service(Specs.IMAGE, null, null, null, null, null, null, null, null, null, null, null,
        null, null, Map.of("note", forged))).isInstanceOf(PermanentException.class).hasMessageContaining("labels.note");
    assertThatThrownBy(() -> new ProjectSpec(Map.of("web", Specs.service(Specs.IMAGE)), null, "r1," + forged))
        .isInstanceOf(PermanentException.class).hasMessageContaining("revision");
  }

  @Test
  void sec12_anOwnerLabelSeenTwiceInPsOutputIsNotTrusted() throws Exception {
    String labels = "com.docker.compose.project=p,dev.tenantwright.owner=tw:a/demo/site@1,"
        + "dev.tenantwright.owner=tw:b/demo/site@2";
    ComposeCli.Container c = SupportJson.mapper().readValue("{\"Name\":\"p-web-1\",\"Labels\":"
        + SupportJson.mapper().writeValueAsString(labels) + "}", ComposeCli.Container.class);

    assertThat(c.owner()).isNull();
  }

  @Test
  void c8_labelValuesWithCommasAreParsedWhole() throws Exception {
    String labels = "traefik.http.routers.x.entrypoints=web,websecure,dev.tenantwright.owner=tw:a/demo/site@1,"
        + "com.docker.compose.depends_on=web:service_healthy:false,db:service_started:false";
    ComposeCli.Container c = SupportJson.mapper().readValue("{\"Name\":\"p-web-1\",\"Labels\":"
        + SupportJson.mapper().writeValueAsString(labels) + "}", ComposeCli.Container.class);

    assertThat(c.labelMap())
        .containsEntry("traefik.http.routers.x.entrypoints", "web,websecure")
        .containsEntry("com.docker.compose.depends_on", "web:service_healthy:false,db:service_started:false")
        .containsEntry("dev.tenantwright.owner", "tw:a/demo/site@1")
        .hasSize(3);
    assertThat(c.owner()).isEqualTo("tw:a/demo/site@1");
  }

  @Test
  void c2_aRedeployBuildsThePushedRevisionFromAGitContextEvenWithoutPullOnUpdate() {
    TestStepContext noPull = ctx.newBuilder().config(config(false)).build();
    String repo = "https://github.com/acme/shop.git#";
    ComposeProjectOutputs first = type.create(built(repo + "1111111111111111111111111111111111111111"), noPull)
        .outputs();

    type.update(built(repo + "9f2c1e7d4b3a29f1c0e5d6b7a8c9d0e1f2a3b4c5"),
        built(repo + "1111111111111111111111111111111111111111"), first, noPull);

    assertThat(compose.containers(PROJECT).get("web").builtFrom())
        .isEqualTo(repo + "9f2c1e7d4b3a29f1c0e5d6b7a8c9d0e1f2a3b4c5");
  }

  @Test
  void c4_byNameCommandsRunInAnEmptyFolderSoNoComposeFileNearbyIsRead() {
    ComposeProjectOutputs out = type.create(Specs.website("r1"), ctx).outputs();
    type.delete(Specs.website("r1"), out, ctx);

    List<RecordedCommand> byName = runner.invocations().stream()
        .filter(c -> c.argv().contains("-p") && !c.argv().contains("-f") && !c.argv().contains("version")).toList();
    assertThat(byName).isNotEmpty().allSatisfy(c -> {
      assertThat(c.workingDir()).as(c.toString()).isNotNull();
      assertThat(c.workingDir()).isDirectory();
      try (Stream<Path> files = Files.list(c.workingDir())) {
        assertThat(files).isEmpty();
      }
    });
  }

  @Test
  void c4_aComposeFileAboveTheSitesFolderIsRefusedRatherThanReadByName() throws Exception {
    Files.writeString(root.resolve("compose.yaml"), "services:\n  other:\n    image: nginx\n");

    assertThatThrownBy(() -> type.create(Specs.website("r1"), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining(root.resolve("compose.yaml").toString());
    assertThat(compose.projects()).isEmpty();
  }

  @Test
  void c5_aComposeTooOldToReportLabelsIsRefusedWithAClearErrorBeforeAnythingChanges() {
    compose.version("2.20.2");

    assertThatThrownBy(() -> type.create(Specs.website("r1"), ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("2.20.2").hasMessageContaining("2.21.0");
    assertThat(site()).doesNotExist();
    assertThat(compose.projects()).isEmpty();
  }

  @Test
  void c5_theVersionIsCheckedOnceAndADistributionSuffixIsFine() {
    compose.version("2.26.1-4");

    type.create(Specs.website("r1"), ctx);
    type.create(Specs.website("r1"), ctx);

    assertThat(runner.invocations()).filteredOn(c -> c.argv().contains("version")).hasSize(1);
  }

  @Test
  void c6_aRouteWithoutATraefikNetworkIsRefused() {
    ComposeConfig noNetwork = new ComposeConfig(root.resolve("sites").toString(), null, null, null, 30, null, null,
        null, null, null, "le", null, null, null, null, null, null, null);

    assertThatThrownBy(() -> type.create(Specs.website("r1"), ctx.newBuilder().config(noNetwork).build()))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("traefikNetwork");
    assertThat(compose.projects()).isEmpty();
  }
}
