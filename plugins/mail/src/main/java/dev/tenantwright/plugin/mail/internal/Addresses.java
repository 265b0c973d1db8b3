package dev.tenantwright.plugin.mail.internal;

import dev.tenantwright.spi.PermanentException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.List;
import java.util.Locale;

/**
 * Checks mail addresses from parameters and configuration: exactly one mailbox per entry, parsed strictly (RFC 822
 * syntax), never a group or a list, and no control character anywhere — so no value can add a recipient or a header
 * line. Errors name the field and never the rest of the message. Stateless.
 */
public final class Addresses {

  /** What a mail header line may be at most (RFC 5322 §2.1.1: 998 characters); an address must fit in one. */
  private static final int MAX = 320;

  private Addresses() {}

  /**
   * One mailbox, {@code ops@abc.example} or {@code ABC Ops <ops@abc.example>}.
   *
   * @throws PermanentException naming {@code field} if it is anything else
   */
  public static InternetAddress mailbox(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new PermanentException("field '" + field + "': a mail address is required");
    }
    if (text.length() > MAX) {
      throw new PermanentException("field '" + field + "': a mail address has at most " + MAX + " characters");
    }
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        throw new PermanentException("field '" + field + "': a mail address must not contain line breaks or other "
            + "control characters");
      }
    }
    InternetAddress[] parsed;
    try {
      parsed = InternetAddress.parseHeader(text, true);
    } catch (AddressException e) {
      throw new PermanentException("field '" + field + "': \"" + text + "\" is not a mail address ("
          + e.getMessage() + ")");
    }
    if (parsed.length != 1 || parsed[0].isGroup()) {
      throw new PermanentException("field '" + field + "': \"" + text + "\" holds " + (parsed.length == 1
          ? "a group" : parsed.length + " addresses") + "; give one mailbox per entry");
    }
    InternetAddress a = parsed[0];
    try {
      a.validate();
    } catch (AddressException e) {
      throw new PermanentException("field '" + field + "': \"" + text + "\" is not a mail address ("
          + e.getMessage() + ")");
    }
    String address = a.getAddress();
    int at = address.lastIndexOf('@');
    if (at <= 0 || at == address.length() - 1 || address.indexOf('@') != at) {
      throw new PermanentException("field '" + field + "': \"" + text + "\" must be local-part@domain");
    }
    return a;
  }

  /** Each entry of a list of mailboxes, naming {@code field[i]}. */
  public static List<InternetAddress> mailboxes(String field, List<String> texts) {
    InternetAddress[] out = new InternetAddress[texts.size()];
    for (int i = 0; i < texts.size(); i++) {
      out[i] = mailbox(field + "[" + i + "]", texts.get(i));
    }
    return List.of(out);
  }

  /** The domain of a mailbox, lower case. */
  public static String domain(InternetAddress a) {
    String address = a.getAddress();
    return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
  }
}
