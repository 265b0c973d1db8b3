package dev.tenantwright.examples.portal;

import java.util.Objects;

/**
 * Sends the portal's mail: sign-in links, and the notes that tell an address's owner what someone did with
 * it. The portal has no mail server of its own; {@link OutboxMailer} writes each mail to a file, and a
 * deployment plugs in a real one (SMTP, or a mail service's API).
 *
 * <p>Implementations must be thread-safe. A mail carries a live sign-in link: never log its text.
 */
@FunctionalInterface
public interface Mailer {

  /**
   * Sends one mail, or throws when it could not be handed over (the portal logs that and answers the person
   * as it would have anyway, so that a failure reveals nothing about the address).
   */
  void send(Mail mail);

  /**
   * A plain-text mail.
   *
   * @param to the recipient's address
   * @param subject the subject line
   * @param text the body
   */
  record Mail(String to, String subject, String text) {

    /** Checks that every part is there. */
    public Mail {
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(text, "text");
    }
  }
}
