package dev.tenantwright.plugin.mail;

import dev.tenantwright.plugin.mail.internal.Addresses;
import dev.tenantwright.plugin.mail.internal.CommittingTransport;
import dev.tenantwright.plugin.mail.internal.SmtpFailures;
import dev.tenantwright.plugin.mail.internal.Templates;
import dev.tenantwright.plugin.mail.internal.Templates.Placeholder;
import dev.tenantwright.plugin.mail.internal.Trust;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mail.message}: one message sent through the configured SMTP server, at most once per step and run.
 *
 * <p>Every attempt sends the same {@code Message-ID}, made from the step's idempotency key. An attempt runs the SMTP
 * transaction up to the last line of the message, records the checkpoint {@code committing}, sends the end of data,
 * and records {@code sent} once the server answered 250. A later attempt that finds {@code sent} reports the message
 * sent; one that finds {@code committing} alone does not send again (the message was very likely accepted) and
 * reports it {@code unconfirmed}; one that finds neither sends, because a server discards a transaction whose
 * connection ends before the end of data, which alone confirms it (RFC 5321 §3.3, §4.1.1.4). A message cannot be
 * unsent: delete does nothing and
 * says so in the run's events.
 *
 * <p>Stateless and thread-safe: each attempt opens its own connection.
 */
@Extension
public final class MailMessageType implements ResourceType<MessageSpec, MessageOutputs> {

  private static final Logger LOG = LoggerFactory.getLogger(MailMessageType.class);

  /** The checkpoint recorded before the end of data: its value is the Message-ID (or a refusal, see below). */
  static final String COMMITTING = "committing";
  /** The checkpoint recorded once the server accepted the message: its value is the Message-ID. */
  static final String SENT = "sent";
  /** How {@code committing} is rewritten when the server refused the end of data: nothing was accepted. */
  static final String REFUSED = "refused ";

  /** Points where a test stops an attempt, like a crash; none in production. */
  interface Seam {
    /** The message is written, its end not sent, {@code committing} not recorded. */
    default void beforeCommitting() {}

    /** {@code committing} is recorded, the end of data not sent. */
    default void beforeEndOfData() {}

    /** The server accepted the message; {@code sent} is not recorded. */
    default void afterEndOfData() {}
  }

  private final Seam seam;

  /** Created by PF4J (or a host registering the type itself). */
  public MailMessageType() {
    this(new Seam() {});
  }

  MailMessageType(Seam seam) {
    this.seam = seam;
  }

  @Override
  public String type() {
    return "mail.message";
  }

  @Override
  public Class<MessageSpec> specType() {
    return MessageSpec.class;
  }

  @Override
  public Class<MessageOutputs> outputType() {
    return MessageOutputs.class;
  }

  /** The {@code mail} section binds to {@link MailConfig}, checked when the host starts. */
  @Override
  public Class<?> configType() {
    return MailConfig.class;
  }

  @Override
  public CreateResult<MessageOutputs> create(MessageSpec spec, StepContext ctx) {
    MailConfig config = ctx.config(MailConfig.class);
    InternetAddress from = sender(spec, config);
    String messageId = messageId(ctx.idempotencyKey(), from);
    List<InternetAddress> recipients = recipients(spec);
    Optional<MessageOutputs> earlier = earlierAttempt(ctx, messageId, recipients.size());
    if (earlier.isPresent()) {
      if (MessageOutputs.UNCONFIRMED.equals(earlier.get().delivery())) {
        LOG.warn("{} {}: an earlier attempt stopped after it was about to end message {} and before the server's "
            + "answer was recorded; not sending it again (at most once): delivery unconfirmed", type(),
            ctx.stepName(), messageId);
      }
      return CreateResult.created(earlier.get());
    }
    List<Secret> revealed = new ArrayList<>();
    MimeMessage message = message(spec, config, ctx, from, messageId, revealed);
    if (config.password() != null) {
      revealed.add(config.password());
    }
    send(message, recipients, config, ctx, messageId, revealed);
    return CreateResult.created(new MessageOutputs(messageId, recipients.size(), MessageOutputs.SENT));
  }

  /** What an earlier attempt of this step recorded: sent, or unconfirmed; empty when this attempt must send. */
  private static Optional<MessageOutputs> earlierAttempt(StepContext ctx, String messageId, int recipients) {
    if (ctx.checkpoint(SENT).isPresent()) {
      return Optional.of(new MessageOutputs(messageId, recipients, MessageOutputs.SENT));
    }
    Optional<String> committing = ctx.checkpoint(COMMITTING);
    if (committing.isPresent() && !committing.get().startsWith(REFUSED)) {
      return Optional.of(new MessageOutputs(messageId, recipients, MessageOutputs.UNCONFIRMED));
    }
    return Optional.empty();
  }

  /**
   * What this step sent, found from its checkpoints alone (the engine reads after a crash, and before an undo of a
   * create whose outcome it never learned); empty when no attempt got as far as ending the message.
   */
  @Override
  public Optional<MessageOutputs> read(MessageSpec spec, MessageOutputs outputs, StepContext ctx) {
    if (outputs != null) {
      return Optional.of(outputs);
    }
    MailConfig config = ctx.config(MailConfig.class);
    InternetAddress from = sender(spec, config);
    return earlierAttempt(ctx, messageId(ctx.idempotencyKey(), from), recipients(spec).size());
  }

  /** A sent message cannot be unsent: nothing happens, and the run's events say so. */
  @Override
  public void delete(MessageSpec spec, MessageOutputs outputs, StepContext ctx) {
    String id = outputs == null ? "of step " + ctx.stepName() : outputs.messageId();
    ctx.progress().report(100, "message " + id + " cannot be unsent; left as it is");
    LOG.info("{} {}: message {} cannot be unsent; delete leaves it as it is", type(), ctx.stepName(), id);
  }

  // ------------------------------------------------------------------------------------------ the message

  private static InternetAddress sender(MessageSpec spec, MailConfig config) {
    if (spec.from() != null) {
      return Addresses.mailbox("from", spec.from());
    }
    if (config.from() == null) {
      throw new PermanentException("field 'from': no sender: set from in the message or in the mail plugin "
          + "configuration");
    }
    return Addresses.mailbox("from", config.from());
  }

  private static List<InternetAddress> recipients(MessageSpec spec) {
    Set<InternetAddress> unique = new LinkedHashSet<>(Addresses.mailboxes("to", spec.to()));
    if (spec.cc() != null) {
      unique.addAll(Addresses.mailboxes("cc", spec.cc()));
    }
    if (spec.bcc() != null) {
      unique.addAll(Addresses.mailboxes("bcc", spec.bcc()));
    }
    return List.copyOf(unique);
  }

  /** {@code <tw.HASH@DOMAIN>}: the same for every attempt of the step in its run, unguessable from outside. */
  static String messageId(String idempotencyKey, InternetAddress from) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
      return "<tw." + HexFormat.of().formatHex(hash, 0, 16) + "@" + Addresses.domain(from) + ">";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }

  private MimeMessage message(MessageSpec spec, MailConfig config, StepContext ctx, InternetAddress from,
      String messageId, List<Secret> revealed) {
    Map<String, String> values = spec.effectiveValues();
    String subject = Templates.withValues("subject", spec.subject(), values, false);
    for (Placeholder p : Templates.check("subject", spec.subject(), values.keySet(), List.of(), false)) {
      if (values.get(p.name()).chars().anyMatch(Character::isISOControl)) {
        throw new PermanentException("field 'values." + p.name() + "': is used in the subject, so it must be one "
            + "line without control characters");
      }
    }
    String body = Templates.render("body", spec.body(), p -> fill(p, values, ctx, revealed), false);
    String html = spec.html() == null ? null
        : Templates.render("html", spec.html(), p -> fill(p, values, ctx, revealed), true);
    try {
      MimeMessage m = new FixedIdMessage(Session.getInstance(new Properties()), messageId);
      m.setFrom(from);
      m.setRecipients(Message.RecipientType.TO, Addresses.mailboxes("to", spec.to()).toArray(InternetAddress[]::new));
      if (spec.cc() != null) {
        m.setRecipients(Message.RecipientType.CC, Addresses.mailboxes("cc", spec.cc()).toArray(InternetAddress[]::new));
      }
      if (spec.bcc() != null) {
        m.setRecipients(Message.RecipientType.BCC,
            Addresses.mailboxes("bcc", spec.bcc()).toArray(InternetAddress[]::new));
      }
      if (spec.replyTo() != null) {
        m.setReplyTo(new InternetAddress[] {Addresses.mailbox("replyTo", spec.replyTo())});
      }
      m.setSubject(subject, "UTF-8");
      m.setSentDate(Date.from(ctx.clock().instant()));
      if (html == null) {
        m.setText(body, "UTF-8");
      } else {
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(body, "UTF-8");
        MimeBodyPart rich = new MimeBodyPart();
        rich.setText(html, "UTF-8", "html");
        alternative.addBodyPart(text);
        alternative.addBodyPart(rich);
        m.setContent(alternative);
      }
      m.saveChanges();
      return m;
    } catch (MessagingException e) {
      throw new PermanentException("the message could not be built: " + e.getMessage(), null);
    }
  }

  private static String fill(Placeholder p, Map<String, String> values, StepContext ctx, List<Secret> revealed) {
    if (!p.secret()) {
      return values.get(p.name());
    }
    Secret s = ctx.secret(p.name()).orElseThrow(() -> new PermanentException("secret '" + p.name() + "' for "
        + p + " is not available: name a secret resource of this environment (and add it to needs) or a host "
        + "secret"));
    revealed.add(s);
    return s.reveal();
  }

  /** A message whose {@code Message-ID} stays the one given, whatever {@code saveChanges} would make. */
  private static final class FixedIdMessage extends MimeMessage {
    private final String id;

    FixedIdMessage(Session session, String id) {
      super(session);
      this.id = id;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", id);
    }
  }

  // ------------------------------------------------------------------------------------------ the transaction

  private void send(MimeMessage message, List<InternetAddress> recipients, MailConfig config, StepContext ctx,
      String messageId, List<Secret> revealed) {
    String protocol = MailConfig.SMTPS.equals(config.effectiveTls()) ? "smtps" : "smtp";
    String where = config.host() + ":" + config.effectivePort();
    Session session = Session.getInstance(properties(config, protocol, ctx.remaining()));
    CommittingTransport transport = new CommittingTransport(session,
        new URLName(protocol, config.host(), config.effectivePort(), null, null, null), protocol, () -> {
          seam.beforeCommitting();
          ctx.checkpoint(COMMITTING, messageId);
          seam.beforeEndOfData();
        });
    try {
      transport.connect(config.host(), config.effectivePort(), config.username(),
          config.password() == null ? null : config.password().reveal());
      transport.sendMessage(message, recipients.toArray(InternetAddress[]::new));
    } catch (MessagingException e) {
      if (transport.hookFailure() != null) {
        throw transport.hookFailure();   // the checkpoint could not be recorded: the engine decides what follows
      }
      throw failure(e, transport, ctx, where, revealed);
    } finally {
      closeQuietly(transport);
    }
    seam.afterEndOfData();
    ctx.checkpoint(SENT, messageId);
  }

  /**
   * The exception for a failed transaction. A reply to the end of data settles it: the server took nothing, so
   * {@code committing} is rewritten and a later attempt sends again. No reply after the end of data leaves the
   * outcome unknown: {@code committing} stays, and a later attempt reports the message unconfirmed.
   */
  private static RuntimeException failure(Exception e, CommittingTransport transport, StepContext ctx, String where,
      List<Secret> revealed) {
    SmtpFailures.Reply reply = SmtpFailures.reply(e);
    boolean answered = reply != null && "end of data".equals(reply.command());
    if (transport.endOfDataSent() && answered) {
      ctx.checkpoint(COMMITTING, REFUSED + reply.code());
    }
    return SmtpFailures.classify(e, where, transport.endOfDataSent() && !answered, text -> redact(text, revealed));
  }

  private static String redact(String text, List<Secret> revealed) {
    String out = text;
    for (Secret s : revealed) {
      out = s.redact(out);
    }
    return out;
  }

  private static Properties properties(MailConfig config, String protocol, Duration remaining) {
    Properties p = new Properties();
    String prefix = "mail." + protocol + ".";
    long left = Math.max(1000, remaining.toMillis());
    p.setProperty(prefix + "connectiontimeout", String.valueOf(Math.min(left, config.effectiveConnectTimeout()
        .toMillis())));
    p.setProperty(prefix + "timeout", String.valueOf(Math.min(left, config.effectiveTimeout().toMillis())));
    p.setProperty(prefix + "writetimeout", String.valueOf(Math.min(left, config.effectiveTimeout().toMillis())));
    p.setProperty(prefix + "auth", String.valueOf(config.username() != null));
    p.setProperty(prefix + "quitwait", "false");
    p.setProperty(prefix + "chunksize", "0");
    if (MailConfig.STARTTLS.equals(config.effectiveTls())) {
      p.setProperty(prefix + "starttls.enable", "true");
      p.setProperty(prefix + "starttls.required", String.valueOf(config.effectiveStartTlsRequired()));
    }
    if (!MailConfig.NONE.equals(config.effectiveTls())) {
      p.setProperty(prefix + "ssl.checkserveridentity", String.valueOf(!config.effectiveTrustAll()));
      if (config.effectiveTrustAll()) {
        p.put(prefix + "ssl.socketFactory", Trust.any());
      } else if (config.trustedCertificates() != null) {
        p.put(prefix + "ssl.socketFactory", Trust.only(Trust.certificates(config.trustedCertificates())));
      }
    }
    return p;
  }

  private static void closeQuietly(CommittingTransport transport) {
    try {
      transport.close();
    } catch (MessagingException | RuntimeException e) {
      LOG.debug("closing the SMTP connection failed: {}", e.getMessage());
    }
  }
}
