package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.PlanLimits;
import dev.tenantwright.core.PolicyViolationException;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.StepState;
import dev.tenantwright.core.StepStatus;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.engine.MemoryBackend.Phase;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Rollback that tells the truth and runs that never strand, on each store ({@link H2FailureTest},
 * {@link PostgresFailureTest}): irreversible steps end the run FAILED naming what was lost, a parent is never
 * deleted from under a child whose undo failed, a run resumed after a step failed rolls back, cancel and
 * force-fail, and the races around starting a run.
 */
abstract class FailureContract extends EngineContractSupport {

  FailureContract(Fixture fixture) {
    super(fixture);
  }

  @Override
  protected Tenantwright.Builder wire(Tenantwright.Builder b) {
    return b.resourceType(backend.type()).resourceType(backend.fixedType("fixed.object"))
        .resourceType(new LabelType(backend));
  }

  private static RunOptions v(String value) {
    return RunOptions.defaults().parameter("v", value);
  }

  private static Optional<StepStatus> step(Run run, String name) {
    return run.steps().stream().filter(s -> s.name().equals(name)).findFirst();
  }

  // ------------------------------------------------------------------------------------------ honest rollback

  @Test
  void aRolledBackReplaceEndsFailedAndNamesThePreviousObjectAsLost() {
    Blueprint bp = Blueprint.builder("replace").var("v", "1")
        .resource("a", "fixed.object", r -> r.param("value", "a-${vars.v}"))
        .resource("b", "mem.object", r -> r.param("value", "b-${vars.v}").needs("a"))
        .build();
    Tenantwright tw = open(bp);
    Tenant t = abc(tw);
    assertThat(tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    backend.fail("b", "update", Phase.BEFORE, 1, () -> new PermanentException("mem: b refuses"));

    Run done = tw.environments().update(t.id(), "demo", v("2")).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.FAILED);
    assertThat(done.error()).contains("needs attention").contains("a (fixed.object)").contains("replaced");
    Environment demo = tw.environments().find(t.id(), "demo").orElseThrow();
    assertThat(demo.state()).isEqualTo(EnvironmentState.FAILED);
    assertThat(backend.objects.get("abc-corporation--demo--a").value()).as("the new object is kept").isEqualTo("a-2");
    assertThat(demo.resources()).extracting(Environment.Resource::name).contains("a", "b");
  }

  @Test
  void aResourceRemovedFromTheBlueprintIsDeletedOnlyAfterEveryOtherStepSucceeded() {
    Blueprint before = Blueprint.builder("shape-1")
        .resource("a", "mem.object", r -> r.param("value", "a1"))
        .resource("x", "mem.object", r -> r.param("value", "x1"))
        .build();
    Blueprint after = Blueprint.builder("shape-2")
        .resource("a", "mem.object", r -> r.param("value", "a2"))
        .build();
    Tenantwright tw = open(store().blueprint(before).blueprint(after).defaultBlueprint("shape-1"));
    Tenant t = abc(tw);
    assertThat(tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    backend.fail("a", "update", Phase.BEFORE, 1, () -> new PermanentException("mem: a refuses"));

    Run done = tw.environments().update(t.id(), "demo", RunOptions.defaults().blueprint("shape-2")).await(WAIT);

    assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.ROLLED_BACK);
    assertThat(step(done, "x").orElseThrow().state()).isEqualTo(StepState.SKIPPED);
    assertThat(backend.objects).containsKey("abc-corporation--demo--x");
    Environment demo = tw.environments().find(t.id(), "demo").orElseThrow();
    assertThat(demo.state()).isEqualTo(EnvironmentState.READY);
    assertThat(demo.blueprint()).isEqualTo("shape-1");
  }

  @Test
  void anUpdateWhoseAnswerWasLostIsUpdatedBackOnRollback() {
    Blueprint bp = Blueprint.builder("lost").var("v", "1")
        .resource("a", "mem.object", r -> r.param("value", "a-${vars.v}"))
        .build();
    Tenantwright tw = open(store().blueprint(bp).maxAttempts(1));
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    backend.fail("a", "update", Phase.AFTER, 1,
        () -> new RetryableException("mem: connection reset after sending", null, true, null));

    Run done = tw.environments().update(t.id(), "demo", v("2")).await(WAIT);

    assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.ROLLED_BACK);
    assertThat(step(done, "a").orElseThrow().state()).isEqualTo(StepState.COMPENSATED);
    assertThat(backend.objects.get("abc-corporation--demo--a").value()).isEqualTo("a-1");
    assertThat(tw.environments().find(t.id(), "demo").orElseThrow().state()).isEqualTo(EnvironmentState.READY);
    assertThat(tw.environments().plan(t.id(), "demo", dev.tenantwright.core.RunKind.UPDATE, RunOptions.defaults()).steps())
        .extracting(dev.tenantwright.core.Plan.Step::action).containsOnly(StepAction.NOOP);
  }

  @Test
  void aTypeChangeDeletesTheOldObjectThroughTheOldType() {
    Blueprint mem = Blueprint.builder("typed-1")
        .resource("a", "mem.object", r -> r.param("value", "plain"))
        .build();
    Blueprint label = Blueprint.builder("typed-2")
        .resource("a", "label.object", r -> r.param("label", "labelled"))
        .build();
    Tenantwright tw = open(store().blueprint(mem).blueprint(label).defaultBlueprint("typed-1"));
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);

    Run done = tw.environments().update(t.id(), "demo", RunOptions.defaults().blueprint("typed-2")).await(WAIT);

    assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.SUCCEEDED);
    assertThat(backend.log).contains("delete:a", "label:a");
    assertThat(backend.objects.get("abc-corporation--demo--a").value()).isEqualTo("labelled");
    assertThat(tw.environments().find(t.id(), "demo").orElseThrow().resources())
        .extracting(Environment.Resource::type).containsExactly("label.object");
  }

  @Test
  void aCleanRollbackReturnsAReadyEnvironmentToReady() {
    Blueprint bp = Blueprint.builder("again").var("v", "1")
        .resource("a", "mem.object", r -> r.param("value", "a-${vars.v}"))
        .resource("c", "mem.object", r -> r.param("value", "c after ${a.value}"))
        .build();
    Tenantwright tw = open(bp);
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    backend.fail("c", "update", Phase.BEFORE, 1, () -> new PermanentException("mem: c refuses"));

    Run again = tw.environments().provision(t.id(), EnvironmentKind.DEMO, v("2")).await(WAIT);

    assertThat(again.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(tw.environments().find(t.id(), "demo").orElseThrow().state()).isEqualTo(EnvironmentState.READY);
    assertThat(backend.objects.get("abc-corporation--demo--a").value()).isEqualTo("a-1");
  }

  @Test
  void aFailedEnvironmentIsNotUpdatedButRetriedOrDestroyed() {
    backend.fail("c", "create", Phase.BEFORE, 1, () -> new PermanentException("mem: quota exceeded"));
    Tenantwright tw = open(EngineContract.chain());
    Tenant t = abc(tw);
    assertThat(tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT).state()).isEqualTo(RunState.ROLLED_BACK);

    assertThatThrownBy(() -> tw.environments().update(t.id(), "demo", RunOptions.defaults()))
        .isInstanceOf(ConflictException.class).hasMessageContaining("FAILED").hasMessageContaining("retry");
    assertThat(tw.environments().retry(t.id(), "demo", RunOptions.defaults()).await(WAIT).state())
        .isEqualTo(RunState.SUCCEEDED);
  }

  // ------------------------------------------------------------------------------------------ what rollback keeps

  /**
   * The stranded environment: a child's undo gives up (its backend answers 503), so its parent is kept — never
   * deleted from under it — the run says what is left, and a later destroy removes both once the backend answers
   * again, without needing any output of a resource that is gone.
   */
  @Test
  void aParentIsKeptWhileItsChildCouldNotBeUndoneAndDestroyCleansUpOnceTheBackendAnswers() {
    Blueprint bp = Blueprint.builder("site")
        .resource("site", "mem.object", r -> r.param("value", "project"))
        .resource("settings", "mem.object", r -> r.param("value", "settings of ${site.id}"))
        .resource("domain", "mem.object", r -> r.param("value", "domain of ${site.id}"))
        .resource("check", "mem.object", r -> r.param("value", "check").needs("settings", "domain"))
        .build();
    Tenantwright tw = open(store().blueprint(bp).stepTimeout(Duration.ofMillis(1500)));
    Tenant t = abc(tw);
    backend.fail("check", "create", Phase.BEFORE, 1, () -> new PermanentException("mem: check refuses"));
    backend.fail("settings", "delete", Phase.BEFORE, 1_000_000, () -> new RetryableException("mem: 503 Service Unavailable"));

    Run done = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.FAILED);
    assertThat(done.error()).contains("settings (mem.object): left behind").contains("503")
        .contains("site (mem.object): kept").doesNotContain("domain (mem.object)");
    assertThat(backend.objects).containsOnlyKeys("abc-corporation--demo--site", "abc-corporation--demo--settings");
    assertThat(tw.environments().find(t.id(), "demo").orElseThrow().resources())
        .extracting(Environment.Resource::name).containsExactlyInAnyOrder("site", "settings");

    backend.clearFaults();
    Run destroyed = tw.environments().destroy(t.id(), "demo", RunOptions.defaults()).await(WAIT);

    assertThat(destroyed.state()).as(String.valueOf(destroyed.error())).isEqualTo(RunState.SUCCEEDED);
    assertThat(backend.objects).isEmpty();
    List<String> deletes = backend.deletes();
    assertThat(deletes.lastIndexOf("settings")).isLessThan(deletes.lastIndexOf("site"));
  }

  @Test
  void anUndoWhoseAnswerWasLostCountsAsDone() {
    backend.fail("c", "create", Phase.BEFORE, 1, () -> new PermanentException("mem: quota exceeded"));
    backend.fail("a", "delete", Phase.AFTER, 1_000_000, () -> new PermanentException("mem: answer lost"));
    Tenantwright tw = open(EngineContract.chain());
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.ROLLED_BACK);
    assertThat(step(done, "a").orElseThrow().state()).isEqualTo(StepState.COMPENSATED);
    assertThat(backend.objects).isEmpty();
  }

  @Test
  void transientFailuresAreRetriedUntilTheDeadlineNotForAFixedCount() {
    backend.fail("a", "create", Phase.BEFORE, 8, () -> new RetryableException("mem: 503 Service Unavailable"));
    Tenantwright tw = open(EngineContract.chain());
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.SUCCEEDED);
    assertThat(step(done, "a").orElseThrow().attempts()).isEqualTo(9);
  }

  @Test
  void aFailureDoesNotWaitForAnotherStepsRetryAfter() throws Exception {
    Blueprint bp = Blueprint.builder("hurry")
        .resource("gate", "mem.object", r -> r.param("value", "gate"))
        .resource("a", "mem.object", r -> r.param("value", "a").needs("gate"))
        .resource("b", "mem.object", r -> r.param("value", "b"))
        .build();
    CountDownLatch hold = backend.blockAfter("gate", "create");
    backend.fail("a", "create", Phase.BEFORE, 1, () -> new PermanentException("mem: a refuses"));
    backend.fail("b", "create", Phase.BEFORE, 1,
        () -> RetryableException.rateLimited("mem: slow down", Duration.ofMinutes(5)));
    Tenantwright tw = open(bp);
    Run run = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO);
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> events.stream()
        .anyMatch(e -> e.type() == EventType.STEP_RETRYING && "b".equals(e.step())));
    hold.countDown();

    Run done = run.await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(done.error()).contains("step 'a'");
    assertThat(step(done, "b").orElseThrow().state()).isEqualTo(StepState.FAILED);
    assertThat(backend.objects).isEmpty();
  }

  @Test
  void aCapOnAttemptsStillGivesUp() {
    backend.fail("a", "create", Phase.BEFORE, 8, () -> new RetryableException("mem: 503 Service Unavailable"));
    Tenantwright tw = open(store().blueprint(EngineContract.chain()).maxAttempts(3));
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(done.error()).contains("gave up after 3 attempts");
  }

  // ------------------------------------------------------------------------------------------ resuming

  @Test
  void aRunResumedAfterAStepFailedButBeforeTheRollbackWasRecordedStartsNoNewWork() throws Exception {
    Blueprint bp = Blueprint.builder("window")
        .resource("slow", "mem.object", r -> r.param("value", "slow"))
        .resource("gate", "mem.object", r -> r.param("value", "gate"))
        .resource("bad", "mem.object", r -> r.param("value", "bad").needs("gate"))
        .resource("next", "mem.object", r -> r.param("value", "next").needs("slow"))
        .build();
    CountDownLatch hold = backend.blockAfter("slow", "create");
    CountDownLatch gate = backend.blockAfter("gate", "create");
    backend.fail("bad", "create", Phase.BEFORE, 1, () -> new PermanentException("mem: bad refuses"));
    Tenantwright first = open(bp);
    Tenant t = abc(first);
    Run run = first.environments().provision(t.id(), EnvironmentKind.DEMO);
    backend.awaitBlocked("slow", "create");
    backend.awaitBlocked("gate", "create");
    gate.countDown();
    org.awaitility.Awaitility.await().atMost(WAIT).until(() ->
        step(first.runs().get(run.id()), "bad").map(s -> s.state() == StepState.FAILED).orElse(false));
    first.close(Duration.ZERO);
    hold.countDown();

    Tenantwright second = open(bp);
    Run done = second.runs().get(run.id()).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(done.error()).contains("step 'bad'").contains("bad refuses");
    assertThat(backend.creates).doesNotContainKey("next");
    assertThat(backend.objects).isEmpty();
  }

  @Test
  void aCancelIsRecordedAndHonouredByTheEngineThatResumesTheRun() throws Exception {
    CountDownLatch hold = backend.blockAfter("b", "create");
    Tenantwright first = open(EngineContract.chain());
    Tenant t = abc(first);
    Run run = first.environments().provision(t.id(), EnvironmentKind.DEMO);
    backend.awaitBlocked("b", "create");
    Run cancelling = run.cancel();
    assertThat(cancelling.state()).isEqualTo(RunState.CANCELLING);
    first.close(Duration.ZERO);
    hold.countDown();

    Tenantwright second = open(EngineContract.chain());
    Run done = second.runs().get(run.id()).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(done.error()).contains("cancelled");
    assertThat(backend.objects).isEmpty();
    assertThat(done.events()).extracting(dev.tenantwright.core.Event::type).contains(EventType.RUN_CANCELLING);
  }

  @Test
  void aRunWhoseBlueprintIsGoneIsStalledAndAnOperatorCanForceFailIt() throws Exception {
    Blueprint bp = EngineContract.chain();
    CountDownLatch hold = backend.blockAfter("b", "create");
    // a short lease: when the stopped engine's worker is still inside the backend call as close returns, its lease is
    // not given back, and the next engine takes the run over only once it expires (30 s by default: the await below)
    Duration lease = Duration.ofSeconds(3);
    Tenantwright first = open(store().blueprint(bp).leaseDuration(lease));
    Tenant t = abc(first);
    Run run = first.environments().provision(t.id(), EnvironmentKind.DEMO);
    backend.awaitBlocked("b", "create");
    first.close(Duration.ZERO);
    hold.countDown();

    Blueprint other = Blueprint.builder("other").resource("z", "mem.object", r -> r.param("value", "z")).build();
    Tenantwright second = open(store().blueprint(other).leaseDuration(lease));
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> second.runs().get(run.id()).events().stream()
        .anyMatch(e -> e.type() == EventType.RUN_STALLED));
    assertThat(second.runs().get(run.id()).state()).isEqualTo(RunState.RUNNING);
    assertThatThrownBy(() -> second.runs().forceFail(run.id(), "ops", " "))
        .isInstanceOf(dev.tenantwright.core.ValidationException.class).hasMessageContaining("reason");

    Run failed = second.runs().forceFail(run.id(), "ops", "blueprint chain was retired");

    assertThat(failed.state()).isEqualTo(RunState.FAILED);
    assertThat(failed.error()).contains("force-failed by ops: blueprint chain was retired");
    assertThat(failed.steps()).extracting(StepStatus::state).doesNotContain(StepState.PENDING, StepState.RUNNING,
        StepState.IN_DOUBT);
    assertThat(failed.events()).filteredOn(e -> e.type() == EventType.RUN_FAILED)
        .extracting(dev.tenantwright.core.Event::actor).containsExactly("ops");
    assertThat(second.environments().find(t.id(), "demo").orElseThrow().state()).isEqualTo(EnvironmentState.FAILED);
    assertThatThrownBy(() -> second.runs().forceFail(run.id(), "ops", "again"))
        .isInstanceOf(ConflictException.class).hasMessageContaining("already finished");
  }

  @Test
  void aRunExecutingHereCannotBeForceFailed() throws Exception {
    CountDownLatch hold = backend.blockAfter("b", "create");
    Tenantwright tw = open(EngineContract.chain());
    Run run = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO);
    backend.awaitBlocked("b", "create");

    assertThatThrownBy(() -> tw.runs().forceFail(run.id(), "ops", "impatient"))
        .isInstanceOf(ConflictException.class).hasMessageContaining("cancel it instead");
    hold.countDown();
    assertThat(run.await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
  }

  // ------------------------------------------------------------------------------------------ races at the start

  @Test
  void quotasHoldWhenTestInstancesAreCreatedConcurrently() throws Exception {
    Blueprint bp = Blueprint.builder("tests").resource("a", "mem.object", r -> r.param("value", "a")).build();
    Tenantwright tw = open(store().blueprint(bp).planLimits("starter", PlanLimits.unlimited().maxTestInstances(2)));
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (int round = 0; round < 3; round++) {
        Tenant t = tw.tenants().create(dev.tenantwright.core.NewTenant.company("Quota " + round)
            .email("q" + round + "@example.test").plan("starter"));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Run>> starts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          String name = "t" + i;
          starts.add(pool.submit(() -> {
            go.await();
            return tw.environments().createTest(t.id(), name, RunOptions.defaults());
          }));
        }
        go.countDown();
        int started = 0;
        for (Future<Run> f : starts) {
          try {
            f.get().await(WAIT);
            started++;
          } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(PolicyViolationException.class).hasMessageContaining("quota");
          }
        }
        assertThat(started).as("test instances started in round " + round).isEqualTo(2);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentFirstProvisioningsWithOneKeyAllGetTheSameRun() throws Exception {
    Tenantwright tw = open(EngineContract.chain());
    Tenant t = abc(tw);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Run>> starts = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        starts.add(pool.submit(() -> {
          go.await();
          return tw.environments().provision(t.id(), EnvironmentKind.DEMO,
              RunOptions.defaults().idempotencyKey("signup-abc"));
        }));
      }
      go.countDown();
      List<String> ids = new ArrayList<>();
      for (Future<Run> f : starts) {
        ids.add(f.get().id());
      }
      assertThat(ids).containsOnly(ids.get(0));
      assertThat(tw.runs().get(ids.get(0)).await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentFirstProvisioningsWithoutAKeyStartOneRunAndTellTheOthersWhy() throws Exception {
    Tenantwright tw = open(EngineContract.chain());
    Tenant t = abc(tw);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Run>> starts = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        starts.add(pool.submit(() -> {
          go.await();
          return tw.environments().provision(t.id(), EnvironmentKind.DEMO);
        }));
      }
      go.countDown();
      int started = 0;
      for (Future<Run> f : starts) {
        try {
          f.get().await(WAIT);
          started++;
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(ConflictException.class);
        }
      }
      assertThat(started).isGreaterThanOrEqualTo(1);
      assertThat(countRows("SELECT count(*) FROM tw_environment")).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aSpecThatCannotBeResolvedFailsItsStepBeforeItStarts() {
    Blueprint bp = Blueprint.builder("unresolvable")
        .resource("a", "mem.object", r -> r.param("value", "${tenant.attributes.missing}"))
        .build();
    Tenantwright tw = open(bp);
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    StepStatus a = step(done, "a").orElseThrow();
    assertThat(a.state()).isEqualTo(StepState.FAILED);
    assertThat(a.attempts()).isZero();
    assertThat(done.events()).filteredOn(e -> "a".equals(e.step())).extracting(dev.tenantwright.core.Event::type)
        .containsExactly(EventType.STEP_FAILED);
  }

  int countRows(String sql) throws Exception {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** A type with its own spec record, sharing the memory backend's objects: for type changes. */
  record LabelSpec(String label) {}

  record LabelOut(String id, String label) {}

  static final class LabelType implements ResourceType<LabelSpec, LabelOut> {
    private final MemoryBackend backend;

    LabelType(MemoryBackend backend) {
      this.backend = backend;
    }

    @Override
    public String type() {
      return "label.object";
    }

    @Override
    public Class<LabelSpec> specType() {
      return LabelSpec.class;
    }

    @Override
    public Class<LabelOut> outputType() {
      return LabelOut.class;
    }

    @Override
    public CreateResult<LabelOut> create(LabelSpec spec, StepContext ctx) {
      String key = ctx.resourceName();
      MemoryBackend.Obj existing = backend.objects.get(key);
      if (existing != null && !ctx.isOurs(existing.marker())) {
        throw new PermanentException("object " + key + " exists and belongs to someone else");
      }
      backend.objects.put(key, new MemoryBackend.Obj(key, ctx.ownershipMarker(), spec.label(), null));
      backend.log.add("label:" + ctx.stepName());
      return CreateResult.created(new LabelOut(key, spec.label()));
    }

    @Override
    public Optional<LabelOut> read(LabelSpec spec, LabelOut outputs, StepContext ctx) {
      MemoryBackend.Obj o = backend.objects.get(ctx.resourceName());
      return o == null ? Optional.empty() : Optional.of(new LabelOut(o.name(), o.value()));
    }

    @Override
    public void delete(LabelSpec spec, LabelOut outputs, StepContext ctx) {
      backend.objects.remove(ctx.resourceName());
      backend.log.add("unlabel:" + ctx.stepName());
    }
  }
}
