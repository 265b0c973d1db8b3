package dev.tenantwright.testkit.traefik;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantwright.testkit.Fault;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraefikFakeTest {

  static final String ROUTE = """
      # tenantwright-owner: tw:acme/demo/route@1
      http:
        routers:
          acme-web:
            entryPoints: [websecure]
            rule: "Host(`acme.example`) && PathPrefix(`/shop`)"
            service: acme-web
            middlewares: [acme-strip]
            tls:
              certResolver: le
        services:
          acme-web:
            loadBalancer:
              servers:
                - url: "http://127.0.0.1:20001"
        middlewares:
          acme-strip:
            stripPrefix:
              prefixes: [/shop]
      """;

  @TempDir
  Path dir;

  TraefikFake traefik;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void close() {
    if (traefik != null) {
      traefik.close();
    }
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(traefik.baseUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aRouterAppearsEnabledOnceItsFileIsInTheDirectory() throws Exception {
    traefik = new TraefikFake(dir).throttle(Duration.ZERO);
    assertThat(get("/api/http/routers/acme-web@file").statusCode()).isEqualTo(404);

    Files.writeString(dir.resolve("acme.yml"), ROUTE);
    HttpResponse<String> r = get("/api/http/routers/acme-web@file");

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode router = json.readTree(r.body());
    assertThat(router.get("status").asText()).isEqualTo("enabled");
    assertThat(router.has("error")).isFalse();
    assertThat(router.get("name").asText()).isEqualTo("acme-web@file");
    assertThat(router.get("provider").asText()).isEqualTo("file");
    assertThat(router.get("using")).extracting(JsonNode::asText).containsExactly("websecure");
    assertThat(json.readTree(get("/api/http/services/acme-web@file").body()).get("serverStatus")
        .get("http://127.0.0.1:20001").asText()).isEqualTo("UP");
    assertThat(json.readTree(get("/api/http/middlewares/acme-strip@file").body()).get("usedBy").get(0).asText())
        .isEqualTo("acme-web@file");
    assertThat(traefik.liveObjects()).containsExactly("file acme.yml");
  }

  @Test
  void aMissingRouterIsA404WithAJsonBodySentAsPlainText() throws Exception {
    traefik = new TraefikFake(dir).throttle(Duration.ZERO);

    HttpResponse<String> r = get("/api/http/routers/nope@file");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
    assertThat(json.readTree(r.body()).get("message").asText()).isEqualTo("router not found: nope@file");
  }

  @Test
  void aRouterWithAMissingServiceOrMiddlewareIsDisabledWithErrors() throws Exception {
    traefik = new TraefikFake(dir).throttle(Duration.ZERO);
    Files.writeString(dir.resolve("broken.yml"), """
        http:
          routers:
            broken:
              rule: "Host(`b.example`)"
              service: elsewhere@docker
              middlewares: [gone]
              entryPoints: [nowhere, web]
        """);

    JsonNode router = json.readTree(get("/api/http/routers/broken@file").body());

    assertThat(router.get("status").asText()).isEqualTo("disabled");
    assertThat(router.get("error")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
        "entryPoint \"nowhere\" doesn't exist", "middleware \"gone@file\" does not exist",
        "the service \"elsewhere@docker\" does not exist");
    traefik.knownService("elsewhere@docker");
    Files.writeString(dir.resolve("broken.yml"), Files.readString(dir.resolve("broken.yml")).replace("[gone]", "[]"));
    assertThat(traefik.router("broken@file")).as("serving on web; the unknown entry point is a warning")
        .hasValueSatisfying(r -> assertThat(r.get("status").asText()).isEqualTo("warning"));
  }

  @Test
  void anUnknownCertificateResolverIsAWarning() throws Exception {
    traefik = new TraefikFake(dir).throttle(Duration.ZERO).certResolvers("other");
    Files.writeString(dir.resolve("acme.yml"), ROUTE);

    JsonNode router = json.readTree(get("/api/http/routers/acme-web@file").body());

    assertThat(router.get("status").asText()).isEqualTo("warning");
    assertThat(router.get("error").get(0).asText()).contains("nonexistent resolver: le");
  }

  @Test
  void oneUnparsableFileKeepsThePreviousConfigurationActive() throws Exception {
    traefik = new TraefikFake(dir).throttle(Duration.ZERO);
    Files.writeString(dir.resolve("acme.yml"), ROUTE);
    assertThat(get("/api/http/routers/acme-web@file").statusCode()).isEqualTo(200);

    Files.writeString(dir.resolve("zz-bad.yml"), "http: [unclosed");
    Files.delete(dir.resolve("acme.yml"));

    assertThat(get("/api/http/routers/acme-web@file").statusCode()).as("previous config still active").isEqualTo(200);
    assertThat(traefik.loadErrors()).singleElement().satisfies(e -> assertThat(e).contains("zz-bad.yml"));
    Files.delete(dir.resolve("zz-bad.yml"));
    assertThat(get("/api/http/routers/acme-web@file").statusCode()).isEqualTo(404);
  }

  @Test
  void temporaryFilesAreIgnoredAndTheFirstOfTwoSameNamedRoutersWins() throws Exception {
    traefik = new TraefikFake(dir).throttle(Duration.ZERO);
    Files.writeString(dir.resolve("acme.yml.tmp"), "http: [half a file");
    Files.writeString(dir.resolve("a.yml"), ROUTE);
    Files.writeString(dir.resolve("b.yaml"), ROUTE.replace("acme.example", "other.example"));

    JsonNode router = json.readTree(get("/api/http/routers/acme-web@file").body());

    assertThat(router.get("rule").asText()).contains("acme.example");
    assertThat(traefik.loadErrors()).isEmpty();
    assertThat(traefik.liveObjects()).containsExactly("file a.yml", "file acme.yml.tmp", "file b.yaml");
  }

  @Test
  void aFileTheAttachedValidatorRefusesBlocksTheReload() throws Exception {
    traefik = new TraefikFake(dir).throttle(Duration.ZERO).validateWith(text -> text.contains("servicee") ? List.of("/http/routers/x: servicee")
        : List.of());
    Files.writeString(dir.resolve("acme.yml"), ROUTE);
    assertThat(get("/api/http/routers/acme-web@file").statusCode()).isEqualTo(200);

    Files.writeString(dir.resolve("bad.yml"), "http:\n  routers:\n    x:\n      servicee: y\n");
    Files.writeString(dir.resolve("acme.yml"), ROUTE.replace("acme.example", "new.example"));

    assertThat(json.readTree(get("/api/http/routers/acme-web@file").body()).get("rule").asText()).contains("acme.example");
    assertThat(traefik.loadErrors()).singleElement().satisfies(e -> assertThat(e).contains("invalid bad.yml"));
    assertThat(traefik.validatedFiles()).isEqualTo(3);
  }

  @Test
  void aReloadBecomesVisibleAfterTheConfiguredNumberOfCalls() throws Exception {
    traefik = new TraefikFake(dir).throttle(Duration.ZERO).reloadAfterCalls(2);
    Files.writeString(dir.resolve("acme.yml"), ROUTE);

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(get("/api/http/routers/acme-web@file").statusCode());
    }

    assertThat(statuses).containsExactly(404, 404, 200, 200);
  }

  @Test
  void listsTheOverviewTheAfterCallHookAndInjectedFaultsWork() throws Exception {
    traefik = new TraefikFake(dir).throttle(Duration.ZERO);
    Files.writeString(dir.resolve("acme.yml"), ROUTE);
    List<Integer> seen = new ArrayList<>();
    traefik.afterEachCall(seen::add);

    JsonNode list = json.readTree(get("/api/http/routers?search=acme").body());
    JsonNode overview = json.readTree(get("/api/overview").body());
    traefik.inject(Fault.status(503).on("GET /api/http/routers/{name}").times(1));
    int faulted = get("/api/http/routers/acme-web@file").statusCode();

    assertThat(list).extracting(n -> n.get("name").asText()).containsExactly("acme-web@file");
    assertThat(overview.get("http").get("routers").get("total").asInt()).isEqualTo(1);
    assertThat(faulted).isEqualTo(503);
    assertThat(seen).containsExactly(1, 2);
    assertThat(get("/api/http/routers/acme-web@file").statusCode()).isEqualTo(200);
  }

  @Test
  void aChangeSoonAfterAPublicationStaysInvisibleForTheThrottleDuration() throws Exception {
    MutableClock clock = new MutableClock();
    traefik = new TraefikFake(dir).clock(clock);
    Files.writeString(dir.resolve("acme.yml"), ROUTE);
    assertThat(get("/api/http/routers/acme-web@file").statusCode()).as("the first publication is immediate")
        .isEqualTo(200);

    Files.writeString(dir.resolve("acme.yml"), ROUTE.replace("acme.example", "new.example"));
    clock.advance(Duration.ofMillis(1500));
    assertThat(json.readTree(get("/api/http/routers/acme-web@file").body()).get("rule").asText())
        .as("the old router until 2 s after the last publication").contains("acme.example");

    clock.advance(Duration.ofMillis(600));
    assertThat(json.readTree(get("/api/http/routers/acme-web@file").body()).get("rule").asText()).contains("new.example");
  }

  @Test
  void anUnknownEntryPointBesideAKnownOneIsAWarningNotADisabledRouter() throws Exception {
    traefik = new TraefikFake(dir).throttle(Duration.ZERO);
    Files.writeString(dir.resolve("acme.yml"), ROUTE.replace("entryPoints: [websecure]", "entryPoints: [websecure, nope]"));

    JsonNode router = json.readTree(get("/api/http/routers/acme-web@file").body());

    assertThat(router.get("status").asText()).isEqualTo("warning");
    assertThat(router.get("error").get(0).asText()).contains("entryPoint \"nope\" doesn't exist");
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends java.time.Clock {
    private java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }
}
