package dev.tenantwright.plugin.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.testkit.TestStepContext;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code mail.message} against a real SMTP server (GreenMail), failures included. */
class MailMessageTypeTest {

  static final Secret PASSWORD = Secret.of("Xk3vQ9pLm2Rt7sWz");

  final MailMessageType type = new MailMessageType();
  GreenMail mail;
  SmtpFaultProxy proxy;

  @BeforeEach
  void start() throws Exception {
    mail = Smtp.plain();
    proxy = new SmtpFaultProxy(mail.getSmtp().getPort());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    mail.stop();
  }

  TestStepContext context(int port) {
    return TestStepContext.builder().tenant("acme").step("welcome").config("mail", Smtp.config(port))
        .secret("admin-password", PASSWORD).realTime().build();
  }

  static MessageSpec welcome() {
    return new MessageSpec(List.of("ops@acme.example"), null, null, null, null,
        "Welcome to Example, ${company}", "Hello ${company},\nyour password: ${secret:admin-password}\n", null,
        Map.of("company", "ACME & Sons"), List.of("admin-password"));
  }

  @Test
  void sendsTheMessageWithItsTemplatesFilledAndTheSecretOnlyInTheBody() throws Exception {
    TestStepContext ctx = context(mail.getSmtp().getPort());
    CreateResult<MessageOutputs> result = type.create(welcome(), ctx);

    assertThat(result.origin()).isEqualTo(CreateResult.Origin.CREATED);
    MessageOutputs out = result.outputs();
    assertThat(out.delivery()).isEqualTo("sent");
    assertThat(out.recipients()).isEqualTo(1);
    assertThat(out.messageId()).matches("<tw\\.[0-9a-f]{32}@example\\.com>");
    List<MimeMessage> received = Smtp.received(mail);
    assertThat(received).hasSize(1);
    MimeMessage m = received.get(0);
    assertThat(m.getSubject()).isEqualTo("Welcome to Example, ACME & Sons");
    assertThat(m.getMessageID()).isEqualTo(out.messageId());
    assertThat(m.getFrom()[0].toString()).isEqualTo("Example Onboarding <welcome@example.com>");
    assertThat(GreenMailUtil.getBody(m)).contains("Hello ACME & Sons,").contains("your password: " + PASSWORD.reveal());
    assertThat(ctx.checkpoints()).containsExactly(Map.entry("committing", out.messageId()),
        Map.entry("sent", out.messageId()));
    assertThat(out.toString() + ctx.checkpoints() + ctx.progressReports()).doesNotContain(PASSWORD.reveal());
  }

  @Test
  void theMessageIdIsTheSameOnEveryAttemptAndDiffersForAnotherRun() {
    TestStepContext ctx = context(mail.getSmtp().getPort());
    String id = type.create(welcome(), ctx).outputs().messageId();

    assertThat(MailMessageType.messageId(ctx.withAttempt(3).idempotencyKey(),
        dev.tenantwright.plugin.mail.internal.Addresses.mailbox("from", "welcome@example.com"))).isEqualTo(id);
    assertThat(type.create(welcome(), ctx.inRun("run-2")).outputs().messageId()).isNotEqualTo(id);
  }

  @Test
  void anAttemptAfterTheMessageWasSentSendsNothing() {
    TestStepContext ctx = context(mail.getSmtp().getPort());
    type.create(welcome(), ctx);
    MessageOutputs again = type.create(welcome(), ctx.withAttempt(2)).outputs();

    assertThat(again.delivery()).isEqualTo("sent");
    assertThat(Smtp.received(mail)).hasSize(1);
    assertThat(type.read(welcome(), null, ctx.withAttempt(3))).contains(again);
  }

  @Test
  void anAttemptThatFindsCommittingWithoutSentDoesNotSendAgainAndReportsItUnconfirmed() {
    TestStepContext ctx = context(mail.getSmtp().getPort());
    String id = MailMessageType.messageId(ctx.idempotencyKey(),
        dev.tenantwright.plugin.mail.internal.Addresses.mailbox("from", "welcome@example.com"));
    ctx.checkpoint("committing", id);

    MessageOutputs out = type.create(welcome(), ctx.withAttempt(2)).outputs();

    assertThat(out.delivery()).isEqualTo("unconfirmed");
    assertThat(out.messageId()).isEqualTo(id);
    assertThat(Smtp.received(mail)).isEmpty();
  }

  @Test
  void noCheckpointMeansNothingWasSentAndReadFindsNothing() {
    assertThat(type.read(welcome(), null, context(mail.getSmtp().getPort()))).isEmpty();
  }

  @Test
  void htmlValuesAreEscapedAndTextValuesAreNot() throws Exception {
    MessageSpec spec = new MessageSpec(List.of("ops@acme.example"), null, null, null, null, "Hi",
        "Hello ${company}", "<p>Hello ${company}, ${secret:admin-password}</p>", Map.of("company", "<b>ACME</b> & Co"),
        List.of("admin-password"));
    type.create(spec, context(mail.getSmtp().getPort()));

    MimeMultipart parts = (MimeMultipart) Smtp.received(mail).get(0).getContent();
    assertThat(parts.getContentType()).startsWith("multipart/alternative");
    assertThat((String) parts.getBodyPart(0).getContent()).isEqualTo("Hello <b>ACME</b> & Co");
    assertThat((String) parts.getBodyPart(1).getContent())
        .isEqualTo("<p>Hello &lt;b&gt;ACME&lt;/b&gt; &amp; Co, " + PASSWORD.reveal() + "</p>");
  }

  @Test
  void ccAndBccReceiveTheMessageButBccIsNotInTheHeaders() throws Exception {
    MessageSpec spec = new MessageSpec(List.of("ops@acme.example"), List.of("Sales <sales@acme.example>"),
        List.of("audit@example.com"), "Support <support@example.com>", "help@example.com", "Hi", "Hello", null, null,
        null);
    MessageOutputs out = type.create(spec, context(mail.getSmtp().getPort())).outputs();

    assertThat(out.recipients()).isEqualTo(3);
    assertThat(out.messageId()).endsWith("@example.com>");
    List<MimeMessage> received = Smtp.received(mail);
    assertThat(received).hasSize(3);
    MimeMessage m = received.get(0);
    assertThat(m.getRecipients(Message.RecipientType.CC)).extracting(Object::toString)
        .containsExactly("Sales <sales@acme.example>");
    assertThat(m.getHeader("Bcc")).isNull();
    assertThat(m.getReplyTo()[0].toString()).isEqualTo("help@example.com");
    assertThat(m.getFrom()[0].toString()).isEqualTo("Support <support@example.com>");
  }

  @Test
  void aValueCannotInjectAHeaderThroughTheSubject() {
    MessageSpec spec = new MessageSpec(List.of("ops@acme.example"), null, null, null, null, "Welcome ${company}",
        "Hello", null, Map.of("company", "ACME\r\nBcc: victim@example.org"), null);

    assertThatThrownBy(() -> type.create(spec, context(mail.getSmtp().getPort())))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'values.company'")
        .hasMessageContaining("subject");
    assertThatThrownBy(() -> new MessageSpec(List.of("ops@acme.example"), null, null, null, null,
        "Hi\r\nBcc: victim@example.org", "Hello", null, null, null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'subject'");
    assertThat(Smtp.received(mail)).isEmpty();
  }

  @Test
  void aBadAddressIsRefusedNamingTheField() {
    assertThatThrownBy(() -> spec(List.of("ops@acme.example", "not an address")))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'to[1]'");
    assertThatThrownBy(() -> spec(List.of("a@acme.example, b@acme.example")))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'to[0]'").hasMessageContaining("2 addresses");
    assertThatThrownBy(() -> spec(List.of("ops@acme.example\r\nRCPT TO:<victim@example.org>")))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'to[0]'").hasMessageContaining("line breaks");
    assertThatThrownBy(() -> spec(List.of("group: a@acme.example, b@acme.example;")))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'to[0]'");
    assertThatThrownBy(() -> new MessageSpec(List.of("ops@acme.example"), null, null, "nobody", null, "Hi", "Hello",
        null, null, null)).isInstanceOf(PermanentException.class).hasMessageContaining("field 'from'");
    assertThatThrownBy(() -> spec(List.of())).isInstanceOf(PermanentException.class)
        .hasMessageContaining("field 'to'");
  }

  static MessageSpec spec(List<String> to) {
    return new MessageSpec(to, null, null, null, null, "Hi", "Hello", null, null, null);
  }

  @Test
  void anUnknownPlaceholderIsPermanentAndNamesIt() {
    assertThatThrownBy(() -> new MessageSpec(List.of("ops@acme.example"), null, null, null, null, "Hi",
        "Hello ${compnay}", null, Map.of("company", "ACME"), null))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'body'")
        .hasMessageContaining("${compnay}");
  }

  @Test
  void aSecretMustBeListedAndNeverGoesInTheSubject() {
    assertThatThrownBy(() -> new MessageSpec(List.of("ops@acme.example"), null, null, null, null, "Hi",
        "Hello ${secret:smtp-relay-key}", null, null, List.of("admin-password")))
        .isInstanceOf(PermanentException.class).hasMessageContaining("not listed in 'secrets'");
    assertThatThrownBy(() -> new MessageSpec(List.of("ops@acme.example"), null, null, null, null,
        "Your password ${secret:admin-password}", "Hello", null, null, List.of("admin-password")))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'subject'")
        .hasMessageContaining("only in body and html");
  }

  @Test
  void aValueHoldingAPlaceholderStaysText() throws Exception {
    MessageSpec spec = new MessageSpec(List.of("ops@acme.example"), null, null, null, null, "Hi",
        "Hello ${company}", null, Map.of("company", "${secret:admin-password}"), List.of("admin-password"));
    type.create(spec, context(mail.getSmtp().getPort()));

    assertThat(GreenMailUtil.getBody(Smtp.received(mail).get(0))).contains("Hello ${secret:admin-password}")
        .doesNotContain(PASSWORD.reveal());
  }

  @Test
  void aMissingSecretIsPermanentAndNamesIt() {
    TestStepContext ctx = TestStepContext.builder().step("welcome").config("mail", Smtp.config(mail.getSmtp().getPort()))
        .realTime().build();
    assertThatThrownBy(() -> type.create(welcome(), ctx)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("secret 'admin-password'");
    assertThat(ctx.checkpoints()).isEmpty();
  }

  @Test
  void aTemporaryRefusalIsRetriedAndTheNextAttemptSends() {
    proxy.failNext("RCPT", "451 4.7.1 greylisted, try again later");
    TestStepContext ctx = context(proxy.port());

    assertThatThrownBy(() -> type.create(welcome(), ctx)).isInstanceOf(RetryableException.class)
        .hasMessageContaining("451").satisfies(e -> assertThat(((RetryableException) e).outcomeUnknown()).isFalse());
    assertThat(Smtp.received(mail)).isEmpty();
    assertThat(ctx.checkpoints()).isEmpty();

    assertThat(type.create(welcome(), ctx.withAttempt(2)).outputs().delivery()).isEqualTo("sent");
    assertThat(Smtp.received(mail)).hasSize(1);
  }

  @Test
  void aRefusedEndOfDataIsRecordedSoTheNextAttemptSendsAgain() throws Exception {
    proxy.failNext(".", "451 4.3.0 queue full, try again later");
    TestStepContext ctx = context(proxy.port());

    assertThatThrownBy(() -> type.create(welcome(), ctx)).isInstanceOf(RetryableException.class)
        .hasMessageContaining("451");
    assertThat(ctx.checkpoints()).containsExactly(Map.entry("committing", "refused 451"));
    assertThat(Smtp.received(mail)).as("the server never saw the end of data").isEmpty();

    MessageOutputs out = type.create(welcome(), ctx.withAttempt(2)).outputs();
    assertThat(out.delivery()).isEqualTo("sent");
    assertThat(Smtp.received(mail)).hasSize(1);
    assertThat(Smtp.received(mail).get(0).getMessageID()).isEqualTo(out.messageId());
  }

  @Test
  void aPermanentRefusalIsPermanentAndNamesTheReply() {
    proxy.failNext("MAIL", "550 5.7.1 sender rejected");

    assertThatThrownBy(() -> type.create(welcome(), context(proxy.port()))).isInstanceOf(PermanentException.class)
        .hasMessageContaining("550 5.7.1 sender rejected").hasMessageNotContaining(PASSWORD.reveal());
    assertThat(Smtp.received(mail)).isEmpty();
  }

  @Test
  void aRefusedConnectionIsRetryable() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThatThrownBy(() -> type.create(welcome(), context(closed))).isInstanceOf(RetryableException.class)
        .hasMessageContaining("127.0.0.1:" + closed);
  }

  @Test
  void aServerWithoutStartTlsIsRefusedWhenItIsRequired() {
    Map<String, Object> config = new HashMap<>(Smtp.config(mail.getSmtp().getPort()));
    config.put("tls", "starttls");
    TestStepContext ctx = context(0).newBuilder().config("mail", config).build();

    assertThatThrownBy(() -> type.create(welcome(), ctx)).isInstanceOf(PermanentException.class)
        .hasMessageContaining("STARTTLS");
    assertThat(Smtp.received(mail)).isEmpty();
  }

  @Test
  void smtpsWithLoginDeliversAndAWrongPasswordIsPermanent() throws Exception {
    GreenMail secure = Smtp.smtps();
    try {
      secure.setUser("relay@example.com", "relay", "s3cret-relay-pass");
      Map<String, Object> config = new HashMap<>(Smtp.config(secure.getSmtps().getPort()));
      config.put("tls", "smtps");
      config.put("trustAll", true);
      config.put("username", "relay");
      config.put("password", "s3cret-relay-pass");
      TestStepContext ctx = context(0).newBuilder().config("mail", config).build();

      assertThat(type.create(welcome(), ctx).outputs().delivery()).isEqualTo("sent");
      assertThat(secure.getReceivedMessages()).hasSize(1);

      config.put("password", "wrong-password");
      TestStepContext wrong = context(0).newBuilder().config("mail", config).build();
      assertThatThrownBy(() -> type.create(welcome(), wrong)).isInstanceOf(PermanentException.class)
          .hasMessageContaining("535").hasMessageNotContaining("wrong-password");
      assertThat(secure.getReceivedMessages()).hasSize(1);
    } finally {
      secure.stop();
    }
  }

  @Test
  void trustAllIsOnlyForALoopbackServerAndAPasswordNeverGoesInClear() {
    Map<String, Object> config = new HashMap<>(Smtp.config(25));
    config.put("host", "smtp.example.com");
    config.put("tls", "smtps");
    config.put("trustAll", true);
    assertThatThrownBy(() -> type.create(welcome(), context(0).newBuilder().config("mail", config).build()))
        .isInstanceOf(PermanentException.class).hasMessageContaining("trustAll");

    config.remove("trustAll");
    config.put("tls", "none");
    config.put("username", "relay");
    config.put("password", "p");
    assertThatThrownBy(() -> type.create(welcome(), context(0).newBuilder().config("mail", config).build()))
        .isInstanceOf(PermanentException.class).hasMessageContaining("field 'tls'").hasMessageContaining("in clear");
  }

  @Test
  void deleteLeavesTheMessageAndSaysSo() {
    TestStepContext ctx = context(mail.getSmtp().getPort());
    MessageOutputs out = type.create(welcome(), ctx).outputs();
    type.delete(welcome(), out, ctx);

    assertThat(ctx.progressReports()).containsExactly("100% message " + out.messageId()
        + " cannot be unsent; left as it is");
    assertThat(Smtp.received(mail)).hasSize(1);
  }
}
