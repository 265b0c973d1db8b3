package dev.tenantwright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SandboxServer.Resolver.class)
class ApprovalFlowTest {

  private static final Pattern APPROVAL = Pattern.compile("approval (apr_\\w+) PENDING");

  private final SandboxServer server;

  ApprovalFlowTest(SandboxServer server) {
    this.server = server;
  }

  @Test
  void destroyingLiveWaitsForAnApprovalThatRejectStopsAndApproveRuns() {
    String tenant = server.provisioning();
    Cli cli = server.admin();
    Cli.Result live = cli.run("provision", tenant, "--kind", "LIVE", "--follow");
    assertThat(live.exitCode()).as(live.toString()).isZero();

    Cli.Result asked = cli.run("destroy", tenant, "live", "--reason", "customer left");
    assertThat(asked.exitCode()).as(asked.toString()).isZero();
    assertThat(asked.out()).contains("PENDING: destroy " + tenant + "/live")
        .contains("why           live-protection: destroy of live needs an approval")
        .contains("nothing runs until an admin decides: tenantwright approve apr_");
    String first = approvalIdOf(asked);
    assertThat(cli.run("approvals", "--state", "PENDING").out())
        .containsPattern(first + "\\s+PENDING\\s+destroy\\s+" + tenant + "\\s+live\\s+ops");

    Cli.Result rejected = cli.run("reject", first, "--reason", "not before the invoice is paid");
    assertThat(rejected.exitCode()).as(rejected.toString()).isZero();
    assertThat(rejected.out()).contains("approval " + first + " REJECTED")
        .contains("decided by    ops at ").contains(": not before the invoice is paid");
    assertThat(cli.run("status", tenant, "live").out()).contains("READY");

    String second = approvalIdOf(cli.run("destroy", tenant, "live"));
    Cli.Result approved = cli.run("approve", second, "--reason", "invoice paid", "--follow");

    assertThat(approved.exitCode()).as(approved.toString()).isZero();
    assertThat(approved.out()).contains("approval " + second + " APPROVED")
        .containsPattern("run \\S+ SUCCEEDED: DESTROY " + tenant + "/live");
    assertThat(cli.run("approvals", "--state", "APPROVED").out()).contains(second).doesNotContain(first);

    Cli.Result again = cli.run("approve", second, "--reason", "twice");
    assertThat(again.exitCode()).isEqualTo(TenantwrightCli.REFUSED);
    assertThat(again.err()).isEqualTo("error: 409 Conflict: approval request " + second + " is APPROVED already\n");
  }

  private static String approvalIdOf(Cli.Result r) {
    Matcher m = APPROVAL.matcher(r.out());
    assertThat(m.find()).as(r.toString()).isTrue();
    return m.group(1);
  }
}
