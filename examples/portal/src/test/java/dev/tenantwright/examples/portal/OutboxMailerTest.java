package dev.tenantwright.examples.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxMailerTest {

  @TempDir
  Path dir;

  @Test
  void mailIsAppendedToAFileOnlyItsOwnerCanRead() throws Exception {
    Path file = dir.resolve("outbox.txt");
    OutboxMailer mailer = new OutboxMailer(file);

    mailer.send(new Mailer.Mail("ops@one.example", "First", "link one"));
    mailer.send(new Mailer.Mail("ops@two.example", "Second", "link two"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Files.readString(file)).containsSubsequence("To: ops@one.example", "Subject: First", "link one",
        "To: ops@two.example", "Subject: Second", "link two");
  }
}
