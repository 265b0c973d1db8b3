package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.DriftReport;
import dev.tenantwright.core.DriftStatus;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.EnvironmentStatus;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.FleetItem;
import dev.tenantwright.core.FleetItemState;
import dev.tenantwright.core.FleetOperation;
import dev.tenantwright.core.FleetRequest;
import dev.tenantwright.core.FleetState;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.PageRequest;
import dev.tenantwright.core.Plan;
import dev.tenantwright.core.PolicyViolationException;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.engine.MemoryBackend.Obj;
import dev.tenantwright.core.engine.MemoryBackend.Phase;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Day two on every store: drift found by a refresh and mended by a repair, blueprint versions and pins, fleet
 * roll-outs in waves that halt on their failure threshold and resume after an engine stopped mid-way.
 */
abstract class DayTwoContract extends EngineContractSupport {

  DayTwoContract(Fixture fixture) {
    super(fixture);
  }

  static Blueprint chain(int version, String d) {
    return Blueprint.builder("chain").version(version)
        .var("greeting", "hello")
        .resource("a", "mem.object", r -> r.param("value", "${vars.greeting} from ${tenant.name}"))
        .resource("b", "mem.object", r -> r.param("value", "after ${a.id}"))
        .resource("c", "mem.object", r -> r.param("value", "c").needs("b"))
        .resource("d", "mem.object", r -> r.param("value", d))
        .build();
  }

  private Tenantwright open() {
    return open(store().blueprint(chain(1, "d")).fleetInterval(Duration.ofMillis(100)));
  }

  private String key(Tenantwright tw, String tenant, String env, String resource) {
    return tw.environments().backendName(tenant, env, resource);
  }

  private int count(String entry) {
    return (int) backend.log.stream().filter(entry::equals).count();
  }

  // ------------------------------------------------------------------------------------------ drift

  @Test
  void aRefreshReportsAFieldEditedOutOfBandByNameAndADeletedObjectAsGoneWithoutChangingAnything() {
    Tenantwright tw = open();
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).awaitSuccess(WAIT);
    backend.scribble(key(tw, t.id(), "demo", "a"), "edited by hand");
    backend.objects.remove(key(tw, t.id(), "demo", "c"));
    int logged = backend.log.size();

    Run refresh = tw.environments().refresh(t.id(), "demo", RunOptions.defaults());
    assertThat(refresh.awaitSuccess(WAIT).kind()).isEqualTo(RunKind.REFRESH);

    DriftReport drift = tw.environments().drift(t.id(), "demo").orElseThrow();
    assertThat(drift.runId()).isEqualTo(refresh.id());
    assertThat(drift.resource("a").status()).isEqualTo(DriftStatus.CHANGED);
    assertThat(drift.resource("a").fields()).containsExactly("value");
    assertThat(drift.resource("c").status()).isEqualTo(DriftStatus.GONE);
    assertThat(drift.resource("b").status()).isEqualTo(DriftStatus.IN_SYNC);
    assertThat(drift.resource("d").status()).isEqualTo(DriftStatus.IN_SYNC);
    assertThat(drift.inSync()).isFalse();
    List<Event> found = events.stream().filter(e -> e.type() == EventType.DRIFT_FOUND).toList();
    assertThat(found).extracting(Event::step).containsExactlyInAnyOrder("a", "c");
    assertThat(found).extracting(Event::message).noneMatch(m -> m.contains("edited by hand"))
        .anyMatch(m -> m.contains("value"));
    // nothing was touched: no create, update or delete, and the environment is as it was
    assertThat(backend.log).hasSize(logged);
    Environment env = tw.environments().find(t.id(), "demo").orElseThrow();
    assertThat(env.state()).isEqualTo(EnvironmentState.READY);
    assertThat(env.resource("a").outputs()).containsEntry("value", "hello from ABC Corporation");
  }

  @Test
  void aSecretChangedOutOfBandIsReportedByItsFieldNameOnly() {
    Tenantwright tw = open();
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).awaitSuccess(WAIT);
    String k = key(tw, t.id(), "demo", "d");
    Obj o = backend.objects.get(k);
    backend.objects.put(k, new Obj(o.name(), o.marker(), o.value(), Secret.of("stolen-and-replaced")));

    tw.environments().refresh(t.id(), "demo", RunOptions.defaults()).awaitSuccess(WAIT);

    DriftReport drift = tw.environments().drift(t.id(), "demo").orElseThrow();
    assertThat(drift.resource("d").fields()).containsExactly("token");
    assertThat(drift.toString()).doesNotContain("stolen-and-replaced");
    assertThat(tw.tenants().history(t.id())).extracting(Event::message).noneMatch(m -> m.contains("stolen"));
  }

  @Test
  void aRepairRecreatesWhatIsGoneUpdatesWhatChangedAndTheNextRefreshIsInSync() {
    Tenantwright tw = open();
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).awaitSuccess(WAIT);
    backend.scribble(key(tw, t.id(), "demo", "a"), "edited by hand");
    backend.objects.remove(key(tw, t.id(), "demo", "c"));
    tw.environments().refresh(t.id(), "demo", RunOptions.defaults()).awaitSuccess(WAIT);

    Plan plan = tw.environments().plan(t.id(), "demo", RunKind.REPAIR, RunOptions.defaults());
    Map<String, StepAction> actions = plan.steps().stream().collect(Collectors.toMap(Plan.Step::name,
        Plan.Step::action));
    assertThat(actions).containsEntry("a", StepAction.UPDATE).containsEntry("c", StepAction.CREATE)
        .containsEntry("d", StepAction.NOOP);
    Run repair = tw.environments().repair(t.id(), "demo", RunOptions.defaults());
    repair.awaitSuccess(WAIT);

    assertThat(backend.objects.get(key(tw, t.id(), "demo", "a")).value()).isEqualTo("hello from ABC Corporation");
    assertThat(backend.objects).containsKey(key(tw, t.id(), "demo", "c"));
    assertThat(count("create:c")).isEqualTo(2);
    tw.environments().refresh(t.id(), "demo", RunOptions.defaults()).awaitSuccess(WAIT);
    assertThat(tw.environments().drift(t.id(), "demo").orElseThrow().inSync()).isTrue();
  }

  @Test
  void anAdoptedObjectThatDriftedIsReportedAndLeftAlone() {
    Tenantwright tw = open();
    Tenant t = abc(tw);
    backend.preExisting("abc-corporation--demo--d", "tw:abc-corporation/demo/d@0000earlier00", "d");
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).awaitSuccess(WAIT);
    assertThat(tw.environments().find(t.id(), "demo").orElseThrow().resource("d").origin()).isEqualTo("ADOPTED");
    backend.scribble("abc-corporation--demo--d", "changed by its owner");
    backend.objects.remove(key(tw, t.id(), "demo", "c"));
    tw.environments().refresh(t.id(), "demo", RunOptions.defaults()).awaitSuccess(WAIT);
    assertThat(tw.environments().drift(t.id(), "demo").orElseThrow().resource("d").origin()).isEqualTo("ADOPTED");

    Plan plan = tw.environments().plan(t.id(), "demo", RunKind.REPAIR, RunOptions.defaults());
    Plan.Step d = plan.steps().stream().filter(st -> st.name().equals("d")).findFirst().orElseThrow();
    assertThat(d.action()).isEqualTo(StepAction.NOOP);
    assertThat(d.reason()).contains("adopted").contains("[value]").contains("not touched");
    tw.environments().repair(t.id(), "demo", RunOptions.defaults()).awaitSuccess(WAIT);
    assertThat(backend.objects.get("abc-corporation--demo--d").value()).isEqualTo("changed by its owner");
    assertThat(count("update:d")).isZero();
    assertThat(backend.objects).containsKey(key(tw, t.id(), "demo", "c"));
  }

  @Test
  void aRepairNeedsARefreshNewerThanTheLastChange() {
    Tenantwright tw = open();
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).awaitSuccess(WAIT);
    assertThatThrownBy(() -> tw.environments().repair(t.id(), "demo", RunOptions.defaults()))
        .isInstanceOf(ConflictException.class).hasMessageContaining("never refreshed");
    assertThat(tw.environments().drift(t.id(), "demo")).isEmpty();
    tw.environments().refresh(t.id(), "demo", RunOptions.defaults()).awaitSuccess(WAIT);
    tw.environments().update(t.id(), "demo", RunOptions.defaults().parameter("greeting", "hi")).awaitSuccess(WAIT);
    assertThatThrownBy(() -> tw.environments().repair(t.id(), "demo", RunOptions.defaults()))
        .isInstanceOf(ConflictException.class).hasMessageContaining("refresh it again");
  }

  @Test
  void repairingLiveNeedsAnApprovalAndARepairWithNothingToDoNeedsNone() {
    Tenantwright tw = open();
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.LIVE).awaitSuccess(WAIT);
    tw.environments().refresh(t.id(), "live", RunOptions.defaults()).awaitSuccess(WAIT);
    tw.environments().repair(t.id(), "live", RunOptions.defaults()).awaitSuccess(WAIT);

    backend.objects.remove(key(tw, t.id(), "live", "d"));
    tw.environments().refresh(t.id(), "live", RunOptions.defaults()).awaitSuccess(WAIT);
    assertThatThrownBy(() -> tw.environments().repair(t.id(), "live", RunOptions.defaults()))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("approval");
    assertThat(events).extracting(Event::type).contains(EventType.POLICY_REFUSED);
    tw.environments().repair(t.id(), "live", RunOptions.defaults().approval("ops-lead", "restore d"))
        .awaitSuccess(WAIT);
    assertThat(backend.objects).containsKey(key(tw, t.id(), "live", "d"));
  }

  @Test
  void aReadThatFailsFailsTheRefreshButLeavesTheEnvironmentAsItWas() {
    Tenantwright tw = open(store().blueprint(chain(1, "d")).maxAttempts(1));
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).awaitSuccess(WAIT);
    tw.environments().refresh(t.id(), "demo", RunOptions.defaults()).awaitSuccess(WAIT);
    backend.fail("b", "read", Phase.BEFORE, 5, () -> new PermanentException("backend says no"));

    Run failed = tw.environments().refresh(t.id(), "demo", RunOptions.defaults());
    assertThat(failed.await(WAIT).state()).isIn(RunState.ROLLED_BACK, RunState.FAILED);

    Environment env = tw.environments().find(t.id(), "demo").orElseThrow();
    assertThat(env.state()).isEqualTo(EnvironmentState.READY);
    assertThat(env.lastError()).isNull();
    // the findings shown are still those of the last refresh that read everything
    assertThat(tw.environments().drift(t.id(), "demo").orElseThrow().runId()).isNotEqualTo(failed.id());
  }

  @Test
  void aRefreshIsNotWhatStatusShowsAndDoesNotResetAFailedEnvironmentsRetries() {
    Tenantwright tw = open();
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).awaitSuccess(WAIT);
    Run update = tw.environments().update(t.id(), "demo", RunOptions.defaults().parameter("greeting", "hi"));
    update.awaitSuccess(WAIT);
    tw.environments().refresh(t.id(), "demo", RunOptions.defaults()).awaitSuccess(WAIT);
    assertThat(tw.environments().status(t.id(), "demo").runId()).isEqualTo(update.id());

    backend.fail("c", "create", Phase.BEFORE, 100, () -> new PermanentException("no capacity"));
    Run failed = tw.environments().provision(t.id(), EnvironmentKind.LIVE);
    assertThat(failed.await(WAIT).state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(tw.environments().status(t.id(), "live").failedAttempts()).isOne();
    Run scan = tw.environments().refresh(t.id(), "live", RunOptions.defaults());
    assertThat(scan.awaitSuccess(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    EnvironmentStatus live = tw.environments().status(t.id(), "live");
    assertThat(live.failedAttempts()).as("a scan is not a success that resets retries").isOne();
    assertThat(live.runId()).isEqualTo(failed.id());
    assertThat(live.state()).isEqualTo(EnvironmentState.FAILED);
  }

  // ------------------------------------------------------------------------------------------ versions

  @Test
  void environmentsRecordTheirVersionKeepItOnUpdatesAndAPinRefusesAnotherOne() {
    Tenantwright tw = open(store().blueprint(chain(1, "d")).blueprint(chain(2, "d2")));
    assertThat(tw.blueprintVersions("chain")).containsExactly(1, 2);
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO, RunOptions.defaults().blueprintVersion(1))
        .awaitSuccess(WAIT);
    tw.environments().provision(t.id(), EnvironmentKind.LIVE).awaitSuccess(WAIT);
    assertThat(tw.environments().find(t.id(), "demo").orElseThrow().blueprintVersion()).isEqualTo(1);
    assertThat(tw.environments().find(t.id(), "live").orElseThrow().blueprintVersion()).isEqualTo(2);
    assertThat(backend.objects.get(key(tw, t.id(), "live", "d")).value()).isEqualTo("d2");

    tw.environments().update(t.id(), "demo", RunOptions.defaults().parameter("greeting", "hi")).awaitSuccess(WAIT);
    assertThat(tw.environments().find(t.id(), "demo").orElseThrow().blueprintVersion()).isEqualTo(1);
    assertThat(backend.objects.get(key(tw, t.id(), "demo", "d")).value()).isEqualTo("d");

    Environment pinned = tw.environments().pin(t.id(), "demo", 1, "ops");
    assertThat(pinned.pinnedVersion()).isEqualTo(1);
    assertThatThrownBy(() -> tw.environments().update(t.id(), "demo", RunOptions.defaults().blueprintVersion(2)))
        .isInstanceOf(ConflictException.class).hasMessageContaining("pinned to version 1");
    assertThatThrownBy(() -> tw.environments().pin(t.id(), "demo", 7, "ops"))
        .isInstanceOf(ValidationException.class).hasMessageContaining("version");
    assertThat(tw.environments().unpin(t.id(), "demo", "ops").pinnedVersion()).isNull();
    tw.environments().update(t.id(), "demo", RunOptions.defaults().blueprintVersion(2)).awaitSuccess(WAIT);
    assertThat(tw.environments().find(t.id(), "demo").orElseThrow().blueprintVersion()).isEqualTo(2);
    assertThat(backend.objects.get(key(tw, t.id(), "demo", "d")).value()).isEqualTo("d2");
    assertThat(tw.tenants().history(t.id())).extracting(Event::type).contains(EventType.ENVIRONMENT_PINNED);
  }

  // ------------------------------------------------------------------------------------------ fleet

  private List<Tenant> tenants(Tenantwright tw, int n) {
    List<Tenant> out = new ArrayList<>();
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Tenant t = tw.tenants().create(NewTenant.company("Fleet " + i).email("ops" + i + "@fleet.example"));
      out.add(t);
      runs.add(tw.environments().provision(t.id(), EnvironmentKind.DEMO, RunOptions.defaults().blueprintVersion(1)));
    }
    runs.forEach(r -> r.awaitSuccess(WAIT));
    return out;
  }

  /** The operation once nothing of it is in flight any more. */
  private static FleetOperation settled(Tenantwright tw, String op) {
    org.awaitility.Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
        .until(() -> tw.fleet().get(op).counts().running() == 0);
    return tw.fleet().get(op);
  }

  private List<FleetItem> report(Tenantwright tw, String op) {
    List<FleetItem> all = new ArrayList<>();
    PageRequest page = PageRequest.first(5);
    while (page != null) {
      var p = tw.fleet().items(op, page);
      all.addAll(p.items());
      page = p.next(5).orElse(null);
    }
    return all;
  }

  @Test
  void aRollOutHaltsWithinTheWaveThatCrossesItsThresholdAndGoesOnWhenResumed() {
    Tenantwright tw = open(store().blueprint(chain(1, "d")).blueprint(chain(2, "d2"))
        .fleetInterval(Duration.ofMillis(100)));
    List<Tenant> fleet = tenants(tw, 12);
    tw.environments().pin(fleet.get(11).id(), "demo", 1, "ops");
    backend.fail("d", "update", Phase.BEFORE, 2, () -> new PermanentException("the new image does not start"));

    FleetOperation op = tw.fleet().start(FleetRequest.update().blueprintVersion("chain", 2)
        .canary(2).growth(2).maxInFlight(3).failureThreshold(0.25).actor("release-bot"));
    assertThat(op.waveCount()).isEqualTo(3); // 2, 4, 6
    op = tw.fleet().await(op.id(), WAIT);

    assertThat(op.state()).isEqualTo(FleetState.HALTED);
    assertThat(op.wave()).isZero();
    // it halts as soon as the failures pass the threshold; the canary still in flight finishes on its own
    assertThat(op.reason()).containsPattern("wave 0: [12] of 2 environments failed");
    op = settled(tw, op.id());
    List<FleetItem> items = report(tw, op.id());
    assertThat(items).hasSize(12);
    assertThat(items).filteredOn(i -> i.wave() == 0).extracting(FleetItem::state)
        .containsOnly(FleetItemState.ROLLED_BACK);
    assertThat(items).filteredOn(i -> i.wave() > 0).extracting(FleetItem::state).containsOnly(FleetItemState.PENDING);
    assertThat(count("update:d")).isZero();

    backend.clearFaults();
    tw.fleet().resume(op.id(), "ops-lead");
    op = tw.fleet().await(op.id(), WAIT);
    assertThat(op.state()).isEqualTo(FleetState.COMPLETED);
    assertThat(op.counts().succeeded()).isEqualTo(9);
    assertThat(op.counts().skipped()).isEqualTo(1);
    assertThat(op.counts().rolledBack()).isEqualTo(2);
    items = report(tw, op.id());
    FleetItem pinned = items.stream().filter(i -> i.tenantId().equals(fleet.get(11).id())).findFirst().orElseThrow();
    assertThat(pinned.state()).isEqualTo(FleetItemState.SKIPPED);
    assertThat(pinned.detail()).contains("pinned to version 1");
    assertThat(items.get(0).runId()).isNotNull();
    assertThat(items.get(0).detail()).contains("the new image does not start");
    assertThat(count("update:d")).isEqualTo(9);
    for (FleetItem i : items) {
      int expected = i.state() == FleetItemState.SUCCEEDED ? 2 : 1;
      assertThat(tw.environments().find(i.tenantId(), "demo").orElseThrow().blueprintVersion()).isEqualTo(expected);
    }
  }

  @Test
  void aRollOutStoppedWithItsEngineMidWayIsFinishedByTheNextEngineWithEveryEnvironmentUpdatedOnce() throws Exception {
    Tenantwright first = open(store().blueprint(chain(1, "d")).blueprint(chain(2, "d2"))
        .fleetInterval(Duration.ofMillis(100)));
    tenants(first, 8);
    var blocked = backend.blockAfter("d", "update");
    FleetOperation op = first.fleet().start(FleetRequest.update().blueprintVersion("chain", 2).canary(1).growth(3)
        .maxInFlight(2));
    backend.awaitBlocked("d", "update");
    first.close(Duration.ZERO);
    blocked.countDown();

    Tenantwright second = open(store().blueprint(chain(1, "d")).blueprint(chain(2, "d2"))
        .fleetInterval(Duration.ofMillis(100)));
    FleetOperation done = second.fleet().await(op.id(), WAIT);
    assertThat(done.state()).isEqualTo(FleetState.COMPLETED);
    assertThat(done.counts().succeeded()).isEqualTo(8);
    assertThat(report(second, op.id())).extracting(FleetItem::state).containsOnly(FleetItemState.SUCCEEDED);
    // each environment's run was started once, by the operation's key, whichever engine drove it
    assertThat(report(second, op.id())).extracting(FleetItem::runId).doesNotHaveDuplicates().doesNotContainNull();
    assertThat(backend.doubleExecutions.get()).isZero();
    for (FleetItem i : report(second, op.id())) {
      assertThat(second.runs().list(i.tenantId(), "demo")).filteredOn(r -> r.kind() == RunKind.UPDATE).hasSize(1);
    }
  }

  @Test
  void aScanOfAllEnvironmentsPausesResumesAndAbortsAndAFleetRequestIsCheckedFirst() {
    Tenantwright tw = open();
    tenants(tw, 6);
    FleetOperation op = tw.fleet().start(FleetRequest.refresh().canary(6).maxInFlight(1));
    tw.fleet().pause(op.id(), "ops");
    assertThat(tw.fleet().get(op.id()).state()).isEqualTo(FleetState.PAUSED);
    assertThatThrownBy(() -> tw.fleet().pause(op.id(), "ops")).isInstanceOf(ConflictException.class);
    tw.fleet().resume(op.id(), "ops");
    FleetOperation done = tw.fleet().await(op.id(), WAIT);
    assertThat(done.state()).isEqualTo(FleetState.COMPLETED);
    assertThat(done.counts().succeeded()).isEqualTo(6);
    assertThatThrownBy(() -> tw.fleet().abort(op.id(), "ops")).isInstanceOf(ConflictException.class);

    FleetOperation second = tw.fleet().start(FleetRequest.refresh().canary(1).growth(1).maxInFlight(1));
    tw.fleet().pause(second.id(), "ops");
    FleetOperation aborted = tw.fleet().abort(second.id(), "ops");
    assertThat(aborted.state()).isEqualTo(FleetState.ABORTED);
    assertThat(report(tw, second.id())).extracting(FleetItem::state)
        .isSubsetOf(FleetItemState.SKIPPED, FleetItemState.SUCCEEDED, FleetItemState.RUNNING)
        .contains(FleetItemState.SKIPPED);
    assertThat(report(tw, second.id())).filteredOn(i -> i.state() == FleetItemState.SKIPPED)
        .extracting(FleetItem::detail).containsOnly("the operation was aborted");
    assertThat(tw.fleet().list(PageRequest.first(1)).items()).extracting(FleetOperation::id).containsExactly(second.id());
    assertThat(tw.fleet().list(PageRequest.first(1)).next(1)).isPresent();

    assertThatThrownBy(() -> tw.fleet().start(FleetRequest.update().gate("smoke")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("gate");
    assertThatThrownBy(() -> tw.fleet().start(FleetRequest.update().blueprintVersion("chain", 9)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("blueprintVersion");
    assertThatThrownBy(() -> FleetRequest.update().parameter("greeting", Secret.of("x")).canary(0))
        .isInstanceOf(ValidationException.class).hasMessageContaining("canary");
    assertThatThrownBy(() -> tw.fleet().start(FleetRequest.update().parameter("greeting", Secret.of("x"))))
        .isInstanceOf(ValidationException.class).hasMessageContaining("parameters.greeting");
  }

  @Test
  void aWaveGateThatSaysNoHaltsTheRollOutAfterItsWave() {
    List<Integer> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    Tenantwright tw = open(store().blueprint(chain(1, "d")).blueprint(chain(2, "d2"))
        .fleetInterval(Duration.ofMillis(100))
        .waveGate("smoke", (op, wave, ok) -> {
          asked.add(wave);
          return wave == 1 ? Optional.of("smoke tests failed on " + ok.size() + " environments") : Optional.empty();
        }));
    tenants(tw, 7);
    FleetOperation op = tw.fleet().start(FleetRequest.update().blueprintVersion("chain", 2).canary(1).growth(2)
        .maxInFlight(4).gate("smoke"));
    op = tw.fleet().await(op.id(), WAIT);
    assertThat(op.state()).isEqualTo(FleetState.HALTED);
    assertThat(op.wave()).isEqualTo(1);
    assertThat(op.reason()).contains("smoke tests failed on 2 environments");
    assertThat(asked).containsExactly(0, 1);
    assertThat(op.counts().succeeded()).isEqualTo(3);
    assertThat(op.counts().pending()).isEqualTo(4);
  }
}
