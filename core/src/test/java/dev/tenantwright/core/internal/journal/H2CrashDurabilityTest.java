package dev.tenantwright.core.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction the embedded H2 journal reported as committed survives {@code kill -9} of the process.
 *
 * <p>H2's MVStore writes committed changes to its file in the background (or when enough memory is unsaved), not
 * at each commit, and {@code WRITE_DELAY=0} only stops the background writer: found by the kill -9 chaos test, a
 * process killed while 16 threads committed lost the last ~40 ms of commits, so a run that had already called
 * its backend was gone on restart. A child process here commits from 16 threads through {@link Sql} — locking,
 * inserting, updating and deleting like the journal does — printing each id once {@code transaction} returns, and is
 * killed with SIGKILL at a random moment, several times over the same file. Every printed id must be in the file.
 * (The old code lost committed rows after 22 lives in one run, and after 6 in a raw-JDBC probe of the same
 * workload: the default 5 lives are a smoke test, {@code -Djournal.crash.lives=25} is the long form.)
 */
class H2CrashDurabilityTest {

  @TempDir
  Path dir;

  @Test
  void everyTransactionTheJournalReportedCommittedSurvivesSigkill() throws Exception {
    int lives = Integer.getInteger("journal.crash.lives", 5);
    Set<Integer> reported = new HashSet<>();
    for (int life = 1; life <= lives; life++) {
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), Writer.class.getName(), dir.toString(),
          String.valueOf(life)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      List<Integer> committed = new ArrayList<>();
      java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            if (line.equals("READY")) {
              ready.countDown();
            } else if (line.startsWith("COMMITTED ")) {
              synchronized (committed) {
                committed.add(Integer.parseInt(line.substring(10)));
              }
            }
          }
        } catch (java.io.IOException gone) {
          // the child was killed
        }
      });
      reader.start();
      assertThat(ready.await(2, TimeUnit.MINUTES)).as("life %d: the writer opened the journal", life).isTrue();
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500 + ThreadLocalRandom.current().nextInt(1500));
      while (System.nanoTime() < until && child.isAlive()) {
        Thread.sleep(20);
      }
      assertThat(child.isAlive()).as("the writer runs until it is killed").isTrue();
      child.destroyForcibly();   // SIGKILL
      child.waitFor();
      reader.join();
      synchronized (committed) {
        reported.addAll(committed);
      }
      Set<Integer> stored = stored();
      Set<Integer> lost = new HashSet<>(reported);
      lost.removeAll(stored);
      assertThat(lost).as("after life %d: committed rows the file no longer has (of %d reported)", life,
          reported.size()).isEmpty();
    }
    assertThat(reported).as("the writers committed something").hasSizeGreaterThan(lives * 50);
  }

  private Set<Integer> stored() throws Exception {
    try (Database db = Database.embedded(dir)) {
      return db.sql().read(c -> {
        Set<Integer> ids = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT i FROM probe_row")) {
          while (rs.next()) {
            ids.add(rs.getInt(1));
          }
        }
        return ids;
      });
    }
  }

  /** The child: commits through the journal's {@link Sql} from 16 threads until it is killed. */
  public static final class Writer {
    public static void main(String[] args) throws Exception {
      Database db = Database.embedded(Path.of(args[0]));
      int life = Integer.parseInt(args[1]);
      db.sql().transaction(c -> {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE IF NOT EXISTS probe_row (i INT PRIMARY KEY, v INT, pad VARCHAR(4000))");
          s.execute("CREATE TABLE IF NOT EXISTS probe_lock (i INT PRIMARY KEY, n INT)");
        }
        return null;
      });
      System.out.println("READY");
      System.out.flush();
      for (int t = 0; t < 16; t++) {
        int base = life * 10_000_000 + t * 100_000;
        new Thread(() -> write(db.sql(), base)).start();
      }
      Thread.sleep(Long.MAX_VALUE);
    }

    private static void write(Sql sql, int base) {
      Random r = new Random(base);
      for (int i = 1; ; i++) {
        int id = base + i;
        int key = r.nextInt(50);
        String pad = "x".repeat(r.nextInt(2000));
        String other = "y".repeat(r.nextInt(3000));
        boolean delete = r.nextInt(5) == 0;
        int victim = r.nextInt(50);
        int previous = base + Math.max(1, i - 1);
        sql.transaction((Connection c) -> {
          Sql.list(c, "SELECT n FROM probe_lock WHERE i = ? FOR UPDATE", rs -> rs.getInt(1), key);
          Sql.update(c, "INSERT INTO probe_row VALUES (?, 0, ?)", id, pad);
          Sql.update(c, "UPDATE probe_row SET v = v + 1, pad = ? WHERE i = ?", other, previous);
          Sql.update(c, "MERGE INTO probe_lock KEY (i) VALUES (?, ?)", key, id);
          if (delete) {
            Sql.update(c, "DELETE FROM probe_lock WHERE i = ?", victim);
          }
          return null;
        });
        synchronized (System.out) {
          System.out.println("COMMITTED " + id);
          System.out.flush();
        }
      }
    }
  }
}
