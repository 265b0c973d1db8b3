package dev.tenantwright.plugin.traefik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.SchemaValidator;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.CreateResult.Origin;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.traefik.TraefikFake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraefikRouteTypeTest {

  static final String NAME = "acme--demo--route";
  /** The test servers listen on the host itself: allowed explicitly (SEC7). */
  static final List<String> LOOPBACK = List.of("127.0.0.1/32");

  @TempDir
  Path dir;

  @TempDir
  Path elsewhereDir;

  TraefikFake traefik;
  TraefikConfig config;
  TestStepContext ctx;
  final TraefikRouteType type = new TraefikRouteType();

  @BeforeEach
  void setUp() {
    traefik = new TraefikFake(dir).validateWith(SchemaValidator.traefik()::validateYaml);
    config = new TraefikConfig(dir.toString(), traefik.baseUrl(), null, null, null, null, "le", null, 5, 100,
        LOOPBACK, List.of("docker"));
    ctx = TestStepContext.builder().step("route").config(config).build();
    traefik.clock(ctx.clock());
  }

  /** Every route file left in the directory, and every one the fake loaded on the way, matches the schema. */
  @AfterEach
  void everyFileMatchesTheSchema() throws IOException {
    traefik.close();
    assertThat(traefik.loadErrors()).isEmpty();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yml")).toList()) {
        assertThat(SchemaValidator.traefik().validateYaml(Files.readString(f))).as(f.toString()).isEmpty();
      }
    }
  }

  static RouteSpec spec(String host) {
    return new RouteSpec(host, "/shop", true, List.of("http://127.0.0.1:20001", "http://127.0.0.1:20002"), null,
        null, null, null, null, null, null, "/health");
  }

  Path file() {
    return dir.resolve(NAME + ".yml");
  }

  String content() throws IOException {
    return Files.readString(file());
  }

  @Test
  void createWritesAValidatedFileWithTheOwnerCommentAndWaitsForTheRoutersToBeEnabled() throws IOException {
    CreateResult<TraefikRouteOutputs> result = type.create(spec("shop.acme.example"), ctx);

    assertThat(result.origin()).isEqualTo(Origin.CREATED);
    String text = content();
    assertThat(SchemaValidator.traefik().validateYaml(text)).isEmpty();
    assertThat(text).startsWith("# tenantwright-owner: " + ctx.ownershipMarker() + "\n");
    JsonNode http = SupportJson.yamlMapper().readTree(text).get("http");
    JsonNode main = http.get("routers").get(NAME);
    assertThat(main.get("rule").asText()).isEqualTo("Host(`shop.acme.example`) && PathPrefix(`/shop`)");
    assertThat(main.get("entryPoints")).extracting(JsonNode::asText).containsExactly("websecure");
    assertThat(main.get("tls").get("certResolver").asText()).isEqualTo("le");
    assertThat(main.get("middlewares")).extracting(JsonNode::asText).containsExactly(NAME + "-strip");
    JsonNode redirect = http.get("routers").get(NAME + "-http");
    assertThat(redirect.get("entryPoints")).extracting(JsonNode::asText).containsExactly("web");
    assertThat(redirect.get("middlewares")).extracting(JsonNode::asText).containsExactly(NAME + "-https");
    assertThat(http.get("middlewares").get(NAME + "-https").get("redirectScheme").get("scheme").asText()).isEqualTo("https");
    assertThat(http.get("middlewares").get(NAME + "-strip").get("stripPrefix").get("prefixes").get(0).asText())
        .isEqualTo("/shop");
    assertThat(http.get("services").get(NAME).get("loadBalancer").get("servers")).hasSize(2);

    TraefikRouteOutputs out = result.outputs();
    assertThat(out.verified()).isTrue();
    assertThat(out.router()).isEqualTo(NAME + "@file");
    assertThat(out.routers()).containsExactly(NAME + "@file", NAME + "-http@file");
    assertThat(out.service()).isEqualTo(NAME + "@file");
    assertThat(out.url()).isEqualTo("https://shop.acme.example/shop");
    assertThat(traefik.liveObjects()).containsExactly("file " + NAME + ".yml");
    assertThat(traefik.calls("GET /api/http/routers/{name}")).isEqualTo(2);
  }

  @Test
  void pollingWaitsWithGrowingPausesUntilTraefikHasReloaded() {
    traefik.reloadAfterCalls(3);

    TraefikRouteOutputs out = type.create(spec("shop.acme.example"), ctx).outputs();

    assertThat(out.verified()).isTrue();
    assertThat(ctx.pauses()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(traefik.requests("GET /api/http/routers/{name}")).extracting(c -> c.status())
        .containsExactly(404, 404, 404, 200, 200);
  }

  @Test
  void aRouterThatNeverLoadsIsRetryableAndTheFileStaysForTheNextAttempt() {
    TestStepContext c;
    try (TraefikFake elsewhere = new TraefikFake(elsewhereDir)) {
      TraefikConfig wrongApi = new TraefikConfig(dir.toString(), "http://127.0.0.1:" + elsewhere.port() + "/nothing",
          null, null, null, null, null, null, 2, 500, LOOPBACK, null);

      c = ctx.newBuilder().config(wrongApi).build();
      assertThatThrownBy(() -> type.create(spec("shop.acme.example"), c))
          .isInstanceOf(RetryableException.class)
          .hasMessageContaining("router " + NAME + "@file is not loaded yet");
    }
    assertThat(file()).exists();
    assertThat(c.pauses()).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
  }

  @Test
  void aRouterTraefikDisablesIsPermanentAndTheWrittenFileIsRemoved() {
    RouteSpec toDocker = new RouteSpec("shop.acme.example", null, null, null, "acme--demo--site-web@docker",
        null, null, false, null, null, null, null);

    assertThatThrownBy(() -> type.create(toDocker, ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("router " + NAME + "@file is disabled")
        .hasMessageContaining("the service \"acme--demo--site-web@docker\" does not exist");
    assertThat(file()).doesNotExist();
    assertThat(traefik.liveObjects()).isEmpty();

    traefik.knownService("acme--demo--site-web@docker");
    TraefikRouteOutputs out = type.create(toDocker, ctx).outputs();
    assertThat(out.service()).isEqualTo("acme--demo--site-web@docker");
    assertThat(out.routers()).containsExactly(NAME + "@file");
  }

  @Test
  void aTransient503WhilePollingIsPolledThrough() {
    traefik.inject(Fault.status(503).on("GET /api/http/routers/{name}").times(2));

    TraefikRouteOutputs out = type.create(spec("shop.acme.example"), ctx).outputs();

    assertThat(out.verified()).isTrue();
    assertThat(ctx.pauses()).hasSize(2);
  }

  @Test
  void anUnauthorizedApiIsPermanentAtOnce() {
    traefik.inject(Fault.status(401).on("GET /api/http/routers/{name}"));

    assertThatThrownBy(() -> type.create(spec("shop.acme.example"), ctx))
        .isInstanceOf(PermanentException.class).hasMessageContaining("401");
    assertThat(ctx.pauses()).isEmpty();
    assertThat(file()).doesNotExist();
  }

  @Test
  void withoutAnApiTheRouteIsWrittenButNotVerified() {
    TestStepContext withoutApi = ctx.newBuilder().config(new TraefikConfig(dir.toString(), null, null, null, null, null,
        null, null, null, null, LOOPBACK, null)).build();
    TraefikRouteOutputs out = type.create(spec("shop.acme.example"), withoutApi).outputs();

    assertThat(out.verified()).isFalse();
    assertThat(file()).exists();
    assertThat(traefik.totalCalls()).isZero();
  }

  @Test
  void createTwiceConvergesAndAnotherRunAdopts() throws IOException {
    type.create(spec("shop.acme.example"), ctx);
    String before = content();

    assertThat(type.create(spec("shop.acme.example"), ctx).origin()).isEqualTo(Origin.CREATED);
    CreateResult<TraefikRouteOutputs> adopted = type.create(spec("shop.acme.example"), ctx.inRun("run2"));

    assertThat(adopted.origin()).isEqualTo(Origin.ADOPTED);
    assertThat(adopted.outputs().owner()).isEqualTo(ctx.ownershipMarker());
    assertThat(content()).isEqualTo(before);
  }

  @Test
  void aForeignFileWithTheSameNameIsAConflictAndIsNeverTouched() throws IOException {
    Files.writeString(file(), "http:\n  routers: {}\n");
    String other = "# tenantwright-owner: tw:other/demo/route@9\nhttp:\n  routers: {}\n";

    assertThatThrownBy(() -> type.create(spec("shop.acme.example"), ctx))
        .isInstanceOf(PermanentException.class).hasMessageContaining("not managed by this resource");
    assertThatThrownBy(() -> type.delete(spec("shop.acme.example"), null, ctx)).isInstanceOf(PermanentException.class);
    Files.writeString(file(), other);
    assertThatThrownBy(() -> type.create(spec("shop.acme.example"), ctx))
        .hasMessageContaining("owned by tw:other/demo/route@9");
    assertThat(type.read(spec("shop.acme.example"), null, ctx)).isEmpty();
    assertThat(content()).isEqualTo(other);
  }

  @Test
  void updateRewritesAndAFailedUpdateRestoresThePreviousFile() throws IOException {
    TraefikRouteOutputs out = type.create(spec("shop.acme.example"), ctx).outputs();
    TraefikRouteOutputs updated = type.update(spec("www.acme.example"), spec("shop.acme.example"), out, ctx);
    assertThat(updated.url()).isEqualTo("https://www.acme.example/shop");
    assertThat(SchemaValidator.traefik().validateYaml(content())).isEmpty();
    String good = content();

    RouteSpec broken = new RouteSpec("www.acme.example", null, null, null, "missing@docker", null, null,
        null, null, null, null, null);
    assertThatThrownBy(() -> type.update(broken, spec("www.acme.example"), updated, ctx))
        .isInstanceOf(PermanentException.class);

    assertThat(content()).isEqualTo(good);
  }

  @Test
  void deleteRemovesTheFileAndTwiceIsFine() {
    TraefikRouteOutputs out = type.create(spec("shop.acme.example"), ctx).outputs();

    type.delete(spec("shop.acme.example"), out, ctx);
    type.delete(spec("shop.acme.example"), out, ctx);

    assertThat(traefik.liveObjects()).isEmpty();
    assertThat(type.read(spec("shop.acme.example"), out, ctx)).isEmpty();
    ctx.pause(Duration.ofSeconds(2));
    assertThat(traefik.router(NAME + "@file")).as("gone once Traefik has reloaded").isEmpty();
  }

  @Test
  void writesAreAtomicAndLeaveNoTemporaryFile() throws IOException {
    Files.writeString(dir.resolve(NAME + ".yml.tmp"), "half");

    type.create(spec("shop.acme.example"), ctx);

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(NAME + ".yml");
    }
  }

  @Test
  void everyVariantOfTheRenderedFileMatchesTheSchema() {
    TraefikConfig plain = new TraefikConfig(dir.toString(), null, null, null, List.of("websecure", "alt"), "http",
        null, false, null, null, null, null);
    List<RouteSpec> specs = List.of(
        spec("a.example"),
        new RouteSpec("b.example", null, null, List.of("http://10.0.0.5:8080"), null, false, null, null, null,
            null, null, null),
        new RouteSpec("c.example", "/api", false, null, "api@internal", true, "other", true, List.of("websecure"),
            42, null, null),
        new RouteSpec("d.example", null, null, List.of("https://10.0.0.6"), null, true, null, null, null, null,
            false, "/healthz"));
    for (TraefikConfig c : List.of(config, plain)) {
      for (RouteSpec s : specs) {
        String text = new dev.tenantwright.plugin.traefik.internal.RouteFile(dir, NAME).render(s, c, "tw:a/b/c@1");
        assertThat(SchemaValidator.traefik().validateYaml(text)).as(text).isEmpty();
        assertThat(dev.tenantwright.plugin.traefik.internal.RouteFile.ownerOf(text)).contains("tw:a/b/c@1");
      }
    }
  }

  @Test
  void specAndConfigRefuseBadFieldsByName() {
    assertThatThrownBy(() -> new RouteSpec("Bad Host", null, null, List.of("http://x"), null, null, null, null,
        null, null, null, null)).hasMessageContaining("field 'host'");
    assertThatThrownBy(() -> new RouteSpec("a.example", null, null, List.of("http://x"), "svc", null, null, null,
        null, null, null, null)).hasMessageContaining("either 'servers'");
    assertThatThrownBy(() -> new RouteSpec("a.example", "nope", null, List.of("http://x"), null, null, null, null,
        null, null, null, null)).hasMessageContaining("field 'pathPrefix'");
    assertThatThrownBy(() -> new RouteSpec("a.example", null, null, List.of("ftp://x"), null, null, null, null,
        null, null, null, null)).hasMessageContaining("field 'servers'");
    assertThatThrownBy(() -> new RouteSpec("a.example", null, true, List.of("http://x"), null, null, null, null,
        null, null, null, null)).hasMessageContaining("needs a pathPrefix");
    assertThatThrownBy(() -> new TraefikConfig(null, null, null, null, null, null, null, null, null, null, null, null))
        .hasMessageContaining("field 'directory'");
    assertThatThrownBy(() -> new TraefikConfig("/d", "ftp://x", null, null, null, null, null, null, null, null, null, null))
        .hasMessageContaining("field 'apiUrl'");
    assertThatThrownBy(() -> new TraefikConfig("/d", null, "admin", null, null, null, null, null, null, null, null, null))
        .hasMessageContaining("apiUser and apiPassword go together");
    TraefikConfig withPassword = new TraefikConfig("/d", null, "admin", Secret.of("hunter2"), null, null, null, null,
        null, null, null, null);
    assertThat(withPassword.toString()).doesNotContain("hunter2");
  }

  @Test
  void basicAuthIsSentToTheApiWhenConfigured() {
    traefik.requireBasicAuth("admin", "hunter2");
    TraefikConfig auth = new TraefikConfig(dir.toString(), traefik.baseUrl(), "admin", Secret.of("hunter2"), null, null,
        null, null, 5, 100, LOOPBACK, null);

    TestStepContext withAuth = ctx.newBuilder().config(auth).build();
    assertThat(type.create(spec("shop.acme.example"), withAuth).outputs().verified()).isTrue();
    assertThatThrownBy(() -> type.create(spec("shop.acme.example"), ctx))
        .isInstanceOf(PermanentException.class).hasMessageContaining("401").hasMessageNotContaining("hunter2");
  }

  @Test
  void t1_anUpdateIsJudgedOnTheRoutersTraefikLoadedNotOnTheOnesItStillServes() throws IOException {
    traefik.clock(ctx.clock()).throttle(Duration.ofSeconds(2));
    TraefikRouteOutputs out = type.create(spec("shop.acme.example"), ctx).outputs();
    String good = content();
    RouteSpec nowhere = new RouteSpec("shop.acme.example", "/shop", true,
        List.of("http://127.0.0.1:20001"), null, null, null, null, List.of("nowhere"), null, null, null);

    assertThatThrownBy(() -> type.update(nowhere, spec("shop.acme.example"), out, ctx))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("router " + NAME + "@file is disabled")
        .hasMessageContaining("no valid entryPoint");
    assertThat(content()).as("the previous file is back").isEqualTo(good);
  }

  @Test
  void t1_aVerifiedUpdateHasWaitedForTraefikToServeTheNewRule() {
    traefik.clock(ctx.clock()).throttle(Duration.ofSeconds(2));
    TraefikRouteOutputs out = type.create(spec("shop.acme.example"), ctx).outputs();

    TraefikRouteOutputs updated = type.update(spec("www.acme.example"), spec("shop.acme.example"), out, ctx);

    assertThat(updated.verified()).isTrue();
    assertThat(traefik.router(NAME + "@file")).hasValueSatisfying(r ->
        assertThat(r.get("rule").asText()).isEqualTo("Host(`www.acme.example`) && PathPrefix(`/shop`)"));
    assertThat(ctx.pauses().stream().reduce(Duration.ZERO, Duration::plus)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void t3_aRouterInWarningStateServesAndIsNotAFailure() {
    RouteSpec oneUnknown = new RouteSpec("shop.acme.example", null, null,
        List.of("http://127.0.0.1:20001"), null, null, null, false, List.of("websecure", "nowhere"), null, null, null);

    TraefikRouteOutputs out = type.create(oneUnknown, ctx).outputs();

    assertThat(out.verified()).isTrue();
    assertThat(traefik.router(NAME + "@file")).hasValueSatisfying(r ->
        assertThat(r.get("status").asText()).isEqualTo("warning"));
    assertThat(file()).exists();
  }

  @Test
  void sec7_serversOnInternalAddressesAreRefusedUnlessTheHostAllowsTheirRange() {
    TestStepContext strict = ctx.newBuilder().config(new TraefikConfig(dir.toString(), traefik.baseUrl(), null, null,
        null, null, "le", null, 5, 100, null, null)).build();
    for (String server : List.of("http://169.254.169.254/latest/meta-data", "http://127.0.0.1:8080", "http://10.1.2.3",
        "http://192.168.1.1", "http://172.16.0.1", "http://100.100.100.200", "http://[::1]:80", "http://[fd00:ec2::254]",
        "http://[::ffff:127.0.0.1]", "http://0.0.0.0:8080", "http://2130706433/", "http://0x7f.1/", "http://127.1/",
        "http://localhost:8080", "http://metadata.google.internal/", "http://printer.local")) {
      assertThatThrownBy(() -> type.create(new RouteSpec("shop.acme.example", null, null, List.of(server), null,
          null, null, null, null, null, null, null), strict)).as(server)
          .isInstanceOf(PermanentException.class).hasMessageContaining("field 'servers'");
    }
    assertThat(file()).doesNotExist();
    RouteSpec local = new RouteSpec("shop.acme.example", null, null, List.of("http://127.0.0.1:20001",
        "http://203.0.113.7:8080"), null, null, null, null, null, null, null, null);
    assertThat(type.create(local, ctx).outputs().verified()).as("127.0.0.1/32 is allowed here").isTrue();
    assertThatThrownBy(() -> new TraefikConfig("/d", null, null, null, null, null, null, null, null, null,
        List.of("10.0.0.0/33"), null)).hasMessageContaining("serverNetworks");
  }

  @Test
  void sec7_internalServicesAndOtherEnvironmentsServicesAreRefused() {
    TestStepContext noDocker = ctx.newBuilder().config(new TraefikConfig(dir.toString(), traefik.baseUrl(), null, null,
        null, null, "le", null, 5, 100, LOOPBACK, null)).build();
    traefik.knownService("acme--demo--site-web@docker").knownService("other--demo--site-web@docker");
    for (String service : List.of("api@internal", "dashboard@internal", "acme--demo--site-web@docker")) {
      assertThatThrownBy(() -> type.create(toService(service), noDocker)).as(service)
          .isInstanceOf(PermanentException.class).hasMessageContaining("field 'service'");
    }
    for (String service : List.of("other--demo--site-web@docker", "other--demo--route", "acme--live--site-web@docker")) {
      assertThatThrownBy(() -> type.create(toService(service), ctx)).as(service)
          .isInstanceOf(PermanentException.class).hasMessageContaining("not a service of this environment");
    }
    assertThat(file()).doesNotExist();
    assertThat(type.create(toService("acme--demo--site-web@docker"), ctx).outputs().service())
        .isEqualTo("acme--demo--site-web@docker");
  }

  static RouteSpec toService(String service) {
    return new RouteSpec("shop.acme.example", null, null, null, service, null, null, false, null, null, null,
        null);
  }
}
