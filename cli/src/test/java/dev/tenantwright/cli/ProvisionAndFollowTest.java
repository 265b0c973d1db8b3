package dev.tenantwright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** One demo provisioned with {@code --follow}, then read back with the reading commands. */
@ExtendWith(SandboxServer.Resolver.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvisionAndFollowTest {

  private static final Pattern STARTED = Pattern.compile("run (\\S+) started");

  private final SandboxServer server;
  private String tenant;
  private Cli.Result provisioned;
  private String run;

  ProvisionAndFollowTest(SandboxServer server) {
    this.server = server;
  }

  @BeforeAll
  void provisionADemoAndFollowIt() {
    tenant = server.provisioning();
    provisioned = server.admin().run("provision", tenant, "--kind", "DEMO", "--follow");
    run = runIdOf(provisioned);
  }

  @Test
  void provisionWithFollowShowsEveryStepAndExitsZeroWhenTheRunSucceeded() {
    assertThat(provisioned.exitCode()).as(provisioned.toString()).isZero();
    assertThat(provisioned.out()).contains("run " + run + " started: PROVISION " + tenant + "/demo")
        .contains("RUN_QUEUED")
        .contains("STEP_SUCCEEDED           step 1/8 site: created")
        .contains("[##########] 100%  RUN_SUCCEEDED            ready")
        .containsPattern("run " + run + " SUCCEEDED: PROVISION " + tenant + "/demo in \\d+\\.\\d s");
    assertThat(provisioned.err()).isEmpty();
  }

  @Test
  void statusShowsTheEnvironmentReadyWithItsLastRunAndResources() {
    Cli.Result r = server.admin().run("status", tenant, "demo");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains(tenant + "/demo (DEMO, site main): READY, activation COMPLETED")
        .contains("last run      " + run + " SUCCEEDED 100%")
        .containsPattern("dns\\s+cloudflare.dns-record\\s+CREATED\\s+.*name=demo\\." + tenant);
  }

  @Test
  void runShowsEachStepWithItsActionAndState() {
    Cli.Result r = server.admin().run("run", run);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("run " + run + ": PROVISION " + tenant + "/demo, SUCCEEDED 100%")
        .containsPattern("1\\s+site\\s+vercel.project\\s+CREATE\\s+SUCCEEDED\\s+1")
        .containsPattern("8\\s+health\\s+http.health-check\\s+CREATE\\s+SUCCEEDED\\s+1");
  }

  @Test
  void runsListsTheTenantsRunsAndTenantShowsItsEnvironments() {
    Cli.Result runs = server.admin().run("runs", tenant, "--environment", "demo");
    assertThat(runs.exitCode()).as(runs.toString()).isZero();
    assertThat(runs.out()).containsPattern(run + "\\s+PROVISION\\s+demo\\s+SUCCEEDED\\s+100%");

    Cli.Result none = server.admin().run("runs", server.newTenant("Newcomer"));
    assertThat(none.out()).isEqualTo("no runs\n");

    Cli.Result detail = server.admin().run("tenant", tenant);
    assertThat(detail.exitCode()).as(detail.toString()).isZero();
    assertThat(detail.out()).startsWith("tenant " + tenant + ": " + "Shared Shop")
        .containsPattern("demo\\s+DEMO\\s+main\\s+READY\\s+vercel-site");
  }

  @Test
  void tenantsComeAPageAtATimeWithTheCursorOfTheNext() {
    String second = server.newTenant("Paging Two");
    String third = server.newTenant("Paging Three");

    Cli.Result first = server.admin().run("tenants", "--limit", "1");
    assertThat(first.exitCode()).as(first.toString()).isZero();
    Matcher more = Pattern.compile("more: tenantwright tenants --cursor (\\S+) --limit 1").matcher(first.out());
    assertThat(more.find()).as(first.toString()).isTrue();

    Cli.Result next = server.admin().run("tenants", "--limit", "1", "--cursor", more.group(1));
    assertThat(next.exitCode()).as(next.toString()).isZero();
    assertThat(next.out()).isNotEqualTo(first.out()).contains("more: tenantwright tenants --cursor");

    Cli.Result all = server.admin().run("tenants", "--all", "--limit", "2");
    assertThat(all.out()).contains(tenant, second, third).doesNotContain("more:");
    assertThat(all.out().indexOf(second)).isLessThan(all.out().indexOf(third));

    Cli.Result json = server.admin().run("tenants", "--all", "--json");
    assertThat(json.out()).startsWith("{\"items\":[{\"object\":\"tenant\"").contains("\"id\":\"" + third + "\"");
  }

  @Test
  void followReplaysAFinishedRunFromItsStartAsJsonLines() {
    Cli.Result r = server.admin().run("follow", run, "--json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    String[] lines = r.out().strip().split("\n");
    assertThat(lines[0]).contains("\"type\":\"RUN_QUEUED\"");
    assertThat(lines[lines.length - 2]).contains("\"type\":\"RUN_SUCCEEDED\"");
    assertThat(lines[lines.length - 1]).startsWith("{\"object\":\"run\"").contains("\"state\":\"SUCCEEDED\"");
  }

  @Test
  void followAfterTheRunsLastEventShowsNothingTwiceAndStillReportsTheEnd() {
    String[] lines = server.admin().run("follow", run, "--json").out().strip().split("\n");
    Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(lines[lines.length - 2]);
    assertThat(id.find()).isTrue();

    // As after a drop just before the end: the server answers 204 to Last-Event-ID, nothing follows it.
    Cli.Result resumed = server.admin().run("follow", run, "--after", id.group(1));

    assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
    assertThat(resumed.out()).doesNotContain("RUN_SUCCEEDED")
        .startsWith("run " + run + " SUCCEEDED: PROVISION " + tenant + "/demo");
    assertThat(resumed.err()).isEmpty();
  }

  @Test
  void aRunThatRollsBackExitsOneWithItsErrorAndRetryBringsTheEnvironmentUp() {
    server.sandbox().vercel().failBuilds("BUILD_FAILED", "npm run build exited with 1");
    Cli.Result failed;
    try {
      failed = server.admin().run("provision", tenant, "--kind", "TEST", "--name", "broken", "--follow");
    } finally {
      server.sandbox().vercel().succeedBuilds();
    }

    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(TenantwrightCli.RUN_NOT_SUCCEEDED);
    assertThat(failed.out()).containsPattern("run \\S+ ROLLED_BACK: PROVISION " + tenant + "/test-broken")
        .contains("npm run build exited with 1");
    Cli.Result steps = server.admin().run("run", runIdOf(failed));
    assertThat(steps.out()).containsPattern("deploy\\s+vercel.deployment\\s+CREATE\\s+FAILED\\s+\\d+\\s+.*npm run build"
        + " exited with 1");

    Cli.Result retried = server.admin().run("retry", tenant, "test-broken", "--follow");

    assertThat(retried.exitCode()).as(retried.toString()).isZero();
    assertThat(retried.out()).containsPattern("run \\S+ SUCCEEDED: PROVISION " + tenant + "/test-broken");
    assertThat(server.admin().run("status", tenant, "test-broken").out()).contains("READY, activation COMPLETED");
  }

  static String runIdOf(Cli.Result r) {
    Matcher m = STARTED.matcher(r.out());
    assertThat(m.find()).as(r.toString()).isTrue();
    return m.group(1);
  }
}
