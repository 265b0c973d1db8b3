package dev.tenantwright.core.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded journal never reuses file space while it is open (that is what keeps its commits through kill -9),
 * so a file that grew is compacted when it is opened again, keeping every row.
 */
class EmbeddedCompactionTest {

  @TempDir
  Path dir;

  @Test
  void aFileThatGrewIsCompactedWhenOpenedAndKeepsItsRows() throws Exception {
    Database db = Database.embedded(dir);
    db.sql().transaction(c -> Sql.update(c, "CREATE TABLE probe (i INT PRIMARY KEY, pad VARCHAR(2000))"));
    for (int i = 0; i < 2000; i++) {
      int id = i % 50;
      db.sql().transaction(c -> {
        Sql.update(c, "MERGE INTO probe KEY (i) VALUES (?, ?)", id, "x".repeat(1000 + id));
        return null;
      });
    }
    Path file = dir.resolve("tenantwright.mv.db");
    long grown = Files.size(file);
    // what a crash leaves: the file as it was while open (close() would let H2 compact a little)
    Path copy = Files.createDirectory(dir.resolve("after-crash"));
    Files.copy(file, copy.resolve("tenantwright.mv.db"));
    db.close();

    Database.compactIfLarger(copy, Database.embeddedUrl(copy), 1 << 20);

    long compacted = Files.size(copy.resolve("tenantwright.mv.db"));
    assertThat(grown).as("without space reuse each commit adds to the file").isGreaterThan(4L << 20);
    assertThat(compacted).isLessThan(grown / 4);
    try (Database reopened = Database.embedded(copy)) {
      java.util.Optional<Integer> rows =
          reopened.sql().read(c -> Sql.one(c, "SELECT COUNT(*) FROM probe", rs -> rs.getInt(1)));
      assertThat(rows).contains(50);
    }
  }
}
