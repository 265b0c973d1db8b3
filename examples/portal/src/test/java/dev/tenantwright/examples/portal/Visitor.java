package dev.tenantwright.examples.portal;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One person at the portal, as a browser is: a cookie jar of their own, forms posted with this site's
 * {@code Origin}, and sign-in through the link mailed to them.
 */
final class Visitor {

  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final Pattern TOKEN = Pattern.compile("name=\"token\" value=\"([^\"]+)\"");

  private final Portal portal;
  private final RecordingMailer mail;
  final HttpClient http;
  /** The session cookie, {@code name=value} as a browser sends it back; null before sign-in. */
  private volatile String cookie;

  Visitor(Portal portal, RecordingMailer mail) {
    this.portal = portal;
    this.mail = mail;
    // Not the JDK's CookieManager: it reads a Max-Age cookie as RFC 2965 and sends it back as $Version="1", …,
    // which no browser does.
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** Posts the sign-up form. */
  HttpResponse<String> signup(String company, String email, String industry) throws Exception {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("company", company);
    f.put("email", email);
    f.put("industry", industry);
    return post("/signup", f, origin());
  }

  /**
   * Opens the latest link mailed to {@code email} and presses Sign in: returns the page's path
   * ({@code /t/<page id>}).
   */
  String signIn(String email) throws Exception {
    HttpResponse<String> done = useLink(RecordingMailer.link(mail.last(email)));
    if (done.statusCode() != 303) {
      throw new AssertionError("sign-in answered " + done.statusCode() + ": " + done.body());
    }
    return done.headers().firstValue("Location").orElseThrow();
  }

  /** Opens a sign-in link and presses the button on the page it shows; the answer to that press. */
  HttpResponse<String> useLink(String link) throws Exception {
    URI uri = URI.create(link);
    HttpResponse<String> page = get(uri.getRawPath() + "?" + uri.getRawQuery());
    Matcher token = TOKEN.matcher(page.body());
    String value = token.find() ? token.group(1) : uri.getRawQuery().substring("token=".length());
    HttpResponse<String> done = post("/signin/confirm", Map.of("token", value), origin());
    done.headers().firstValue("Set-Cookie").ifPresent(c -> cookie = c.substring(0, c.indexOf(';')));
    return done;
  }

  /** The CSRF token in the forms of a signed-in page. */
  String csrf(String pagePath) throws Exception {
    Matcher m = CSRF.matcher(get(pagePath).body());
    if (!m.find()) {
      throw new AssertionError("no CSRF token on " + pagePath);
    }
    return m.group(1);
  }

  /** The session cookie as sent back to the portal ({@code name=value}), or null. */
  String cookieHeader() {
    return cookie;
  }

  /** Takes another person's session cookie (what a stolen or shared cookie would do). */
  void useCookie(String nameAndValue) {
    cookie = nameAndValue;
  }

  String origin() {
    return portal.uri().toString().replaceAll("/$", "");
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Posts a form; {@code origin} null sends none (as a script would). */
  HttpResponse<String> post(String path, Map<String, String> fields, String origin) throws Exception {
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

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(portal.uri().resolve(path)).timeout(Duration.ofSeconds(30));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return b;
  }
}
