package dev.tenantwright.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The no-argument demo, end to end against the in-process sandbox. */
class QuickstartTest {

  @TempDir
  Path data;

  @AfterEach
  void stopSandboxSites() {
    SandboxSite.stopAll();
  }

  static String run(int expectedCode, String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Quickstart.run(new PrintStream(buf, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(code).as(out + err.toString(StandardCharsets.UTF_8)).isEqualTo(expectedCode);
    return out + err.toString(StandardCharsets.UTF_8);
  }

  private String demo() {
    return run(0, "--data", data.toString());
  }

  @Test
  void theDemoProvisionsDemoLiveAndATestInstanceToReadyOnTheSandbox() {
    String out = demo();

    assertThat(out).contains("Backend: SANDBOX").contains("SANDBOX vercel").contains("SANDBOX cloudflare")
        .contains("SANDBOX compose").contains("id 'abc-corporation'").contains("demo, live and test-checkout are READY.")
        .contains("test-broken rolled back as intended");
    assertThat(out).containsPattern("demo +DEMO +READY").containsPattern("live +LIVE +READY")
        .containsPattern("test-checkout +TEST +READY");
    assertThat(out).contains("vercel.deployment").contains("cloudflare.dns-record").contains("compose.project")
        .contains("sample-data").contains("{value=******}");
    assertThat(out).contains("step 7/").contains("is READY");
  }

  @Test
  void theDemoShowsAFailedBuildRolledBackWithNothingLeftInTheSandbox() {
    String out = demo();

    assertThat(out).containsPattern("for test-broken ended ROLLED_BACK: step 'deploy' \\(vercel.deployment\\) failed")
        .contains("[BUILD_FAILED] Command \"npm run build\" exited with 1");
    assertThat(out).contains("Left in the sandbox for test-broken: nothing");
    assertThat(out).containsPattern("test-broken +TEST +FAILED");
  }

  @Test
  void theDemoPrintsTheAccessUrlsOfEveryReadyEnvironment() {
    String out = demo();

    assertThat(out).containsPattern("site \\(sandbox server\\) +http://127\\.0\\.0\\.1:\\d+/")
        .containsPattern("deployment +https://abc-corporation--live--web-\\w+\\.vercel\\.app")
        .contains("DNS name               demo.abc-corporation.example.com")
        .contains("DNS name               test-checkout.abc-corporation.example.com")
        .containsPattern("compose app +http://127\\.0\\.0\\.1:\\d+");
    assertThat(out.substring(out.indexOf("Access URLs"), out.indexOf("demo, live and test-checkout are READY.")))
        .as("no access URLs for the rolled-back instance").doesNotContain("test-broken");
  }

  @Test
  void aSecondDemoOnTheSameJournalDestroysTheOldWorldAndProvisionsAgain() {
    demo();
    String again = demo();

    assertThat(again).contains("Destroying demo from an earlier run first")
        .contains("Destroying test-broken from an earlier run first")
        .contains("Left in the sandbox for test-broken: nothing")
        .contains("demo, live and test-checkout are READY.");
  }
}
