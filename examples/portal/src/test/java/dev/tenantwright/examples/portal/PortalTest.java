package dev.tenantwright.examples.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portal over plain HTTP, as a browser would see it: forms, pages, the event stream, the status JSON and
 * retry. {@code PortalBrowserIT} drives the same flows in headless Chromium.
 */
class PortalTest {

  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path data;

  private static final HeldRuns held = new HeldRuns();
  private static Portal portal;
  private static HttpClient http;

  @BeforeAll
  static void start() throws IOException {
    portal = Portal.start(Portal.Settings.defaults(data).withSamplePace(Duration.ZERO), held);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @AfterAll
  static void stop() {
    held.releaseAll();
    if (portal != null) {
      portal.close();
    }
  }

  @Test
  void theSignupFormAsksForCompanyEmailAndIndustryAndSaysItIsASandbox() throws Exception {
    HttpResponse<String> page = get("/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString().contains("script-src 'self'");
    assertThat(page.body()).contains("name=\"company\"", "name=\"email\"", "<select id=\"industry\"",
        ">Launch</button>", ">SANDBOX</span>");
  }

  @Test
  void aSignupRedirectsToTheProvisioningPageAndProvisionsDemoAndLive() throws Exception {
    HttpResponse<String> signup = signup("Initech LLC", "ops@initech.example", "services");

    assertThat(signup.statusCode()).isEqualTo(303);
    assertThat(signup.headers().firstValue("Location")).contains("/tenants/initech-llc");
    awaitState("initech-llc", "demo", "READY");
    awaitState("initech-llc", "live", "READY");
    assertThat(portal.tenantwright().tenants().get("initech-llc").attributes()).containsEntry("industry", "services");
    String page = get("/tenants/initech-llc").body();
    assertThat(page).contains("Initech LLC", "100 %", "Your demo environment is ready", "Open demo site",
        "Your live environment is ready", "Open live site");
  }

  @Test
  void theEventStreamReportsEachStepWithPercentUntilBothEnvironmentsAreReady() throws Exception {
    held.hold("globex-inc", "demo");
    signup("Globex Inc", "ops@globex.example", "manufacturing");
    await().atMost(RUN_TIMEOUT).until(() -> held.isWaiting("globex-inc", "demo"));

    HttpResponse<InputStream> stream = http.send(request("/tenants/globex-inc/events").build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.headers().firstValue("Content-Type")).get().asString().startsWith("text/event-stream");
    List<Sse> events;
    try (InputStream body = stream.body()) {
      BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      readUntil(reader, e -> e.name().equals("environment") && e.data().path("name").asText().equals("demo"));
      held.release("globex-inc", "demo");
      events = readUntil(reader, e -> e.name().equals("environment") && e.data().path("name").asText().equals("demo")
          && e.data().path("state").asText().equals("READY"));
    }

    List<JsonNode> progress = events.stream().filter(e -> e.name().equals("progress")).map(Sse::data).toList();
    assertThat(progress).anySatisfy(p -> {
      assertThat(p.path("environment").asText()).isEqualTo("demo");
      assertThat(p.path("step").asText()).isEqualTo("sample-data");
      assertThat(p.path("stepIndex").asInt()).isEqualTo(5);
      assertThat(p.path("stepCount").asInt()).isEqualTo(5);
      assertThat(p.path("message").asText()).contains("sample records");
    });
    assertThat(progress).anySatisfy(p -> {
      assertThat(p.path("type").asText()).isEqualTo("RUN_SUCCEEDED");
      assertThat(p.path("percent").asInt()).isEqualTo(100);
    });
    JsonNode ready = events.get(events.size() - 1).data();
    assertThat(ready.path("percent").asInt()).isEqualTo(100);
    assertThat(ready.path("links").get(0).path("url").asText()).startsWith("http://127.0.0.1:");
  }

  @Test
  void aPageOpenedMidRunShowsTheCurrentStepAndTheLatestMessages() throws Exception {
    held.hold("cyberdyne-systems", "demo");
    signup("Cyberdyne Systems", "ops@cyberdyne.example", "manufacturing");
    await().atMost(RUN_TIMEOUT).until(() -> held.isWaiting("cyberdyne-systems", "demo"));

    String page = get("/tenants/cyberdyne-systems").body();
    held.release("cyberdyne-systems", "demo");

    assertThat(page).contains("<span class=\"badge\">Provisioning</span>", "80 %",
        "<span class=\"step\">Step 5 of 5 · sample-data</span>", "<li>5/5 sample-data: loading 25 sample records",
        "<li>4/5 health: created</li>");
  }

  @Test
  void theStatusEndpointShowsTheEnvironmentAndLinksToItsSandboxSite() throws Exception {
    signup("Umbrella Corp", "ops@umbrella.example", "healthcare");
    awaitState("umbrella-corp", "demo", "READY");
    awaitState("umbrella-corp", "live", "READY");

    HttpResponse<String> response = get("/tenants/umbrella-corp/environments/demo/status");
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode demo = JSON.readTree(response.body());
    assertThat(demo.path("state").asText()).isEqualTo("READY");
    assertThat(demo.path("runState").asText()).isEqualTo("SUCCEEDED");
    assertThat(demo.path("percent").asInt()).isEqualTo(100);
    assertThat(demo.path("links")).hasSize(1);
    String demoSite = demo.path("links").get(0).path("url").asText();
    assertThat(getAbsolute(demoSite).body()).contains("SANDBOX SITE", "Welcome to Umbrella Corp",
        "25 sample records loaded");
    JsonNode live = status("umbrella-corp", "live");
    assertThat(getAbsolute(live.path("links").get(0).path("url").asText()).body())
        .contains("Welcome to Umbrella Corp", "No sample data");
  }

  @Test
  void anInvalidEmailIsShownNextToTheEmailFieldAndTheFormKeepsWhatWasTyped() throws Exception {
    HttpResponse<String> response = signup("Hooli", "not-an-email", "retail");

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.body())
        .contains("<p class=\"field-error\" id=\"email-error\">"
            + "&#39;not-an-email&#39; is not a valid e-mail address.</p>")
        .contains("value=\"Hooli\"")
        .contains("<option value=\"retail\" selected>");
    assertThat(portal.tenantwright().tenants().find("hooli")).isEmpty();
  }

  @Test
  void aCompanyNameWithoutLettersIsShownNextToTheCompanyField() throws Exception {
    HttpResponse<String> response = signup("!!!", "ops@bang.example", "retail");

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.body())
        .containsPattern("<p class=\"field-error\" id=\"company-error\">[^<]*no letters or digits");
  }

  @Test
  void aMissingIndustryIsShownNextToTheIndustryField() throws Exception {
    HttpResponse<String> response = signup("Vandelay Industries", "ops@vandelay.example", "");

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.body())
        .contains("<p class=\"field-error\" id=\"industry-error\">Choose the industry closest to yours.</p>");
    assertThat(portal.tenantwright().tenants().find("vandelay-industries")).isEmpty();
  }

  @Test
  void aSecondCompanyWithTheSameEmailGetsAFriendlyMessage() throws Exception {
    signup("Soylent Corp", "ops@soylent.example", "other");

    HttpResponse<String> response = signup("Soylent Green", "ops@soylent.example", "other");

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.body()).contains("This e-mail address already belongs to another company",
        "Already registered for another company.");
    assertThat(portal.tenantwright().tenants().find("soylent-green")).isEmpty();
  }

  @Test
  void aRepeatedSignupShowsTheSameTenantAgain() throws Exception {
    signup("Stark Industries", "ops@stark.example", "manufacturing");

    HttpResponse<String> again = signup("Stark Industries", "ops@stark.example", "manufacturing");

    assertThat(again.statusCode()).isEqualTo(303);
    assertThat(again.headers().firstValue("Location")).contains("/tenants/stark-industries");
    awaitState("stark-industries", "demo", "READY");
    assertThat(portal.tenantwright().runs().list("stark-industries", "demo")).hasSize(1);
  }

  @Test
  void userInputIsEscapedOnEveryPage() throws Exception {
    String company = "<script>alert(\"x\")</script> & Co";
    HttpResponse<String> signup = signup(company, "ops@script.example", "other");
    String tenantPath = signup.headers().firstValue("Location").orElseThrow();

    String page = get(tenantPath).body();
    assertThat(page).contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co")
        .doesNotContain("<script>alert");
    String form = signup("Acme", "<img src=x onerror=alert(1)>", "other").body();
    assertThat(form).contains("value=\"&lt;img src=x onerror=alert(1)&gt;\"").doesNotContain("<img");
  }

  @Test
  void aFailedDemoShowsItsErrorAndARetryProvisionsIt() throws Exception {
    signup("Fail Safe Ltd", "ops@failsafe.example", "retail");
    awaitState("fail-safe-ltd", "demo", "FAILED");
    awaitState("fail-safe-ltd", "live", "READY");

    JsonNode failed = status("fail-safe-ltd", "demo");
    assertThat(failed.path("runState").asText()).isEqualTo("ROLLED_BACK");
    assertThat(failed.path("lastError").asText()).contains("sample data import failed", "first attempt only");
    assertThat(failed.path("links")).isEmpty();
    String page = get("/tenants/fail-safe-ltd").body();
    assertThat(page).contains("sample data import failed")
        .contains("<form method=\"post\" action=\"/tenants/fail-safe-ltd/environments/demo/retry\" "
            + "class=\"retry-form\">");

    HttpResponse<String> retry = post("/tenants/fail-safe-ltd/environments/demo/retry", Map.of(), null);

    assertThat(retry.statusCode()).isEqualTo(303);
    assertThat(retry.headers().firstValue("Location")).contains("/tenants/fail-safe-ltd");
    awaitState("fail-safe-ltd", "demo", "READY");
    assertThat(status("fail-safe-ltd", "demo").path("links")).hasSize(1);
  }

  @Test
  void retryingAnEnvironmentThatIsNotFailedIsRefusedWithAMessage() throws Exception {
    signup("Wonka Industries", "ops@wonka.example", "other");
    awaitState("wonka-industries", "live", "READY");

    HttpResponse<String> retry = post("/tenants/wonka-industries/environments/live/retry", Map.of(), null);

    assertThat(retry.statusCode()).isEqualTo(409);
    assertThat(retry.body()).contains("Not retried: environment &#39;live&#39; is READY");
  }

  @Test
  void aFormPostedFromAnotherSiteIsRefused() throws Exception {
    HttpResponse<String> response = post("/signup", form("Evil Corp", "ops@evil.example", "other"),
        "http://evil.example");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(portal.tenantwright().tenants().find("evil-corp")).isEmpty();
  }

  @Test
  void aFormPostedFromAnotherSiteIsRefusedByItsFetchMetadata() throws Exception {
    HttpRequest request = request("/signup").header("Content-Type", "application/x-www-form-urlencoded")
        .header("Sec-Fetch-Site", "cross-site")
        .POST(HttpRequest.BodyPublishers.ofString("company=Evil+Inc&email=ops%40evilinc.example&industry=other"))
        .build();

    assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    assertThat(portal.tenantwright().tenants().find("evil-inc")).isEmpty();
  }

  @Test
  void anUnknownTenantIsNotFound() throws Exception {
    assertThat(get("/tenants/nobody").statusCode()).isEqualTo(404);
    assertThat(get("/tenants/nobody/events").statusCode()).isEqualTo(404);
    HttpResponse<String> status = get("/tenants/nobody/environments/demo/status");
    assertThat(status.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(status.body()).path("error").asText()).contains("does not exist");
  }

  // ------------------------------------------------------------------------------------------ helpers

  private static Map<String, String> form(String company, String email, String industry) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("company", company);
    f.put("email", email);
    f.put("industry", industry);
    return f;
  }

  private static HttpResponse<String> signup(String company, String email, String industry) throws Exception {
    return post("/signup", form(company, email, industry), portal.uri().toString().replaceAll("/$", ""));
  }

  private static HttpResponse<String> post(String path, Map<String, String> fields, String origin) throws Exception {
    String body = fields.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder request = request(path).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (origin != null) {
      request.header("Origin", origin);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> getAbsolute(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(portal.uri().resolve(path)).timeout(Duration.ofSeconds(30));
  }

  private static JsonNode status(String tenant, String environment) throws Exception {
    return JSON.readTree(get("/tenants/" + tenant + "/environments/" + environment + "/status").body());
  }

  private static void awaitState(String tenant, String environment, String state) {
    await(tenant + "/" + environment + " " + state).atMost(RUN_TIMEOUT).ignoreExceptions()
        .until(() -> status(tenant, environment).path("state").asText(), state::equals);
  }

  /** One server-sent event. */
  private record Sse(String name, JsonNode data) {}

  /** Reads events until one matches (returning all read, that one last); gives up with the run timeout. */
  private static List<Sse> readUntil(BufferedReader reader, Predicate<Sse> last) throws Exception {
    CompletableFuture<List<Sse>> read = CompletableFuture.supplyAsync(() -> {
      List<Sse> events = new ArrayList<>();
      String name = "message";
      StringBuilder data = new StringBuilder();
      try {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          if (line.startsWith("event: ")) {
            name = line.substring(7);
          } else if (line.startsWith("data: ")) {
            data.append(line.substring(6));
          } else if (line.isEmpty() && data.length() > 0) {
            Sse event = new Sse(name, JSON.readTree(data.toString()));
            events.add(event);
            if (last.test(event)) {
              return events;
            }
            name = "message";
            data.setLength(0);
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      throw new IllegalStateException("the stream ended after " + events.size() + " events");
    });
    return read.get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }
}
