package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.EngineObserver;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.TenantwrightException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Several engines on one PostgreSQL: shared work, leases, heartbeats, takeover, fencing, hand-back; H2 refuses. */
class MultiEngineTest {

  static final Duration WAIT = Duration.ofSeconds(60);
  static final Duration LEASE = Duration.ofSeconds(2);

  final MemoryBackend backend = new MemoryBackend();
  final List<Tenantwright> opened = new ArrayList<>();

  static Blueprint pair() {
    return Blueprint.builder("pair")
        .resource("a", "mem.object", r -> r.param("value", "a"))
        .resource("b", "mem.object", r -> r.param("value", "${a.id}"))
        .build();
  }

  Tenantwright engine(DataSource ds, String owner) {
    return engine(ds, owner, new EngineObserver() {});
  }

  Tenantwright engine(DataSource ds, String owner, EngineObserver observer) {
    Tenantwright tw = Stores.on(ds).owner(owner).leaseDuration(LEASE).blueprint(pair())
        .resourceType(backend.type()).backoff(Duration.ofMillis(10), Duration.ofMillis(50)).observer(observer).build();
    opened.add(tw);
    return tw;
  }

  @AfterEach
  void closeAll() {
    backend.clearBlocks();
    opened.forEach(tw -> tw.close(Duration.ZERO));
  }

  @Test
  void aThousandRunsOnFourEnginesAreEachExecutedOnceAndNeverByTwoAtATime() throws Exception {
    DataSource ds = Stores.freshPostgres();
    List<Tenantwright> engines = List.of(engine(ds, "e1"), engine(ds, "e2"), engine(ds, "e3"), engine(ds, "e4"));
    List<Run> runs = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.ExecutorService hosts = java.util.concurrent.Executors.newFixedThreadPool(engines.size());
    List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
    for (int e = 0; e < engines.size(); e++) {
      Tenantwright tw = engines.get(e);
      int first = e;
      submitted.add(hosts.submit(() -> {
        for (int i = first; i < 1000; i += engines.size()) {
          Tenant t = tw.tenants().create(NewTenant.company("Tenant " + i).email("t" + i + "@example.test"));
          runs.add(tw.environments().provision(t.id(), EnvironmentKind.DEMO));
        }
      }));
    }
    for (java.util.concurrent.Future<?> f : submitted) {
      f.get();
    }
    hosts.shutdown();
    assertThat(runs).hasSize(1000);
    for (Run r : runs) {
      assertThat(r.await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    }
    assertThat(backend.doubleExecutions.get()).as("steps executed by two engines at once").isZero();
    assertThat(backend.objects).hasSize(2000);
    assertThat(backend.creates.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1000));
  }

  @Test
  void aPausedEngineLosesItsRunToAnotherAndIsFencedOut() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try {
      DataSource ds = Stores.freshPostgres();
      PausableDataSource frozen = new PausableDataSource(ds);
      CountDownLatch hold = backend.blockAfter("b", "create");
      Tenantwright a = engine(frozen, "engine-a");
      Tenant t = a.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
      Run run = a.environments().provision(t.id(), EnvironmentKind.DEMO);
      backend.awaitBlocked("b", "create");

      frozen.pause();
      Tenantwright b = engine(ds, "engine-b");
      Run done = b.runs().get(run.id()).await(WAIT);
      assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);

      frozen.resume();
      hold.countDown();
      await().atMost(WAIT).untilAsserted(() -> assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
          .anyMatch(m -> m.contains("was taken over by another engine")));
      assertThat(b.runs().get(run.id()).state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(backend.creates.get("b").get()).as("the takeover found the object engine A made").isEqualTo(1);
      assertThat(backend.objects).hasSize(2);
    } finally {
      root.detachAppender(logs);
    }
  }

  @Test
  void theEngineThatTakesARunOverTellsItsObserversAndThePausedOneSeesItsRunStop() throws Exception {
    DataSource ds = Stores.freshPostgres();
    PausableDataSource frozen = new PausableDataSource(ds);
    CountDownLatch hold = backend.blockAfter("b", "create");
    EngineObserverTest.Recorder seenByA = new EngineObserverTest.Recorder();
    EngineObserverTest.Recorder seenByB = new EngineObserverTest.Recorder();
    Tenantwright a = engine(frozen, "engine-a", seenByA);
    Tenant t = a.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
    Run run = a.environments().provision(t.id(), EnvironmentKind.DEMO);
    backend.awaitBlocked("b", "create");

    frozen.pause();
    Tenantwright b = engine(ds, "engine-b", seenByB);
    assertThat(b.runs().get(run.id()).await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    frozen.resume();
    hold.countDown();

    EngineObserver.RunInfo info = new EngineObserver.RunInfo(run.id(), t.id(), "demo", RunKind.PROVISION);
    assertThat(seenByB.of(EngineObserver.LeaseTakeover.class))
        .containsExactly(new EngineObserver.LeaseTakeover(info, "engine-a", "engine-b"));
    assertThat(seenByB.of(EngineObserver.RunStarted.class)).containsExactly(new EngineObserver.RunStarted(info, 2, true));
    assertThat(seenByB.of(EngineObserver.RunFinished.class)).extracting(EngineObserver.RunFinished::outcome)
        .containsExactly(EngineObserver.RunOutcome.SUCCEEDED);
    assertThat(seenByA.of(EngineObserver.RunStarted.class)).extracting(EngineObserver.RunStarted::resumed)
        .containsExactly(false);
    await().atMost(WAIT).untilAsserted(() -> assertThat(seenByA.of(EngineObserver.RunFinished.class))
        .extracting(EngineObserver.RunFinished::outcome).containsExactly(EngineObserver.RunOutcome.STOPPED));
    assertThat(seenByA.of(EngineObserver.LeaseTakeover.class)).isEmpty();
  }

  @Test
  void aCancelThroughAnotherEngineIsHonouredByTheEngineExecutingTheRun() throws Exception {
    DataSource ds = Stores.freshPostgres();
    CountDownLatch hold = backend.blockAfter("b", "create");
    Tenantwright a = engine(ds, "engine-a");
    Tenantwright b = engine(ds, "engine-b");
    Tenant t = a.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
    Run run = a.environments().provision(t.id(), EnvironmentKind.DEMO);
    backend.awaitBlocked("b", "create");

    Run cancelling = b.runs().get(run.id()).cancel();
    assertThat(cancelling.state()).isEqualTo(RunState.CANCELLING);
    hold.countDown();

    Run done = b.runs().get(run.id()).await(WAIT);
    assertThat(done.state()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(done.error()).contains("cancelled");
    assertThat(backend.objects).isEmpty();
    assertThat(a.runs().get(run.id()).events()).extracting(dev.tenantwright.core.Event::type)
        .contains(dev.tenantwright.core.EventType.RUN_CANCELLING, dev.tenantwright.core.EventType.RUN_ROLLED_BACK);
  }

  /**
   * Starting a run while the previous run of the same environment finishes: the start inserts the run row before
   * it touches the environment row, as the finishing transaction does, so the two wait for each other instead of
   * deadlocking; every start either runs or gets a conflict.
   */
  @Test
  void startingARunAsThePreviousOneFinishesNeverDeadlocks() throws Exception {
    DataSource ds = Stores.freshPostgres();
    Blueprint counter = Blueprint.builder("counter").var("n", "0")
        .resource("a", "mem.object", r -> r.param("value", "n=${vars.n}")).build();
    Tenantwright a = Stores.on(ds).owner("engine-a").leaseDuration(LEASE).blueprint(counter)
        .resourceType(backend.type()).backoff(Duration.ofMillis(10), Duration.ofMillis(50)).build();
    opened.add(a);
    Tenant t = a.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
    assertThat(a.environments().provision(t.id(), EnvironmentKind.DEMO).await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    List<Throwable> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
    try {
      List<java.util.concurrent.Future<?>> work = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int worker = w;
        work.add(pool.submit(() -> {
          for (int i = 0; i < 40; i++) {
            try {
              Run r = a.environments().update(t.id(), "demo",
                  dev.tenantwright.core.RunOptions.defaults().parameter("n", worker + "-" + i));
              started.incrementAndGet();
              RunState end = r.await(WAIT).state();
              if (end != RunState.SUCCEEDED) {
                unexpected.add(new AssertionError("run " + r.id() + " ended " + end));
              }
            } catch (dev.tenantwright.core.ConflictException expected) {
              // the previous run is still active
            } catch (RuntimeException e) {
              unexpected.add(e);
            }
          }
        }));
      }
      for (java.util.concurrent.Future<?> f : work) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(unexpected).as("no deadlock, no raw journal error, no stranded run").isEmpty();
    assertThat(started.get()).isPositive();
  }

  @Test
  void gracefulShutdownHandsBackWorkThatAnotherEngineFinishes() throws Exception {
    DataSource ds = Stores.freshPostgres();
    CountDownLatch hold = backend.blockAfter("a", "create");
    Tenantwright a = engine(ds, "engine-a");
    Tenantwright b = engine(ds, "engine-b");
    Tenant t = a.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
    Run run = a.environments().provision(t.id(), EnvironmentKind.DEMO);
    backend.awaitBlocked("a", "create");
    a.close(Duration.ofMillis(200));
    hold.countDown();

    Run done = b.runs().get(run.id()).await(WAIT);
    assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(backend.creates.get("a").get()).isEqualTo(1);
    assertThat(backend.objects).hasSize(2);
  }

  @Test
  void aSharedBackendLimitHoldsAcrossEngines() {
    DataSource ds = Stores.freshPostgres();
    backend.createLatency = Duration.ofMillis(100);
    Blueprint wide = Blueprint.builder("wide")
        .resource("w1", "mem.object", r -> r.param("value", "1"))
        .resource("w2", "mem.object", r -> r.param("value", "2"))
        .resource("w3", "mem.object", r -> r.param("value", "3"))
        .build();
    List<Tenantwright> engines = new ArrayList<>();
    for (String owner : List.of("e1", "e2")) {
      Tenantwright tw = Stores.on(ds).owner(owner).leaseDuration(LEASE).blueprint(wide).resourceType(backend.type())
          .sharedBackendConcurrency("mem", 2).build();
      opened.add(tw);
      engines.add(tw);
    }
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Tenantwright tw = engines.get(i % 2);
      Tenant t = tw.tenants().create(NewTenant.company("Limited " + i).email("l" + i + "@example.test"));
      runs.add(tw.environments().provision(t.id(), EnvironmentKind.DEMO));
    }
    for (Run r : runs) {
      assertThat(r.await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    }
    assertThat(backend.objects).hasSize(18);
    assertThat(backend.maxConcurrent()).as("calls to 'mem' at once across both engines").isEqualTo(2);
  }

  /**
   * A backend's rate holds across engines on PostgreSQL: two engines each configured for 5 attempts a second start
   * 5 a second together, not 10. Each attempt starts no sooner than its reserved turn, and turns are taken one after
   * another from the journal, so the k-th start (in time order) comes at least k turns after the first could have:
   * a lower bound that a slow machine cannot break (it only starts later).
   */
  @Test
  void aBackendRateHoldsAcrossEngines() {
    DataSource ds = Stores.freshPostgres();
    List<Tenantwright> engines = new ArrayList<>();
    for (String owner : List.of("r1", "r2")) {
      Tenantwright tw = Stores.on(ds).owner(owner).leaseDuration(LEASE).blueprint(pair()).resourceType(backend.type())
          .backendRate("mem", 5).build();
      opened.add(tw);
      engines.add(tw);
    }
    List<Tenant> tenants = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tenants.add(engines.get(i % 2).tenants().create(NewTenant.company("Rated " + i).email("r" + i + "@example.test")));
    }
    long t0 = System.nanoTime();
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < tenants.size(); i++) {
      runs.add(engines.get(i % 2).environments().provision(tenants.get(i).id(), EnvironmentKind.DEMO));
    }
    for (Run r : runs) {
      assertThat(r.await(WAIT).state()).isEqualTo(RunState.SUCCEEDED);
    }
    List<Long> starts = backend.createStarts.stream().sorted().toList();
    assertThat(starts).hasSize(16);
    long turn = 200_000_000L;
    long slack = 20_000_000L; // clock granularity: the journal keeps turns in epoch microseconds of each engine's clock
    for (int k = 0; k < starts.size(); k++) {
      assertThat(starts.get(k) - t0).as("start %d of 16 at 5 a second across both engines", k + 1)
          .isGreaterThanOrEqualTo(k * turn - slack);
    }
  }

  @Test
  void h2RefusesASecondEngineAndSaysWhy(@TempDir Path dir) {
    Tenantwright first = Stores.h2(dir).build();
    opened.add(first);
    assertThatThrownBy(() -> Stores.h2(dir).build())
        .isInstanceOf(TenantwrightException.class)
        .hasMessageContaining("H2 serves one engine only").hasMessageContaining("PostgreSQL");
  }
}
