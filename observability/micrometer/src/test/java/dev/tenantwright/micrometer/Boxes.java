package dev.tenantwright.micrometer;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A backend of boxes kept in memory, for running real provisionings: {@code box.item} resources whose creates and
 * deletes can be told to fail (in turn) or to wait.
 */
final class Boxes {

  /** A box's spec. */
  record BoxSpec(String label) {}

  /** A box's outputs. */
  record BoxOut(String name) {}

  final Map<String, String> boxes = new ConcurrentHashMap<>();
  private final Map<String, Queue<Supplier<RuntimeException>>> failures = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> reached = new ConcurrentHashMap<>();
  volatile Duration createLatency;

  /** Two boxes, {@code b} made after {@code a}. */
  static Blueprint pair() {
    return Blueprint.builder("pair")
        .resource("a", "box.item", r -> r.param("label", "first"))
        .resource("b", "box.item", r -> r.param("label", "second").needs("a"))
        .build();
  }

  /** Makes the next {@code op} ({@code create} or {@code delete}) of {@code step} throw {@code error}. */
  Boxes fail(String step, String op, Supplier<RuntimeException> error) {
    failures.computeIfAbsent(step + ":" + op, k -> new ConcurrentLinkedQueue<>()).add(error);
    return this;
  }

  /** Makes the next create of {@code step} wait until the returned latch is released. */
  CountDownLatch hold(String step) {
    CountDownLatch latch = new CountDownLatch(1);
    reached.put(step, new CountDownLatch(1));
    holds.put(step, latch);
    return latch;
  }

  /** Waits until a held create has started. */
  void awaitHeld(String step) throws InterruptedException {
    if (!reached.get(step).await(20, TimeUnit.SECONDS)) {
      throw new AssertionError("the create of " + step + " never started");
    }
  }

  ResourceType<BoxSpec, BoxOut> type() {
    return new ResourceType<>() {
      @Override
      public String type() {
        return "box.item";
      }

      @Override
      public Class<BoxSpec> specType() {
        return BoxSpec.class;
      }

      @Override
      public Class<BoxOut> outputType() {
        return BoxOut.class;
      }

      @Override
      public CreateResult<BoxOut> create(BoxSpec spec, StepContext ctx) {
        maybeFail(ctx.stepName(), "create");
        CountDownLatch hold = holds.remove(ctx.stepName());
        if (hold != null) {
          reached.get(ctx.stepName()).countDown();
          try {
            hold.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted");
          }
        }
        if (createLatency != null) {
          ctx.pause(createLatency);
        }
        boxes.put(ctx.resourceName(), spec.label());
        return CreateResult.created(new BoxOut(ctx.resourceName()));
      }

      @Override
      public Optional<BoxOut> read(BoxSpec spec, BoxOut outputs, StepContext ctx) {
        return boxes.containsKey(ctx.resourceName()) ? Optional.of(new BoxOut(ctx.resourceName())) : Optional.empty();
      }

      @Override
      public void delete(BoxSpec spec, BoxOut outputs, StepContext ctx) {
        maybeFail(ctx.stepName(), "delete");
        boxes.remove(ctx.resourceName());
      }
    };
  }

  private void maybeFail(String step, String op) {
    Queue<Supplier<RuntimeException>> q = failures.get(step + ":" + op);
    Supplier<RuntimeException> next = q == null ? null : q.poll();
    if (next != null) {
      throw next.get();
    }
  }
}
