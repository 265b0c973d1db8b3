package dev.tenantwright.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.NewTenant;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A step that waits holds no platform thread. Waiting for a backend permit or a rate slot happens before the step
 * is handed to a worker, on every Java: the tests of limits run on Java 17's pool of platform threads too. Waiting
 * in {@code ctx.pause} while a step polls its backend holds no thread on Java 24 and later, with virtual threads:
 * far more steps wait at once than {@code maxParallelSteps}, while the JVM's platform threads stay few (those tests
 * need Java 24+: the build runs this class on the Java 25 JDK as well when that is installed). Before, each
 * waiting step held one of 16 platform threads, so 200 tenants whose one step waits 2 s took 26 s, and 16 steps
 * queued for one throttled backend's permit held every worker. Counts, not times: how many steps wait at one
 * moment, and how many platform threads the JVM has meanwhile.
 */
class WaitingHoldsNoThreadTest {

  /** A step that waits {@code millis} in its backend through {@code ctx.pause}. */
  public record WaitSpec(int millis) {}

  /** Nothing to output. */
  public record WaitOut(String name) {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final AtomicInteger pausing = new AtomicInteger();
  private final AtomicInteger mostPausing = new AtomicInteger();
  private final AtomicInteger inCreate = new AtomicInteger();
  private final AtomicInteger mostInCreate = new AtomicInteger();
  /** Pausing steps poll until this opens, like a plugin polling a deployment until it is ready. */
  private final CountDownLatch release = new CountDownLatch(1);

  private static void needsVirtualThreads() {
    assumeTrue(Runtime.version().feature() >= 24, "steps run on virtual threads from Java 24 on");
  }

  @Test
  void fourHundredStepsPausingAtOnceHoldNeitherAPlatformThreadNorARunningSlot() throws Exception {
    needsVirtualThreads();
    int tenants = 400;
    CountDownLatch allPausing = new CountDownLatch(tenants);
    try (Tenantwright tw = engine(new Waiter("wait.pause", allPausing), 16)) {
      int before = THREADS.getThreadCount();
      List<Run> runs = new ArrayList<>();
      for (int i = 0; i < tenants; i++) {
        runs.add(tw.environments().provision(tw.tenants().create(NewTenant.company("Pause " + i)
            .email("p" + i + "@pause.example")).id(), EnvironmentKind.DEMO));
      }
      assertThat(allPausing.await(2, TimeUnit.MINUTES)).as("every step reached its pause at once").isTrue();
      int during = THREADS.getThreadCount();
      release.countDown();
      for (Run r : runs) {
        assertThat(r.await(Duration.ofMinutes(2)).state()).isEqualTo(RunState.SUCCEEDED);
      }
      assertThat(mostPausing.get()).as("steps waiting at the same moment").isEqualTo(tenants);
      assertThat(during - before).as("platform threads added while %d steps waited", tenants).isLessThan(40);
    }
  }

  /**
   * One throttled backend (one permit, held by a step that polls until released) does not delay another backend,
   * and its 59 steps queued for the permit hold no platform thread: before, they held every worker, and the other
   * backend's runs waited for them.
   */
  @Test
  void aThrottledBackendDoesNotDelayAnotherBackendsSteps() throws Exception {
    CountDownLatch first = new CountDownLatch(1);
    Waiter throttled = new Waiter("wait.pause", first);
    Waiter free = new Waiter("free.busy", new CountDownLatch(0));
    Blueprint freeBp = Blueprint.builder("free").resource("f", "free.busy", r -> r.param("millis", 5)).build();
    try (Tenantwright tw = engine(throttled, 16,
        b -> b.resourceType(free).blueprint(freeBp).defaultBlueprint("wait").backendConcurrency("wait", 1))) {
      List<Run> held = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        held.add(tw.environments().provision(tw.tenants().create(NewTenant.company("Throttled " + i)
            .email("t" + i + "@throttled.example")).id(), EnvironmentKind.DEMO));
      }
      int before = THREADS.getThreadCount();
      assertThat(first.await(1, TimeUnit.MINUTES)).isTrue();
      for (int i = 0; i < 40; i++) {
        Run r = tw.environments().provision(tw.tenants().create(NewTenant.company("Free " + i)
            .email("f" + i + "@free.example")).id(), EnvironmentKind.DEMO,
            dev.tenantwright.core.RunOptions.defaults().blueprint("free"));
        assertThat(r.await(Duration.ofMinutes(1)).state()).as("free run %d", i).isEqualTo(RunState.SUCCEEDED);
      }
      assertThat(held).as("the throttled runs are all still waiting").allSatisfy(r ->
          assertThat(tw.runs().get(r.id()).state().isTerminal()).isFalse());
      assertThat(THREADS.getThreadCount() - before).as("platform threads added meanwhile").isLessThan(40);
      release.countDown();
      for (Run r : held) {
        assertThat(r.await(Duration.ofMinutes(2)).state()).isEqualTo(RunState.SUCCEEDED);
      }
    }
  }

  /** The same with a rate limit: steps waiting for their turn hold no thread and do not hold up another backend. */
  @Test
  void stepsWaitingForARateSlotHoldNoThreadAndDoNotDelayAnotherBackend() throws Exception {
    release.countDown();
    Waiter throttled = new Waiter("wait.pause", new CountDownLatch(0));
    Waiter free = new Waiter("free.busy", new CountDownLatch(0));
    Blueprint freeBp = Blueprint.builder("free").resource("f", "free.busy", r -> r.param("millis", 5)).build();
    try (Tenantwright tw = engine(throttled, 16,
        b -> b.resourceType(free).blueprint(freeBp).defaultBlueprint("wait").backendRate("wait", 2))) {
      int before = THREADS.getThreadCount();
      List<Run> held = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        held.add(tw.environments().provision(tw.tenants().create(NewTenant.company("Rated " + i)
            .email("r" + i + "@rated.example")).id(), EnvironmentKind.DEMO));
      }
      for (int i = 0; i < 30; i++) {
        Run r = tw.environments().provision(tw.tenants().create(NewTenant.company("Free " + i)
            .email("f" + i + "@free.example")).id(), EnvironmentKind.DEMO,
            dev.tenantwright.core.RunOptions.defaults().blueprint("free"));
        assertThat(r.await(Duration.ofMinutes(1)).state()).as("free run %d", i).isEqualTo(RunState.SUCCEEDED);
      }
      long waiting = held.stream().filter(r -> !tw.runs().get(r.id()).state().isTerminal()).count();
      assertThat(waiting).as("rated runs still waiting for their turn (2 a second)").isGreaterThan(20);
      assertThat(THREADS.getThreadCount() - before).as("platform threads added meanwhile").isLessThan(40);
      tw.close(Duration.ZERO);
    }
  }

  @Test
  void atMostMaxParallelStepsRunBackendCodeAtOnce() throws Exception {
    needsVirtualThreads();
    Waiter busy = new Waiter("wait.busy", new CountDownLatch(0));
    try (Tenantwright tw = engine(busy, 4)) {
      List<Run> runs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        runs.add(tw.environments().provision(tw.tenants().create(NewTenant.company("Busy " + i)
            .email("b" + i + "@busy.example")).id(), EnvironmentKind.DEMO));
      }
      for (Run r : runs) {
        assertThat(r.await(Duration.ofMinutes(2)).state()).isEqualTo(RunState.SUCCEEDED);
      }
      assertThat(mostInCreate.get()).as("steps in backend code at once, maxParallelSteps 4").isBetween(2, 4);
    }
  }

  private Tenantwright engine(Waiter type, int parallel) throws Exception {
    return engine(type, parallel, b -> b);
  }

  private Tenantwright engine(Waiter type, int parallel,
      java.util.function.UnaryOperator<Tenantwright.Builder> more) throws Exception {
    Path dir = Files.createTempDirectory("tw-wait");
    int millis = type.type().endsWith(".busy") ? 30 : 100;
    Blueprint bp = Blueprint.builder("wait")
        .resource("w", type.type(), r -> r.param("millis", millis))
        .build();
    return more.apply(Stores.h2(dir).resourceType(type).blueprint(bp).maxParallelSteps(parallel)
        .virtualThreads(true)).build();
  }

  /**
   * Polls with {@code ctx.pause} of the spec's milliseconds until the test releases it (wait.pause), or works
   * without pausing for the spec's milliseconds (wait.busy).
   */
  final class Waiter implements ResourceType<WaitSpec, WaitOut> {
    private final String name;
    private final CountDownLatch reached;

    Waiter(String name, CountDownLatch reached) {
      this.name = name;
      this.reached = reached;
    }

    @Override
    public String type() {
      return name;
    }

    @Override
    public Class<WaitSpec> specType() {
      return WaitSpec.class;
    }

    @Override
    public Class<WaitOut> outputType() {
      return WaitOut.class;
    }

    @Override
    public CreateResult<WaitOut> create(WaitSpec spec, StepContext ctx) {
      mostInCreate.accumulateAndGet(inCreate.incrementAndGet(), Math::max);
      try {
        if (name.endsWith(".busy")) {
          long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(spec.millis());
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
        } else {
          inCreate.decrementAndGet();
          mostPausing.accumulateAndGet(pausing.incrementAndGet(), Math::max);
          reached.countDown();
          while (release.getCount() > 0) {
            ctx.pause(Duration.ofMillis(spec.millis()));
          }
          pausing.decrementAndGet();
          mostInCreate.accumulateAndGet(inCreate.incrementAndGet(), Math::max);
        }
      } finally {
        inCreate.decrementAndGet();
      }
      return CreateResult.created(new WaitOut(ctx.resourceName()));
    }

    @Override
    public Optional<WaitOut> read(WaitSpec spec, WaitOut outputs, StepContext ctx) {
      return Optional.of(outputs);
    }

    @Override
    public void delete(WaitSpec spec, WaitOut outputs, StepContext ctx) {
      // nothing to remove
    }
  }
}
