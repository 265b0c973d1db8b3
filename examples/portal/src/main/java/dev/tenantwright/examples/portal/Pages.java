package dev.tenantwright.examples.portal;

import static dev.tenantwright.examples.portal.Html.escape;

import dev.tenantwright.core.Tenant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the portal's pages. Every value that did not come from this class — form input, tenant data,
 * backend outputs, error messages — goes through {@link Html#escape}. Scripts and styles are served from
 * {@code /static/}, so the pages run under a Content-Security-Policy without inline code.
 */
final class Pages {

  /** The industries of the sign-up form: value → label. */
  static final Map<String, String> INDUSTRIES = industries();

  /** What backs the portal, as the pages tell a person. */
  enum Backend {
    /** Real backends. */
    REAL,
    /** The bundled SANDBOX blueprint: tiny sites inside the portal process, and sample data that fails for "Fail". */
    SANDBOX_SITES,
    /** An example blueprint on the SANDBOX: the test kit's fakes inside the portal process. */
    SANDBOX_FAKES
  }

  private final Backend backend;
  private final boolean sandbox;
  private final String outbox;
  private final long linkMinutes;

  /**
   * {@code backend}: what backs the portal (a SANDBOX one the pages say); {@code outbox}: where the example's mailer
   * writes, said on the pages of a SANDBOX portal, or null; {@code linkMinutes}: how long a sign-in link works.
   */
  Pages(Backend backend, String outbox, long linkMinutes) {
    this.backend = backend;
    this.sandbox = backend != Backend.REAL;
    this.outbox = outbox;
    this.linkMinutes = linkMinutes;
  }

  /** What the person typed into the sign-up form. */
  record SignupForm(String company, String email, String industry) {
    static final SignupForm EMPTY = new SignupForm("", "", "");
  }

  private static Map<String, String> industries() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("manufacturing", "Manufacturing");
    m.put("retail", "Retail & e-commerce");
    m.put("hospitality", "Hospitality");
    m.put("services", "Professional services");
    m.put("education", "Education");
    m.put("healthcare", "Healthcare");
    m.put("other", "Something else");
    return m;
  }

  /** The sign-up form, with the errors per field ({@code company}, {@code email}, {@code industry}) and a banner. */
  String signup(SignupForm form, Map<String, String> errors, String banner) {
    StringBuilder options = new StringBuilder("<option value=\"\">Choose your industry…</option>");
    INDUSTRIES.forEach((value, label) -> options.append("<option value=\"").append(escape(value)).append('"')
        .append(value.equals(form.industry()) ? " selected" : "").append('>').append(escape(label))
        .append("</option>"));
    String body = """
        <section class="card signup">
          <h1>Start your trial</h1>
          <p class="lead">Tell us who you are and press <b>Launch</b>: we set up a <b>demo</b> with sample data and
          your protected <b>live</b> environment, and show you every step.</p>
          %s
          <form method="post" action="/signup" novalidate>
            %s
            %s
            <div class="field%s">
              <label for="industry">Industry</label>
              <select id="industry" name="industry" aria-describedby="industry-error">%s</select>
              <p class="field-error" id="industry-error">%s</p>
            </div>
            <button type="submit" id="launch" class="primary">Launch</button>
          </form>
          <p class="foot">Already signed up? <a href="/signin">Sign in</a></p>
          %s
        </section>
        """.formatted(
        banner == null ? "" : "<p class=\"banner\" role=\"alert\">" + escape(banner) + "</p>",
        input("company", "Company name", "text", "organization", form.company(), errors),
        input("email", "Work e-mail", "email", "email", form.email(), errors),
        errors.containsKey("industry") ? " invalid" : "", options, escape(errors.getOrDefault("industry", "")),
        backend == Backend.SANDBOX_SITES
            ? "<p class=\"hint\"><span class=\"tag\">SANDBOX</span> A company name containing “" + escape(SampleData.FAIL_MARKER) + "” makes the demo's sample-data step fail once, to show the "
            + "rollback and the Retry button.</p>" : "");
    return layout("Sign up", body, null);
  }

  /** The sign-in form: an e-mail address, to which a sign-in link is sent. */
  String signin(String email, String error, String banner) {
    String body = """
        <section class="card signup">
          <h1>Sign in</h1>
          <p class="lead">Enter the e-mail address you signed up with: we send you a link that signs you in.</p>
          %s
          <form method="post" action="/signin" novalidate>
            %s
            <button type="submit" id="send-link" class="primary">Send me a link</button>
          </form>
          <p class="foot">New here? <a href="/">Start your trial</a></p>
        </section>
        """.formatted(banner == null ? "" : "<p class=\"banner\" role=\"alert\">" + escape(banner) + "</p>",
        input("email", "Work e-mail", "email", "email", email,
            error == null ? Map.of() : Map.of("email", error)));
    return layout("Sign in", body, null);
  }

  /**
   * What every sign-up and sign-in request is answered with, whether the address is new, known or another
   * company's: the mail says which it was (security finding SEC5).
   */
  String checkInbox(String email) {
    String body = """
        <section class="card">
          <h1>Check your inbox</h1>
          <p class="lead">If <b>%s</b> can receive mail, a message with a sign-in link is on its way to it. The link
          works once, within %d minutes.</p>
          <p>Nothing arrived? Check the spam folder, or <a href="/signin">ask for a new link</a>.</p>
          %s
        </section>
        """.formatted(escape(email), linkMinutes, sandbox && outbox != null
        ? "<p class=\"hint\"><span class=\"tag\">SANDBOX</span> This portal has no mail server: the message is "
            + "written to <code>" + escape(outbox) + "</code>.</p>" : "");
    return layout("Check your inbox", body, null);
  }

  /**
   * The page a mailed link opens: a button that signs in. Opening the link does not use it up, so a mail
   * scanner that fetches links ahead of the person cannot spend it.
   */
  String confirm(String token) {
    String body = """
        <section class="card">
          <h1>Sign in</h1>
          <p class="lead">Press the button to sign in on this browser.</p>
          <form method="post" action="/signin/confirm">
            <input type="hidden" name="token" value="%s">
            <button type="submit" id="signin" class="primary">Sign in</button>
          </form>
        </section>
        """.formatted(escape(token));
    return layout("Sign in", body, null);
  }

  private static String input(String name, String label, String type, String autocomplete, String value,
      Map<String, String> errors) {
    return """
        <div class="field%s">
              <label for="%2$s">%3$s</label>
              <input id="%2$s" name="%2$s" type="%4$s" autocomplete="%5$s" value="%6$s" maxlength="200"
                     aria-describedby="%2$s-error"%7$s>
              <p class="field-error" id="%2$s-error">%8$s</p>
            </div>""".formatted(errors.containsKey(name) ? " invalid" : "", name, escape(label), type,
        autocomplete, escape(value), errors.containsKey(name) ? " aria-invalid=\"true\"" : "",
        escape(errors.getOrDefault(name, "")));
  }

  /** The provisioning page of a tenant: one card per environment, kept up to date by /static/portal.js. */
  String tenant(Tenant t, String pagePath, String csrf, List<EnvironmentView> environments, String notice) {
    StringBuilder cards = new StringBuilder();
    environments.forEach(v -> cards.append(card(v, csrf)));
    String industry = INDUSTRIES.getOrDefault(t.attributes().getOrDefault("industry", ""), "");
    String body = """
        <section class="tenant">
          <h1>%s</h1>
          <p class="lead">Tenant <code>%s</code> · %s%s <span id="connection" class="connection"></span></p>
          %s
          <div id="environments" class="environments" data-events="%s/events">
          %s
          </div>
        </section>
        """.formatted(escape(t.displayName()), escape(t.id()), escape(t.email()),
        industry.isEmpty() ? "" : " · " + escape(industry),
        notice == null ? "" : "<p class=\"banner\" role=\"alert\">" + escape(notice) + "</p>",
        escape(pagePath), environments.isEmpty() ? "<p>No environments yet.</p>" : cards);
    return layout(t.displayName(), body, csrf);
  }

  private static String card(EnvironmentView v, String csrf) {
    StringBuilder links = new StringBuilder();
    for (EnvironmentView.Link l : v.links()) {
      links.append("<li><a class=\"site-link\" href=\"").append(escape(l.url())).append("\">Open ")
          .append(escape(v.name())).append(' ').append(escape(l.resource())).append("</a> <span class=\"url\">")
          .append(escape(l.url())).append("</span></li>");
    }
    StringBuilder log = new StringBuilder();
    v.log().forEach(line -> log.append("<li>").append(escape(line)).append("</li>"));
    boolean failed = "FAILED".equals(v.state()) && v.finished();
    return """
        <section class="env" id="env-%1$s" data-env="%1$s" data-run="%2$s" data-finished="%3$s" data-state="%4$s"
                 data-max="%5$d">
              <header class="env-head">
                <h2>%6$s <span class="kind">%7$s</span></h2>
                <span class="badge">%8$s</span>
              </header>
              <progress class="bar" max="100" value="%5$d" aria-label="%1$s progress">%5$d %%</progress>
              <div class="meta"><span class="pct">%5$d %%</span> <span class="step">%9$s</span></div>
              <p class="message">%10$s</p>
              <ol class="log">%11$s</ol>
              <div class="links"%12$s>
                <h3>Your %1$s environment is ready</h3>
                <ul>%13$s</ul>
              </div>
              <div class="failure"%14$s>
                <p class="error">%15$s</p>
                <form method="post" action="%16$s" class="retry-form"%17$s>
                  <input type="hidden" name="csrf" value="%22$s">
                  <button type="submit" class="retry primary">Retry</button>
                  <span class="retries-left">%18$s</span>
                </form>
                <p class="no-retry"%19$s>No retries left: provisioning failed %20$d times. Please contact support.</p>
              </div>
              <p class="env-foot"><a class="status" href="%21$s">Status JSON</a></p>
            </section>
        """.formatted(escape(v.name()), escape(v.runId() == null ? "" : v.runId()), v.finished(),
        escape(v.state()), v.percent(), escape(title(v)), escape(kindText(v.kind())), escape(v.label()),
        escape(v.step()), escape(v.message()), log, v.links().isEmpty() ? " hidden" : "", links,
        failed ? "" : " hidden", escape(v.error() == null ? "" : v.error()), escape(v.retryUrl()),
        v.canRetry() ? "" : " hidden", escape(retriesLeft(v.retriesLeft())),
        failed && v.retriesLeft() == 0 ? "" : " hidden", Portal.MAX_PROVISION_ATTEMPTS, escape(v.statusUrl()),
        escape(csrf));
  }

  private static String title(EnvironmentView v) {
    return switch (v.name()) {
      case "demo" -> "Demo";
      case "live" -> "Live";
      default -> v.name();
    };
  }

  private static String kindText(String kind) {
    return switch (kind) {
      case "DEMO" -> "with sample data";
      case "LIVE" -> "protected, never gets test data";
      default -> "test instance";
    };
  }

  private static String retriesLeft(int n) {
    return n == 1 ? "1 retry left" : n + " retries left";
  }

  /** A small page for a missing page or a bad request. */
  String message(String title, String text) {
    return layout(title, "<section class=\"card\"><h1>" + escape(title) + "</h1><p>" + escape(text)
        + "</p><p><a href=\"/\">Back to the sign-up form</a> · <a href=\"/signin\">Sign in</a></p></section>",
        null);
  }

  /** {@code csrf}: the session's CSRF token when someone is signed in (the header then has Sign out), else null. */
  private String layout(String title, String body, String csrf) {
    return """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>%s · Tenantwright portal</title>
          <link rel="stylesheet" href="/static/portal.css">
          <script src="/static/portal.js" defer></script>
        </head>
        <body>
          <header class="top">
            <a class="brand" href="/">Tenantwright <span>portal</span></a>
            %s%s
          </header>
          <main>
        %s
          </main>
          <footer class="bottom">%s</footer>
        </body>
        </html>
        """.formatted(escape(title),
        sandbox ? "<span class=\"sandbox\" title=\"" + (backend == Backend.SANDBOX_SITES
            ? "Every site runs inside this portal process on 127.0.0.1"
            : "Every backend is a fake inside this portal process") + "\">SANDBOX</span>" : "",
        csrf == null ? "" : "<form method=\"post\" action=\"/signout\" class=\"signout\"><input type=\"hidden\" "
            + "name=\"csrf\" value=\"" + escape(csrf) + "\"><button type=\"submit\" id=\"signout\">Sign out</button>"
            + "</form>",
        body,
        backend == Backend.SANDBOX_SITES ? "SANDBOX backend: every site runs inside this portal process on 127.0.0.1; "
            + "nothing leaves this machine."
            : backend == Backend.SANDBOX_FAKES ? "SANDBOX backend: every backend is a fake from the test kit inside "
            + "this portal process; nothing leaves this machine." : "Provisioned by Tenantwright.");
  }
}
