package dev.tenantwright.benchmarks;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The resource types the benchmarks provision: backends that cost (almost) nothing, so that what is measured
 * is the engine.
 *
 * <p>Every type is thread-safe; the counting and blocking ones keep their state in the instance.
 */
public final class BenchTypes {

  private BenchTypes() {}

  /**
   * The spec every bench type takes.
   *
   * @param millis how long a {@code bench.sleep} create takes; ignored by the others
   */
  public record Spec(@Nullable Integer millis) {}

  /** The outputs: the backend-safe name the engine chose. */
  public record Out(String id) {}

  /** {@code bench.noop}: create returns at once, read finds it, delete forgets nothing. */
  public static ResourceType<Spec, Out> noop() {
    return new Base("bench.noop");
  }

  /** {@code bench.sleep}: create sleeps {@code millis} (a backend with a known latency). */
  public static ResourceType<Spec, Out> sleep() {
    return new Sleeping("bench.sleep", null);
  }

  /**
   * A type named {@code type} whose create sleeps {@code millis}, on {@code backend} rather than on the part of
   * its name before the dot: two of them give steps of the same cost on two backends that per-backend limits
   * ({@code backendConcurrency}, {@code backendRate}) tell apart.
   */
  public static ResourceType<Spec, Out> sleepOn(String type, String backend) {
    return new Sleeping(type, backend);
  }

  /**
   * {@code bench.poll}: create waits {@code millis} in {@code ctx.pause}, as a plugin waits between polls of a
   * deployment or an operation.
   */
  public static ResourceType<Spec, Out> poll() {
    return new Base("bench.poll") {
      @Override
      public CreateResult<Out> create(Spec spec, StepContext ctx) {
        ctx.pause(Duration.ofMillis(spec.millis() == null ? 0 : spec.millis()));
        return super.create(spec, ctx);
      }
    };
  }

  /**
   * {@code bench.count}: an in-memory backend that counts every call the engine makes, and can fail a share
   * of them with a retryable error — half before the side effect (a 503), half after it (a timeout whose
   * outcome is unknown, which the engine must resolve with {@code read}).
   */
  public static final class Counting extends Base {
    private final Map<String, String> objects = new ConcurrentHashMap<>();
    private final LongAdder creates = new LongAdder();
    private final LongAdder reads = new LongAdder();
    private final LongAdder deletes = new LongAdder();
    private final double faultRate;
    private final SplittableRandom random;

    /** A counting backend failing {@code faultRate} of its creates (0 for none), drawn from {@code seed}. */
    public Counting(double faultRate, long seed) {
      super("bench.count");
      this.faultRate = faultRate;
      this.random = new SplittableRandom(seed);
    }

    private synchronized double draw() {
      return random.nextDouble();
    }

    @Override
    public CreateResult<Out> create(Spec spec, StepContext ctx) {
      creates.increment();
      double d = faultRate > 0 ? draw() : 1;
      if (d < faultRate / 2) {
        throw new RetryableException("bench.count: 503 service unavailable", null, false, null);
      }
      String previous = objects.putIfAbsent(ctx.resourceName(), ctx.ownershipMarker());
      if (d < faultRate) {
        throw new RetryableException("bench.count: timed out after the request was sent");
      }
      Out out = new Out(ctx.resourceName());
      if (previous == null || ctx.isOurs(previous)) {
        return CreateResult.created(out);
      }
      return CreateResult.adopted(out);
    }

    @Override
    public Optional<Out> read(Spec spec, Out outputs, StepContext ctx) {
      reads.increment();
      return objects.containsKey(ctx.resourceName()) ? Optional.of(new Out(ctx.resourceName())) : Optional.empty();
    }

    @Override
    public void delete(Spec spec, Out outputs, StepContext ctx) {
      deletes.increment();
      objects.remove(ctx.resourceName());
    }

    /** Every call so far: creates, reads and deletes. */
    public long calls() {
      return creates.sum() + reads.sum() + deletes.sum();
    }

    /** Creates so far. */
    public long creates() {
      return creates.sum();
    }

    /** Reads so far. */
    public long reads() {
      return reads.sum();
    }

    /** Objects that exist now. */
    public int objects() {
      return objects.size();
    }
  }

  /**
   * {@code sandbox.object} on backend {@code sandbox}: an in-process backend whose objects live in a map keyed by
   * {@code ctx.resourceName()}, so that {@code read} reports what exists now — also after an object was edited or
   * deleted out of band ({@link #edit}, {@link #remove}). Every call (create, read, update, delete) takes
   * {@code latency} in {@link LockSupport#parkNanos}: a blocking client's call, which holds its thread for the
   * round trip as a real one does, the same in the engine and in a plain thread pool ({@link #readNow}). The type
   * counts the calls inside it at once, so that a figure can show the backend's concurrency limit held. Updates fail
   * with a permanent error while {@link #failUpdates} is on.
   *
   * <p>Thread-safe; the objects and counters live in the instance.
   */
  public static final class Sandbox implements ResourceType<Sandbox.Spec, Sandbox.Out>,
      Updatable<Sandbox.Spec, Sandbox.Out> {

    /** The spec: the object's value. */
    public record Spec(String value) {}

    /** The outputs: the object's backend name and its value now. */
    public record Out(String id, String value) {}

    private final Map<String, String> objects = new ConcurrentHashMap<>();
    private final long latencyNanos;
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final LongAdder reads = new LongAdder();
    private volatile boolean failUpdates;

    /** A sandbox whose every call takes {@code latency}. */
    public Sandbox(Duration latency) {
      this.latencyNanos = latency.toNanos();
    }

    @Override
    public String type() {
      return "sandbox.object";
    }

    @Override
    public Class<Spec> specType() {
      return Spec.class;
    }

    @Override
    public Class<Out> outputType() {
      return Out.class;
    }

    @Override
    public CreateResult<Out> create(Spec spec, StepContext ctx) {
      call();
      objects.put(ctx.resourceName(), spec.value());
      return CreateResult.created(new Out(ctx.resourceName(), spec.value()));
    }

    @Override
    public Optional<Out> read(Spec spec, Out outputs, StepContext ctx) {
      return readNow(ctx.resourceName()).map(v -> new Out(ctx.resourceName(), v));
    }

    @Override
    public Out update(Spec spec, Spec previous, Out outputs, StepContext ctx) {
      call();
      if (failUpdates) {
        throw new PermanentException("sandbox: the new version does not start");
      }
      objects.put(ctx.resourceName(), spec.value());
      return new Out(ctx.resourceName(), spec.value());
    }

    @Override
    public void delete(Spec spec, Out outputs, StepContext ctx) {
      call();
      objects.remove(ctx.resourceName());
    }

    /** One read as the type's {@code read} makes it, latency and counting included: the value now, or empty. */
    public Optional<String> readNow(String name) {
      call();
      reads.increment();
      return Optional.ofNullable(objects.get(name));
    }

    /** Changes an object's value out of band (no latency, not counted). */
    public void edit(String name, String value) {
      if (objects.replace(name, value) == null) {
        throw new IllegalArgumentException("no object " + name);
      }
    }

    /** Deletes an object out of band (no latency, not counted). */
    public void remove(String name) {
      if (objects.remove(name) == null) {
        throw new IllegalArgumentException("no object " + name);
      }
    }

    /** Whether updates fail (permanently, before any change) from now on. */
    public void failUpdates(boolean fail) {
      failUpdates = fail;
    }

    /** The most calls that were inside the type at once since the last {@link #resetPeak}. */
    public int peak() {
      return peak.get();
    }

    /** Forgets the peak. */
    public void resetPeak() {
      peak.set(inside.get());
    }

    /** Reads so far, the engine's and {@link #readNow}'s. */
    public long reads() {
      return reads.sum();
    }

    /** Objects that exist now. */
    public int objects() {
      return objects.size();
    }

    private void call() {
      int now = inside.incrementAndGet();
      peak.accumulateAndGet(now, Math::max);
      try {
        long end = System.nanoTime() + latencyNanos;
        for (long left = latencyNanos; left > 0; left = end - System.nanoTime()) {
          LockSupport.parkNanos(left);
          if (Thread.currentThread().isInterrupted()) {
            throw new RetryableException("sandbox: interrupted during a call");
          }
        }
      } finally {
        inside.decrementAndGet();
      }
    }
  }

  /** {@code bench.block}: create waits until {@link #release()}; counts the steps that are waiting. */
  public static final class Blocking extends Base {
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger waiting = new AtomicInteger();

    /** A blocking type, closed until released. */
    public Blocking() {
      super("bench.block");
    }

    @Override
    public CreateResult<Out> create(Spec spec, StepContext ctx) {
      waiting.incrementAndGet();
      try {
        while (!gate.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          ctx.checkCancelled();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RetryableException("interrupted while blocked", e);
      } finally {
        waiting.decrementAndGet();
      }
      return super.create(spec, ctx);
    }

    /** Steps blocked in create right now. */
    public int waiting() {
      return waiting.get();
    }

    /** Lets every blocked and future create finish. */
    public void release() {
      gate.countDown();
    }
  }

  /** A type whose create sleeps {@code millis}, on its own backend when one is given. */
  private static final class Sleeping extends Base {
    private final @Nullable String backend;

    Sleeping(String type, @Nullable String backend) {
      super(type);
      this.backend = backend;
    }

    @Override
    public String backend() {
      return backend != null ? backend : super.backend();
    }

    @Override
    public CreateResult<Out> create(Spec spec, StepContext ctx) {
      int ms = spec.millis() == null ? 0 : spec.millis();
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RetryableException("interrupted while sleeping", e);
      }
      return super.create(spec, ctx);
    }
  }

  /** A type whose create returns at once; the base of the others. */
  static class Base implements ResourceType<Spec, Out> {
    private final String type;

    Base(String type) {
      this.type = type;
    }

    @Override
    public String type() {
      return type;
    }

    @Override
    public Class<Spec> specType() {
      return Spec.class;
    }

    @Override
    public Class<Out> outputType() {
      return Out.class;
    }

    @Override
    public CreateResult<Out> create(Spec spec, StepContext ctx) {
      return CreateResult.created(new Out(ctx.resourceName()));
    }

    @Override
    public Optional<Out> read(Spec spec, Out outputs, StepContext ctx) {
      return Optional.of(outputs != null ? outputs : new Out(ctx.resourceName()));
    }

    @Override
    public void delete(Spec spec, Out outputs, StepContext ctx) {
      // nothing to delete
    }
  }
}
