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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portal over plain HTTP, as a browser would see it: forms, sign-in through the mailed link, pages, the
 * event stream, the status JSON and retry. {@code PortalBrowserIT} drives the same flows in headless Chromium;
 * {@code PortalSecurityTest} covers who may see and do what.
 */
class PortalTest {

  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path data;

  private static final HeldRuns held = new HeldRuns();
  private static final RecordingMailer mail = new RecordingMailer();
  private static Portal portal;
  private static HttpClient http;

  @BeforeAll
  static void start() throws IOException {
    // Every test signs up from 127.0.0.1: limits high enough for all of them (PortalSecurityTest tests the limits).
    Portal.RateLimit plenty = new Portal.RateLimit(1000, Duration.ofHours(1));
    portal = Portal.start(Portal.Settings.defaults(data).withSamplePace(Duration.ZERO).withMailer(mail)
        .withAccess(Portal.Access.defaults().withSignupLimits(plenty, plenty, plenty)), held);
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
        ">Launch</button>", ">SANDBOX</span>", "<a href=\"/signin\">Sign in</a>");
  }

  @Test
  void aSignupMailsASignInLinkAndTheFirstSignInProvisionsDemoAndLive() throws Exception {
    Visitor initech = visitor();

    HttpResponse<String> signup = initech.signup("Initech LLC", "ops@initech.example", "services");

    assertThat(signup.statusCode()).isEqualTo(200);
    assertThat(signup.body()).contains("Check your inbox", "ops@initech.example", "works once, within 15 minutes");
    Mailer.Mail welcome = mail.last("ops@initech.example");
    assertThat(welcome.subject()).isEqualTo("Welcome: sign in to set up Initech LLC");
    assertThat(welcome.text()).contains(portal.uri() + "signin/confirm?token=");
    assertThat(portal.tenantwright().environments().list("initech-llc")).as("nothing before the address is proven")
        .isEmpty();

    String page = initech.signIn("ops@initech.example");

    assertThat(page).matches("/t/[A-Za-z0-9_-]{22}");
    awaitState(initech, page, "demo", "READY");
    awaitState(initech, page, "live", "READY");
    assertThat(portal.tenantwright().tenants().get("initech-llc").attributes()).containsEntry("industry", "services");
    assertThat(initech.get(page).body()).contains("Initech LLC", "ops@initech.example", "100 %",
        "Your demo environment is ready", "Open demo site", "Your live environment is ready", "Open live site",
        ">Sign out</button>");
  }

  @Test
  void theEventStreamReportsEachStepWithPercentUntilBothEnvironmentsAreReady() throws Exception {
    held.hold("globex-inc", "demo");
    Visitor globex = visitor();
    globex.signup("Globex Inc", "ops@globex.example", "manufacturing");
    String page = globex.signIn("ops@globex.example");
    await().atMost(RUN_TIMEOUT).until(() -> held.isWaiting("globex-inc", "demo"));

    HttpResponse<InputStream> stream = globex.http.send(globex.request(page + "/events").build(),
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
    assertThat(ready.path("retryUrl").asText()).isEqualTo(page + "/environments/demo/retry");
  }

  @Test
  void aPageOpenedMidRunShowsTheCurrentStepAndTheLatestMessages() throws Exception {
    held.hold("cyberdyne-systems", "demo");
    Visitor cyberdyne = visitor();
    cyberdyne.signup("Cyberdyne Systems", "ops@cyberdyne.example", "manufacturing");
    String pagePath = cyberdyne.signIn("ops@cyberdyne.example");
    await().atMost(RUN_TIMEOUT).until(() -> held.isWaiting("cyberdyne-systems", "demo"));

    String page = cyberdyne.get(pagePath).body();
    held.release("cyberdyne-systems", "demo");

    assertThat(page).contains("<span class=\"badge\">Provisioning</span>", "80 %",
        "<span class=\"step\">Step 5 of 5 · sample-data</span>", "<li>5/5 sample-data: loading 25 sample records",
        "<li>4/5 health: created</li>");
  }

  @Test
  void theStatusEndpointShowsTheEnvironmentAndLinksToItsSandboxSite() throws Exception {
    Visitor umbrella = visitor();
    umbrella.signup("Umbrella Corp", "ops@umbrella.example", "healthcare");
    String page = umbrella.signIn("ops@umbrella.example");
    awaitState(umbrella, page, "demo", "READY");
    awaitState(umbrella, page, "live", "READY");

    HttpResponse<String> response = umbrella.get(page + "/environments/demo/status");
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode demo = JSON.readTree(response.body());
    assertThat(demo.path("state").asText()).isEqualTo("READY");
    assertThat(demo.path("runState").asText()).isEqualTo("SUCCEEDED");
    assertThat(demo.path("percent").asInt()).isEqualTo(100);
    assertThat(demo.path("links")).hasSize(1);
    String demoSite = demo.path("links").get(0).path("url").asText();
    assertThat(getAbsolute(demoSite).body()).contains("SANDBOX SITE", "Welcome to Umbrella Corp",
        "25 sample records loaded");
    JsonNode live = status(umbrella, page, "live");
    assertThat(getAbsolute(live.path("links").get(0).path("url").asText()).body())
        .contains("Welcome to Umbrella Corp", "No sample data");
  }

  @Test
  void anInvalidEmailIsShownNextToTheEmailFieldAndTheFormKeepsWhatWasTyped() throws Exception {
    HttpResponse<String> response = visitor().signup("Hooli", "not-an-email", "retail");

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
    HttpResponse<String> response = visitor().signup("!!!", "ops@bang.example", "retail");

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.body())
        .containsPattern("<p class=\"field-error\" id=\"company-error\">[^<]*no letters or digits");
  }

  @Test
  void aMissingIndustryIsShownNextToTheIndustryField() throws Exception {
    HttpResponse<String> response = visitor().signup("Vandelay Industries", "ops@vandelay.example", "");

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.body())
        .contains("<p class=\"field-error\" id=\"industry-error\">Choose the industry closest to yours.</p>");
    assertThat(portal.tenantwright().tenants().find("vandelay-industries")).isEmpty();
  }

  @Test
  void aSecondCompanyWithTheSameEmailIsAnsweredAsUsualAndTheMailTellsTheOwner() throws Exception {
    visitor().signup("Soylent Corp", "ops@soylent.example", "other");

    HttpResponse<String> response = visitor().signup("Soylent Green", "ops@soylent.example", "other");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("Check your inbox");
    Mailer.Mail told = mail.last("ops@soylent.example");
    assertThat(told.subject()).isEqualTo("Someone tried to sign up with your address");
    assertThat(told.text()).contains("\"Soylent Green\"", "already belongs to the account of Soylent Corp",
        "nothing new was created");
    assertThat(portal.tenantwright().tenants().find("soylent-green")).isEmpty();
    Visitor owner = visitor();
    String page = owner.signIn("ops@soylent.example");
    assertThat(owner.get(page).body()).as("the link signs the owner in to its own account")
        .contains("<h1>Soylent Corp</h1>");
  }

  @Test
  void aRepeatedSignupMailsASignInLinkToTheSameTenant() throws Exception {
    Visitor first = visitor();
    first.signup("Stark Industries", "ops@stark.example", "manufacturing");
    String page = first.signIn("ops@stark.example");

    HttpResponse<String> again = visitor().signup("Stark Industries", "ops@stark.example", "manufacturing");

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(mail.last("ops@stark.example").subject()).isEqualTo("Sign in to Stark Industries");
    assertThat(visitor().signIn("ops@stark.example")).isEqualTo(page);
    awaitState(first, page, "demo", "READY");
    assertThat(portal.tenantwright().runs().list("stark-industries", "demo")).hasSize(1);
  }

  @Test
  void aKnownAddressCanAskForANewSignInLink() throws Exception {
    Visitor wayne = visitor();
    wayne.signup("Wayne Enterprises", "ops@wayne.example", "other");
    String page = wayne.signIn("ops@wayne.example");

    HttpResponse<String> asked = visitor().post("/signin", Map.of("email", "OPS@wayne.example"), wayne.origin());

    assertThat(asked.statusCode()).isEqualTo(200);
    assertThat(asked.body()).contains("Check your inbox");
    assertThat(mail.last("ops@wayne.example").subject()).isEqualTo("Sign in to Wayne Enterprises");
    Visitor laptop = visitor();
    assertThat(laptop.signIn("ops@wayne.example")).isEqualTo(page);
    assertThat(laptop.get(page).statusCode()).isEqualTo(200);
  }

  @Test
  void signingOutEndsTheSession() throws Exception {
    Visitor acme = visitor();
    acme.signup("Acme Anvils", "ops@anvils.example", "other");
    String page = acme.signIn("ops@anvils.example");

    HttpResponse<String> out = acme.post("/signout", Map.of("csrf", acme.csrf(page)), acme.origin());

    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(acme.get(page).statusCode()).isEqualTo(401);
  }

  @Test
  void userInputIsEscapedOnEveryPage() throws Exception {
    String company = "<script>alert(\"x\")</script> & Co";
    Visitor script = visitor();
    script.signup(company, "ops@script.example", "other");
    String tenantPath = script.signIn("ops@script.example");

    String page = script.get(tenantPath).body();
    assertThat(page).contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co")
        .doesNotContain("<script>alert");
    String form = visitor().signup("Acme", "<img src=x onerror=alert(1)>", "other").body();
    assertThat(form).contains("value=\"&lt;img src=x onerror=alert(1)&gt;\"").doesNotContain("<img");
  }

  @Test
  void aFailedDemoShowsItsErrorAndARetryProvisionsIt() throws Exception {
    Visitor failSafe = visitor();
    failSafe.signup("Fail Safe Ltd", "ops@failsafe.example", "retail");
    String page = failSafe.signIn("ops@failsafe.example");
    awaitState(failSafe, page, "demo", "FAILED");
    awaitState(failSafe, page, "live", "READY");

    JsonNode failed = status(failSafe, page, "demo");
    assertThat(failed.path("runState").asText()).isEqualTo("ROLLED_BACK");
    assertThat(failed.path("lastError").asText()).contains("sample data import failed", "first attempt only");
    assertThat(failed.path("links")).isEmpty();
    String html = failSafe.get(page).body();
    String csrf = failSafe.csrf(page);
    assertThat(html).contains("sample data import failed")
        .containsPattern("<form method=\"post\" action=\"" + page + "/environments/demo/retry\" class=\"retry-form\">"
            + "\\s*<input type=\"hidden\" name=\"csrf\" value=\"" + csrf + "\">");

    HttpResponse<String> retry = failSafe.post(page + "/environments/demo/retry", Map.of("csrf", csrf),
        failSafe.origin());

    assertThat(retry.statusCode()).isEqualTo(303);
    assertThat(retry.headers().firstValue("Location")).contains(page);
    awaitState(failSafe, page, "demo", "READY");
    assertThat(status(failSafe, page, "demo").path("links")).hasSize(1);
  }

  @Test
  void retryingAnEnvironmentThatIsNotFailedIsRefusedWithAMessage() throws Exception {
    Visitor wonka = visitor();
    wonka.signup("Wonka Industries", "ops@wonka.example", "other");
    String page = wonka.signIn("ops@wonka.example");
    awaitState(wonka, page, "live", "READY");

    HttpResponse<String> retry = wonka.post(page + "/environments/live/retry", Map.of("csrf", wonka.csrf(page)),
        wonka.origin());

    assertThat(retry.statusCode()).isEqualTo(409);
    assertThat(retry.body()).contains("Not retried: environment &#39;live&#39; is READY");
  }

  @Test
  void aFormPostedFromAnotherSiteIsRefused() throws Exception {
    HttpResponse<String> response = visitor().post("/signup", Map.of("company", "Evil Corp", "email",
        "ops@evil.example", "industry", "other"), "http://evil.example");

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
  void anAddressThatIsNoPageIsNotFound() throws Exception {
    assertThat(get("/tenants/nobody").statusCode()).isEqualTo(404);
    assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
  }

  // ------------------------------------------------------------------------------------------ helpers

  private static Visitor visitor() {
    return new Visitor(portal, mail);
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

  private static JsonNode status(Visitor visitor, String page, String environment) throws Exception {
    return JSON.readTree(visitor.get(page + "/environments/" + environment + "/status").body());
  }

  private static void awaitState(Visitor visitor, String page, String environment, String state) {
    await(page + "/" + environment + " " + state).atMost(RUN_TIMEOUT).ignoreExceptions()
        .until(() -> status(visitor, page, environment).path("state").asText(), state::equals);
  }

  /** One server-sent event. */
  record Sse(String name, JsonNode data) {}

  /** Reads events until one matches (returning all read, that one last); gives up with the run timeout. */
  static List<Sse> readUntil(BufferedReader reader, Predicate<Sse> last) throws Exception {
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
