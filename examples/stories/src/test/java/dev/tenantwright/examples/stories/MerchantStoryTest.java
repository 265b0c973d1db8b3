package dev.tenantwright.examples.stories;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.examples.stories.SmtpHoldingRelay.Hold;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merchant's activation across an engine crash at the welcome mail, its last step: engine A sends the mail
 * through a relay in front of the sandbox's GreenMail that holds one moment of the SMTP transaction back; at that
 * moment A is stopped ({@code close(Duration.ZERO)} from another thread: its workers interrupted, its journal
 * closed, nothing more written) and the relay drops A's connection. Engine B opens on the same H2 journal, with the
 * same sandbox, and resumes the activation. GreenMail counts what arrived.
 */
class MerchantStoryTest {

  static final Duration WAIT = Duration.ofMinutes(1);

  @TempDir
  Path data;

  private final Story story = Stories.find("merchant").orElseThrow();

  /**
   * An engine as the story runner builds one, on the journal in {@code data}, its mail plugin sent to {@code smtp}
   * with a read time-out of {@code timeout}.
   */
  private Tenantwright engine(Sandbox sandbox, String owner, int smtp, String timeout) {
    Tenantwright.Builder b = Tenantwright.builder().embedded(data).owner(owner).blueprint(story.loadBlueprint())
        .backoff(Duration.ofMillis(10), Duration.ofMillis(100));
    sandbox.configure(b);
    story.configure(b);
    Map<String, Object> mail = new HashMap<>(Sandbox.mailConfig(smtp));
    mail.put("timeout", timeout);
    b.pluginConfig("mail", mail);
    return b.build();
  }

  /** What the SMTP server held when engine A was stopped, and what engine B found and finished. */
  private record Resumed(int receivedWhenAStopped, Run run, Environment live, Map<String, Object> welcome,
      List<MimeMessage> received, int deployments, int seeded) {}

  /**
   * Starts Globex's activation with the boutique theme on engine A, stops A when the relay holds {@code hold}, and
   * resumes it on engine B.
   */
  private Resumed crashAtTheWelcomeMailAndResume(Hold hold) throws Exception {
    try (Sandbox sandbox = Sandbox.start(story.backends());
        SmtpHoldingRelay relay = new SmtpHoldingRelay(sandbox.mail().getSmtp().getPort(), hold)) {
      // A waits for the held answer longer than the test takes to stop it: it cannot give up and retry by itself
      Tenantwright a = engine(sandbox, "engine-a", relay.port(), "120s");
      String tenantId;
      String runId;
      try {
        StoryContext ctx = new StoryContext(a, sandbox, story, "test", WAIT, line -> { });
        Tenant t = ctx.customer(MerchantStory.GLOBEX);
        tenantId = t.id();
        runId = MerchantStory.activate(ctx, t, MerchantStory.THEME).id();
        assertThat(relay.awaitHeld(WAIT)).as("the relay holds " + hold).isTrue();
      } finally {
        stop(a);
      }
      relay.drop();
      int receivedWhenAStopped = sandbox.mail().getReceivedMessages().length;

      try (Tenantwright b = engine(sandbox, "engine-b", sandbox.mail().getSmtp().getPort(), "5s")) {
        Run done = b.runs().get(runId).await(WAIT);
        Environment live = b.environments().find(tenantId, "live").orElseThrow();
        return new Resumed(receivedWhenAStopped, done, live, live.resource(MerchantStory.WELCOME).outputs(),
            List.of(sandbox.mail().getReceivedMessages()), sandbox.vercel().deploymentCount(),
            sandbox.masterDb().deliveries(MerchantStory.SEEDED).size());
      }
    }
  }

  /** Stops the engine the way a crash would: at once, from another thread, returning once its journal is closed. */
  private static void stop(Tenantwright tw) throws InterruptedException {
    List<Throwable> failed = new ArrayList<>();
    Thread closer = new Thread(() -> {
      try {
        tw.close(Duration.ZERO);
      } catch (RuntimeException e) {
        failed.add(e);
      }
    }, "engine-a-stop");
    closer.start();
    closer.join(WAIT.toMillis());
    assertThat(closer.isAlive()).as("engine A stopped").isFalse();
    assertThat(failed).isEmpty();
  }

  @Test
  void theWelcomeMailTheServerAcceptedBeforeTheEngineStoppedArrivesOnceAndIsReportedUnconfirmed() throws Exception {
    Resumed r = crashAtTheWelcomeMailAndResume(Hold.ACCEPTANCE);

    assertThat(r.receivedWhenAStopped()).as("the server had accepted it from engine A").isEqualTo(1);
    assertThat(r.run().state()).as(String.valueOf(r.run().error())).isEqualTo(RunState.SUCCEEDED);
    assertThat(r.live().state()).isEqualTo(EnvironmentState.READY);
    assertThat(r.received()).as("arrived exactly once").hasSize(1);
    assertThat(r.received().get(0).getMessageID()).isEqualTo(r.welcome().get("messageId"));
    assertThat(r.received().get(0).getAllRecipients()).extracting(Object::toString)
        .containsExactly(MerchantStory.GLOBEX.emailAddress());
    // committing was recorded, sent was not: engine B does not send again, and says it cannot confirm
    assertThat(r.welcome()).containsEntry("delivery", "unconfirmed");
    assertThat(r.deployments()).as("the storefront was built once").isEqualTo(1);
    assertThat(r.seeded()).as("the default data was seeded once").isEqualTo(1);
  }

  @Test
  void aWelcomeMailInterruptedBeforeItsEndOfDataIsSentAgainByTheNextEngineAndArrivesOnce() throws Exception {
    Resumed r = crashAtTheWelcomeMailAndResume(Hold.DATA_GO_AHEAD);

    assertThat(r.receivedWhenAStopped()).as("engine A's transaction was discarded").isZero();
    assertThat(r.run().state()).as(String.valueOf(r.run().error())).isEqualTo(RunState.SUCCEEDED);
    assertThat(r.live().state()).isEqualTo(EnvironmentState.READY);
    assertThat(r.received()).as("the first transaction was discarded, the second arrived").hasSize(1);
    assertThat(r.received().get(0).getMessageID()).isEqualTo(r.welcome().get("messageId"));
    assertThat(r.welcome()).containsEntry("delivery", "sent");
    assertThat(r.deployments()).as("the storefront was built once").isEqualTo(1);
  }

  /**
   * The window the mail plugin gives up on purpose (its README's third row): {@code committing} is recorded before the
   * end of data leaves, so an engine stopped while the end of data is on its way never sends the mail again — the
   * server, which never read it, has nothing — rather than ever sending it twice.
   */
  @Test
  void anEngineStoppedWhileItsEndOfDataIsOnTheWayLosesTheWelcomeMailButNeverSendsItTwice() throws Exception {
    Resumed r = crashAtTheWelcomeMailAndResume(Hold.END_OF_DATA);

    assertThat(r.receivedWhenAStopped()).isZero();
    assertThat(r.run().state()).as(String.valueOf(r.run().error())).isEqualTo(RunState.SUCCEEDED);
    assertThat(r.live().state()).isEqualTo(EnvironmentState.READY);
    assertThat(r.welcome()).containsEntry("delivery", "unconfirmed");
    assertThat(r.received()).isEmpty();
  }
}
