package dev.tenantwright.examples.portal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example's mailer: appends every mail to a text file readable by its owner only (mode 0600), where a
 * person trying the portal finds the sign-in link. It logs that a mail was written, never its text, which
 * holds a live link. Thread-safe.
 */
public final class OutboxMailer implements Mailer {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxMailer.class);

  private final Path file;

  /** Writes to {@code file}, created on the first mail. */
  public OutboxMailer(Path file) {
    this.file = file;
  }

  /** The file the mail goes to. */
  public Path file() {
    return file;
  }

  @Override
  public synchronized void send(Mail mail) {
    String text = "To: " + mail.to() + "\nDate: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.now(ZoneOffset.UTC)) + "\nSubject: " + mail.subject() + "\n\n" + mail.text()
        + "\n\n----------------------------------------------------------------------\n";
    try {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException exists) {
        // appended to below
      } catch (UnsupportedOperationException noPosix) {
        Files.createFile(file);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the mail to " + file, e);
    }
    LOG.info("mail \"{}\" written to {} (this portal has no mail server)", mail.subject(), file);
  }
}
