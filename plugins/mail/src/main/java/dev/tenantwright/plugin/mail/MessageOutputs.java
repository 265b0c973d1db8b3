package dev.tenantwright.plugin.mail;

/**
 * What a {@code mail.message} reports: never the message's text.
 *
 * @param messageId the {@code Message-ID} every attempt of the step sent, e.g. {@code <tw.3f9a…@example.com>}: search
 *     a mailbox or the server's log for it
 * @param recipients how many addresses the message went to (to, cc and bcc)
 * @param delivery {@code sent} when the server accepted the message (answered 250 to the end of data);
 *     {@code unconfirmed} when an attempt stopped between recording that it was about to finish the message and
 *     recording the server's answer: the message was very likely accepted, and it is not sent again
 */
public record MessageOutputs(String messageId, int recipients, String delivery) {

  /** The server accepted the message. */
  public static final String SENT = "sent";

  /** An attempt stopped at the moment of no return; the message is not sent again. */
  public static final String UNCONFIRMED = "unconfirmed";
}
