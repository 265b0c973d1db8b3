package dev.tenantwright.examples.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security finding SEC5, "the portal is open to anyone": who may see and do what. Tenant pages answer only
 * to their own tenant's session, at an unguessable address; sign-up answers alike whatever the address; the
 * {@code Host} header is checked; sign-ups, mail and event streams are limited; posts need this site and,
 * for a signed-in page, its CSRF token. The clock is the test's, so lifetimes and rate limits are exact.
 */
class PortalSecurityTest {

  private static final Portal.RateLimit PLENTY = new Portal.RateLimit(1000, Duration.ofHours(1));
  private static final String ANOTHER_PAGE = "/t/AAAAAAAAAAAAAAAAAAAAAA";

  @TempDir
  static Path data;

  private static final RecordingMailer mail = new RecordingMailer();
  private static final ClockFake clock = new ClockFake();
  private static Portal portal;
  private final List<Portal> extra = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    portal = Portal.start(Portal.Settings.defaults(data.resolve("main")).withSamplePace(Duration.ZERO)
        .withMailer(mail).withAccess(Portal.Access.defaults().withAllowedHosts(List.of("portal.example"))
            .withSignupLimits(PLENTY, PLENTY, new Portal.RateLimit(3, Duration.ofHours(1)))),
        SampleData.Hold.NONE, clock);
  }

  @AfterAll
  static void stop() {
    if (portal != null) {
      portal.close();
    }
  }

  @AfterEach
  void stopExtraPortals() {
    extra.forEach(Portal::close);
  }

  @Test
  void sec5_aRequestNamingAnotherHostIsRefusedWhichStopsDnsRebinding() throws Exception {
    int port = portal.uri().getPort();

    RawHttp.Response rebound = RawHttp.send(portal.uri(), null, "GET", "/", Map.of("Host", "evil.example:" + port),
        null);
    RawHttp.Response posted = RawHttp.send(portal.uri(), null, "POST", "/signup", Map.of("Host", "evil.example:"
        + port, "Origin", "http://evil.example:" + port, "Content-Type", "application/x-www-form-urlencoded"),
        "company=Rebound&email=ops%40rebound.example&industry=other");

    assertThat(rebound.status()).isEqualTo(421);
    assertThat(rebound.body()).doesNotContain("Start your trial");
    assertThat(posted.status()).isEqualTo(421);
    assertThat(portal.tenantwright().tenants().find("rebound")).isEmpty();
    assertThat(mail.to("ops@rebound.example")).isEmpty();
    for (String allowed : List.of("127.0.0.1:" + port, "localhost:" + port, "portal.example",
        "PORTAL.example:8443")) {
      assertThat(RawHttp.send(portal.uri(), null, "GET", "/", Map.of("Host", allowed), null).status())
          .as("Host: " + allowed).isEqualTo(200);
    }
    assertThat(RawHttp.send(portal.uri(), null, "GET", "/", Map.of("Host", "127.0.0.1:1"), null).status())
        .as("the bound address on another port").isEqualTo(421);
  }

  @Test
  void sec5_aSignupAnswersAlikeForANewARepeatedAndATakenEmail() throws Exception {
    RawHttp.Response fresh = signup(portal, "Oscorp", "ops@oscorp.example", Map.of());
    RawHttp.Response repeated = signup(portal, "Oscorp", "ops@oscorp.example", Map.of());
    RawHttp.Response taken = signup(portal, "Oscorp Two", "ops@oscorp.example", Map.of());

    assertThat(fresh.status()).isEqualTo(200);
    assertThat(repeated.status()).isEqualTo(fresh.status());
    assertThat(taken.status()).isEqualTo(fresh.status());
    assertThat(repeated.body()).isEqualTo(fresh.body());
    assertThat(taken.body()).isEqualTo(fresh.body()).contains("Check your inbox");
    assertThat(fresh.headers()).doesNotContainKey("location").doesNotContainKey("set-cookie");
    // The mail, which only the address's owner reads, says what happened.
    assertThat(mail.to("ops@oscorp.example")).extracting(Mailer.Mail::subject).containsExactly(
        "Welcome: sign in to set up Oscorp", "Sign in to Oscorp", "Someone tried to sign up with your address");
    assertThat(portal.tenantwright().tenants().find("oscorp-two")).isEmpty();
  }

  @Test
  void sec5_theProvisioningPageIsAtARandomPageIdNotAtAnAddressMadeFromTheCompanyName() throws Exception {
    Visitor tyrell = signedUp("Tyrell Corp", "ops@tyrell.example");
    String tyrellPage = tyrell.signIn("ops@tyrell.example");
    Visitor wallace = signedUp("Tyrell Corp Two", "ops@wallace.example");
    String wallacePage = wallace.signIn("ops@wallace.example");

    assertThat(tyrellPage).matches("/t/[A-Za-z0-9_-]{22}").doesNotContain("tyrell");
    assertThat(wallacePage).matches("/t/[A-Za-z0-9_-]{22}").isNotEqualTo(tyrellPage);
    assertThat(tyrell.get("/tenants/tyrell-corp").statusCode()).isEqualTo(404);
    assertThat(tyrell.get("/t/tyrell-corp").statusCode()).isEqualTo(404);
    assertThat(tyrell.get(tyrellPage).statusCode()).isEqualTo(200);
  }

  @Test
  void sec5_aTenantsPagesAnswerOnlyItsOwnSessionAndAnotherTenantsSessionFindsNothing() throws Exception {
    Visitor acme = signedUp("Acme Rockets", "ops@rockets.example");
    String acmePage = acme.signIn("ops@rockets.example");
    Visitor rival = signedUp("Rival Rockets", "ops@rival.example");
    String rivalPage = rival.signIn("ops@rival.example");
    String rivalCsrf = rival.csrf(rivalPage);
    Visitor stranger = new Visitor(portal, mail);

    // No session: sign in first, and the answer is the same whether the page exists or not.
    HttpResponse<String> anonymous = stranger.get(acmePage);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body()).contains("Sign in to see this page").doesNotContain("Acme Rockets");
    assertThat(stranger.get(ANOTHER_PAGE).body()).isEqualTo(anonymous.body());
    assertThat(stranger.get(acmePage + "/events").statusCode()).isEqualTo(401);
    assertThat(stranger.get(acmePage + "/environments/demo/status").statusCode()).isEqualTo(401);
    assertThat(stranger.post(acmePage + "/environments/demo/retry", Map.of("csrf", rivalCsrf), stranger.origin())
        .statusCode()).isEqualTo(401);

    // Another tenant's session: not found, exactly like an address that does not exist.
    HttpResponse<String> foreign = rival.get(acmePage);
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(foreign.body()).doesNotContain("Acme Rockets", "ops@rockets.example")
        .isEqualTo(rival.get(ANOTHER_PAGE).body());
    assertThat(rival.get(acmePage + "/events").statusCode()).isEqualTo(404);
    HttpResponse<String> status = rival.get(acmePage + "/environments/demo/status");
    assertThat(status.statusCode()).isEqualTo(404);
    assertThat(status.body()).isEqualTo(rival.get(ANOTHER_PAGE + "/environments/demo/status").body())
        .doesNotContain("acme");
    assertThat(rival.post(acmePage + "/environments/demo/retry", Map.of("csrf", rivalCsrf), rival.origin())
        .statusCode()).isEqualTo(404);

    assertThat(acme.get(acmePage).body()).contains("Acme Rockets", "ops@rockets.example");
    assertThat(acme.get(acmePage + "/environments/demo/status").statusCode()).isEqualTo(200);
  }

  @Test
  void sec5_aSignInLinkWorksOnceAndNotAfterItsLifetime() throws Exception {
    signedUp("Initrode", "ops@initrode.example");
    String link = RecordingMailer.link(mail.last("ops@initrode.example"));
    Visitor first = new Visitor(portal, mail);
    Visitor second = new Visitor(portal, mail);

    assertThat(first.useLink(link).statusCode()).isEqualTo(303);
    HttpResponse<String> again = second.useLink(link);
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(again.body()).contains("This link does not work any more");
    assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();

    new Visitor(portal, mail).post("/signin", Map.of("email", "ops@initrode.example"), first.origin());
    String late = RecordingMailer.link(mail.last("ops@initrode.example"));
    clock.advance(Duration.ofMinutes(15).plusSeconds(1));
    assertThat(second.useLink(late).statusCode()).isEqualTo(400);
  }

  @Test
  void sec5_linksAndSessionsAreStoredOnlyAsHashes() throws Exception {
    Visitor hooli = signedUp("Hooli XYZ", "ops@hooli.example");
    String link = RecordingMailer.link(mail.last("ops@hooli.example"));
    String token = link.substring(link.indexOf("token=") + 6);
    hooli.useLink(link);
    String session = hooli.cookieHeader().substring(hooli.cookieHeader().indexOf('=') + 1);

    String db = Files.readString(data.resolve("main").resolve("portal.mv.db"), StandardCharsets.ISO_8859_1);

    assertThat(db).contains(sha256(token), sha256(session)).doesNotContain(token, session);
  }

  @Test
  void sec5_theSessionCookieIsHttpOnlySameSiteAndEndsWithItsLifetime() throws Exception {
    Visitor pied = signedUp("Pied Piper", "ops@piedpiper.example");
    String link = RecordingMailer.link(mail.last("ops@piedpiper.example"));

    HttpResponse<String> signedIn = pied.useLink(link);

    String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).matches("portal-session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200")
        .as("plain HTTP: no Secure flag").doesNotContain("Secure");
    String page = signedIn.headers().firstValue("Location").orElseThrow();
    assertThat(pied.get(page).statusCode()).isEqualTo(200);
    clock.advance(Duration.ofHours(12));
    assertThat(pied.get(page).statusCode()).isEqualTo(401);
  }

  @Test
  void sec5_behindATlsProxyLinksUseThePublicUrlAndTheCookieIsSecure() throws Exception {
    RecordingMailer tlsMail = new RecordingMailer();
    Portal tls = startExtra("tls", Portal.Access.defaults().withPublicUrl(URI.create("https://portal.example.com/")),
        tlsMail);
    Map<String, String> proxied = Map.of("Host", "portal.example.com", "Origin", "https://portal.example.com");

    assertThat(signup(tls, "Massive Dynamic", "ops@massive.example", proxied).status()).isEqualTo(200);
    String link = RecordingMailer.link(tlsMail.last("ops@massive.example"));
    assertThat(link).startsWith("https://portal.example.com/signin/confirm?token=");
    RawHttp.Response signedIn = RawHttp.send(tls.uri(), null, "POST", "/signin/confirm", withForm(proxied),
        "token=" + link.substring(link.indexOf("token=") + 6));

    assertThat(signedIn.status()).isEqualTo(303);
    assertThat(signedIn.headers().get("set-cookie")).matches(
        "__Host-portal-session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200; Secure");
  }

  @Test
  void sec5_signUpsAreRateLimitedPerClientAndOverallAndOnlyATrustedProxyNamesTheClient() throws Exception {
    Portal limited = startExtra("limited", Portal.Access.defaults().withTrustedProxies(List.of("127.0.0.1"))
        .withSignupLimits(new Portal.RateLimit(2, Duration.ofHours(1)), new Portal.RateLimit(3, Duration.ofHours(1)),
            PLENTY), new RecordingMailer());
    Map<String, String> clientA = Map.of("X-Forwarded-For", "203.0.113.1");
    Map<String, String> clientB = Map.of("X-Forwarded-For", "203.0.113.2");

    assertThat(signup(limited, "Alpha One", "ops@alpha1.example", clientA).status()).isEqualTo(200);
    assertThat(signup(limited, "Alpha Two", "ops@alpha2.example", clientA).status()).isEqualTo(200);
    RawHttp.Response third = signup(limited, "Alpha Three", "ops@alpha3.example", clientA);
    assertThat(third.status()).isEqualTo(429);
    assertThat(third.headers().get("retry-after")).isEqualTo("1800");
    assertThat(limited.tenantwright().tenants().find("alpha-three")).isEmpty();
    // What a client writes left of the proxy's own entry does not make it someone else.
    assertThat(signup(limited, "Alpha Four", "ops@alpha4.example",
        Map.of("X-Forwarded-For", "198.51.100.9, 203.0.113.1")).status()).isEqualTo(429);

    assertThat(signup(limited, "Beta One", "ops@beta1.example", clientB).status()).isEqualTo(200);
    RawHttp.Response overall = signup(limited, "Beta Two", "ops@beta2.example", clientB);
    assertThat(overall.status()).as("three in all per hour").isEqualTo(429);
    assertThat(overall.body()).contains("too many sign-up requests");

    clock.advance(Duration.ofMinutes(30));
    assertThat(signup(limited, "Alpha Five", "ops@alpha5.example", clientA).status()).isEqualTo(200);
  }

  @Test
  void sec5_oneAddressGetsAtMostItsShareOfMailAndTheAnswerStaysTheSame() throws Exception {
    RawHttp.Response first = signup(portal, "Gringotts", "ops@gringotts.example", Map.of());
    List<RawHttp.Response> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      answers.add(signup(portal, "Gringotts", "ops@gringotts.example", Map.of()));
    }

    assertThat(answers).allSatisfy(a -> {
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.body()).isEqualTo(first.body());
    });
    assertThat(mail.to("ops@gringotts.example")).as("three per hour").hasSize(3);
    clock.advance(Duration.ofMinutes(20));
    signup(portal, "Gringotts", "ops@gringotts.example", Map.of());
    assertThat(mail.to("ops@gringotts.example")).hasSize(4);
  }

  @Test
  void sec5_aClientCannotHoldMoreThanItsShareOfEventStreamsAndPagesStillAnswer() throws Exception {
    RecordingMailer streamsMail = new RecordingMailer();
    Portal small = startExtra("streams", Portal.Access.defaults().withThreads(8, 4, 2), streamsMail);
    Visitor globex = new Visitor(small, streamsMail);
    globex.signup("Globex Streams", "ops@globexstreams.example", "other");
    String page = globex.signIn("ops@globexstreams.example");
    Map<String, String> session = Map.of("Cookie", globex.cookieHeader());
    InetAddress one = InetAddress.getByName("127.0.0.1");
    InetAddress two = InetAddress.getByName("127.0.0.2");
    InetAddress three = InetAddress.getByName("127.0.0.3");
    List<RawHttp.Opened> open = new ArrayList<>();
    try {
      open.add(RawHttp.open(small.uri(), one, page + "/events", session));
      open.add(RawHttp.open(small.uri(), one, page + "/events", session));
      RawHttp.Opened overShare = RawHttp.open(small.uri(), one, page + "/events", session);
      open.add(overShare);
      open.add(RawHttp.open(small.uri(), two, page + "/events", session));
      open.add(RawHttp.open(small.uri(), two, page + "/events", session));
      RawHttp.Opened overAll = RawHttp.open(small.uri(), three, page + "/events", session);
      open.add(overAll);

      assertThat(open).extracting(RawHttp.Opened::status).containsExactly(200, 200, 429, 200, 200, 503);
      assertThat(globex.get("/").statusCode()).as("pages still get a thread").isEqualTo(200);
      assertThat(globex.get(page).statusCode()).isEqualTo(200);
    } finally {
      for (RawHttp.Opened o : open) {
        o.close();
      }
    }
  }

  @Test
  void sec5_aScriptWithoutOriginOrFetchMetadataCannotPostWithoutASessionAndItsCsrfToken() throws Exception {
    Visitor wonka = signedUp("Wonka Chocolate", "ops@chocolate.example");
    String page = wonka.signIn("ops@chocolate.example");
    String csrf = wonka.csrf(page);
    String retry = page + "/environments/live/retry";

    assertThat(wonka.post(retry, Map.of(), null).statusCode()).as("session, no token").isEqualTo(403);
    assertThat(wonka.post(retry, Map.of("csrf", csrf.substring(1) + "x"), null).statusCode()).as("wrong token")
        .isEqualTo(403);
    assertThat(new Visitor(portal, mail).post(retry, Map.of("csrf", csrf), null).statusCode())
        .as("token, no session").isEqualTo(401);
    assertThat(wonka.post(retry, Map.of("csrf", csrf), null).statusCode()).as("session and token")
        .isIn(303, 409);
    assertThat(wonka.post("/signout", Map.of(), null).statusCode()).isEqualTo(403);

    HttpResponse<String> scripted = new Visitor(portal, mail).post("/signup", Map.of("company", "Scripted Inc",
        "email", "ops@scripted.example", "industry", "other"), null);
    assertThat(scripted.statusCode()).isEqualTo(403);
    assertThat(portal.tenantwright().tenants().find("scripted-inc")).isEmpty();
    assertThat(mail.to("ops@scripted.example")).isEmpty();

    new Visitor(portal, mail).post("/signin", Map.of("email", "ops@chocolate.example"), wonka.origin());
    String link = RecordingMailer.link(mail.last("ops@chocolate.example"));
    assertThat(new Visitor(portal, mail).post("/signin/confirm", Map.of("token",
        link.substring(link.indexOf("token=") + 6)), null).statusCode()).as("a link used by a script").isEqualTo(403);
    assertThat(new Visitor(portal, mail).useLink(link).statusCode()).as("is still there for its owner")
        .isEqualTo(303);
  }

  // ------------------------------------------------------------------------------------------ helpers

  private Portal startExtra(String dir, Portal.Access access, Mailer mailer) throws Exception {
    Portal p = Portal.start(Portal.Settings.defaults(data.resolve(dir)).withSamplePace(Duration.ZERO)
        .withMailer(mailer).withAccess(access), SampleData.Hold.NONE, clock);
    extra.add(p);
    return p;
  }

  private static Visitor signedUp(String company, String email) throws Exception {
    Visitor v = new Visitor(portal, mail);
    HttpResponse<String> r = v.signup(company, email, "other");
    assertThat(r.statusCode()).isEqualTo(200);
    return v;
  }

  private static RawHttp.Response signup(Portal to, String company, String email, Map<String, String> headers)
      throws Exception {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Origin", to.uri().toString().replaceAll("/$", ""));
    all.putAll(headers);
    String body = "company=" + URLEncoder.encode(company, StandardCharsets.UTF_8) + "&email="
        + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&industry=other";
    return RawHttp.send(to.uri(), null, "POST", "/signup", withForm(all), body);
  }

  private static Map<String, String> withForm(Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("Content-Type", "application/x-www-form-urlencoded");
    return all;
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII)));
  }
}
