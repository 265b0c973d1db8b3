package dev.tenantwright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SandboxServer.Resolver.class)
class CancelTest {

  private final SandboxServer server;

  CancelTest(SandboxServer server) {
    this.server = server;
  }

  @Test
  void cancelStopsARunningRunWhichThenRollsBack() throws InterruptedException {
    String tenant = server.provisioning();
    AtomicBoolean release = new AtomicBoolean();
    server.sandbox().vercel().holdBuildsUntil(release::get);
    try {
      Cli.Result started = server.admin().run("provision", tenant, "--kind", "TEST", "--name", "next");
      String run = ProvisionAndFollowTest.runIdOf(started);
      assertThat(started.out()).contains("follow it with: tenantwright follow " + run);
      awaitStepRunning(run, "deploy");

      Cli.Result cancelled = server.admin().run("cancel", run);

      assertThat(cancelled.exitCode()).as(cancelled.toString()).isZero();
      assertThat(cancelled.out()).startsWith("run " + run + " CANCELLING: PROVISION " + tenant + "/test-next");
      // the build ends now: the undo removes the deployment once Vercel has it settled, and waits for that
      release.set(true);
      Cli.Result followed = server.admin().run("follow", run);
      assertThat(followed.exitCode()).as(followed.toString()).isEqualTo(TenantwrightCli.RUN_NOT_SUCCEEDED);
      // the undo of the deployment that was still building is the cancel's own work: it runs to its end
      assertThat(followed.out()).contains("RUN_CANCELLING")
          .contains("run " + run + " ROLLED_BACK: PROVISION " + tenant + "/test-next");

      Cli.Result late = server.admin().run("cancel", run);
      assertThat(late.out()).contains("run " + run + " ROLLED_BACK")
          .contains("it had ended: nothing to cancel");
    } finally {
      release.set(true);
    }
  }

  private void awaitStepRunning(String run, String step) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      String json = server.admin().run("run", run, "--json").out();
      if (json.contains("\"name\":\"" + step + "\",\"type\":\"vercel.deployment\",\"action\":\"CREATE\","
          + "\"state\":\"RUNNING\"")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("step " + step + " of run " + run + " did not start within 20 s");
  }
}
