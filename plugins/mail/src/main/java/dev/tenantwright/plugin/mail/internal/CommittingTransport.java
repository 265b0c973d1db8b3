package dev.tenantwright.plugin.mail.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.io.OutputStream;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * An SMTP transport that runs the whole transaction — {@code MAIL FROM}, {@code RCPT TO}, {@code DATA} and the
 * message — but holds back the end of data (the line with a single {@code .}) until a hook has run: the hook records
 * that the message is about to be committed. If the hook throws, the connection is dropped without the end of data,
 * and the server discards the transaction: only the end of mail data "confirms the mail transaction and tells the
 * SMTP server to now process the stored recipients and mail data" (RFC 5321 §3.3, §4.1.1.4), so nothing was sent.
 *
 * <p>It uses the protected extension points Angus Mail documents for subclasses ({@code finishData}, {@code bdat});
 * {@code BDAT} (CHUNKING), where the message would leave in pieces that each count, is refused. Not thread-safe: one
 * transaction on one thread, as Angus's transport itself.
 */
public final class CommittingTransport extends SMTPTransport {

  private final Runnable beforeEndOfData;
  private RuntimeException hookFailure;
  private boolean endOfDataSent;

  /**
   * @param protocol {@code smtp} or {@code smtps} (TLS from the first byte)
   * @param beforeEndOfData runs once the message is written, before its end is sent
   */
  public CommittingTransport(Session session, URLName url, String protocol, Runnable beforeEndOfData) {
    super(session, url, protocol, "smtps".equals(protocol));
    this.beforeEndOfData = beforeEndOfData;
  }

  @Override
  protected void finishData() throws IOException, MessagingException {
    try {
      beforeEndOfData.run();
    } catch (RuntimeException e) {
      hookFailure = e;
      // Angus drops the connection (no QUIT, no end of data) when sending ends with an IOException
      throw new IOException("the message was not committed: " + e.getClass().getSimpleName());
    }
    endOfDataSent = true;
    super.finishData();
  }

  @Override
  protected OutputStream bdat() throws MessagingException {
    throw new MessagingException("BDAT (CHUNKING) is not used: the end of a message must be one step");
  }

  /** What the hook threw, if it did: the transaction was abandoned before its end. */
  public RuntimeException hookFailure() {
    return hookFailure;
  }

  /** Whether the end of data went to the server: from here on the message may have been accepted. */
  public boolean endOfDataSent() {
    return endOfDataSent;
  }
}
