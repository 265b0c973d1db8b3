package dev.tenantwright.plugin.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.type.TypeReference;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RestClientTest {

  @RegisterExtension
  static final WireMockExtension backend =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final Secret TOKEN = Secret.of("tok_9f8e7d6c5b4a3210");

  record Project(String id, String name) {}

  record CreateProject(String name, @Nullable String framework) {}

  RestClient client() {
    return RestClient.builder().name("vercel").baseUrl(backend.baseUrl()).bearerToken(TOKEN).build();
  }

  @Test
  void sendsTheBearerTokenUserAgentAndAcceptHeader() {
    backend.stubFor(get("/v9/projects/web").willReturn(okJson("{\"id\":\"prj_1\",\"name\":\"web\"}")));

    RestClient client = client().newBuilder().userAgent("tenantwright-vercel/1.0").build();
    client.get("/v9/projects/web");

    backend.verify(
        getRequestedFor(urlEqualTo("/v9/projects/web"))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN.reveal()))
            .withHeader("User-Agent", equalTo("tenantwright-vercel/1.0"))
            .withHeader("Accept", equalTo("application/json")));
  }

  @Test
  void sendsSecretAndPlainHeadersConfiguredOnTheClient() {
    backend.stubFor(get("/zones").willReturn(okJson("{}")));

    RestClient client =
        RestClient.builder()
            .baseUrl(backend.baseUrl())
            .header("X-Auth-Email", "ops@acme.example")
            .authHeader("X-Auth-Key", Secret.of("legacy-key-123456"))
            .build();
    client.get("/zones");

    backend.verify(
        getRequestedFor(urlEqualTo("/zones"))
            .withHeader("X-Auth-Email", equalTo("ops@acme.example"))
            .withHeader("X-Auth-Key", equalTo("legacy-key-123456"))
            .withHeader("Authorization", absent()));
  }

  @Test
  void addsDefaultQueryParametersUnlessTheRequestSetsThemItself() {
    backend.stubFor(any(anyUrl()).willReturn(okJson("{}")));

    RestClient client =
        client().newBuilder().defaultQuery("teamId", "team_1").defaultQuery("slug", null).build();
    client.get("/v9/projects/web");
    client.call(RestRequest.get("/v9/projects/api").query("teamId", "team_2").query("limit", 5));

    backend.verify(getRequestedFor(urlEqualTo("/v9/projects/web?teamId=team_1")));
    backend.verify(getRequestedFor(urlEqualTo("/v9/projects/api?teamId=team_2&limit=5")));
  }

  @Test
  void keepsTheBaseUrlPathAndEncodesPathSegments() {
    backend.stubFor(any(anyUrl()).willReturn(okJson("{\"success\":true}")));

    RestClient cloudflare = RestClient.builder().baseUrl(backend.baseUrl() + "/client/v4").build();
    cloudflare.get("/zones/zone 1/dns_records", Map.of("name", "a.example.com"));

    backend.verify(getRequestedFor(urlEqualTo("/client/v4/zones/zone%201/dns_records?name=a.example.com")));
  }

  @Test
  void decodesJsonResponsesIgnoringUnknownProperties() {
    backend.stubFor(
        get("/v9/projects/web")
            .willReturn(okJson("{\"id\":\"prj_1\",\"name\":\"web\",\"accountId\":\"acc\",\"latestDeployments\":[]}")));
    backend.stubFor(get("/v9/projects").willReturn(okJson("[{\"id\":\"prj_1\",\"name\":\"web\"}]")));

    RestResponse one = client().get("/v9/projects/web");
    List<Project> all = client().get("/v9/projects").as(new TypeReference<List<Project>>() {});

    assertThat(one.status()).isEqualTo(200);
    assertThat(one.as(Project.class)).isEqualTo(new Project("prj_1", "web"));
    assertThat(one.json().path("accountId").asText()).isEqualTo("acc");
    assertThat(one.header("content-type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
    assertThat(all).containsExactly(new Project("prj_1", "web"));
  }

  @Test
  void sec13_aResponseBodyLargerThanTheLimitIsRefusedWithoutBufferingIt() {
    byte[] huge = new byte[(int) RestClient.MAX_RESPONSE_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) 'a');
    backend.stubFor(get("/v6/deployments").willReturn(aResponse().withStatus(200).withBody(huge)));
    byte[] limit = new byte[(int) RestClient.MAX_RESPONSE_BYTES];
    java.util.Arrays.fill(limit, (byte) 'b');
    backend.stubFor(get("/v6/exactly").willReturn(aResponse().withStatus(200).withBody(limit)));

    assertThatThrownBy(() -> client().get("/v6/deployments"))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("vercel: GET /v6/deployments answered 200 with a body larger than 16777216 bytes");
    assertThat(client().get("/v6/exactly").body()).hasSize((int) RestClient.MAX_RESPONSE_BYTES);
  }

  @Test
  void refusesABodyThatDoesNotDecodeWithAPermanentError() {
    backend.stubFor(get("/v9/projects/web").willReturn(okJson("[1,2]")));

    RestResponse response = client().get("/v9/projects/web");

    assertThatThrownBy(() -> response.as(Project.class))
        .isInstanceOf(PermanentException.class)
        .hasMessageContaining("vercel: GET /v9/projects/web returned 200")
        .hasMessageContaining("Project");
  }

  @Test
  void writesRequestBodiesAsJsonLeavingOutNullProperties() {
    backend.stubFor(post("/v11/projects").willReturn(okJson("{\"id\":\"prj_2\",\"name\":\"shop\"}")));

    Project created = client().post("/v11/projects", new CreateProject("shop", null)).as(Project.class);

    assertThat(created.id()).isEqualTo("prj_2");
    backend.verify(
        postRequestedFor(urlEqualTo("/v11/projects"))
            .withHeader("Content-Type", containing("application/json"))
            .withRequestBody(equalToJson("{\"name\":\"shop\"}")));
  }

  @Test
  void sendsAnEmptyBodyForAPostWithoutOne() {
    backend.stubFor(post("/1.0/instances/web/snapshots").willReturn(aResponse().withStatus(202).withBody("{}")));

    assertThat(client().post("/1.0/instances/web/snapshots", null).status()).isEqualTo(202);
  }

  @Test
  void rateLimitWithRetryAfterSecondsIsRetryableAfterThatDelay() {
    backend.stubFor(
        get("/v9/projects")
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Retry-After", "7")
                    .withBody("{\"error\":{\"code\":\"rate_limited\",\"message\":\"Rate limit exceeded\"}}")));

    RetryableException e = catchThrowableOfType(RetryableException.class, () -> client().get("/v9/projects"));

    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(e.outcomeUnknown()).isFalse();
    assertThat(e).hasMessageContaining("429").hasMessageContaining("Rate limit exceeded");
  }

  @Test
  void rateLimitWithHttpDateRetryAfterIsMeasuredAgainstTheClientsClock() {
    backend.stubFor(
        post("/v11/projects")
            .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "Thu, 01 Jan 2026 00:00:42 GMT")));
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    RestClient client = client().newBuilder().clock(clock).build();
    RetryableException e =
        catchThrowableOfType(RetryableException.class, () -> client.post("/v11/projects", new CreateProject("a", null)));

    assertThat(e.retryAfter()).contains(Duration.ofSeconds(42));
    assertThat(e.outcomeUnknown()).isFalse();
  }

  @Test
  void rateLimitWithoutUsableRetryAfterWaitsTheDefault() {
    backend.stubFor(get("/a").willReturn(aResponse().withStatus(429)));
    backend.stubFor(get("/b").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "soon")));

    RestClient client = client().newBuilder().defaultRetryAfter(Duration.ofSeconds(3)).build();

    assertThat(catchThrowableOfType(RetryableException.class, () -> client.get("/a")).retryAfter())
        .contains(Duration.ofSeconds(3));
    assertThat(catchThrowableOfType(RetryableException.class, () -> client.get("/b")).retryAfter())
        .contains(Duration.ofSeconds(3));
  }

  @Test
  void s1_aRateLimitWithoutRetryAfterWaitsUntilXRateLimitResetInEpochSeconds() {
    // Vercel documents X-RateLimit-Reset (epoch seconds), not Retry-After, on its 429s
    backend.stubFor(post("/v13/deployments").willReturn(aResponse().withStatus(429)
        .withHeader("X-RateLimit-Limit", "100").withHeader("X-RateLimit-Remaining", "0")
        .withHeader("X-RateLimit-Reset", Long.toString(Instant.parse("2026-01-01T03:00:00Z").getEpochSecond()))));
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    RestClient client = client().newBuilder().clock(clock).build();
    RetryableException e = catchThrowableOfType(RetryableException.class, () -> client.post("/v13/deployments", Map.of()));

    assertThat(e.retryAfter()).contains(Duration.ofHours(3));
  }

  @Test
  void s1_aRateLimitWithoutHeadersWaitsUntilTheResetInVercelsErrorBody() {
    long reset = Instant.parse("2026-01-01T00:10:00Z").getEpochSecond();
    backend.stubFor(post("/v13/deployments").willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"code\":\"rate_limited\",\"message\":\"Too many deployments\",\"limit\":{\"remaining\":0,"
            + "\"reset\":" + reset + ",\"resetMs\":" + reset * 1000 + ",\"total\":100}}}")));
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    RestClient client = client().newBuilder().clock(clock).build();
    RetryableException e = catchThrowableOfType(RetryableException.class, () -> client.post("/v13/deployments", Map.of()));

    assertThat(e.retryAfter()).contains(Duration.ofMinutes(10));
    assertThat(e).hasMessageContaining("Too many deployments");
  }

  @Test
  void s1_aRateLimitWithoutRetryAfterReadsTheResetOfCloudflaresRatelimitHeader() {
    backend.stubFor(get("/zones").willReturn(aResponse().withStatus(429)
        .withHeader("Ratelimit", "\"default\";r=0;t=42").withHeader("Ratelimit-Policy", "\"burst\";q=1200;w=300")));

    assertThat(catchThrowableOfType(RetryableException.class, () -> client().get("/zones")).retryAfter())
        .contains(Duration.ofSeconds(42));
  }

  @Test
  void s1_retryAfterWinsOverTheResetHeadersAndAResetInThePastMeansNoWait() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    backend.stubFor(get("/a").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "4")
        .withHeader("X-RateLimit-Reset", Long.toString(Instant.parse("2026-01-01T05:00:00Z").getEpochSecond()))));
    backend.stubFor(get("/b").willReturn(aResponse().withStatus(429)
        .withHeader("X-RateLimit-Reset", Long.toString(Instant.parse("2025-12-31T23:00:00Z").getEpochSecond()))));

    RestClient client = client().newBuilder().clock(clock).build();

    assertThat(catchThrowableOfType(RetryableException.class, () -> client.get("/a")).retryAfter())
        .contains(Duration.ofSeconds(4));
    assertThat(catchThrowableOfType(RetryableException.class, () -> client.get("/b")).retryAfter())
        .contains(Duration.ZERO);
  }

  @Test
  void sec14_aDotSegmentInAPathIsRefusedBeforeAnythingIsSent() {
    backend.stubFor(any(anyUrl()).willReturn(okJson("{}")));

    assertThatThrownBy(() -> client().get("/v9/projects/../../v2/user"))
        .isInstanceOf(PermanentException.class).hasMessageContaining("'..'");
    assertThatThrownBy(() -> client().delete("/v9/projects/./x"))
        .isInstanceOf(PermanentException.class).hasMessageContaining("'.'");
    assertThat(backend.getAllServeEvents()).isEmpty();
  }

  @Test
  void sec14_pathOfSendsEachValueAsOneSegmentAndRefusesValuesThatAreNot() {
    backend.stubFor(any(anyUrl()).willReturn(okJson("{}")));

    client().call(RestRequest.get(RestRequest.pathOf("/v9/projects/{idOrName}/env/{id}", "my app", "%2e%2e")));

    backend.verify(getRequestedFor(urlEqualTo("/v9/projects/my%20app/env/%252e%252e")));
    for (String bad : new String[] {"..", ".", "", "../../v2/user", "a/b", "a\\..", "x?teamId=other", "a#b"}) {
      assertThatThrownBy(() -> RestRequest.pathOf("/v9/projects/{idOrName}", bad))
          .as(bad).isInstanceOf(PermanentException.class).hasMessageContaining("path segment");
    }
    assertThatThrownBy(() -> RestRequest.pathOf("/v9/projects/{idOrName}", "a", "b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void serverErrorOnPostIsRetryableWithUnknownOutcome() {
    backend.stubFor(
        post("/v13/deployments")
            .willReturn(aResponse().withStatus(502).withBody("<html><body>Bad Gateway</body></html>")));

    RetryableException e =
        catchThrowableOfType(RetryableException.class, () -> client().post("/v13/deployments", Map.of("name", "web")));

    assertThat(e.outcomeUnknown()).isTrue();
    assertThat(e.retryAfter()).isEmpty();
    assertThat(e).hasMessage("vercel: POST /v13/deployments returned 502: <html><body>Bad Gateway</body></html>");
  }

  @Test
  void serverErrorOnGetIsRetryableWithKnownOutcome() {
    backend.stubFor(
        get("/v13/deployments/dpl_1")
            .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "2")));

    RetryableException e = catchThrowableOfType(RetryableException.class, () -> client().get("/v13/deployments/dpl_1"));

    assertThat(e.outcomeUnknown()).isFalse();
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
  }

  @Test
  void serverErrorOnDeleteIsRetryableWithUnknownOutcome() {
    backend.stubFor(delete("/v9/projects/web").willReturn(aResponse().withStatus(500)));

    assertThat(catchThrowableOfType(RetryableException.class, () -> client().delete("/v9/projects/web")).outcomeUnknown())
        .isTrue();
  }

  static Stream<Arguments> errorEnvelopes() {
    return Stream.of(
        Arguments.of(
            "vercel",
            "application/json",
            "{\"error\":{\"code\":\"not_found\",\"message\":\"Project not found\"}}",
            "[not_found] Project not found"),
        Arguments.of(
            "cloudflare",
            "application/json",
            "{\"success\":false,\"errors\":[{\"code\":81044,\"message\":\"Record does not exist.\"}],\"messages\":[],\"result\":null}",
            "[81044] Record does not exist."),
        Arguments.of(
            "incus",
            "application/json",
            "{\"type\":\"error\",\"error\":\"Instance not found\",\"error_code\":404,\"metadata\":{}}",
            "Instance not found"),
        Arguments.of(
            "traefik (JSON sent as text/plain)",
            "text/plain; charset=utf-8",
            "{\"message\":\"router not found: web@file\"}\n",
            "router not found: web@file"),
        Arguments.of("raw text", "text/plain", "no such\n   thing here", "no such thing here"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errorEnvelopes")
  void notFoundIsPermanentWithTheBackendsOwnMessage(String backendName, String contentType, String body, String said) {
    backend.stubFor(
        get("/things/x").willReturn(aResponse().withStatus(404).withHeader("Content-Type", contentType).withBody(body)));

    assertThatThrownBy(() -> client().get("/things/x"))
        .isInstanceOf(PermanentException.class)
        .hasMessage("vercel: GET /things/x returned 404: " + said);
  }

  @Test
  void truncatesLongErrorBodies() {
    backend.stubFor(get("/big").willReturn(aResponse().withStatus(400).withBody("x".repeat(5000))));

    PermanentException e = catchThrowableOfType(PermanentException.class, () -> client().get("/big"));

    assertThat(e.getMessage()).hasSizeLessThan(400).endsWith("...");
  }

  @Test
  void permanentErrorNamesMethodPathAndStatusButNeverTheQuery() {
    backend.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(403).withBody("{\"message\":\"forbidden\"}")));

    RestClient client = client().newBuilder().defaultQuery("teamId", "team_secretish").build();
    PermanentException e =
        catchThrowableOfType(
            PermanentException.class,
            () -> client.call(RestRequest.delete("/v9/projects/web").query("access_token", "qs-token-value")));

    assertThat(e).hasMessage("vercel: DELETE /v9/projects/web returned 403: forbidden");
  }

  @Test
  void masksTheTokenWhenABackendEchoesItInAnError() {
    backend.stubFor(
        get("/v2/user")
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withBody("{\"error\":{\"code\":\"forbidden\",\"message\":\"token " + TOKEN.reveal() + " is invalid\"}}")));

    PermanentException e = catchThrowableOfType(PermanentException.class, () -> client().get("/v2/user"));

    assertThat(e.getMessage()).doesNotContain(TOKEN.reveal()).contains("token ****** is invalid");
  }

  @Test
  void refusedConnectionIsRetryableWithKnownOutcome() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    RestClient client = client().newBuilder().baseUrl("http://127.0.0.1:" + closedPort).build();

    RetryableException e =
        catchThrowableOfType(RetryableException.class, () -> client.post("/v11/projects", new CreateProject("a", null)));

    assertThat(e.outcomeUnknown()).isFalse();
    assertThat(e.retryAfter()).isEmpty();
    assertThat(e).hasMessageStartingWith("vercel: POST /v11/projects failed: connection refused");
  }

  @Test
  void unknownHostIsRetryableWithKnownOutcome() {
    RestClient client = client().newBuilder().baseUrl("http://no-such-host.invalid").build();

    RetryableException e =
        catchThrowableOfType(RetryableException.class, () -> client.post("/v11/projects", new CreateProject("a", null)));

    assertThat(e.outcomeUnknown()).isFalse();
    assertThat(e).hasMessageContaining("unknown host");
  }

  @Test
  void readTimeoutOnPostIsRetryableWithUnknownOutcome() {
    backend.stubFor(post("/slow").willReturn(okJson("{}").withFixedDelay(1_500)));

    RestClient client = client().newBuilder().readTimeout(Duration.ofMillis(150)).build();
    RetryableException e = catchThrowableOfType(RetryableException.class, () -> client.post("/slow", Map.of()));

    assertThat(e.outcomeUnknown()).isTrue();
    assertThat(e).hasMessageContaining("POST /slow failed: read timed out");
  }

  @Test
  void readTimeoutOnGetIsRetryableWithKnownOutcome() {
    backend.stubFor(get("/slow").willReturn(okJson("{}").withFixedDelay(1_500)));

    RestClient client = client().newBuilder().readTimeout(Duration.ofMillis(150)).build();
    RetryableException e = catchThrowableOfType(RetryableException.class, () -> client.get("/slow"));

    assertThat(e.outcomeUnknown()).isFalse();
  }

  @Test
  void perRequestTimeoutBoundsTheWholeCall() {
    backend.stubFor(post("/long-poll").willReturn(okJson("{}").withFixedDelay(1_500)));

    RetryableException e =
        catchThrowableOfType(
            RetryableException.class,
            () -> client().call(RestRequest.post("/long-poll", null).timeout(Duration.ofMillis(150))));

    assertThat(e.outcomeUnknown()).isTrue();
    assertThat(e).hasMessageContaining("timed out");
  }

  @Test
  void expectedStatusesAreReturnedInsteadOfThrown() {
    backend.stubFor(
        get("/v9/projects/gone")
            .willReturn(aResponse().withStatus(404).withBody("{\"error\":{\"code\":\"not_found\",\"message\":\"nope\"}}")));
    backend.stubFor(post("/v11/projects").willReturn(aResponse().withStatus(409).withBody("{}")));

    RestResponse absent = client().call(RestRequest.get("/v9/projects/gone").expect(404));
    RestResponse exists = client().call(RestRequest.post("/v11/projects", new CreateProject("web", null)).expect(409));

    assertThat(absent.status()).isEqualTo(404);
    assertThat(absent.isSuccessful()).isFalse();
    assertThat(absent.error()).contains(new BackendError("not_found", "nope"));
    assertThat(exists.status()).isEqualTo(409);
  }

  @Test
  void anExpectedStatusDoesNotSwallowOtherFailures() {
    backend.stubFor(get("/v9/projects/web").willReturn(aResponse().withStatus(403)));

    assertThatThrownBy(() -> client().call(RestRequest.get("/v9/projects/web").expect(404)))
        .isInstanceOf(PermanentException.class)
        .hasMessage("vercel: GET /v9/projects/web returned 403");
  }

  @Test
  void requireSuccessClassifiesAnExpectedStatusAfterAll() {
    backend.stubFor(
        post("/1.0/instances")
            .willReturn(
                aResponse()
                    .withStatus(500)
                    .withBody("{\"type\":\"error\",\"error\":\"Failed creating instance record: disk full\",\"error_code\":500}")));
    RestClient incus = client().newBuilder().name("incus").build();

    RestResponse r = incus.call(RestRequest.post("/1.0/instances", Map.of("name", "web")).expect(500));

    assertThat(r.error().orElseThrow().message()).doesNotContain("already exists");
    RetryableException e = catchThrowableOfType(RetryableException.class, r::requireSuccess);
    assertThat(e.outcomeUnknown()).isTrue();
    assertThat(e).hasMessage("incus: POST /1.0/instances returned 500: Failed creating instance record: disk full");
  }

  @Test
  void errorExposesTheBackendsCodeSoPluginsCanRecogniseKnownRefusals() {
    backend.stubFor(
        post("/zones/z1/dns_records")
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody("{\"success\":false,\"errors\":[{\"code\":81057,\"message\":\"Record already exists.\"}]}")));

    RestResponse r =
        client().call(RestRequest.post("/zones/z1/dns_records", Map.of("type", "A")).expect(400));

    assertThat(r.error()).contains(new BackendError("81057", "Record already exists."));
  }

  @Test
  void aCustomErrorDecoderReplacesTheStandardOne() {
    backend.stubFor(get("/jobs/1").willReturn(aResponse().withStatus(422).withHeader("X-Reason", "bench busy")));

    RestClient agent =
        client().newBuilder()
            .name("agent")
            .errorDecoder(r -> r.header("X-Reason").map(reason -> new BackendError("busy", reason)))
            .build();

    assertThatThrownBy(() -> agent.get("/jobs/1")).hasMessage("agent: GET /jobs/1 returned 422: [busy] bench busy");
  }

  @Test
  void newBuilderKeepsEverySettingOfTheOriginal() {
    backend.stubFor(any(anyUrl()).willReturn(okJson("{}")));
    RestClient original =
        client().newBuilder().defaultQuery("teamId", "team_1").header("X-Trace", "on").build();

    RestClient derived = original.newBuilder().readTimeout(Duration.ofSeconds(90)).build();
    derived.delete("/v9/projects/web", new LinkedHashMap<>(Map.of("force", true)));

    assertThat(derived.name()).isEqualTo("vercel");
    assertThat(derived.baseUrl()).isEqualTo(original.baseUrl());
    backend.verify(
        deleteRequestedFor(urlPathEqualTo("/v9/projects/web"))
            .withQueryParam("teamId", equalTo("team_1"))
            .withQueryParam("force", equalTo("true"))
            .withHeader("X-Trace", equalTo("on"))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN.reveal())));
  }

  @Test
  void refusesAQueryInThePathOrTheBaseUrl() {
    assertThatThrownBy(() -> RestRequest.get("/v9/projects?teamId=x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RestClient.builder().baseUrl("https://api.vercel.com/?teamId=x").build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A step context that only knows its trace headers: all RestClient asks of it. */
  static StepContext tracedStep(Map<String, String> headers) {
    return (StepContext) java.lang.reflect.Proxy.newProxyInstance(StepContext.class.getClassLoader(),
        new Class<?>[] {StepContext.class}, (proxy, method, args) -> {
          if (method.getName().equals("traceHeaders")) {
            return headers;
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void aClientForAStepSendsTheStepsTraceContextOnEveryCall() {
    backend.stubFor(any(anyUrl()).willReturn(okJson("{}")));
    RestClient http = client().forStep(tracedStep(Map.of("traceparent", TRACEPARENT, "tracestate", "tw=1")));

    http.get("/v9/projects/acme");
    http.post("/v11/projects", new CreateProject("acme", null));

    backend.verify(getRequestedFor(urlEqualTo("/v9/projects/acme"))
        .withHeader("traceparent", equalTo(TRACEPARENT)).withHeader("tracestate", equalTo("tw=1"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN.reveal())));
    backend.verify(postRequestedFor(urlEqualTo("/v11/projects")).withHeader("traceparent", equalTo(TRACEPARENT)));
  }

  @Test
  void theClientItselfAndItsOtherStepsSendNoTraceContextAndARequestsOwnHeaderWins() {
    backend.stubFor(any(anyUrl()).willReturn(okJson("{}")));
    RestClient shared = client();
    RestClient forStep = shared.forStep(tracedStep(Map.of("traceparent", TRACEPARENT)));

    forStep.call(RestRequest.get("/own").header("traceparent", "00-from-the-plugin-itself"));
    shared.get("/shared");
    forStep.forStep(tracedStep(Map.of())).get("/untraced");

    backend.verify(getRequestedFor(urlEqualTo("/own")).withHeader("traceparent", equalTo("00-from-the-plugin-itself")));
    backend.verify(getRequestedFor(urlEqualTo("/shared")).withHeader("traceparent", absent()));
    backend.verify(getRequestedFor(urlEqualTo("/untraced")).withHeader("traceparent", absent()));
    assertThat(shared.forStep(tracedStep(Map.of()))).as("nothing traced: the same client").isSameAs(shared);
  }
}
