package dev.tenantwright.examples.portal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keeps every mail the portal sends, for tests to read the sign-in links from. Thread-safe. */
final class RecordingMailer implements Mailer {

  private static final Pattern LINK = Pattern.compile("https?://\\S+/signin/confirm\\?token=[A-Za-z0-9_-]+");

  private final List<Mail> sent = new CopyOnWriteArrayList<>();

  @Override
  public void send(Mail mail) {
    sent.add(mail);
  }

  /** Every mail to the address, oldest first. */
  List<Mail> to(String address) {
    return sent.stream().filter(m -> m.to().equalsIgnoreCase(address)).toList();
  }

  /** The latest mail to the address. */
  Mail last(String address) {
    List<Mail> mails = to(address);
    if (mails.isEmpty()) {
      throw new AssertionError("no mail was sent to " + address);
    }
    return mails.get(mails.size() - 1);
  }

  /** The sign-in link in a mail. */
  static String link(Mail mail) {
    Matcher m = LINK.matcher(mail.text());
    if (!m.find()) {
      throw new AssertionError("no sign-in link in the mail \"" + mail.subject() + "\": " + mail.text());
    }
    return m.group();
  }
}
