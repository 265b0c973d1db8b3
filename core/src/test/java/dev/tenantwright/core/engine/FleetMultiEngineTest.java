package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.FleetOperation;
import dev.tenantwright.core.FleetRequest;
import dev.tenantwright.core.FleetState;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One roll-out driven by two engines on PostgreSQL never has more runs in flight than its limit, all engines counted. */
class FleetMultiEngineTest {

  final MemoryBackend backend = new MemoryBackend();
  final List<Tenantwright> opened = new ArrayList<>();

  static Blueprint pair(int version) {
    return Blueprint.builder("pair").version(version)
        .resource("a", "mem.object", r -> r.param("value", "a" + version))
        .resource("b", "mem.object", r -> r.param("value", "${a.id}"))
        .build();
  }

  Tenantwright engine(DataSource ds, String owner) {
    Tenantwright tw = Stores.on(ds).owner(owner).leaseDuration(Duration.ofSeconds(2)).blueprint(pair(1))
        .blueprint(pair(2)).resourceType(backend.type()).fleetInterval(Duration.ofMillis(50))
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50)).build();
    opened.add(tw);
    return tw;
  }

  @AfterEach
  void closeAll() {
    opened.forEach(tw -> tw.close(Duration.ZERO));
  }

  @Test
  void twoEnginesDrivingOneRollOutKeepItsMaxInFlightTogether() throws Exception {
    DataSource ds = Stores.freshPostgres();
    Tenantwright a = engine(ds, "engine-a");
    Tenantwright b = engine(ds, "engine-b");
    for (int i = 0; i < 10; i++) {
      Tenant t = a.tenants().create(NewTenant.company("Shared " + i).email("x" + i + "@example.test"));
      a.environments().provision(t.id(), EnvironmentKind.DEMO, RunOptions.defaults().blueprintVersion(1))
          .awaitSuccess(Duration.ofSeconds(30));
    }
    backend.createLatency = Duration.ofMillis(40);
    FleetOperation op = a.fleet().start(FleetRequest.update().blueprintVersion("pair", 2).canary(10).maxInFlight(3));
    int most = 0;
    while (b.fleet().get(op.id()).state() == FleetState.RUNNING) {
      most = Math.max(most, inFlight(ds, op.id()));
      Thread.sleep(2);
    }
    FleetOperation done = b.fleet().get(op.id());
    assertThat(done.state()).isEqualTo(FleetState.COMPLETED);
    assertThat(done.counts().succeeded()).isEqualTo(10);
    assertThat(most).as("runs in flight at once, both engines counted").isBetween(1, 3);
  }

  /** Runs of the operation's environments that are active now, read straight from the journal. */
  private static int inFlight(DataSource ds, String op) throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM tw_run r JOIN tw_fleet_item i ON i.run_id = r.id"
            + " WHERE i.op_id = '" + op + "' AND r.active_environment IS NOT NULL")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
