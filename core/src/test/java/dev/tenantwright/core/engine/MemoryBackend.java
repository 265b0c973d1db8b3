package dev.tenantwright.core.engine;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * An in-memory backend for engine tests: objects keyed by resource name with their ownership marker, a log
 * of side effects, scripted failures before or after the side effect, barriers and latches.
 */
public final class MemoryBackend {

  /** The spec: a value, optionally a token secret to store. */
  public record MemSpec(@Nullable String value, @Nullable Secret token) {}

  /** The outputs. */
  public record MemOut(String id, String value, @Nullable Secret token) {}

  /** A stored object. */
  public record Obj(String name, String marker, String value, Secret token) {}

  public enum Phase { BEFORE, AFTER }

  private record Fault(String step, String op, Phase phase, AtomicInteger remaining, Supplier<RuntimeException> error) {}

  public final Map<String, Obj> objects = new ConcurrentHashMap<>();
  public final List<String> log = new CopyOnWriteArrayList<>();
  public final Map<String, AtomicInteger> creates = new ConcurrentHashMap<>();
  public final List<Object> specsSeen = new CopyOnWriteArrayList<>();
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final Map<String, CountDownLatch> blocks = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> reached = new ConcurrentHashMap<>();
  private volatile CyclicBarrier barrier;
  /** How long each create takes (a slow backend), or null. */
  public volatile java.time.Duration createLatency;
  /** How long each delete waits through {@code ctx.pause} first, as a plugin polling for a removal does; null: none. */
  public volatile java.time.Duration deleteLatency;
  private final AtomicInteger running = new AtomicInteger();
  private final java.util.Set<String> inflight = ConcurrentHashMap.newKeySet();
  /** How often a resource's create was entered while another create of the same resource was still running. */
  public final AtomicInteger doubleExecutions = new AtomicInteger();
  private final AtomicInteger maxRunning = new AtomicInteger();
  /** When each create was entered ({@link System#nanoTime()}), in the order they were. */
  public final java.util.Queue<Long> createStarts = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** The resource type, named {@code mem.object}. */
  public ResourceType<MemSpec, MemOut> type() {
    return new MemType("mem.object");
  }

  /** The same backend under another type name. */
  public ResourceType<MemSpec, MemOut> type(String name) {
    return new MemType(name);
  }

  /** A type that can reset (restore the spec's value) and may hold data. */
  public ResourceType<MemSpec, MemOut> resettableType(String name, boolean dataBearing) {
    return new ResettableMemType(name, dataBearing);
  }

  /** A type with a native promotion: live takes the tested object's value. */
  public ResourceType<MemSpec, MemOut> promotableType(String name) {
    return new PromotableMemType(name);
  }

  private final class PromotableMemType extends MemType implements dev.tenantwright.spi.Promotable<MemSpec, MemOut> {
    PromotableMemType(String name) {
      super(name);
    }

    @Override
    public MemOut promote(MemSpec liveSpec, MemOut liveOutputs, MemSpec sourceSpec, MemOut sourceOutputs,
        StepContext ctx) {
      String key = ctx.resourceName();
      Obj o = objects.get(key);
      objects.put(key, new Obj(key, o.marker(), "promoted:" + sourceOutputs.value(), o.token()));
      log.add("promote:" + ctx.stepName() + " from " + sourceOutputs.id());
      return new MemOut(key, "promoted:" + sourceOutputs.value(), o.token());
    }
  }

  /** A type that can neither update, reset nor promote: every change replaces the object. */
  public ResourceType<MemSpec, MemOut> fixedType(String name) {
    MemType inner = new MemType(name);
    return new ResourceType<>() {
      @Override
      public String type() {
        return name;
      }

      @Override
      public Class<MemSpec> specType() {
        return MemSpec.class;
      }

      @Override
      public Class<MemOut> outputType() {
        return MemOut.class;
      }

      @Override
      public CreateResult<MemOut> create(MemSpec spec, StepContext ctx) {
        return inner.create(spec, ctx);
      }

      @Override
      public Optional<MemOut> read(MemSpec spec, MemOut outputs, StepContext ctx) {
        return inner.read(spec, outputs, ctx);
      }

      @Override
      public void delete(MemSpec spec, MemOut outputs, StepContext ctx) {
        inner.delete(spec, outputs, ctx);
      }
    };
  }

  /** A data-bearing type without reset of its own. */
  public ResourceType<MemSpec, MemOut> dataType(String name) {
    return new MemType(name) {
      @Override
      public boolean dataBearing() {
        return true;
      }
    };
  }

  /** Simulates a user writing data into an object (so a reset has something to undo). */
  public void scribble(String resourceName, String value) {
    objects.computeIfPresent(resourceName, (k, o) -> new Obj(o.name(), o.marker(), value, o.token()));
  }

  private final class ResettableMemType extends MemType implements dev.tenantwright.spi.Resettable<MemSpec, MemOut> {
    private final boolean dataBearing;

    ResettableMemType(String name, boolean dataBearing) {
      super(name);
      this.dataBearing = dataBearing;
    }

    @Override
    public boolean dataBearing() {
      return dataBearing;
    }

    @Override
    public MemOut reset(MemSpec spec, MemOut outputs, StepContext ctx) {
      String key = ctx.resourceName();
      Obj o = objects.get(key);
      objects.put(key, new Obj(key, o.marker(), spec.value(), spec.token()));
      log.add("reset:" + ctx.stepName());
      return new MemOut(key, spec.value(), spec.token());
    }
  }

  /** Makes the next {@code times} calls of {@code op} on {@code step} throw, before or after the side effect. */
  public MemoryBackend fail(String step, String op, Phase phase, int times, Supplier<RuntimeException> error) {
    faults.add(new Fault(step, op, phase, new AtomicInteger(times), error));
    return this;
  }

  /** Makes every create wait until {@code parties} creates are in progress at once. */
  public MemoryBackend barrier(int parties) {
    this.barrier = new CyclicBarrier(parties);
    return this;
  }

  /** Blocks the next {@code op} of {@code step} after its side effect until the returned latch is released (once). */
  public CountDownLatch blockAfter(String step, String op) {
    CountDownLatch latch = new CountDownLatch(1);
    blocks.put(step + ":" + op, latch);
    reached.put(step + ":" + op, new CountDownLatch(1));
    return latch;
  }

  /** Waits until a blocked call has reached its block. */
  public void awaitBlocked(String step, String op) throws InterruptedException {
    if (!reached.get(step + ":" + op).await(20, TimeUnit.SECONDS)) {
      throw new AssertionError(step + ":" + op + " never reached its block");
    }
  }

  public void clearBlocks() {
    blocks.clear();
  }

  /** Removes every scripted failure: the backend answers again. */
  public void clearFaults() {
    faults.clear();
  }

  public int maxConcurrent() {
    return maxRunning.get();
  }

  public List<String> deletes() {
    List<String> out = new ArrayList<>();
    for (String l : log) {
      if (l.startsWith("delete:")) {
        out.add(l.substring(7));
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** Puts an object in place as if an earlier run of the same resource had made it. */
  public void preExisting(String resourceName, String marker, String value) {
    objects.put(resourceName, new Obj(resourceName, marker, value, null));
  }

  private void maybeFail(StepContext ctx, String op, Phase phase) {
    for (Fault f : faults) {
      if (f.step().equals(ctx.stepName()) && f.op().equals(op) && f.phase() == phase
          && f.remaining().getAndUpdate(n -> n > 0 ? n - 1 : n) > 0) {
        throw f.error().get();
      }
    }
  }

  private void maybeBlock(StepContext ctx, String op) {
    CountDownLatch latch = blocks.remove(ctx.stepName() + ":" + op);
    if (latch != null) {
      reached.get(ctx.stepName() + ":" + op).countDown();
      try {
        latch.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.util.concurrent.CancellationException("interrupted");
      }
    }
  }

  private class MemType implements ResourceType<MemSpec, MemOut>, Updatable<MemSpec, MemOut> {
    private final String name;

    MemType(String name) {
      this.name = name;
    }

    @Override
    public String type() {
      return name;
    }

    @Override
    public Class<MemSpec> specType() {
      return MemSpec.class;
    }

    @Override
    public Class<MemOut> outputType() {
      return MemOut.class;
    }

    @Override
    public CreateResult<MemOut> create(MemSpec spec, StepContext ctx) {
      createStarts.add(System.nanoTime());
      specsSeen.add(spec);
      if (!inflight.add(ctx.resourceName())) {
        doubleExecutions.incrementAndGet();
      }
      int now = running.incrementAndGet();
      maxRunning.accumulateAndGet(now, Math::max);
      try {
        maybeFail(ctx, "create", Phase.BEFORE);
        if (createLatency != null) {
          ctx.pause(createLatency);
        }
        CyclicBarrier b = barrier;
        if (b != null) {
          try {
            b.await(20, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new PermanentException("barrier broken: steps did not run in parallel");
          }
        }
        String key = ctx.resourceName();
        CreateResult<MemOut> result;
        synchronized (objects) {
          Obj existing = objects.get(key);
          if (existing != null) {
            MemOut out = new MemOut(key, existing.value(), existing.token());
            if (ctx.isOurs(existing.marker())) {
              result = CreateResult.created(out);
            } else if (ctx.belongsHere(existing.marker())) {
              result = CreateResult.adopted(out);
            } else {
              throw new PermanentException("object " + key + " exists and belongs to someone else");
            }
          } else {
            objects.put(key, new Obj(key, ctx.ownershipMarker(), spec.value(), spec.token()));
            creates.computeIfAbsent(ctx.stepName(), k -> new AtomicInteger()).incrementAndGet();
            log.add("create:" + ctx.stepName());
            result = CreateResult.created(new MemOut(key, spec.value(), spec.token()));
          }
        }
        maybeBlock(ctx, "create");
        maybeFail(ctx, "create", Phase.AFTER);
        return result;
      } finally {
        running.decrementAndGet();
        inflight.remove(ctx.resourceName());
      }
    }

    @Override
    public Optional<MemOut> read(MemSpec spec, MemOut outputs, StepContext ctx) {
      maybeFail(ctx, "read", Phase.BEFORE);
      Obj o = objects.get(ctx.resourceName());
      return o == null ? Optional.empty() : Optional.of(new MemOut(o.name(), o.value(), o.token()));
    }

    @Override
    public void delete(MemSpec spec, MemOut outputs, StepContext ctx) {
      maybeFail(ctx, "delete", Phase.BEFORE);
      if (deleteLatency != null) {
        ctx.pause(deleteLatency);
      }
      if (objects.remove(ctx.resourceName()) != null) {
        log.add("delete:" + ctx.stepName());
      }
      maybeFail(ctx, "delete", Phase.AFTER);
    }

    @Override
    public MemOut update(MemSpec spec, MemSpec previous, MemOut outputs, StepContext ctx) {
      maybeFail(ctx, "update", Phase.BEFORE);
      String key = ctx.resourceName();
      Obj o = objects.get(key);
      if (o == null) {
        throw new PermanentException("object " + key + " is gone");
      }
      objects.put(key, new Obj(key, o.marker(), spec.value(), spec.token()));
      log.add("update:" + ctx.stepName());
      maybeBlock(ctx, "update");
      maybeFail(ctx, "update", Phase.AFTER);
      return new MemOut(key, spec.value(), spec.token());
    }
  }
}
