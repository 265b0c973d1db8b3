package dev.tenantwright.examples.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tenantwright.testkit.browser.HeadlessChromium;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portal end to end in Debian's headless Chromium: what a person sees and clicks — the sign-up form,
 * "check your inbox", the mailed sign-in link (read from a recording mailer) and its Sign in button, progress
 * reaching 100 %, the links to the environments and the sandbox site behind them; a failing blueprint's error
 * and a successful Retry. Screenshots of the key moments go to {@code target/screenshots/}.
 *
 * <p>Run by failsafe in the {@code it} profile ({@code .ci/run} installs {@code chromium} first); skipped when
 * {@code /usr/bin/chromium} (or the binary named by {@code -Dportal.chromium}) is missing.
 */
class PortalBrowserIT {

  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @TempDir
  static Path data;

  private static final HeldRuns held = new HeldRuns();
  private static final RecordingMailer mail = new RecordingMailer();
  private static Portal portal;
  private static HeadlessChromium browser;

  @BeforeAll
  static void start() throws IOException {
    assumeTrue(Files.isExecutable(HeadlessChromium.BINARY), "Debian's chromium is not installed at "
        + HeadlessChromium.BINARY + " (apt-get install chromium): browser test skipped");
    portal = Portal.start(Portal.Settings.defaults(data).withSamplePace(Duration.ofMillis(50)).withMailer(mail),
        held);
    browser = HeadlessChromium.launch(Path.of("target", "chromium.log"));
  }

  @AfterAll
  static void stop() {
    held.releaseAll();
    if (browser != null) {
      browser.close();
    }
    if (portal != null) {
      portal.close();
    }
  }

  @AfterEach
  void pagesRanWithoutScriptErrors() {
    assertThat(browser.pageErrors()).as("uncaught script errors on the pages").isEmpty();
  }

  @Test
  void aSignupShowsLiveProgressToOneHundredPercentAndLinksToTheSandboxSites() {
    held.hold("abc-corporation", "demo");
    browser.open(portal.uri());
    assertThat(browser.visibleText()).contains("Start your trial", "SANDBOX", "Company name", "Work e-mail");
    browser.type("#company", "ABC Corporation");
    browser.type("#email", "ops@abc.example");
    browser.select("#industry", "manufacturing");
    screenshot("01-signup-form");

    browser.click("#launch");

    browser.awaitPath("/signup");
    assertThat(browser.visibleText("h1")).isEqualTo("Check your inbox");
    assertThat(browser.visibleText()).contains("ops@abc.example", "works once, within 15 minutes");
    screenshot("02-check-your-inbox");
    assertThat(held.isWaiting("abc-corporation", "demo")).as("nothing is provisioned before the sign-in").isFalse();
    signInWithTheMailedLink("ops@abc.example");
    assertThat(browser.visibleText("h1")).isEqualTo("ABC Corporation");
    assertThat(browser.location()).doesNotContain("abc-corporation");
    // The demo is held at its last step: the page shows it in progress, from the event stream.
    await("the demo in progress").atMost(RUN_TIMEOUT).ignoreExceptions().untilAsserted(() -> {
      assertThat(held.isWaiting("abc-corporation", "demo")).isTrue();
      assertThat(browser.visibleText("#env-demo")).contains("Step 5 of 5 · sample-data", "80 %",
          "loading 25 sample records");
      assertThat(browser.visibleText("#env-demo .links")).isEmpty();
    });
    screenshot("03-provisioning-in-progress");

    held.release("abc-corporation", "demo");

    await("demo and live at 100 %").atMost(RUN_TIMEOUT).ignoreExceptions().untilAsserted(() -> {
      assertThat(browser.visibleText("#env-demo")).contains("100 %", "Ready", "Your demo environment is ready",
          "Open demo site", "http://127.0.0.1:");
      assertThat(browser.visibleText("#env-live")).contains("100 %", "Ready", "Your live environment is ready",
          "Open live site", "http://127.0.0.1:");
    });
    assertThat(browser.visibleText("#env-demo .log")).contains("loaded 25 of 25 sample records");
    assertThat(browser.visibleText("#env-demo .failure")).isEmpty();
    screenshot("04-provisioned-with-links");

    String demoSite = browser.attribute("#env-demo a.site-link", "href");
    String liveSite = browser.attribute("#env-live a.site-link", "href");
    assertThat(browser.visibleText("#env-demo .links")).contains(demoSite);
    browser.click("#env-demo a.site-link");
    await("the demo's sandbox site").atMost(RUN_TIMEOUT).ignoreExceptions()
        .until(() -> browser.location().equals(demoSite) && browser.visibleText().contains("SANDBOX SITE"));
    assertThat(browser.visibleText()).contains("Welcome to ABC Corporation", "Environment demo",
        "25 sample records loaded");
    screenshot("05-demo-sandbox-site");

    browser.open(URI.create(liveSite));
    assertThat(browser.visibleText()).contains("Welcome to ABC Corporation", "Environment live", "No sample data");
  }

  @Test
  void aFailingBlueprintShowsItsErrorAndRetryProvisionsTheEnvironment() {
    browser.open(portal.uri());
    browser.type("#company", "Fail Fast Ltd");
    browser.type("#email", "ops@failfast.example");
    browser.select("#industry", "retail");
    browser.click("#launch");
    browser.awaitPath("/signup");
    signInWithTheMailedLink("ops@failfast.example");

    await("the demo failed and rolled back").atMost(RUN_TIMEOUT).ignoreExceptions().untilAsserted(() -> {
      assertThat(browser.visibleText("#env-demo")).contains("Failed",
          "SANDBOX: sample data import failed", "Rolled back: everything this run created was removed again.",
          "Retry", "2 retries left");
      assertThat(browser.visibleText("#env-demo .links")).isEmpty();
      assertThat(browser.visibleText("#env-live")).contains("100 %", "Open live site");
    });
    screenshot("06-failed-with-retry");

    browser.click("#env-demo button.retry");

    await("the retried demo at 100 %").atMost(RUN_TIMEOUT).ignoreExceptions().untilAsserted(() -> {
      assertThat(browser.visibleText("#env-demo")).contains("100 %", "Ready", "Open demo site")
          .doesNotContain("sample data import failed");
      assertThat(browser.visibleText("#env-demo .failure")).isEmpty();
    });
    screenshot("07-retry-succeeded");
    assertThat(portal.tenantwright().environments().status("fail-fast-ltd", "demo").failedAttempts()).isZero();
  }

  @Test
  void aSignupWithAnInvalidEmailShowsTheErrorNextToTheField() {
    browser.open(portal.uri());
    browser.type("#company", "Globex Inc");
    browser.type("#email", "globex at example");
    browser.select("#industry", "services");

    browser.click("#launch");

    await("the form again, with the error").atMost(RUN_TIMEOUT).ignoreExceptions().untilAsserted(() ->
        assertThat(browser.visibleText("#email-error"))
            .isEqualTo("'globex at example' is not a valid e-mail address."));
    assertThat(browser.evaluate("document.querySelector('#company').value").asText()).isEqualTo("Globex Inc");
    assertThat(browser.visibleText("#company-error")).isEmpty();
    screenshot("08-invalid-email");
  }

  @Test
  void signingOutLeavesThePageBehindTheSignInForm() {
    browser.open(portal.uri());
    browser.type("#company", "Sign Out Co");
    browser.type("#email", "ops@signout.example");
    browser.select("#industry", "other");
    browser.click("#launch");
    browser.awaitPath("/signup");
    signInWithTheMailedLink("ops@signout.example");
    String page = browser.location();

    browser.click("#signout");

    browser.awaitPath("/signin");
    browser.open(URI.create(page));
    assertThat(browser.visibleText()).contains("Sign in to see this page").doesNotContain("Sign Out Co");
  }

  /** Opens the link mailed to the address, as the person would from their inbox, and presses Sign in. */
  private static void signInWithTheMailedLink(String email) {
    String link = await("the sign-in mail to " + email).atMost(RUN_TIMEOUT).ignoreExceptions()
        .until(() -> RecordingMailer.link(mail.last(email)), l -> true);
    browser.open(URI.create(link));
    assertThat(browser.visibleText()).contains("Press the button to sign in");
    browser.click("#signin");
    browser.awaitPath("/t/");
  }

  private static void screenshot(String name) {
    browser.screenshot(SCREENSHOTS.resolve(name + ".png"));
  }
}
