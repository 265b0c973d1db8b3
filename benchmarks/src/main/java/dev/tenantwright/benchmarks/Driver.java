package dev.tenantwright.benchmarks;

import dev.tenantwright.core.Event;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Drives one {@link Tenantwright} for a benchmark: starts runs and waits for their end through the event
 * stream, so that the wait reads nothing back from the journal (a {@code Run.await} refresh would add reads the
 * engine itself does not need).
 *
 * <p>Thread-safe. Closing stops the engine without draining.
 */
public final class Driver implements AutoCloseable {

  private static final Duration WAIT = Duration.ofMinutes(5);

  private final Tenantwright tw;
  private final Map<String, CompletableFuture<RunState>> ends = new ConcurrentHashMap<>();
  private static final AtomicLong NAMES = new AtomicLong();
  private String tenantId;

  /** Builds the engine from {@code builder} after adding the listener it needs. */
  public Driver(Tenantwright.Builder builder) {
    this.tw = builder.listener(this::onEvent).build();
  }

  private void onEvent(Event e) {
    RunState end = switch (e.type()) {
      case RUN_SUCCEEDED -> RunState.SUCCEEDED;
      case RUN_ROLLED_BACK -> RunState.ROLLED_BACK;
      case RUN_FAILED -> RunState.FAILED;
      default -> null;
    };
    if (end != null && e.runId() != null) {
      ends.computeIfAbsent(e.runId(), k -> new CompletableFuture<>()).complete(end);
    }
  }

  /** The engine. */
  public Tenantwright tenantwright() {
    return tw;
  }

  /** Creates a tenant named {@code company} with a unique e-mail and returns its id. */
  public String tenant(String company) {
    return tw.tenants().create(NewTenant.company(company).email("ops-" + NAMES.incrementAndGet() + "@bench.example"))
        .id();
  }

  /** Creates {@code n} tenants named {@code prefix 0} … and returns their ids, in order. */
  public List<String> tenants(String prefix, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(tenant(prefix + " " + i));
    }
    return ids;
  }

  /**
   * Provisions a new test instance of the benchmark tenant with {@code blueprint} and waits for it to end.
   *
   * @throws IllegalStateException when it did not succeed
   */
  public void provisionOnce(String blueprint) {
    if (tenantId == null) {
      tenantId = tenant("Bench Tenant");
    }
    Run run = tw.environments().createTest(tenantId, "r" + Long.toString(NAMES.incrementAndGet(), 36),
        RunOptions.defaults().blueprint(blueprint));
    require(await(run.id()), run.id());
  }

  /** Starts the demo of {@code tenant} with {@code blueprint} and returns the run id without waiting. */
  public String startDemo(String tenant, String blueprint) {
    return tw.environments().provision(tenant, EnvironmentKind.DEMO, RunOptions.defaults().blueprint(blueprint)).id();
  }

  /** Starts the test instance {@code name} of {@code tenant} with options and returns the run id. */
  public String startTest(String tenant, String name, UnaryOperator<RunOptions> options) {
    return tw.environments().createTest(tenant, name, options.apply(RunOptions.defaults())).id();
  }

  /**
   * Starts a run per element of {@code starts}, one after another from this thread, with at most {@code inFlight} of
   * them in flight (a semaphore that each run's end event releases), waits for them all and returns their ids in
   * order; fails if one did not succeed.
   */
  public List<String> startAll(List<? extends Supplier<String>> starts, int inFlight) {
    Semaphore slots = new Semaphore(inFlight);
    List<String> ids = new ArrayList<>(starts.size());
    for (Supplier<String> start : starts) {
      slots.acquireUninterruptibly();
      String id = start.get();
      ids.add(id);
      ends.computeIfAbsent(id, k -> new CompletableFuture<>()).whenComplete((state, e) -> slots.release());
    }
    awaitAll(ids);
    return ids;
  }

  /** Waits for the run to end and returns its final state. */
  public RunState await(String runId) {
    CompletableFuture<RunState> f = ends.computeIfAbsent(runId, k -> new CompletableFuture<>());
    try {
      return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for run " + runId, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("run " + runId + " did not end within " + WAIT, e);
    } finally {
      ends.remove(runId);
    }
  }

  /** Waits for every run, failing if one did not succeed. */
  public void awaitAll(List<String> runIds) {
    List<String> failed = new ArrayList<>();
    for (String id : runIds) {
      if (await(id) != RunState.SUCCEEDED) {
        failed.add(id);
      }
    }
    if (!failed.isEmpty()) {
      throw new IllegalStateException(failed.size() + " run(s) did not succeed: " + failed);
    }
  }

  private void require(RunState state, String runId) {
    if (state != RunState.SUCCEEDED) {
      throw new IllegalStateException("run " + runId + " ended " + state + ": "
          + tw.runs().get(runId).error());
    }
  }

  @Override
  public void close() {
    tw.close(Duration.ZERO);
  }
}
