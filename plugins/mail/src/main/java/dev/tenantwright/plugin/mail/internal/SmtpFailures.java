package dev.tenantwright.plugin.mail.internal;

import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.TenantwrightException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * Classifies what an SMTP exchange threw: a 4xx reply, a refused or lost connection or a time-out is worth another
 * attempt ({@link RetryableException}); a 5xx reply, a failed TLS handshake or anything else is not
 * ({@link PermanentException}, naming the server's reply). Messages go through {@code redact} (the SMTP password),
 * and never carry the message's text: Angus's exceptions hold server replies and addresses only. Stateless.
 */
public final class SmtpFailures {

  private static final Pattern REPLY = Pattern.compile("^\\s*([2-5]\\d\\d)[ -]");

  private SmtpFailures() {}

  /** An SMTP reply seen in a failure: its code, the command it answered and its first line. */
  public record Reply(int code, String command, String text) {
    boolean transientFailure() {
      return code >= 400 && code < 500;
    }

    @Override
    public String toString() {
      return (command == null ? "" : command + ": ") + text;
    }
  }

  /**
   * The exception to throw for {@code e}.
   *
   * @param where the server, {@code host:port}
   * @param unknownOutcome whether the server may have accepted the message (the end of data went out and no
   *     answer came back): a retryable failure then says so
   */
  public static TenantwrightException classify(Exception e, String where, boolean unknownOutcome,
      UnaryOperator<String> redact) {
    Reply reply = reply(e);
    if (reply != null && reply.code() >= 500) {
      return new PermanentException(redact.apply("SMTP server " + where + " refused the message: " + reply), e);
    }
    if (reply != null && reply.transientFailure()) {
      return new RetryableException(redact.apply("SMTP server " + where + " answered " + reply
          + " (a temporary failure)"), null, unknownOutcome, e);
    }
    Throwable io = find(e, IOException.class);
    if (find(e, SSLHandshakeException.class) != null) {
      return new PermanentException(redact.apply("TLS handshake with SMTP server " + where + " failed ("
          + describe(find(e, SSLHandshakeException.class)) + "): check tls, trustedCertificates and the host name"), e);
    }
    if (io != null && String.valueOf(io.getMessage()).startsWith("Can't verify identity of server")) {
      return new PermanentException(redact.apply("SMTP server " + where + " presented a certificate for another "
          + "name: check host and trustedCertificates"), e);
    }
    if (io instanceof UnknownHostException) {
      return new RetryableException(redact.apply("SMTP server " + where + " cannot be resolved ("
          + describe(io) + ")"), null, unknownOutcome, e);
    }
    if (io != null) {
      // refused, reset, timed out, closed: nothing says the server will refuse the next attempt
      return new RetryableException(redact.apply("SMTP server " + where + " could not be reached or the "
          + "connection broke (" + describe(io) + ")"), null, unknownOutcome, e);
    }
    if (e instanceof AuthenticationFailedException) {
      return new PermanentException(redact.apply("SMTP server " + where + " refused the credentials: "
          + describe(e)), e);
    }
    return new PermanentException(redact.apply("sending through SMTP server " + where + " failed: " + describe(e)), e);
  }

  /** The most telling SMTP reply inside {@code e}: a permanent one before a temporary one; null if none. */
  public static Reply reply(Throwable e) {
    Reply best = null;
    Set<Throwable> seen = new HashSet<>();
    for (Throwable t = e; t != null && seen.add(t); t = next(t)) {
      Reply r = replyOf(t);
      if (r != null && (best == null || r.code() >= 500 && best.code() < 500)) {
        best = r;
      }
    }
    return best;
  }

  private static Reply replyOf(Throwable t) {
    if (t instanceof SMTPAddressFailedException a) {
      return new Reply(a.getReturnCode(), a.getCommand(), firstLine(a.getMessage()));
    }
    if (t instanceof SMTPSenderFailedException s) {
      return new Reply(s.getReturnCode(), s.getCommand(), firstLine(s.getMessage()));
    }
    if (t instanceof SMTPSendFailedException s && s.getReturnCode() >= 400) {
      return new Reply(s.getReturnCode(), "DATA".equals(s.getCommand()) || ".".equals(s.getCommand())
          ? (".".equals(s.getCommand()) ? "end of data" : "DATA") : s.getCommand(), firstLine(s.getMessage()));
    }
    if (t instanceof AuthenticationFailedException || t instanceof MessagingException) {
      Matcher m = REPLY.matcher(String.valueOf(t.getMessage()));
      if (m.find() && t instanceof AuthenticationFailedException) {
        return new Reply(Integer.parseInt(m.group(1)), "AUTH", firstLine(t.getMessage()));
      }
    }
    return null;
  }

  private static Throwable next(Throwable t) {
    if (t instanceof MessagingException m && m.getNextException() != null && m.getNextException() != t) {
      return m.getNextException();
    }
    return t.getCause();
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    Set<Throwable> seen = new HashSet<>();
    for (Throwable t = e; t != null && seen.add(t); t = next(t)) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + firstLine(m));
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "";
    }
    String s = m.strip();
    int nl = s.indexOf('\n');
    s = (nl < 0 ? s : s.substring(0, nl).strip()).replace('\r', ' ');
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
