package dev.tenantwright.core.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.spi.TenantwrightException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SEC11: the files that hold every tenant's data and the key that opens their secrets are readable by their owner
 * only. Before, the embedded journal was created with the process umask (world readable) beside a key file.
 */
class PrivateFilesTest {

  @TempDir
  Path dir;

  @Test
  void sec11_aNewKeyFileIsTheOwnersOnlyAndTheSameKeyComesBack() throws Exception {
    Path file = dir.resolve("keys/secret.key");
    byte[] key = SecretCipher.loadOrCreateKey(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(key).hasSize(32);
    assertThat(SecretCipher.loadOrCreateKey(file)).isEqualTo(key);
    try (Stream<Path> left = Files.list(file.getParent())) {
      assertThat(left).as("no temporary file is left beside the key").containsExactly(file);
    }
  }

  @Test
  void sec11_aKeyFileOthersMayReadIsRefusedSayingHowToFixIt() throws Exception {
    Path file = dir.resolve("secret.key");
    SecretCipher.loadOrCreateKey(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> SecretCipher.loadOrCreateKey(file)).isInstanceOf(TenantwrightException.class)
        .hasMessageContaining("may be read by other users").hasMessageContaining("chmod 600 " + file);
  }

  @Test
  void sec11_theEmbeddedJournalIsTheOwnersOnly() throws Exception {
    Path journal = dir.resolve("journal");
    try (Database db = Database.embedded(journal)) {
      db.sql().transaction(c -> Sql.update(c, "CREATE TABLE probe (i INT)"));
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(journal))).isEqualTo("rwx------");
    List<Path> files;
    try (Stream<Path> all = Files.list(journal)) {
      files = all.toList();
    }
    assertThat(files).isNotEmpty().allSatisfy(f ->
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString())
            .isEqualTo("rw-------"));
  }
}
