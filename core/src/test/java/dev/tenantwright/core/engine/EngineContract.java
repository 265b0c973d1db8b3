package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.CompensationFailedException;
import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.EngineStoppedException;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventLog;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Plan;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunFailedException;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.RunTimeoutException;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.StepState;
import dev.tenantwright.core.StepStatus;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.engine.MemoryBackend.MemSpec;
import dev.tenantwright.core.engine.MemoryBackend.Phase;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The engine suite. Every test runs against each store: {@link H2EngineTest} and {@link PostgresEngineTest}
 * extend it with a fresh database.
 */
abstract class EngineContract extends EngineContractSupport {

  EngineContract(Fixture fixture) {
    super(fixture);
  }

  /** a → b → c (b takes a's output, c needs b), plus d independent. */
  static Blueprint chain() {
    return Blueprint.builder("chain")
        .var("greeting", "hello")
        .resource("a", "mem.object", r -> r.param("value", "${vars.greeting} from ${tenant.name}"))
        .resource("b", "mem.object", r -> r.param("value", "after ${a.id}"))
        .resource("c", "mem.object", r -> r.param("value", "c").needs("b"))
        .resource("d", "mem.object", r -> r.param("value", "d"))
        .build();
  }

  @Test
  void eventLogGivesEveryEventOnceInIdOrderAndPagesByTenantAndRun() {
    Tenantwright tw = open(chain());
    Tenant t = abc(tw);
    Tenant other = tw.tenants().create(NewTenant.company("Other Ltd").email("ops@other.example"));
    Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    tw.environments().provision(other.id(), EnvironmentKind.DEMO).await(WAIT);

    List<EventLog.LoggedEvent> all = new ArrayList<>();
    long cursor = 0;
    for (List<EventLog.LoggedEvent> page; !(page = tw.events().after(cursor, 3)).isEmpty(); ) {
      assertThat(page).hasSizeLessThanOrEqualTo(3);
      all.addAll(page);
      cursor = page.get(page.size() - 1).id();
    }
    assertThat(all).extracting(EventLog.LoggedEvent::id).isSorted().doesNotHaveDuplicates();
    assertThat(all).extracting(e -> e.event().tenantId()).contains(t.id(), other.id());
    long last = cursor;
    assertThat(tw.events().lastId()).isEqualTo(last);

    List<EventLog.LoggedEvent> ofRun = tw.events().ofRun(run.id(), 0, last, 1000);
    assertThat(ofRun).extracting(EventLog.LoggedEvent::event).isEqualTo(run.events());
    List<EventLog.LoggedEvent> ofTenant = tw.events().ofTenant(t.id(), 0, last, 1000);
    assertThat(ofTenant).extracting(e -> e.event().tenantId()).containsOnly(t.id());
    assertThat(ofTenant).extracting(EventLog.LoggedEvent::event).isEqualTo(tw.tenants().history(t.id()));
    long middle = ofRun.get(2).id();
    assertThat(tw.events().ofRun(run.id(), middle, last, 1000)).isEqualTo(ofRun.subList(3, ofRun.size()));
    assertThat(tw.events().ofRun(run.id(), 0, middle, 1000)).isEqualTo(ofRun.subList(0, 3));
    assertThatThrownBy(() -> tw.events().after(0, 0)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("limit");
  }

  @Test
  void provisionsADagAndPassesOutputsDownstream() {
    Tenantwright tw = open(chain());
    Tenant t = abc(tw);
    Run done = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(done.percent()).isEqualTo(100);
    assertThat(done.steps()).extracting(StepStatus::state).containsOnly(StepState.SUCCEEDED);
    assertThat(backend.objects).containsOnlyKeys("abc-corporation--demo--a", "abc-corporation--demo--b",
        "abc-corporation--demo--c", "abc-corporation--demo--d");
    assertThat(backend.objects.get("abc-corporation--demo--a").value()).isEqualTo("hello from ABC Corporation");
    assertThat(backend.objects.get("abc-corporation--demo--b").value()).isEqualTo("after abc-corporation--demo--a");
    assertThat(backend.log.indexOf("create:a")).isLessThan(backend.log.indexOf("create:b"));
    assertThat(backend.log.indexOf("create:b")).isLessThan(backend.log.indexOf("create:c"));

    Environment env = tw.environments().find(t.id(), "demo").orElseThrow();
    assertThat(env.state()).isEqualTo(EnvironmentState.READY);
    assertThat(env.resources()).extracting(Environment.Resource::origin).containsOnly("CREATED");
    List<Event> runEvents = done.events();
    assertThat(runEvents.get(0).type()).isEqualTo(EventType.RUN_QUEUED);
    assertThat(runEvents.get(runEvents.size() - 1).type()).isEqualTo(EventType.RUN_SUCCEEDED);
    assertThat(runEvents).filteredOn(e -> e.type() == EventType.STEP_SUCCEEDED)
        .allSatisfy(e -> assertThat(e.stepCount()).isEqualTo(4))
        .extracting(Event::stepIndex).containsExactlyInAnyOrder(1, 2, 3, 4);
    assertThat(events).extracting(Event::type).contains(EventType.RUN_SUCCEEDED);
  }

  @Test
  void independentStepsRunInParallel() {
    Blueprint wide = Blueprint.builder("wide")
        .resource("w1", "mem.object", r -> r.param("value", "1"))
        .resource("w2", "mem.object", r -> r.param("value", "2"))
        .resource("w3", "mem.object", r -> r.param("value", "3"))
        .resource("w4", "mem.object", r -> r.param("value", "4"))
        .build();
    backend.barrier(4);
    Tenantwright tw = open(wide);
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.SUCCEEDED);
    assertThat(backend.maxConcurrent()).isEqualTo(4);
  }

  @Test
  void retriesARetryableFailureAndHonoursRetryAfter() {
    backend.fail("a", "create", Phase.BEFORE, 2,
        () -> RetryableException.rateLimited("mem: slow down", Duration.ofMillis(120)));
    Tenantwright tw = open(chain());
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    StepStatus a = done.steps().stream().filter(s -> s.name().equals("a")).findFirst().orElseThrow();
    assertThat(a.attempts()).isEqualTo(3);
    List<Event> retries = done.events().stream().filter(e -> e.type() == EventType.STEP_RETRYING).toList();
    assertThat(retries).hasSize(2);
    Pattern delay = Pattern.compile("retrying in (\\d+) ms");
    for (Event e : retries) {
      Matcher m = delay.matcher(e.message());
      assertThat(m.find()).as(e.message()).isTrue();
      assertThat(Long.parseLong(m.group(1))).isGreaterThanOrEqualTo(120);
    }
    assertThat(backend.creates.get("a").get()).isEqualTo(1);
  }

  @Test
  void permanentFailureRollsBackInReverseDependencyOrder() {
    backend.fail("c", "create", Phase.BEFORE, 1, () -> new PermanentException("mem: quota exceeded"));
    Tenantwright tw = open(chain());
    Tenant t = abc(tw);
    Run done = tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(done.error()).contains("step 'c'").contains("quota exceeded");
    assertThat(backend.objects).isEmpty();
    List<String> deletes = backend.deletes();
    // d depends on nothing: it was created when its step ran before c failed, and is undone exactly then; a step
    // not yet started when the run failed is never started
    List<String> created = java.util.stream.Stream.of("a", "b", "d")
        .filter(n -> backend.creates.containsKey(n) && backend.creates.get(n).get() > 0).toList();
    assertThat(created).contains("a", "b");
    assertThat(deletes).containsExactlyInAnyOrderElementsOf(created);
    assertThat(deletes.indexOf("b")).isLessThan(deletes.indexOf("a"));
    assertThat(tw.environments().find(t.id(), "demo").orElseThrow().state()).isEqualTo(EnvironmentState.FAILED);
    assertThat(tw.environments().find(t.id(), "demo").orElseThrow().resources()).isEmpty();
    assertThat(done.steps()).filteredOn(s -> s.name().equals("c")).extracting(StepStatus::state)
        .containsExactly(StepState.FAILED);
  }

  @Test
  void failingCompensationEndsFailedAndListsWhatIsLeft() {
    backend.fail("c", "create", Phase.BEFORE, 1, () -> new PermanentException("mem: quota exceeded"));
    backend.fail("a", "delete", Phase.BEFORE, 100, () -> new PermanentException("mem: a is locked"));
    Tenantwright tw = open(chain());
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.FAILED);
    assertThat(done.error()).contains("needs attention").contains("a (mem.object)").contains("a is locked");
    assertThat(backend.objects).containsOnlyKeys("abc-corporation--demo--a");
    assertThat(done.steps()).filteredOn(s -> s.name().equals("a")).extracting(StepStatus::state)
        .containsExactly(StepState.COMPENSATION_FAILED);
    assertThat(done.events()).extracting(Event::type).contains(EventType.STEP_COMPENSATION_FAILED, EventType.RUN_FAILED);
  }

  @Test
  void aRollbackThatLeavesSomethingBehindIsThrownAsOneCompensationFailureReadBackFromTheJournal() {
    backend.fail("c", "create", Phase.BEFORE, 1, () -> new PermanentException("mem: quota exceeded"));
    backend.fail("a", "delete", Phase.BEFORE, 100, () -> new PermanentException("mem: a is locked"));
    Tenantwright tw = open(chain());
    Run run = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO);

    assertThatThrownBy(() -> run.awaitSuccess(WAIT)).isInstanceOfSatisfying(CompensationFailedException.class, e -> {
      assertThat(e.runId()).isEqualTo(run.id());
      assertThat(e.state()).isEqualTo(RunState.FAILED);
      assertThat(e.error()).contains("quota exceeded");
      assertThat(e.leftBehind()).singleElement().asString().startsWith("a (mem.object): left behind").contains("a is locked");
    });
    assertThat(tw.runs().get(run.id()).leftBehind()).singleElement().asString().contains("a is locked");
  }

  @Test
  void aCleanRollbackIsThrownAsARunFailureWithNothingLeftBehind() {
    backend.fail("c", "create", Phase.BEFORE, 1, () -> new PermanentException("mem: quota exceeded"));
    Tenantwright tw = open(chain());
    Run run = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO);

    assertThatThrownBy(() -> run.awaitSuccess(WAIT)).isExactlyInstanceOf(RunFailedException.class)
        .hasMessageContaining("ROLLED_BACK").hasMessageContaining("quota exceeded");
    assertThat(run.refresh().leftBehind()).isEmpty();
  }

  @Test
  void waitingLongerThanAllowedOrPastTheEnginesCloseThrowsPublicTypes() throws Exception {
    CountDownLatch hold = backend.blockAfter("a", "create");
    Tenantwright tw = open(chain());
    Run run = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO);

    assertThatThrownBy(() -> run.await(Duration.ofMillis(200))).isInstanceOfSatisfying(RunTimeoutException.class,
        e -> assertThat(e.state()).isEqualTo(RunState.RUNNING));
    backend.awaitBlocked("a", "create");
    CompletableFuture<Throwable> waiter = new CompletableFuture<>();
    Thread waiting = new Thread(() -> {
      try {
        run.awaitSuccess(WAIT);
        waiter.complete(null);
      } catch (RuntimeException e) {
        waiter.complete(e);
      }
    });
    waiting.start();
    while (waiting.getState() != Thread.State.TIMED_WAITING && !waiter.isDone()) {
      Thread.onSpinWait(); // until the waiter blocks in awaitSuccess
    }
    Thread closer = new Thread(() -> tw.close(Duration.ZERO));
    closer.start();
    Throwable thrown = waiter.get(30, TimeUnit.SECONDS);
    hold.countDown();
    closer.join(30_000);

    assertThat(thrown).isInstanceOfSatisfying(EngineStoppedException.class, e -> assertThat(e.runId()).isEqualTo(run.id()));
    assertThat(thrown.getClass().getPackageName()).isEqualTo("dev.tenantwright.core");
  }

  @Test
  void rollbackNeverDeletesAnAdoptedObject() {
    backend.preExisting("abc-corporation--demo--a", "tw:abc-corporation/demo/a@0000earlier00", "kept");
    backend.fail("c", "create", Phase.BEFORE, 1, () -> new PermanentException("mem: quota exceeded"));
    Tenantwright tw = open(chain());
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(done.steps()).filteredOn(s -> s.name().equals("a")).extracting(StepStatus::origin).containsExactly("ADOPTED");
    assertThat(backend.objects).containsOnlyKeys("abc-corporation--demo--a");
    assertThat(backend.objects.get("abc-corporation--demo--a").value()).isEqualTo("kept");
    assertThat(backend.deletes()).doesNotContain("a");
  }

  @Test
  void aForeignObjectWithTheSameNameIsAConflictNotAnAdoption() {
    backend.preExisting("abc-corporation--demo--d", "someone-else", "theirs");
    Tenantwright tw = open(chain());
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(done.error()).contains("belongs to someone else");
    assertThat(backend.objects).containsOnlyKeys("abc-corporation--demo--d");
  }

  @Test
  void aStoppedEngineIsResumedByTheNextWithoutDuplicateCreates() throws Exception {
    CountDownLatch hold = backend.blockAfter("b", "create");
    // a short lease: if the stopped engine's lease is not given back, the next engine takes over once it runs out
    // (30 s by default, as long as the await below: this test timed out now and then in CI's Java 25 pass)
    Duration lease = Duration.ofSeconds(3);
    Tenantwright first = open(store().blueprint(chain()).leaseDuration(lease));
    Tenant t = abc(first);
    Run run = first.environments().provision(t.id(), EnvironmentKind.DEMO);
    backend.awaitBlocked("b", "create");
    first.close(Duration.ZERO);
    hold.countDown();
    backend.clearBlocks();

    Tenantwright second = open(store().blueprint(chain()).leaseDuration(lease));
    Run done = second.runs().get(run.id()).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(backend.creates.get("b").get()).isEqualTo(1);
    assertThat(backend.objects).hasSize(4);
    assertThat(done.steps()).filteredOn(s -> s.name().equals("b")).extracting(StepStatus::origin)
        .containsExactly("CREATED");
    assertThat(done.events()).extracting(Event::type).contains(EventType.STEP_IN_DOUBT);

    Run destroyed = second.environments().destroy(t.id(), "demo", RunOptions.defaults()).await(WAIT);
    assertThat(destroyed.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(backend.objects).as("the resumed create is rolled back like any other").isEmpty();
  }

  @Test
  void theSameIdempotencyKeyReturnsTheSameRun() {
    Tenantwright tw = open(chain());
    Tenant t = abc(tw);
    RunOptions key = RunOptions.defaults().idempotencyKey("signup-4711");
    Run first = tw.environments().provision(t.id(), EnvironmentKind.DEMO, key);
    Run again = tw.environments().provision(t.id(), EnvironmentKind.DEMO, key);

    assertThat(again.id()).isEqualTo(first.id());
    first.await(WAIT);
    assertThat(tw.environments().provision(t.id(), EnvironmentKind.DEMO, key).id()).isEqualTo(first.id());
    assertThat(tw.runs().list(t.id(), "demo")).hasSize(1);
    assertThat(backend.creates.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
  }

  /** SEC15: a key names a run within its environment only, and reusing it elsewhere in it reveals nothing. */
  @Test
  void sec15_anIdempotencyKeyIsScopedToItsEnvironmentAndAClashRevealsNoOtherRun() {
    Tenantwright tw = open(chain());
    Tenant t = abc(tw);
    RunOptions key = RunOptions.defaults().idempotencyKey("signup-4711");
    Run demo = tw.environments().provision(t.id(), EnvironmentKind.DEMO, key).await(WAIT);
    Run live = tw.environments().provision(t.id(), EnvironmentKind.LIVE, key).await(WAIT);

    assertThat(live.id()).as("the same key in another environment is another run").isNotEqualTo(demo.id());
    assertThat(live.state()).isEqualTo(RunState.SUCCEEDED);
    assertThatThrownBy(() -> tw.environments().destroy(t.id(), "demo", key))
        .isInstanceOf(ConflictException.class).hasMessageContaining("signup-4711")
        .hasMessageNotContaining(demo.id()).hasMessageNotContaining("PROVISION");
  }

  @Test
  void aSecondActiveRunOnOneEnvironmentIsRefused() throws Exception {
    CountDownLatch hold = backend.blockAfter("a", "create");
    Tenantwright tw = open(chain());
    Tenant t = abc(tw);
    Run first = tw.environments().provision(t.id(), EnvironmentKind.DEMO);
    backend.awaitBlocked("a", "create");

    assertThatThrownBy(() -> tw.environments().provision(t.id(), EnvironmentKind.DEMO))
        .isInstanceOf(ConflictException.class).hasMessageContaining("already has an active run " + first.id());
    hold.countDown();
    assertThat(first.await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(tw.runs().list(t.id(), "demo")).hasSize(1);
  }

  @Test
  void theDatabaseItselfRefusesASecondActiveRun() throws Exception {
    Tenantwright tw = open(chain());
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO tw_run (id, environment_id, tenant_id, kind, state, idempotency_key,"
          + " active_environment, options, step_count, lease_generation, created_at) VALUES ('r1', '"
          + t.id() + "/demo', '" + t.id() + "', 'UPDATE', 'RUNNING', 'k1', '" + t.id() + "/demo', '{}', 0, 0, 0)");
      assertThatThrownBy(() -> s.executeUpdate("INSERT INTO tw_run (id, environment_id, tenant_id, kind, state,"
          + " idempotency_key, active_environment, options, step_count, lease_generation, created_at) VALUES ('r2', '"
          + t.id() + "/demo', '" + t.id() + "', 'UPDATE', 'RUNNING', 'k2', '" + t.id() + "/demo', '{}', 0, 0, 0)"))
          .isInstanceOf(java.sql.SQLException.class);
    }
  }

  @Test
  void noGeneratedSecretAppearsInLogsEventsOrTables() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try {
      Blueprint bp = Blueprint.builder("secretive")
          .resource("pw", "secret", r -> r.param("length", 40))
          .resource("app", "mem.object", r -> r.param("token", "${secrets.pw}").param("value", "db://u:${secrets.pw}@h"))
          .resource("boom", "mem.object", r -> r.param("value", "${app.value}"))
          .build();
      backend.fail("boom", "create", Phase.BEFORE, 1,
          () -> new PermanentException("backend echoed " + ((MemSpec) backend.specsSeen.get(0)).token().reveal()));
      Tenantwright tw = open(bp);
      Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);
      assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
      Secret generated = ((MemSpec) backend.specsSeen.get(0)).token();
      String value = generated.reveal();
      assertThat(value).hasSize(40);

      StringBuilder everything = new StringBuilder();
      for (ILoggingEvent e : logs.list) {
        everything.append(e.getFormattedMessage()).append('\n');
        if (e.getThrowableProxy() != null) {
          everything.append(e.getThrowableProxy().getMessage()).append('\n');
        }
      }
      events.forEach(e -> everything.append(e).append('\n'));
      everything.append(done.error());
      try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
        for (String table : List.of("tw_tenant", "tw_environment", "tw_resource", "tw_run", "tw_step", "tw_event", "tw_port")) {
          try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            int cols = rs.getMetaData().getColumnCount();
            while (rs.next()) {
              for (int i = 1; i <= cols; i++) {
                everything.append(rs.getString(i)).append('|');
              }
            }
          }
        }
      }
      assertThat(everything.toString()).contains("echoed ******").doesNotContain(value);
    } finally {
      root.detachAppender(logs);
    }
  }

  @Test
  void aPlanAfterApplyIsEmptyAndAChangedVarUpdatesOnlyWhatUsesIt() {
    Tenantwright tw = open(chain());
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);

    Plan noDrift = tw.environments().plan(t.id(), "demo", RunKind.UPDATE, RunOptions.defaults());
    assertThat(noDrift.isEmpty()).as(noDrift.toString()).isTrue();

    RunOptions hi = RunOptions.defaults().parameter("greeting", "hi");
    Plan changed = tw.environments().plan(t.id(), "demo", RunKind.UPDATE, hi);
    assertThat(changed.steps()).filteredOn(s -> s.action() == StepAction.UPDATE).extracting(Plan.Step::name)
        .containsExactly("a", "b");
    assertThat(backend.log).noneMatch(l -> l.startsWith("update:"));

    Run updated = tw.environments().update(t.id(), "demo", hi).await(WAIT);
    assertThat(updated.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(backend.objects.get("abc-corporation--demo--a").value()).isEqualTo("hi from ABC Corporation");
    assertThat(backend.log).filteredOn(l -> l.startsWith("update:")).containsExactlyInAnyOrder("update:a", "update:b");
    assertThat(tw.environments().plan(t.id(), "demo", RunKind.UPDATE, RunOptions.defaults()).isEmpty()).isTrue();
  }

  @Test
  void destroyDeletesInReverseDependencyOrder() {
    Tenantwright tw = open(chain());
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    Run destroyed = tw.environments().destroy(t.id(), "demo", RunOptions.defaults()).await(WAIT);

    assertThat(destroyed.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(backend.objects).isEmpty();
    List<String> d = backend.deletes();
    assertThat(d.indexOf("c")).isLessThan(d.indexOf("b"));
    assertThat(d.indexOf("b")).isLessThan(d.indexOf("a"));
    assertThat(tw.environments().find(t.id(), "demo").orElseThrow().state()).isEqualTo(EnvironmentState.DESTROYED);
  }

  @Test
  void aFailedUpdateRestoresThePreviousConfiguration() {
    Tenantwright tw = open(chain());
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    backend.fail("c", "update", Phase.BEFORE, 100, () -> new PermanentException("mem: c refuses"));
    Blueprint changed = Blueprint.builder("chain")
        .var("greeting", "hello")
        .resource("a", "mem.object", r -> r.param("value", "${vars.greeting} from ${tenant.name}"))
        .resource("b", "mem.object", r -> r.param("value", "after ${a.id}"))
        .resource("c", "mem.object", r -> r.param("value", "c2").needs("b"))
        .resource("d", "mem.object", r -> r.param("value", "d2"))
        .build();
    tw.close(Duration.ZERO);
    Tenantwright again = open(changed);
    Run run = again.environments().update(t.id(), "demo", RunOptions.defaults()).await(WAIT);

    assertThat(run.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(backend.objects.get("abc-corporation--demo--d").value()).isEqualTo("d");
    assertThat(again.environments().find(t.id(), "demo").orElseThrow().state()).isEqualTo(EnvironmentState.READY);
  }

  @Test
  void aPortIsUniqueAcrossEnvironmentsAndReleasedOnDestroy() {
    Blueprint bp = Blueprint.builder("ports")
        .resource("http", "port", r -> {})
        .resource("app", "mem.object", r -> r.param("value", "${http.port}"))
        .build();
    Tenantwright tw = open(store().blueprint(bp).portRange(30000, 30001));
    Tenant t = abc(tw);
    tw.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT);
    tw.environments().provision(t.id(), EnvironmentKind.LIVE).await(WAIT);
    String demoPort = backend.objects.get("abc-corporation--demo--app").value();
    String livePort = backend.objects.get("abc-corporation--live--app").value();
    assertThat(demoPort).isNotEqualTo(livePort);
    assertThat(List.of(demoPort, livePort)).containsExactlyInAnyOrder("30000", "30001");

    Run third = tw.environments().createTest(t.id(), "full", RunOptions.defaults()).await(WAIT);
    assertThat(third.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(third.error()).contains("no free host port");

    tw.environments().destroy(t.id(), "demo", RunOptions.defaults()).await(WAIT);
    Run retried = tw.environments().createTest(t.id(), "full", RunOptions.defaults()).await(WAIT);
    assertThat(retried.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(backend.objects.get("abc-corporation--test-full--app").value()).isEqualTo(demoPort);
  }

  @Test
  void tenantIdsAreDnsSlugsWithASuffixOnCollisionAndEmailsAreUnique() {
    Tenantwright tw = open(chain());
    Tenant first = tw.tenants().create(NewTenant.company("Ämber & Söhne GmbH").email("Info@Amber.example"));
    assertThat(first.id()).isEqualTo("amber-and-sohne-gmbh");
    assertThat(first.email()).isEqualTo("info@amber.example");
    Tenant second = tw.tenants().create(NewTenant.company("Amber and Sohne GmbH").email("other@amber.example"));
    assertThat(second.id()).matches("amber-and-sohne-gmbh-[a-z2-7]{4}");

    Tenant repeated = tw.tenants().create(NewTenant.company("Ämber & Söhne GmbH").email("info@amber.example"));
    assertThat(repeated.id()).isEqualTo(first.id());
    assertThatThrownBy(() -> tw.tenants().create(NewTenant.company("Something Else").email("INFO@amber.example")))
        .isInstanceOf(ConflictException.class).hasMessageContaining("already registered to another tenant")
        .as("the message never names the tenant that owns the address").hasMessageNotContaining("amber-and");
    assertThat(tw.tenants().list()).hasSize(2);
    assertThat(tw.tenants().create(NewTenant.company("HP").email("it@hp.example")).id())
        .as("no two-letter ids: hp--demo--site would be a reserved DNS label").isEqualTo("hp-t");
    assertThat(tw.tenants().history(first.id())).extracting(Event::type).containsExactly(EventType.TENANT_CREATED);
  }

  @Test
  void badTenantInputNamesTheFieldAndCreatesNothing() {
    Tenantwright tw = open(chain());
    assertThatThrownBy(() -> tw.tenants().create(NewTenant.company("!!!").email("a@b.example")))
        .isInstanceOf(dev.tenantwright.core.ValidationException.class).hasMessageContaining("field 'company'");
    assertThatThrownBy(() -> tw.tenants().create(NewTenant.company("ACME").email("not-an-email")))
        .isInstanceOf(dev.tenantwright.core.ValidationException.class).hasMessageContaining("field 'email'");
    assertThatThrownBy(() -> tw.tenants().create(NewTenant.company("ACME").email("a@b.example").slug("Bad_Slug")))
        .isInstanceOf(dev.tenantwright.core.ValidationException.class).hasMessageContaining("field 'slug'");
    assertThatThrownBy(() -> tw.tenants().create(NewTenant.company("ACME").email("a@b.example").plan("Gold Plan")))
        .isInstanceOf(dev.tenantwright.core.ValidationException.class).hasMessageContaining("field 'plan'");
    assertThat(tw.tenants().list()).isEmpty();
  }

  @Test
  void cancellingARunRollsBackWhatItCreated() throws Exception {
    CountDownLatch hold = backend.blockAfter("b", "create");
    Tenantwright tw = open(chain());
    Tenant t = abc(tw);
    Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO);
    backend.awaitBlocked("b", "create");
    run.cancel();
    hold.countDown();
    Run done = run.await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(done.events()).extracting(Event::type).contains(EventType.RUN_CANCELLING);
    assertThat(backend.objects).isEmpty();
  }

  @Test
  void theUndoOfACancelledRunMayWaitAndStillRollsEverythingBack() throws Exception {
    // an undo that polls (ctx.pause) is not the cancelled run's forward work: the cancel must not stop it
    backend.deleteLatency = Duration.ofMillis(50);
    CountDownLatch hold = backend.blockAfter("b", "create");
    Tenantwright tw = open(chain());
    Run run = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO);
    backend.awaitBlocked("b", "create");
    run.cancel();
    hold.countDown();
    Run done = run.await(WAIT);

    assertThat(done.state()).as(done.error()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(done.steps()).extracting(StepStatus::state).doesNotContain(StepState.COMPENSATION_FAILED);
    assertThat(backend.objects).isEmpty();
  }

  @Test
  void aStepPastItsDeadlineFailsAndItsPossibleObjectIsCleanedUp() throws Exception {
    backend.blockAfter("d", "create");
    Blueprint bp = Blueprint.builder("slow")
        .resource("a", "mem.object", r -> r.param("value", "a"))
        .resource("d", "mem.object", r -> r.param("value", "d").timeout(Duration.ofMillis(300)))
        .build();
    Tenantwright tw = open(bp);
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(done.error()).contains("step 'd'");
    assertThat(backend.objects).as("the timed-out create had made its object; rollback found and removed it").isEmpty();
  }

  @Test
  void anUnknownOutcomeIsResolvedWithReadBeforeTheNextAttempt() {
    backend.fail("a", "create", Phase.AFTER, 1, () -> new RetryableException("mem: connection reset"));
    Tenantwright tw = open(chain());
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(backend.creates.get("a").get()).isEqualTo(1);
    assertThat(done.steps()).filteredOn(s -> s.name().equals("a")).extracting(StepStatus::origin)
        .containsExactly("CREATED");
    assertThat(done.events()).extracting(Event::type).contains(EventType.STEP_IN_DOUBT);
  }

  @Test
  void provisioningStepsAreJournaledAndCompensated() {
    List<String> calls = new CopyOnWriteArrayList<>();
    dev.tenantwright.spi.ProvisioningStep<RegisterParams, RegisterOut> register = new dev.tenantwright.spi.ProvisioningStep<>() {
      @Override
      public String type() {
        return "host.register";
      }

      @Override
      public Class<RegisterParams> parametersType() {
        return RegisterParams.class;
      }

      @Override
      public Class<RegisterOut> outputType() {
        return RegisterOut.class;
      }

      @Override
      public RegisterOut apply(RegisterParams p, dev.tenantwright.spi.StepContext ctx) {
        calls.add("apply:" + p.customer());
        return new RegisterOut(42);
      }

      @Override
      public void compensate(RegisterParams p, RegisterOut out, dev.tenantwright.spi.StepContext ctx) {
        calls.add("compensate:" + out.row());
      }
    };
    backend.fail("b", "create", Phase.BEFORE, 1, () -> new PermanentException("mem: nope"));
    Blueprint bp = Blueprint.builder("signup")
        .resource("register", "host.register", r -> r.param("customer", "${tenant.id}"))
        .resource("b", "mem.object", r -> r.param("value", "row ${register.row}"))
        .build();
    Tenantwright tw = open(store().blueprint(bp).step(register));
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);

    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(calls).containsExactly("apply:abc-corporation", "compensate:42");
  }

  @Test
  void aWholeSecretBoundToATextFieldIsRefusedNamingTheField() {
    Blueprint bp = Blueprint.builder("leaky")
        .resource("pw", "secret", r -> r.param("length", 24))
        .resource("app", "mem.object", r -> r.param("value", "${secrets.pw}"))
        .build();
    Tenantwright tw = open(bp);
    Run done = tw.environments().provision(abc(tw).id(), EnvironmentKind.DEMO).await(WAIT);
    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(done.error()).contains("resource 'app'").contains("a secret can only be bound to a field of type Secret")
        .contains("value");
    assertThat(backend.objects).isEmpty();
  }

  /** Parameters of the host step in {@link #provisioningStepsAreJournaledAndCompensated}. */
  public record RegisterParams(String customer) {}

  /** Outputs of the host step. */
  public record RegisterOut(int row) {}
}
