package dev.tenantwright.testkit.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenant;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.TenantwrightException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults at the journal, at every statement and every commit in turn, on each store
 * ({@link H2JournalFaultTest}, {@link PostgresJournalFaultTest}).
 *
 * <p>The scenario is a three-step chain whose last step fails for good, so every run goes forward and then rolls
 * back. A clean run first counts its journal statements and commits (on the engine's worker and caller threads;
 * the timer thread's heartbeats and sweeps are not counted, so the count is the same every time). Then, for each
 * statement in turn, one run meets a fault there: a transient error the journal retries (a lost connection, a
 * deadlock, a serialization failure, H2's lock time-out), or an outage longer than those retries, which makes the
 * engine abandon the run and resume it from the journal once the database is back. For each commit in turn, one
 * run meets a commit that fails before taking effect, and one a commit that takes effect but whose answer is lost.
 * The crash test halts the engine before and after each commit in turn — every later journal operation fails, as
 * in a killed process — then starts a new engine on the same store.
 *
 * <p>After every run: it ended ROLLED_BACK; its objects are gone from the backend and from the journal; no object
 * was created twice; its environment is FAILED (a new environment whose provisioning rolled back); the run's final
 * event was written once.
 *
 * <p>In the build each statement meets one kind of fault (they take turns); {@code -Djournal.faults=full} gives
 * every statement every kind.
 */
abstract class JournalFaultContract {

  static final Duration WAIT = Duration.ofSeconds(60);
  static final Duration OUTAGE = Duration.ofMillis(900);
  static final Predicate<Thread> NOT_TIMERS = t -> !t.getName().startsWith("tenantwright-timer");

  static final Blueprint CHAIN = Blueprint.builder("faults")
      .resource("a", "disk.object", r -> r.param("value", "a"))
      .resource("b", "disk.object", r -> r.param("value", "after ${a.name}"))
      .resource("c", "disk.object", r -> r.param("value", "c").param("fail", true).needs("b"))
      .build();

  @TempDir
  Path dir;

  private Store store;
  private FaultyDataSource ds;
  private DiskObjects disk;
  private Tenantwright tw;
  private int tenants;

  abstract Store store(Path dir);

  @BeforeEach
  void open() {
    store = store(dir.resolve("db"));
    ds = FaultyDataSource.wrap(store.pool()).countOnly(NOT_TIMERS).seed(7);
    disk = new DiskObjects(dir.resolve("backend"));
    tw = engine();
  }

  @AfterEach
  void close() {
    if (tw != null) {
      tw.close(Duration.ZERO);
    }
    store.close();
  }

  private Tenantwright engine() {
    return Tenantwright.builder().dataSource(ds).secretKey(Store.KEY).classpathPlugins(false)
        .resourceType(disk.type()).blueprint(CHAIN)
        .leaseDuration(Duration.ofMillis(600)).backoff(Duration.ofMillis(5), Duration.ofMillis(50))
        .stepTimeout(Duration.ofSeconds(30)).build();
  }

  private static boolean full() {
    return "full".equals(System.getProperty("journal.faults"));
  }

  /** The statements and commits of one clean run, counted. */
  private long[] baseline() throws Exception {
    long s0 = ds.statements();
    long c0 = ds.commits();
    String tenant = tenant();
    Run done = provision(tenant);
    assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(RunState.ROLLED_BACK);
    verify(tenant, done);
    return new long[] {ds.statements() - s0, ds.commits() - c0};
  }

  @Test
  void aFaultAtEveryJournalStatementAndCommitNeverStrandsARun() throws Exception {
    long[] counts = baseline();
    long statements = counts[0];
    long commits = counts[1];
    assertThat(statements).as("statements of one run").isGreaterThan(20);
    JournalFault.Kind[] kinds = JournalFault.Kind.values();
    List<JournalFault> faults = new ArrayList<>();
    for (long k = 1; k <= statements; k++) {
      JournalFault transientFault = JournalFault.atStatement(k).kind(kinds[(int) (k % kinds.length)]);
      JournalFault outage = JournalFault.atStatement(k).kind(kinds[(int) (k % kinds.length)]).outage(OUTAGE);
      if (full()) {
        faults.add(transientFault);
        faults.add(outage);
      } else {
        faults.add(k % 2 == 0 ? transientFault : outage);
      }
    }
    for (long j = 1; j <= commits; j++) {
      faults.add(JournalFault.atCommit(j));
      faults.add(JournalFault.atCommit(j).afterEffect());
    }
    for (JournalFault f : faults) {
      String tenant = tenant();
      ds.inject(f);
      Run done = provision(tenant);
      ds.clear();
      verify(tenant, done);
    }
    System.out.printf("journal faults (%s): %d statements and %d commits per run, %d faulted runs, all rolled back "
        + "cleanly%n", getClass().getSimpleName(), statements, commits, faults.size());
  }

  @Test
  void aCrashBeforeOrAfterEveryJournalCommitIsRecoveredByTheNextEngine() throws Exception {
    long commits = baseline()[1];
    int crashes = 0;
    for (long j = 1; j <= commits; j++) {
      for (boolean after : new boolean[] {false, true}) {
        String tenant = tenant();
        JournalFault halt = after ? JournalFault.atCommit(j).afterEffect().halt() : JournalFault.atCommit(j).halt();
        ds.inject(halt);
        try {
          tw.environments().provision(tenant, EnvironmentKind.DEMO, key(tenant));
        } catch (TenantwrightException crashed) {
          // the "process" died while starting the run
        }
        assertThat(ds.awaitHalt(WAIT)).as("the engine reached commit " + j).isTrue();
        tw.close(Duration.ZERO);
        ds.clear();
        tw = engine();
        Run done = provision(tenant);
        verify(tenant, done);
        crashes++;
      }
    }
    System.out.printf("journal crashes (%s): %d commits per run, %d crashes, every run recovered%n",
        getClass().getSimpleName(), commits, crashes);
  }

  private String tenant() {
    int i = tenants++;
    Tenant t = tw.tenants().create(NewTenant.company("Fault Tenant " + i).email("f" + i + "@faults.example"));
    return t.id();
  }

  private static RunOptions key(String tenant) {
    return RunOptions.defaults().idempotencyKey("provision-" + tenant);
  }

  /**
   * Provisions with an idempotency key and waits: a start that failed because the journal was unavailable is
   * asked again (the same key returns the run if it was recorded after all).
   */
  private Run provision(String tenant) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        return tw.environments().provision(tenant, EnvironmentKind.DEMO, key(tenant)).await(WAIT);
      } catch (TenantwrightException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private void verify(String tenant, Run done) throws Exception {
    assertThat(done.state()).as(tenant + ": " + done.error()).isEqualTo(RunState.ROLLED_BACK);
    assertThat(done.error()).contains("step 'c'");
    List<Event> ends = done.events().stream().filter(e -> e.type() == EventType.RUN_ROLLED_BACK).toList();
    assertThat(ends).as("the final event of " + tenant).hasSize(1);
    assertThat(disk.names()).as("objects of " + tenant).noneMatch(n -> n.startsWith(tenant + "-"));
    Invariants.check(ds, disk, Map.of(done.id(), done.state().name()));
  }
}
