package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.FleetOperation;
import dev.tenantwright.core.FleetRequest;
import dev.tenantwright.core.FleetSchedule;
import dev.tenantwright.core.FleetState;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.PageRequest;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.spi.EnvironmentKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Scheduled drift scans on one PostgreSQL journal watched by two engines: the schedule outlives the engine that made
 * it, fires once per interval whichever engines watch it, and every firing scans every environment.
 */
class FleetScheduleTest {

  final MemoryBackend backend = new MemoryBackend();
  final List<Tenantwright> opened = new ArrayList<>();

  Tenantwright engine(DataSource ds, String owner) {
    Tenantwright tw = Stores.on(ds).owner(owner).leaseDuration(Duration.ofSeconds(2)).blueprint(MultiEngineTest.pair())
        .resourceType(backend.type()).fleetInterval(Duration.ofMillis(50))
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50)).build();
    opened.add(tw);
    return tw;
  }

  @AfterEach
  void closeAll() {
    opened.forEach(tw -> tw.close(Duration.ZERO));
  }

  @Test
  void aScheduledScanFiresOncePerIntervalAcrossEnginesAndOutlivesTheEngineThatMadeIt() throws Exception {
    DataSource ds = Stores.freshPostgres();
    Tenantwright maker = engine(ds, "maker");
    for (int i = 0; i < 3; i++) {
      Tenant t = maker.tenants().create(NewTenant.company("Scan " + i).email("s" + i + "@example.test"));
      maker.environments().provision(t.id(), EnvironmentKind.DEMO, RunOptions.defaults()).awaitSuccess(Duration.ofSeconds(30));
    }
    assertThatThrownBy(() -> maker.fleet().schedule("Nightly!", Duration.ofSeconds(1), FleetRequest.refresh()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("name");
    assertThatThrownBy(() -> maker.fleet().schedule("nightly", Duration.ofMillis(10), FleetRequest.refresh()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("interval");
    FleetSchedule s = maker.fleet().schedule("nightly", Duration.ofSeconds(1), FleetRequest.refresh().canary(3)
        .maxInFlight(2));
    assertThat(s.kind()).isEqualTo(RunKind.REFRESH);
    maker.close(Duration.ZERO);

    Tenantwright a = engine(ds, "engine-a");
    Tenantwright b = engine(ds, "engine-b");
    long started = System.nanoTime();
    Thread.sleep(4_500);
    assertThat(a.fleet().unschedule("nightly")).isTrue();
    double seconds = (System.nanoTime() - started) / 1e9;

    List<FleetOperation> ops = new ArrayList<>(a.fleet().list(PageRequest.first(100)).items());
    ops.sort(Comparator.comparing(FleetOperation::createdAt));
    // one firing per elapsed interval (the first was due one interval after the schedule was made), never two
    assertThat(ops.size()).isBetween(3, (int) Math.ceil(seconds) + 1);
    for (int i = 1; i < ops.size(); i++) {
      assertThat(Duration.between(ops.get(i - 1).createdAt(), ops.get(i).createdAt()))
          .as("firings %d and %d", i - 1, i).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }
    for (FleetOperation op : ops) {
      FleetOperation done = b.fleet().await(op.id(), Duration.ofSeconds(30));
      assertThat(done.schedule()).isEqualTo("nightly");
      assertThat(done.state()).isEqualTo(FleetState.COMPLETED);
      assertThat(done.counts().succeeded() + done.counts().skipped()).isEqualTo(3);
    }
    assertThat(a.fleet().schedules()).isEmpty();
  }
}
