package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenantwright;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An engine in another JVM is killed (SIGKILL) while its runs are in flight; an engine in this JVM takes them
 * over once their leases expire and finishes each exactly once. The time to take over is logged (about the lease
 * plus a sweep interval on a quiet machine).
 */
class SeparateProcessTest {

  static final Duration LEASE = Duration.ofSeconds(2);

  @Test
  void aKilledEngineProcessesRunsAreTakenOverAfterTheLeaseAndFinishedOnce() throws Exception {
    DataSource ds = Stores.freshPostgres();
    SqlObjectType.createTable(ds);
    String url;
    try (Connection c = ds.getConnection()) {
      url = c.getMetaData().getURL();
    }
    int tenants = 20;
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), EngineProcess.class.getName(), url, "child-engine",
        String.valueOf(tenants), "0", "300000")
        .redirectErrorStream(true).start();
    List<String> runIds = new ArrayList<>();
    // not closed here: the drain thread owns the child's output until the child dies (a close would wait on it)
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    {
      java.io.PrintWriter childLog = new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(
          Path.of("target", "engine-process.log")), true);
      for (String line = out.readLine(); line != null && !line.equals("READY"); line = out.readLine()) {
        childLog.println(line);
        if (line.startsWith("RUN ")) {
          runIds.add(line.substring(4));
        }
      }
      Thread drain = new Thread(() -> {
        try {
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            childLog.println(line);
          }
        } catch (java.io.IOException ignored) {
          // the child was killed
        }
      });
      drain.setDaemon(true);
      drain.start();
      assertThat(runIds).hasSize(tenants);
      waitUntilAllStepsStarted(ds, tenants);
    }
    try (Tenantwright survivor = EngineProcess.engine(ds, "survivor", LEASE, 10)) {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long killedAt = System.nanoTime();
      // how long the takeover takes is measured (and logged), not asserted: timing belongs in benchmarks
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(() -> activeOwnedBy(ds, "child-engine") == 0);
      long takeover = System.nanoTime() - killedAt;
      long lastTakeover;
      for (String id : runIds) {
        Run done = survivor.runs().get(id).await(Duration.ofSeconds(60));
        assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.SUCCEEDED);
      }
      lastTakeover = System.nanoTime() - killedAt;
      LoggerFactory.getLogger(SeparateProcessTest.class).info("the {} runs of the killed engine were taken over {} ms "
          + "and finished {} ms after the kill (lease {} ms)", tenants, TimeUnit.NANOSECONDS.toMillis(takeover),
          TimeUnit.NANOSECONDS.toMillis(lastTakeover), LEASE.toMillis());
    }
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), coalesce(max(creates), 0) FROM test_objects")) {
      rs.next();
      assertThat(rs.getInt(1)).as("one object per run").isEqualTo(tenants);
      assertThat(rs.getInt(2)).as("no object created twice").isEqualTo(1);
    }
  }

  private static int activeOwnedBy(DataSource ds, String owner) throws Exception {
    try (Connection c = ds.getConnection(); java.sql.PreparedStatement p = c.prepareStatement(
        "SELECT count(*) FROM tw_run WHERE owner = ? AND active_environment IS NOT NULL")) {
      p.setString(1, owner);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void waitUntilAllStepsStarted(DataSource ds, int expected) throws Exception {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
      try (Connection c = ds.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM test_objects")) {
        rs.next();
        return rs.getInt(1) == expected;
      }
    });
  }
}
