package dev.tenantwright.plugin.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.testkit.ReadmeSnippets;
import dev.tenantwright.testkit.TestStepContext;
import dev.tenantwright.testkit.LogCapture;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's welcome blueprint run by a real engine on H2 against GreenMail: the generated password reaches the
 * recipient and nothing else — not the journal, the events, the outputs or the log.
 */
class MailRunTest {

  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;
  GreenMail mail;
  final List<Event> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    mail = Smtp.plain();
  }

  @AfterEach
  void stop() {
    mail.stop();
  }

  static Blueprint readmeBlueprint() throws Exception {
    return Blueprint.fromYaml("README.md", ReadmeSnippets.firstYamlBlock(Path.of("README.md")));
  }

  Tenantwright open() throws Exception {
    return Tenantwright.builder().embedded(dir.resolve("data")).classpathPlugins(false)
        .resourceType(new MailMessageType()).blueprint(readmeBlueprint())
        .pluginConfig("mail", Smtp.config(mail.getSmtp().getPort())).listener(events::add)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(100)).build();
  }

  @Test
  void theReadmeWelcomeMailCarriesTheGeneratedPasswordAndNothingElseKeepsIt() throws Exception {
    LogCapture logs = LogCapture.start();
    String password;
    Map<String, Object> outputs;
    try (Tenantwright tw = open()) {
      Tenant t = tw.tenants().create(NewTenant.company("ACME & Sons").email("ops@acme.example"));
      Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
      assertThat(run.state()).as(String.valueOf(run.error())).isEqualTo(RunState.SUCCEEDED);

      List<MimeMessage> received = Smtp.received(mail);
      assertThat(received).hasSize(1);
      MimeMessage m = received.get(0);
      assertThat(m.getSubject()).isEqualTo("Your shop at Example is ready, ACME & Sons");
      assertThat(m.getAllRecipients()[0].toString()).isEqualTo("ops@acme.example");
      Matcher pw = Pattern.compile("\\n\\s+([A-Za-z0-9]{24})\\s*\\n").matcher(GreenMailUtil.getBody(m));
      assertThat(pw.find()).as("the body shows the generated password").isTrue();
      password = pw.group(1);
      outputs = tw.environments().find(t.id(), "demo").orElseThrow().resource("welcome-mail").outputs();
      assertThat(outputs).containsEntry("delivery", "sent").containsEntry("recipients", 1)
          .containsEntry("messageId", m.getMessageID());

      Run destroyed = tw.environments().destroy(t.id(), "demo", RunOptions.defaults()).await(WAIT);
      assertThat(destroyed.state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(destroyed.events()).extracting(Event::message)
          .anyMatch(msg -> msg.contains("cannot be unsent"));
    } finally {
      logs.stop();
    }
    assertThat(Smtp.received(mail)).as("destroying sends nothing and unsends nothing").hasSize(1);
    assertThat(logs.text()).doesNotContain(password);
    assertThat(events).extracting(Event::toString).noneMatch(e -> e.contains(password));
    assertThat(outputs.toString()).doesNotContain(password);
    assertThat(journalText()).as("the journal").doesNotContain(password).contains("committing");
  }

  @Test
  void aSecondRunOfTheSameEnvironmentSendsNothingWhenNothingChanged() throws Exception {
    try (Tenantwright tw = open()) {
      Tenant t = tw.tenants().create(NewTenant.company("ACME & Sons").email("ops@acme.example"));
      tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
      Run update = tw.environments().update(t.id(), "demo", RunOptions.defaults()).await(WAIT);
      assertThat(update.state()).isEqualTo(RunState.SUCCEEDED);
    }
    assertThat(Smtp.received(mail)).hasSize(1);
    assertThat(events).extracting(Event::type).contains(EventType.RUN_SUCCEEDED);
  }

  @Test
  void theReadmeConfigurationBindsToTheConfigRecord() throws Exception {
    String smtpPassword = "an-smtp-password";
    // CONFIG-BEGIN
    Tenantwright.Builder host = Tenantwright.builder()
        .pluginConfig("mail", Map.of(
            "host", "smtp.example.com",
            "username", "onboarding@example.com",
            "password", smtpPassword,                                  // from the host's own secret store
            "from", "Example Onboarding <welcome@example.com>"));
    // CONFIG-END
    MailConfig config = TestStepContext.builder()
        .config("mail", host.config().pluginConfigs().get("mail")).build().config(MailConfig.class);
    assertThat(config.effectiveTls()).isEqualTo("starttls");
    assertThat(config.effectivePort()).isEqualTo(587);
    assertThat(config.password().reveal()).isEqualTo(smtpPassword);
    ReadmeSnippets.assertShows(Path.of("README.md"), "## Configuration",
        Path.of("src/test/java/dev/tenantwright/plugin/mail/MailRunTest.java"), "CONFIG");
  }

  /** Every row of every journal table, as text. */
  String journalText() throws Exception {
    StringBuilder all = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:h2:async:" + dir.resolve("data").toAbsolutePath()
        .resolve("tenantwright"), "tw", ""); Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables"
          + " WHERE table_schema = 'PUBLIC'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      assertThat(tables).map(String::toLowerCase).contains("tw_step_checkpoint", "tw_event", "tw_resource");
      for (String table : tables) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
          int cols = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= cols; i++) {
              all.append(rs.getString(i)).append('|');
            }
          }
        }
      }
    }
    return all.toString();
  }
}
