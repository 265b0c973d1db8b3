package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.EngineHealth;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.engine.MemoryBackend.Phase;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.PermanentException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@link Tenantwright#health()} on each store: a reachable journal and its two run counts — runs awaiting takeover,
 * runs needing attention — and a journal that does not answer. {@link H2HealthTest} and {@link PostgresHealthTest}
 * run it.
 */
abstract class HealthContract extends EngineContractSupport {

  HealthContract(Fixture fixture) {
    super(fixture);
  }

  @Test
  void aJournalWithOnlyFinishedRunsIsReachableAndNothingWaits() {
    Tenantwright tw = open(EngineContract.chain());
    assertThat(tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT).state())
        .isEqualTo(RunState.SUCCEEDED);

    EngineHealth health = tw.health();

    assertThat(health.journalReachable()).isTrue();
    assertThat(health.journalError()).isNull();
    assertThat(health.runsAwaitingTakeover()).isZero();
    assertThat(health.runsNeedingAttention()).isZero();
  }

  @Test
  void aRunLeftByAStoppedEngineAwaitsTakeoverUntilAnEngineClaimsIt() throws Exception {
    CountDownLatch hold = backend.blockAfter("b", "create");
    // a short lease: should the stopped engine's worker still be inside the backend call as close returns, its lease
    // is not given back and the run is free only once it expires
    Tenantwright first = open(store().blueprint(EngineContract.chain()).leaseDuration(Duration.ofSeconds(1)));
    Run run = first.environments().provision(abc(first).id(), EnvironmentKind.DEMO);
    backend.awaitBlocked("b", "create");
    first.close(Duration.ZERO);
    hold.countDown();

    // Holding the run's row keeps the next engine's sweep from claiming it (PostgreSQL skips a locked row, H2 waits
    // for it), while reads such as the health check's still see it: a window in which nothing takes the run over.
    Tenantwright second;
    try (Connection lock = dataSource().getConnection()) {
      lock.setAutoCommit(false);
      try (PreparedStatement ps = lock.prepareStatement("SELECT id FROM tw_run WHERE id = ? FOR UPDATE")) {
        ps.setString(1, run.id());
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
        }
      }
      second = open(store().blueprint(EngineContract.chain()).recoverOnStart(false));
      Awaitility.await().atMost(WAIT).until(() -> second.health().runsAwaitingTakeover() == 1);
      assertThat(second.health().runsNeedingAttention()).isZero();
      lock.commit();
    }

    assertThat(second.runs().get(run.id()).await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(second.health().runsAwaitingTakeover()).isZero();
  }

  @Test
  void aStalledRunNeedsAttentionAndStillDoesOnceAnOperatorForceFailedIt() throws Exception {
    CountDownLatch hold = backend.blockAfter("b", "create");
    Duration lease = Duration.ofSeconds(1);
    Tenantwright first = open(store().blueprint(EngineContract.chain()).leaseDuration(lease));
    Run run = first.environments().provision(abc(first).id(), EnvironmentKind.DEMO);
    backend.awaitBlocked("b", "create");
    first.close(Duration.ZERO);
    hold.countDown();

    Blueprint other = Blueprint.builder("other").resource("z", "mem.object", r -> r.param("value", "z")).build();
    Tenantwright second = open(store().blueprint(other).leaseDuration(lease));
    Awaitility.await().atMost(WAIT).until(() -> second.health().runsNeedingAttention() == 1);
    assertThat(second.runs().get(run.id()).state()).as("stalled, not finished").isEqualTo(RunState.RUNNING);
    assertThat(second.health().runsAwaitingTakeover()).as("a stalled run is not waiting for an engine").isZero();

    second.runs().forceFail(run.id(), "ops", "blueprint chain was retired");

    assertThat(second.health().runsNeedingAttention()).as("failed with its steps in doubt").isEqualTo(1);
    assertThat(second.health().runsAwaitingTakeover()).isZero();
  }

  @Test
  void aFailedRunNeedsAttentionUntilItsEnvironmentIsDestroyedAndACleanRollbackNeverDoes() {
    Tenantwright tw = open(EngineContract.chain());
    backend.fail("c", "create", Phase.BEFORE, 1, () -> new PermanentException("mem: quota exceeded"));
    Tenant clean = tw.tenants().create(NewTenant.company("Clean Rollback").email("ops@clean.example"));
    assertThat(tw.environments().provision(clean.id(), EnvironmentKind.DEMO).await(WAIT).state())
        .isEqualTo(RunState.ROLLED_BACK);
    assertThat(tw.health().runsNeedingAttention()).as("a clean rollback leaves nothing to do").isZero();

    backend.fail("c", "create", Phase.BEFORE, 1, () -> new PermanentException("mem: quota exceeded"));
    backend.fail("a", "delete", Phase.BEFORE, 100, () -> new PermanentException("mem: a is locked"));
    Tenant t = abc(tw);
    assertThat(tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT).state())
        .isEqualTo(RunState.FAILED);
    assertThat(tw.health().runsNeedingAttention()).isEqualTo(1);

    backend.clearFaults();
    assertThat(tw.environments().destroy(t.id(), "demo", RunOptions.defaults()).await(WAIT).state())
        .isEqualTo(RunState.SUCCEEDED);

    assertThat(tw.health().runsNeedingAttention()).isZero();
    assertThat(tw.health().journalReachable()).isTrue();
  }

  @Test
  void aJournalThatDoesNotAnswerIsReportedUnreachableInsteadOfThrown() {
    SwitchableDataSource journal = new SwitchableDataSource(dataSource());
    Tenantwright tw = open(Stores.on(journal).blueprint(EngineContract.chain()));
    assertThat(tw.health().journalReachable()).isTrue();

    journal.down = true;
    EngineHealth down = tw.health();

    assertThat(down.journalReachable()).isFalse();
    assertThat(down.journalError()).contains("database is down");
    assertThat(down.runsAwaitingTakeover()).isZero();
    assertThat(down.runsNeedingAttention()).isZero();

    journal.down = false;
    assertThat(tw.health().journalReachable()).isTrue();
  }

  /** A DataSource whose database can be made unreachable: every connection is refused while {@link #down}. */
  static final class SwitchableDataSource implements DataSource {
    private final DataSource target;
    volatile boolean down;

    SwitchableDataSource(DataSource target) {
      this.target = target;
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (down) {
        throw new SQLTransientConnectionException("the journal database is down (test)", "08001");
      }
      return target.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
      return target.isWrapperFor(iface);
    }
  }
}
