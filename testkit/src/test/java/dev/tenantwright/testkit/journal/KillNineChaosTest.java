package dev.tenantwright.testkit.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 with real processes: a host JVM ({@link ChaosHost}) provisions and destroys tenants against a backend
 * that lives outside it (objects on disk), and is killed with SIGKILL at random moments, then started again on the
 * same journal — on the embedded H2 default and on PostgreSQL. After the last life has finished everything, the
 * invariants are checked against the journal and the backend itself ({@link Invariants}): every run the API ever
 * reported terminal is still terminal with the same outcome, every run is terminal, the objects on disk are exactly
 * the journal's resources, none was created twice, and each environment's state agrees with its last run.
 *
 * <p>The small form runs in the build (40 tenants, 10 kills per store). The full form:
 * {@code mvn -pl testkit test -Dtest=KillNineChaosTest -Dchaos.kill.tenants=300 -Dchaos.kill.kills=25}
 * (also {@code -Dchaos.kill.seed=N}).
 */
class KillNineChaosTest {

  private static final int TENANTS = Integer.getInteger("chaos.kill.tenants", 40);
  private static final int KILLS = Integer.getInteger("chaos.kill.kills", 10);
  private static final long SEED = Long.getLong("chaos.kill.seed", 42L);

  @TempDir
  Path temp;

  /** Where the journal and the backend live: a temporary directory, or {@code -Dchaos.kill.dir} to keep them. */
  private Path dir;

  @org.junit.jupiter.api.BeforeEach
  void chooseDirectory(org.junit.jupiter.api.TestInfo test) throws IOException {
    String keep = System.getProperty("chaos.kill.dir");
    dir = keep == null ? temp : Files.createDirectories(Path.of(keep, test.getTestMethod().orElseThrow().getName()));
  }

  @Test
  void theEmbeddedH2JournalSurvivesSigkillWithEveryReportedRunIntactAndNoLeakedObject() throws Exception {
    Path data = dir.resolve("journal");
    Map<String, String> reported = chaos("h2:" + data);
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:async:" + data.toAbsolutePath().resolve("tenantwright"));
    ds.setUser("tw");
    verify(ds, reported);
  }

  @Test
  void aPostgresJournalSurvivesSigkillWithEveryReportedRunIntactAndNoLeakedObject() throws Exception {
    try (Store store = Store.postgres()) {
      Map<String, String> reported = chaos("pg:" + store.url());
      verify(store.pool(), reported);
    }
  }

  private Map<String, String> chaos(String journal) throws Exception {
    Path backend = dir.resolve("backend");
    Path logs = Files.createDirectories(Path.of("target", "chaos-host"));
    Path logback = logs.resolve("logback-" + journal.substring(0, 2) + ".xml");
    Files.writeString(logback, "<configuration><appender name=\"F\" class=\"ch.qos.logback.core.FileAppender\">"
        + "<file>" + logs.toAbsolutePath().resolve("host-" + journal.substring(0, 2) + ".log") + "</file>"
        + "<encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n</pattern></encoder></appender>"
        + "<logger name=\"dev.tenantwright\" level=\"" + System.getProperty("chaos.kill.log", "INFO") + "\"/><root level=\"WARN\"><appender-ref ref=\"F\"/></root>"
        + "</configuration>");
    Random random = new Random(SEED);
    Map<String, String> reported = new ConcurrentHashMap<>();
    List<String> inconsistent = new ArrayList<>();
    long started = System.nanoTime();
    for (int life = 0; life <= KILLS; life++) {
      boolean last = life == KILLS;
      Process host = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dlogback.configurationFile=" + logback.toAbsolutePath(),
          "-cp", System.getProperty("java.class.path"), ChaosHost.class.getName(), journal, backend.toString(),
          String.valueOf(TENANTS), "8")
          .redirectError(ProcessBuilder.Redirect.appendTo(logs.resolve("host-stderr.log").toFile()))
          .start();
      CountDownLatch ready = new CountDownLatch(1);
      CountDownLatch done = new CountDownLatch(1);
      Thread reader = new Thread(() -> read(host, reported, inconsistent, ready, done));
      reader.setDaemon(true);
      reader.start();
      if (!ready.await(120, TimeUnit.SECONDS)) {
        Path dump = logs.resolve("host-life-" + life + "-threads.txt");
        new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
            String.valueOf(host.pid()), "Thread.print").redirectErrorStream(true).redirectOutput(dump.toFile())
            .start().waitFor(60, TimeUnit.SECONDS);
        host.destroyForcibly();
        throw new AssertionError("host life " + life + " did not start within 120 s; its threads: " + dump);
      }
      if (last) {
        assertThat(done.await(10, TimeUnit.MINUTES)).as("the last life finished every tenant").isTrue();
        assertThat(host.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(host.exitValue()).isZero();
      } else {
        Thread.sleep(300 + random.nextInt(1700));
        host.destroyForcibly();  // SIGKILL on Linux
        assertThat(host.waitFor(60, TimeUnit.SECONDS)).isTrue();
      }
      reader.join(10_000);
    }
    assertThat(inconsistent).as("a run reported with two different outcomes").isEmpty();
    System.out.printf("kill -9 chaos (%s): %d tenants, %d kills, %d outcomes reported, %.1f s%n",
        journal.substring(0, 2), TENANTS, KILLS, reported.size(), (System.nanoTime() - started) / 1e9);
    return reported;
  }

  private static void read(Process host, Map<String, String> reported, List<String> inconsistent,
      CountDownLatch ready, CountDownLatch done) {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.equals("READY")) {
          ready.countDown();
        } else if (line.equals("DONE")) {
          done.countDown();
        } else if (line.startsWith("REPORTED ")) {
          String[] p = line.split(" ");
          String before = reported.putIfAbsent(p[1], p[2]);
          if (before != null && !before.equals(p[2])) {
            synchronized (inconsistent) {
              inconsistent.add(p[1] + ": " + before + " then " + p[2]);
            }
          }
        }
      }
    } catch (IOException killed) {
      // the host died
    }
  }

  private void verify(DataSource ds, Map<String, String> reported) throws Exception {
    DiskObjects disk = new DiskObjects(dir.resolve("backend"));
    Invariants.check(ds, disk, reported);
    List<Invariants.RunRow> runs = Invariants.runs(ds);
    long provisions = runs.stream().filter(r -> r.kind().equals("PROVISION")).count();
    assertThat(provisions).as("one provisioning run per tenant").isEqualTo(TENANTS);
    System.out.printf("kill -9 chaos verdict: %d runs, %d objects created, %d left (the journal's resources), none "
        + "created twice%n", runs.size(), disk.creations(), disk.names().size());
  }
}
