package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.FleetItem;
import dev.tenantwright.core.FleetItemState;
import dev.tenantwright.core.FleetOperation;
import dev.tenantwright.core.FleetState;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.PageRequest;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
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

/**
 * A roll-out whose engine is killed with {@code kill -9} in the middle of its canary wave is finished by another
 * engine on the same PostgreSQL journal: every environment is updated by exactly one run, no object is made twice, and
 * the waves go on in order.
 */
class FleetCrashTest {

  static final Duration LEASE = Duration.ofSeconds(2);

  @Test
  void aRollOutWhoseEngineIsKilledMidWaveIsFinishedByAnotherEngineWithOneRunPerEnvironment() throws Exception {
    DataSource ds = Stores.freshPostgres();
    SqlObjectType.createTable(ds);
    String url;
    try (Connection c = ds.getConnection()) {
      url = c.getMetaData().getURL();
    }
    int environments = 6;
    try (Tenantwright setup = FleetProcess.engine(ds, "setup", LEASE, 5)) {
      List<Run> runs = new ArrayList<>();
      for (int i = 0; i < environments; i++) {
        Tenant t = setup.tenants().create(NewTenant.company("Fleet Tenant " + i).email("f" + i + "@example.test"));
        runs.add(setup.environments().provision(t.id(), EnvironmentKind.DEMO, RunOptions.defaults().blueprintVersion(1)));
      }
      runs.forEach(r -> r.awaitSuccess(Duration.ofSeconds(60)));
    }
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), FleetProcess.class.getName(), url, "child-engine", "300000")
        .redirectErrorStream(true).start();
    String opId = null;
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    java.io.PrintWriter childLog = new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(
        Path.of("target", "fleet-process.log")), true);
    for (String line = out.readLine(); line != null && !line.equals("READY"); line = out.readLine()) {
      childLog.println(line);
      if (line.startsWith("OP ")) {
        opId = line.substring(3);
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
    assertThat(opId).isNotNull();
    child.destroyForcibly();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

    try (Tenantwright survivor = FleetProcess.engine(ds, "survivor", LEASE, 5)) {
      FleetOperation done = survivor.fleet().await(opId, Duration.ofSeconds(90));
      assertThat(done.state()).as(String.valueOf(done.reason())).isEqualTo(FleetState.COMPLETED);
      List<FleetItem> items = survivor.fleet().items(opId, PageRequest.first(100)).items();
      assertThat(items).hasSize(environments).extracting(FleetItem::state).containsOnly(FleetItemState.SUCCEEDED);
      for (FleetItem i : items) {
        assertThat(survivor.runs().list(i.tenantId(), i.environment()))
            .filteredOn(r -> r.kind() == RunKind.UPDATE).hasSize(1);
        assertThat(survivor.environments().find(i.tenantId(), i.environment()).orElseThrow().blueprintVersion())
            .isEqualTo(2);
      }
    }
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), coalesce(max(creates), 0) FROM test_objects")) {
      rs.next();
      assertThat(rs.getInt(1)).as("one object per environment").isEqualTo(environments);
      assertThat(rs.getInt(2)).as("no object created twice").isEqualTo(1);
    }
  }
}
