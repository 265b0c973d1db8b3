package dev.tenantwright.plugin.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.LogCapture;
import dev.tenantwright.testkit.journal.FaultyDataSource;
import dev.tenantwright.testkit.journal.JournalFault;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery guarantee when an engine dies at each point of the protocol: the engine is stopped from inside the
 * plugin (the way the conformance kit crashes one) and the attempt goes no further, then another engine on the same
 * journal resumes the run. GreenMail counts what arrived.
 */
class MailCrashTest {

  static final Duration WAIT = Duration.ofSeconds(60);
  static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  static EmbeddedPostgres postgres;

  @TempDir
  Path dir;
  GreenMail mail;
  final List<Tenantwright> opened = new ArrayList<>();

  @BeforeEach
  void start() {
    mail = Smtp.plain();
  }

  @AfterEach
  void stop() {
    opened.forEach(tw -> tw.close(Duration.ZERO));
    mail.stop();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  /** Where a test stops the engine, and the engine it stops. */
  static final class CrashAt implements MailMessageType.Seam {
    final String point;
    final AtomicReference<Tenantwright> engine = new AtomicReference<>();
    final CountDownLatch crashed = new CountDownLatch(1);

    CrashAt(String point) {
      this.point = point;
    }

    @Override
    public void beforeCommitting() {
      maybeCrash("beforeCommitting");
    }

    @Override
    public void beforeEndOfData() {
      maybeCrash("beforeEndOfData");
    }

    @Override
    public void afterEndOfData() {
      maybeCrash("afterEndOfData");
    }

    private void maybeCrash(String here) {
      if (!here.equals(point) || crashed.getCount() == 0) {
        return;
      }
      Thread closer = new Thread(() -> engine.get().close(Duration.ZERO), "mail-crash");
      closer.start();
      // closing interrupts this worker; the engine counts as gone only once close returned (its journal released)
      boolean interrupted = false;
      while (closer.isAlive()) {
        try {
          closer.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      crashed.countDown();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("the engine died at " + here);   // nothing more runs in this attempt
    }
  }

  Tenantwright.Builder h2() {
    return Tenantwright.builder().embedded(dir.resolve("data"));
  }

  Tenantwright open(Tenantwright.Builder store, MailMessageType type) throws Exception {
    Tenantwright tw = store.classpathPlugins(false).resourceType(type).blueprint(MailRunTest.readmeBlueprint())
        .pluginConfig("mail", Smtp.config(mail.getSmtp().getPort()))
        .backoff(Duration.ofMillis(10), Duration.ofMillis(100)).build();
    opened.add(tw);
    return tw;
  }

  /** Provisions the welcome mail on an engine that dies at {@code point}, and resumes it on a second engine. */
  Environment crashAndResume(String point, Supplier<Tenantwright.Builder> store) throws Exception {
    CrashAt seam = new CrashAt(point);
    Tenantwright first = open(store.get().owner("engine-a"), new MailMessageType(seam));
    seam.engine.set(first);
    Tenant t = first.tenants().create(NewTenant.company("ACME & Sons").email("ops@acme.example"));
    Run run = first.environments().provision(t.id(), EnvironmentKind.DEMO);
    assertThat(seam.crashed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the engine died at " + point).isTrue();

    Tenantwright second = open(store.get().owner("engine-b"), new MailMessageType());
    Run done = second.runs().get(run.id()).await(WAIT);
    assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.SUCCEEDED);
    return second.environments().find(t.id(), "demo").orElseThrow();
  }

  @Test
  void aMessageTheServerAcceptedBeforeSentWasRecordedArrivesOnceAndIsReportedUnconfirmed() throws Exception {
    LogCapture logs = LogCapture.start();
    Environment env;
    try {
      env = crashAndResume("afterEndOfData", this::h2);
    } finally {
      logs.stop();
    }
    Map<String, Object> out = env.resource("welcome-mail").outputs();
    assertThat(out).containsEntry("delivery", "unconfirmed");
    List<MimeMessage> received = Smtp.received(mail);
    assertThat(received).as("arrived exactly once").hasSize(1);
    assertThat(received.get(0).getMessageID()).isEqualTo(out.get("messageId"));
    assertThat(logs.text()).contains("delivery unconfirmed").contains((String) out.get("messageId"));
  }

  @Test
  void aMessageInterruptedBeforeItsEndIsSentAgainWithTheSameIdAndArrivesOnce() throws Exception {
    Environment env = crashAndResume("beforeCommitting", this::h2);

    Map<String, Object> out = env.resource("welcome-mail").outputs();
    assertThat(out).containsEntry("delivery", "sent");
    List<MimeMessage> received = Smtp.received(mail);
    assertThat(received).as("the first transaction was discarded, the second arrived").hasSize(1);
    assertThat(received.get(0).getMessageID()).isEqualTo(out.get("messageId"));
  }

  /** The one window the guarantee gives up: the message is lost rather than ever sent twice, and says so. */
  @Test
  void anEngineThatDiesBetweenCommittingAndTheEndOfDataLosesTheMessageButNeverSendsItTwice() throws Exception {
    Environment env = crashAndResume("beforeEndOfData", this::h2);

    assertThat(env.resource("welcome-mail").outputs()).containsEntry("delivery", "unconfirmed");
    assertThat(Smtp.received(mail)).isEmpty();
  }

  @Test
  void onPostgresAnotherEngineTakesTheRunOverAndTheAcceptedMessageIsNotSentAgain() throws Exception {
    DataSource ds = freshPostgres();
    Supplier<Tenantwright.Builder> store = () -> Tenantwright.builder().dataSource(ds).secretKey(KEY)
        .leaseDuration(Duration.ofSeconds(2));
    Environment env = crashAndResume("afterEndOfData", store);

    assertThat(env.resource("welcome-mail").outputs()).containsEntry("delivery", "unconfirmed");
    assertThat(Smtp.received(mail)).hasSize(1);
  }

  @Test
  void onPostgresAMessageInterruptedBeforeItsEndIsSentOnceByTheEngineThatTookTheRunOver() throws Exception {
    DataSource ds = freshPostgres();
    Supplier<Tenantwright.Builder> store = () -> Tenantwright.builder().dataSource(ds).secretKey(KEY)
        .leaseDuration(Duration.ofSeconds(2));
    Environment env = crashAndResume("beforeCommitting", store);

    assertThat(env.resource("welcome-mail").outputs()).containsEntry("delivery", "sent");
    assertThat(Smtp.received(mail)).hasSize(1);
  }

  /**
   * The journal fails the commit of {@code committing} (PostgreSQL): the attempt stops without the end of data, the
   * engine resumes the run from the journal. Without the checkpoint the message is sent again and arrives once.
   */
  @Test
  void aCommittingCheckpointThatWasNotCommittedLeadsToOneDelivery() throws Exception {
    Map<String, Object> out = journalFailsCommitting(JournalFault.atCommit(1));

    assertThat(out).containsEntry("delivery", "sent");
    assertThat(Smtp.received(mail)).hasSize(1);
  }

  /** The commit of {@code committing} happened but its answer was lost: nothing is sent, ever — unconfirmed. */
  @Test
  void aCommittingCheckpointWhoseCommitAnswerWasLostIsNeverFollowedByASecondSend() throws Exception {
    Map<String, Object> out = journalFailsCommitting(JournalFault.atCommit(1).afterEffect());

    assertThat(out).containsEntry("delivery", "unconfirmed");
    assertThat(Smtp.received(mail)).isEmpty();
  }

  Map<String, Object> journalFailsCommitting(JournalFault fault) throws Exception {
    FaultyDataSource ds = FaultyDataSource.wrap(freshPostgres());
    AtomicReference<Boolean> injected = new AtomicReference<>(false);
    MailMessageType.Seam seam = new MailMessageType.Seam() {
      @Override
      public void beforeCommitting() {
        if (injected.compareAndSet(false, true)) {
          Thread worker = Thread.currentThread();
          ds.countOnly(t -> t == worker).inject(fault);   // the next commit on this thread: the checkpoint's
        }
      }
    };
    Tenantwright tw = open(Tenantwright.builder().dataSource(ds).secretKey(KEY).leaseDuration(Duration.ofSeconds(2)),
        new MailMessageType(seam));
    Tenant t = tw.tenants().create(NewTenant.company("ACME & Sons").email("ops@acme.example"));
    String runId = tw.environments().provision(t.id(), EnvironmentKind.DEMO).id();
    // GreenMail reports the transaction the attempt abandoned as an uncaught error of its own thread: not ours
    await().dontCatchUncaughtExceptions().atMost(WAIT).until(() -> tw.runs().get(runId).state().isTerminal());

    assertThat(injected.get()).isTrue();
    Run done = tw.runs().get(runId);
    assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.SUCCEEDED);
    return tw.environments().find(t.id(), "demo").orElseThrow().resource("welcome-mail").outputs();
  }

  static synchronized DataSource freshPostgres() throws Exception {
    if (postgres == null) {
      postgres = EmbeddedPostgres.builder().start();
    }
    String name = "mail_" + System.nanoTime();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return postgres.getDatabase("postgres", name);
  }
}
