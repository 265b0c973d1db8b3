package dev.tenantwright.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read-only subcommands on the journal one demo made, each in its own invocation, as a user runs them. */
class SubcommandsTest {

  @TempDir
  static Path data;

  static String brokenRunId;

  @BeforeAll
  static void runTheDemoOnce() {
    String out = QuickstartTest.run(0, "demo", "--data", data.toString());
    Matcher m = Pattern.compile("Run (\\w+) for test-broken ended ROLLED_BACK").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    brokenRunId = m.group(1);
  }

  @AfterAll
  static void stopSandboxSites() {
    SandboxSite.stopAll();
  }

  private static String cli(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--data";
    all[args.length + 1] = data.toString();
    return QuickstartTest.run(0, all);
  }

  @Test
  void tenantsListShowsTheDemoCustomer() {
    assertThat(cli("tenants", "list")).containsPattern("abc-corporation +ABC Corporation +ops@abc.example");
  }

  @Test
  void tenantsShowListsItsEnvironmentsAndHistory() {
    assertThat(cli("tenants", "show", "abc-corporation"))
        .contains("Attributes: {industry=manufacturing}")
        .containsPattern("live +LIVE +READY")
        .contains("History (newest 200):");
  }

  @Test
  void envListShowsEachEnvironmentWithItsResources() {
    assertThat(cli("env", "list", "abc-corporation"))
        .containsPattern("test-checkout +TEST +READY")
        .containsPattern("dns +cloudflare.dns-record +CREATED .*name=test-checkout.abc-corporation.example.com");
  }

  @Test
  void envStatusOfTheBrokenTestInstanceShowsItsRolledBackRunAndError() {
    assertThat(cli("env", "status", "abc-corporation", "test-broken"))
        .contains("abc-corporation/test-broken (TEST): FAILED")
        .contains("last run: " + brokenRunId + " ROLLED_BACK")
        .contains("BUILD_FAILED");
  }

  @Test
  void planOfAReadyEnvironmentChangesNothing() {
    assertThat(cli("plan", "abc-corporation", "demo"))
        .contains("plan: update abc-corporation/demo from blueprint 'quickstart'")
        .containsPattern("noop +deploy +vercel.deployment")
        .contains("Nothing to do.");
  }

  @Test
  void planWithAChangedParameterShowsWhatWouldBeReplacedWithoutDoingIt() {
    assertThat(cli("plan", "abc-corporation", "demo", "--param", "greeting=Hello"))
        .containsPattern("replace +site +sandbox.site +spec changed")
        .contains("nothing was changed");
    assertThat(cli("plan", "abc-corporation", "demo")).contains("Nothing to do.");
  }

  @Test
  void runsListShowsEveryRunWithItsOutcome() {
    assertThat(cli("runs", "list", "abc-corporation"))
        .containsPattern("PROVISION +demo +SUCCEEDED +100%")
        .containsPattern(brokenRunId + " +PROVISION +test-broken +ROLLED_BACK");
  }

  @Test
  void runsShowListsStepsWithAttemptsDurationsAndTheError() {
    assertThat(cli("runs", "show", brokenRunId))
        .contains("run " + brokenRunId + ": PROVISION of abc-corporation/test-broken -> ROLLED_BACK")
        .containsPattern("deploy +vercel.deployment +CREATE +FAILED +1 +\\d+ ms .*BUILD_FAILED")
        .containsPattern("web +vercel.project +CREATE +COMPENSATED +1 +\\d+ ms +CREATED");
  }

  @Test
  void aGroupWithoutASubcommandSaysWhichOnesExist() {
    assertThat(QuickstartTest.run(2, "runs")).contains("Missing subcommand: one of [list, show]");
  }
}
