package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.EnvironmentStatus;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.FleetOperation;
import dev.tenantwright.core.FleetRequest;
import dev.tenantwright.core.FleetState;
import dev.tenantwright.core.PolicyViolationException;
import dev.tenantwright.core.PruneResult;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.engine.MemoryBackend.Phase;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Retention on each store ({@link H2RetentionTest}, {@link PostgresRetentionTest}): pruning removes what old finished
 * runs leave behind — steps, checkpoints, progress events, run rows, finished webhook deliveries — and keeps the audit
 * trail (approvals, refusals, tenant events, live runs' run-level events), unfinished and newest runs, and everything
 * status and retry read.
 */
abstract class RetentionContract extends EngineContractSupport {

  static final Duration DAY = Duration.ofDays(1);

  final MovableClock clock = new MovableClock();

  RetentionContract(Fixture fixture) {
    super(fixture);
  }

  @Override
  protected Tenantwright.Builder wire(Tenantwright.Builder b) {
    return super.wire(b).resourceType(new NoteType()).clock(clock);
  }

  /** a (an object with the greeting), then n (a step that records a checkpoint). */
  static Blueprint noted() {
    return Blueprint.builder("noted")
        .var("greeting", "hello")
        .resource("a", "mem.object", r -> r.param("value", "${vars.greeting}"))
        .resource("n", "note.kept", r -> r.param("value", "${vars.greeting}").needs("a"))
        .build();
  }

  /** An engine pruning what finished more than a day ago. */
  Tenantwright retaining() {
    return open(store().blueprint(noted()).retention(DAY));
  }

  static RunOptions greeting(String value) {
    return RunOptions.defaults().parameter("greeting", value);
  }

  @Test
  void finishedFleetOperationsArePrunedWithTheirReportAndAHaltedOneIsKept() {
    Tenantwright tw = open(store().blueprint(noted()).retention(DAY).fleetInterval(Duration.ofMillis(50))
        .waveGate("closed", (op, wave, ok) -> java.util.Optional.of("closed for the test")));
    Tenant t = abc(tw);
    succeeded(tw.environments().provision(t.id(), EnvironmentKind.DEMO));
    FleetOperation done = tw.fleet().await(tw.fleet().start(FleetRequest.refresh()).id(), WAIT);
    FleetOperation halted = tw.fleet().await(tw.fleet().start(FleetRequest.refresh().gate("closed")).id(), WAIT);
    assertThat(done.state()).isEqualTo(FleetState.COMPLETED);
    assertThat(halted.state()).isEqualTo(FleetState.HALTED);
    clock.advance(DAY.multipliedBy(2));

    assertThat(tw.prune().fleetOperations()).isOne();
    assertThat(tw.fleet().find(done.id())).isEmpty();
    assertThat(count("SELECT count(*) FROM tw_fleet_item WHERE op_id = ?", done.id())).isZero();
    assertThat(tw.fleet().find(halted.id())).isPresent();
    assertThat(tw.fleet().items(halted.id(), dev.tenantwright.core.PageRequest.first()).items()).hasSize(1);
  }

  @Test
  void pruningRemovesOldRunsStepsCheckpointsAndProgressButKeepsTheAuditTrailAndWhatStatusReads() {
    Tenantwright tw = retaining();
    Tenant t = abc(tw);
    String id = t.id();
    Run d1 = succeeded(tw.environments().provision(id, EnvironmentKind.DEMO));
    Run d2 = succeeded(tw.environments().update(id, "demo", greeting("two")));
    Run d3 = succeeded(tw.environments().reset(id, "demo", RunOptions.defaults().approval("carol", "demo refresh")));
    Run d4 = succeeded(tw.environments().update(id, "demo", greeting("four")));
    Run l1 = succeeded(tw.environments().provision(id, EnvironmentKind.LIVE));
    Run l2 = succeeded(tw.environments().update(id, "live", greeting("two")));
    assertThatThrownBy(() -> tw.environments().destroy(id, "live", RunOptions.defaults()))
        .isInstanceOf(PolicyViolationException.class);
    Run l3 = succeeded(tw.environments().reset(id, "live", RunOptions.defaults().approval("alice", "CHG-42 reset")));
    Run l4 = succeeded(tw.environments().update(id, "live", greeting("four")));
    clock.advance(DAY.multipliedBy(2));
    Run d5 = succeeded(tw.environments().update(id, "demo", greeting("five")));
    Run d6 = succeeded(tw.environments().update(id, "demo", greeting("six")));

    List<String> pruned = List.of(d2.id(), d3.id(), d4.id(), l2.id(), l3.id());
    assertThat(count("SELECT count(*) FROM tw_step_checkpoint WHERE run_id = ?", d2.id())).as("n checkpoints").isOne();
    int steps = pruned.stream().mapToInt(r -> count("SELECT count(*) FROM tw_step WHERE run_id = ?", r)).sum();
    int progress = count("SELECT count(*) FROM tw_event WHERE run_id = ?", d2.id())
        + count("SELECT count(*) FROM tw_event WHERE run_id = ?", d4.id())
        + List.of(d3.id(), l2.id(), l3.id()).stream()
            .mapToInt(r -> count("SELECT count(*) FROM tw_event WHERE run_id = ? AND type NOT LIKE 'RUN%'", r)).sum();
    EnvironmentStatus demo = tw.environments().status(id, "demo");
    EnvironmentStatus live = tw.environments().status(id, "live");
    var resources = List.of(tw.environments().find(id, "demo").orElseThrow().resources(),
        tw.environments().find(id, "live").orElseThrow().resources());

    PruneResult result = tw.prune();

    assertThat(result).isEqualTo(new PruneResult(5, steps, progress, 0, 0));
    for (String r : pruned) {
      assertThat(tw.runs().find(r)).as("run row of %s", r).isEmpty();
      assertThat(count("SELECT count(*) FROM tw_step WHERE run_id = ?", r)).as("steps of %s", r).isZero();
      assertThat(count("SELECT count(*) FROM tw_step_checkpoint WHERE run_id = ?", r)).isZero();
    }
    assertThat(eventTypes(d2.id())).as("a plain demo run leaves nothing").isEmpty();
    assertThat(eventTypes(d4.id())).isEmpty();
    for (Run audited : List.of(d3, l2, l3)) {
      assertThat(eventTypes(audited.id())).as("what stays of %s", audited.kind())
          .containsExactly("RUN_QUEUED", "RUN_STARTED", "RUN_SUCCEEDED");
    }
    List<Event> history = tw.tenants().history(id);
    assertThat(history).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo(EventType.RUN_QUEUED);
      assertThat(e.actor()).isEqualTo("alice");
      assertThat(e.message()).contains("reset of live").contains("approved by alice: CHG-42 reset");
    });
    assertThat(history).anySatisfy(e -> assertThat(e.message()).contains("approved by carol: demo refresh"));
    assertThat(history).extracting(Event::type).contains(EventType.TENANT_CREATED, EventType.POLICY_REFUSED);
    assertThat(tw.runs().list(id, "demo")).extracting(Run::id).containsExactly(d1.id(), d5.id(), d6.id());
    assertThat(tw.runs().list(id, "live")).extracting(Run::id).containsExactly(l1.id(), l4.id());
    assertThat(tw.runs().get(d1.id()).steps()).as("the newest provisioning run stays whole").hasSize(2);
    assertThat(tw.runs().get(d5.id()).events()).as("a recent run stays whole").isNotEmpty();
    assertThat(tw.environments().status(id, "demo")).isEqualTo(demo);
    assertThat(tw.environments().status(id, "live")).isEqualTo(live);
    assertThat(List.of(tw.environments().find(id, "demo").orElseThrow().resources(),
        tw.environments().find(id, "live").orElseThrow().resources())).isEqualTo(resources);
    assertThat(tw.prune()).as("a second pass finds nothing").isEqualTo(new PruneResult(0, 0, 0, 0, 0));
  }

  @Test
  void aRetryAfterPruningCountsTheFailedAttemptsAndReusesTheLastProvisioningVariables() {
    Tenantwright tw = retaining();
    String id = abc(tw).id();
    succeeded(tw.environments().provision(id, EnvironmentKind.DEMO));
    succeeded(tw.environments().update(id, "demo", greeting("two")));
    succeeded(tw.environments().destroy(id, "demo", RunOptions.defaults()));
    backend.fail("a", "create", Phase.BEFORE, 2, () -> new PermanentException("mem: quota exceeded"));
    Run p2 = tw.environments().provision(id, EnvironmentKind.DEMO, greeting("bonjour")).await(WAIT);
    Run p3 = tw.environments().retry(id, "demo", RunOptions.defaults()).await(WAIT);
    assertThat(List.of(p2.state(), p3.state())).containsOnly(RunState.ROLLED_BACK);
    EnvironmentStatus before = tw.environments().status(id, "demo");
    assertThat(before.state()).isEqualTo(EnvironmentState.FAILED);
    assertThat(before.failedAttempts()).isEqualTo(2);
    clock.advance(DAY.multipliedBy(2));

    assertThat(tw.prune().runs()).as("provision, update and destroy").isEqualTo(3);

    assertThat(tw.environments().status(id, "demo")).isEqualTo(before);
    assertThat(tw.runs().list(id, "demo")).extracting(Run::id).containsExactly(p2.id(), p3.id());
    backend.clearFaults();
    Run retried = succeeded(tw.environments().retry(id, "demo", RunOptions.defaults()));
    assertThat(retried.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(backend.objects.get("abc-corporation--demo--a").value()).isEqualTo("bonjour");
  }

  @Test
  void theBackgroundPrunerRunsEveryInterval() {
    Tenantwright tw = open(store().blueprint(noted()).retention(DAY).retentionInterval(Duration.ofMillis(200)));
    String id = abc(tw).id();
    succeeded(tw.environments().provision(id, EnvironmentKind.DEMO));
    Run old = succeeded(tw.environments().update(id, "demo", greeting("two")));
    succeeded(tw.environments().update(id, "demo", greeting("three")));
    assertThat(tw.runs().find(old.id())).isPresent();

    clock.advance(DAY.multipliedBy(2));

    Awaitility.await().atMost(WAIT).until(() -> tw.runs().find(old.id()).isEmpty());
    assertThat(eventTypes(old.id())).isEmpty();
  }

  @Test
  void finishedWebhookDeliveriesGoAfterTheRetentionAgeAndPendingOnesStay() throws SQLException {
    Tenantwright tw = retaining();
    String id = abc(tw).id();
    long now = clock.millis();
    long old = now - DAY.multipliedBy(2).toMillis();
    delivery("old-delivered", 1, id, "DELIVERED", old, old);
    delivery("old-failed", 2, id, "FAILED", old, old);
    delivery("old-pending", 3, id, "PENDING", old, null);
    delivery("new-delivered", 4, id, "DELIVERED", now, now);

    assertThat(tw.prune().deliveries()).isEqualTo(2);

    assertThat(strings("SELECT id FROM tw_webhook_delivery ORDER BY id")).containsExactly("new-delivered",
        "old-pending");
  }

  @Test
  void pruningWithoutARetentionIsRefusedNamingIt() {
    Tenantwright tw = open(store().blueprint(noted()));

    assertThatThrownBy(tw::prune).isInstanceOfSatisfying(ValidationException.class,
        e -> assertThat(e.field()).isEqualTo("retention"));
  }

  /** Waits for a run and checks that it succeeded. */
  static Run succeeded(Run run) {
    Run done = run.await(WAIT);
    assertThat(done.state()).as("%s: %s", done.kind(), done.error()).isEqualTo(RunState.SUCCEEDED);
    return done;
  }

  /** The types of a run's events as the journal holds them, in order. */
  List<String> eventTypes(String runId) {
    return strings("SELECT type FROM tw_event WHERE run_id = ? ORDER BY id", runId);
  }

  int count(String query, Object... args) {
    return Integer.parseInt(strings(query, args).get(0));
  }

  List<String> strings(String query, Object... args) {
    try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(query)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void delivery(String id, long eventId, String tenantId, String state, long createdAt, Long finishedAt)
      throws SQLException {
    try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO tw_webhook_delivery (id, endpoint, event_id, tenant_id, event_type, payload, state, attempts,"
            + " next_at, created_at, finished_at) VALUES (?, 'crm', ?, ?, 'RUN_SUCCEEDED', '{}', ?, 1, ?, ?, ?)")) {
      ps.setString(1, id);
      ps.setLong(2, eventId);
      ps.setString(3, tenantId);
      ps.setString(4, state);
      ps.setLong(5, createdAt);
      ps.setLong(6, createdAt);
      ps.setObject(7, finishedAt, java.sql.Types.BIGINT);
      ps.executeUpdate();
    }
  }

  /**
   * A clock that a test moves on by days, and that moves on by a millisecond each time it is read: runs started one
   * after the other never share a creation time, which orders an environment's runs.
   */
  static final class MovableClock extends Clock {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-06-02T09:00:00Z"));

    void advance(Duration d) {
      now.updateAndGet(i -> i.plus(d));
    }

    @Override
    public Instant instant() {
      return now.getAndUpdate(i -> i.plusMillis(1));
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("a movable clock keeps UTC");
    }
  }

  record NoteSpec(@Nullable String value) {}

  record NoteOut(String value) {}

  /** A step that records a checkpoint before it reports its value. */
  static final class NoteType implements ResourceType<NoteSpec, NoteOut> {
    @Override
    public String type() {
      return "note.kept";
    }

    @Override
    public Class<NoteSpec> specType() {
      return NoteSpec.class;
    }

    @Override
    public Class<NoteOut> outputType() {
      return NoteOut.class;
    }

    @Override
    public CreateResult<NoteOut> create(NoteSpec spec, StepContext ctx) {
      ctx.checkpoint("noted", String.valueOf(spec.value()));
      return CreateResult.created(new NoteOut(String.valueOf(spec.value())));
    }

    @Override
    public Optional<NoteOut> read(NoteSpec spec, NoteOut outputs, StepContext ctx) {
      return Optional.ofNullable(outputs);
    }

    @Override
    public void delete(NoteSpec spec, NoteOut outputs, StepContext ctx) {}
  }
}
