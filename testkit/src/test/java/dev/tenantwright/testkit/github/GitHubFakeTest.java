package dev.tenantwright.testkit.github;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tenantwright.testkit.Fault;
import dev.tenantwright.testkit.JsonClient;
import dev.tenantwright.testkit.JsonClient.Answer;
import dev.tenantwright.testkit.github.internal.Hookshot;
import dev.tenantwright.testkit.internal.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GitHubFakeTest {

  final GitHubFake fake = new GitHubFake();
  final JsonClient http = new JsonClient(fake.baseUrl(), GitHubFake.TOKEN);
  final List<Map.Entry<Map<String, String>, byte[]>> received = new CopyOnWriteArrayList<>();
  HttpServer receiver;

  @AfterEach
  void close() {
    if (receiver != null) {
      receiver.stop(0);
    }
    fake.close();
  }

  /** A loopback endpoint that records what it is sent and answers 200. */
  String receiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> {
      Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
      received.add(Map.entry(headers, exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receiver.start();
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
  }

  Answer generate(String name) {
    return http.post("/repos/acme-sites/portfolio/generate",
        "{\"owner\":\"acme-sites\",\"name\":\"" + name + "\",\"description\":\"Site (tw:acme/demo/site@0a1b)\","
            + "\"private\":true}");
  }

  @Test
  void aRepositoryGeneratedFromATemplateGetsItsDefaultBranchOnlyOnceTheCopyIsDone() {
    fake.putTemplate("acme-sites", "portfolio");

    Answer made = generate("acme--demo--site");
    assertThat(made.status()).isEqualTo(201);
    assertThat(made.json().get("full_name").asText()).isEqualTo("acme-sites/acme--demo--site");
    assertThat(made.json().get("private").asBoolean()).isTrue();
    assertThat(made.json().at("/template_repository/full_name").asText()).isEqualTo("acme-sites/portfolio");
    assertThat(http.get("/repos/acme-sites/acme--demo--site/branches/main").status()).isEqualTo(404);
    Answer branch = http.get("/repos/acme-sites/acme--demo--site/branches/main");
    assertThat(branch.status()).isEqualTo(200);
    assertThat(branch.json().at("/commit/sha").asText()).hasSize(40)
        .isEqualTo(fake.head("acme-sites/acme--demo--site", "main").orElseThrow());
    assertThat(http.get("/repos/ACME-SITES/Acme--Demo--Site").status()).as("names are case-insensitive").isEqualTo(200);
    fake.assertContractRespected();
  }

  @Test
  void aTakenNameIsTheValidationErrorGitHubSends() {
    fake.putTemplate("acme-sites", "portfolio");
    generate("acme--demo--site");

    Answer again = generate("acme--demo--site");
    assertThat(again.status()).isEqualTo(422);
    assertThat(again.json().get("message").asText()).isEqualTo("Repository creation failed.");
    assertThat(again.json().at("/errors/0").toString()).isEqualTo("{\"resource\":\"Repository\",\"code\":\"custom\","
        + "\"field\":\"name\",\"message\":\"name already exists on this account\"}");
    fake.assertContractRespected();
  }

  @Test
  void onlyATemplateRepositoryCanBeGeneratedFrom() {
    fake.putRepository("acme-sites", "portfolio", "not a template", List.of());

    assertThat(generate("acme--demo--site").status()).isEqualTo(422);
    assertThat(http.post("/repos/acme-sites/missing/generate", "{\"name\":\"x\"}").status()).isEqualTo(404);
    assertThat(fake.exists("acme-sites/acme--demo--site")).isFalse();
    fake.assertContractRespected();
  }

  @Test
  void topicsAreReplacedAsAWholeAndInvalidOnesRefused() {
    fake.putRepository("acme-sites", "site", null, List.of("old"));

    assertThat(http.send("PUT", "/repos/acme-sites/site/topics", "{\"names\":[\"tenantwright-0a1b\",\"web\"]}").status())
        .isEqualTo(200);
    assertThat(fake.topics("acme-sites/site")).containsExactly("tenantwright-0a1b", "web");
    Answer bad = http.send("PUT", "/repos/acme-sites/site/topics", "{\"names\":[\"-no\"]}");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().at("/errors/0").asText()).contains("'-no' is not a valid topic");
    fake.assertContractRespected();
  }

  @Test
  void aHookShowsItsSecretMaskedAndAConfigurationSentWithoutTheSecretRemovesIt() {
    fake.putRepository("acme-sites", "site", null, List.of());
    Answer made = http.post("/repos/acme-sites/site/hooks",
        "{\"config\":{\"url\":\"https://hooks.example.com/a\",\"secret\":\"s3cret-value\"}}");
    assertThat(made.status()).isEqualTo(201);
    assertThat(made.json().at("/config/content_type").asText()).as("GitHub's default").isEqualTo("form");
    assertThat(made.json().get("events").toString()).isEqualTo("[\"push\"]");
    long id = made.json().get("id").asLong();

    assertThat(http.get("/repos/acme-sites/site/hooks").json().at("/0/config/secret").asText()).isEqualTo("********");
    assertThat(http.post("/repos/acme-sites/site/hooks", "{\"config\":{\"url\":\"https://hooks.example.com/a\"}}")
        .json().at("/errors/0/message").asText()).isEqualTo("Hook already exists on this repository");
    assertThat(http.send("PATCH", "/repos/acme-sites/site/hooks/" + id,
        "{\"config\":{\"url\":\"https://hooks.example.com/b\",\"content_type\":\"json\"}}").status()).isEqualTo(200);
    assertThat(fake.hooks("acme-sites/site")).singleElement().satisfies(h -> {
      assertThat(h.url()).isEqualTo("https://hooks.example.com/b");
      assertThat(h.secret()).isNull();
    });
    assertThat(http.delete("/repos/acme-sites/site/hooks/" + id).status()).isEqualTo(204);
    assertThat(http.delete("/repos/acme-sites/site/hooks/" + id).status()).isEqualTo(404);
    fake.assertContractRespected();
  }

  @Test
  void aNewHookIsPingedAndAPushIsDeliveredSignedWithTheHooksSecret() throws IOException {
    String url = receiver();
    fake.putRepository("acme-sites", "site", null, List.of());
    http.post("/repos/acme-sites/site/hooks", "{\"config\":{\"url\":\"" + url + "\",\"content_type\":\"json\","
        + "\"secret\":\"It's a Secret to Everybody\"},\"events\":[\"push\"]}");
    fake.awaitDeliveries();

    String sha = fake.push("acme-sites/site", "Update the home page");

    assertThat(received).hasSize(2);
    Map<String, String> ping = received.get(0).getKey();
    assertThat(ping.get("X-GitHub-Event")).isEqualTo("ping");
    Map<String, String> headers = received.get(1).getKey();
    byte[] body = received.get(1).getValue();
    assertThat(headers.get("X-GitHub-Event")).isEqualTo("push");
    assertThat(headers.get("User-Agent")).startsWith("GitHub-Hookshot/");
    assertThat(headers.get("Content-Type")).isEqualTo("application/json");
    assertThat(headers.get("X-Hub-Signature-256"))
        .isEqualTo("sha256=" + Hookshot.hmac("HmacSHA256", "It's a Secret to Everybody", body));
    JsonNode payload = Json.readJson(new String(body, StandardCharsets.UTF_8));
    assertThat(payload.get("after").asText()).isEqualTo(sha);
    assertThat(payload.at("/head_commit/message").asText()).isEqualTo("Update the home page");
    assertThat(payload.at("/repository/full_name").asText()).isEqualTo("acme-sites/site");
    assertThat(fake.deliveries()).extracting(HookDelivery::event).containsExactly("ping", "push");
    assertThat(fake.deliveries()).allSatisfy(d -> assertThat(d.succeeded()).isTrue());
    fake.assertContractRespected();
  }

  @Test
  void aFormHookGetsThePayloadUrlEncodedAndSignedAsSent() throws IOException {
    String url = receiver();
    fake.putRepository("acme-sites", "site", null, List.of());
    fake.putHook("acme-sites/site", url, "form", "k", List.of("push"));

    fake.push("acme-sites/site", "Form");
    fake.deleteBranch("acme-sites/site", "main");

    assertThat(received).hasSize(2);
    byte[] body = received.get(0).getValue();
    String text = new String(body, StandardCharsets.UTF_8);
    assertThat(received.get(0).getKey().get("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(text).startsWith("payload=");
    assertThat(received.get(0).getKey().get("X-Hub-Signature-256")).isEqualTo("sha256=" + Hookshot.hmac("HmacSHA256", "k", body));
    JsonNode deleted = Json.readJson(URLDecoder.decode(new String(received.get(1).getValue(), StandardCharsets.UTF_8)
        .substring("payload=".length()), StandardCharsets.UTF_8));
    assertThat(deleted.get("deleted").asBoolean()).isTrue();
    assertThat(deleted.get("after").asText()).isEqualTo(GitHubFake.ZERO_SHA);
    assertThat(deleted.get("head_commit").isNull()).isTrue();
  }

  @Test
  void deliveriesLeaveTheMachineNeverAndAreLoggedAsNotSent() {
    fake.putRepository("acme-sites", "site", null, List.of());
    fake.putHook("acme-sites/site", "https://hooks.example.com/x", "json", "k", List.of("push"));

    fake.push("acme-sites/site", "x");
    assertThat(fake.deliveries()).singleElement().satisfies(d -> {
      assertThat(d.status()).isZero();
      assertThat(d.error()).contains("loopback");
    });
  }

  @Test
  void rateLimitsAnswerAsGitHubsSecondaryAndPrimaryLimits() {
    fake.putRepository("acme-sites", "site", null, List.of());
    fake.inject(Fault.rateLimited(Duration.ofSeconds(30)).on(GitHubFake.GET_REPO).times(1));
    JsonClient raw = http;
    Answer secondary = raw.get("/repos/acme-sites/site");
    assertThat(secondary.status()).isEqualTo(403);
    assertThat(secondary.json().get("message").asText()).contains("secondary rate limit");

    fake.rateLimits(GitHubFake.RateLimit.PRIMARY_429);
    fake.inject(Fault.rateLimited(Duration.ofSeconds(30)).on(GitHubFake.GET_REPO).times(1));
    Answer primary = raw.get("/repos/acme-sites/site");
    assertThat(primary.status()).isEqualTo(429);
    assertThat(primary.json().get("message").asText()).contains("API rate limit exceeded");
    assertThat(fake.requests(GitHubFake.GET_REPO)).hasSize(2);
  }

  @Test
  void aRefusedTokenIsBadCredentials() {
    Answer a = new JsonClient(fake.baseUrl(), "nope").get("/repos/acme-sites/site");
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.json().get("message").asText()).isEqualTo("Bad credentials");
    fake.assertContractRespected();
  }
}
