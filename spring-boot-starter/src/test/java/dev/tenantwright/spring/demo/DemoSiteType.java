package dev.tenantwright.spring.demo;

import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.StepContext;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The demo application's own resource type, {@code demo.site}: a "site" kept in memory, whose creation a test can
 * hold on a latch to have a run in flight when the application closes.
 */
public final class DemoSiteType implements ResourceType<DemoSiteType.Spec, DemoSiteType.Out> {

  /** What a blueprint asks for: a title and the URL the site answers on. */
  public record Spec(String title, String url) {}

  /** What the site is once made. */
  public record Out(String url, String title) {}

  /** The sites made, by backend name. */
  public final Map<String, Out> sites = new ConcurrentHashMap<>();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile CountDownLatch entered = new CountDownLatch(1);

  /** Makes the next creates wait until the returned latch is counted down (or their thread is interrupted). */
  public CountDownLatch hold() {
    entered = new CountDownLatch(1);
    CountDownLatch latch = new CountDownLatch(1);
    gate = latch;
    return latch;
  }

  /** Waits until a create is waiting at the gate. */
  public void awaitHeld() throws InterruptedException {
    if (!entered.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("no create reached the gate");
    }
  }

  @Override
  public String type() {
    return "demo.site";
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
    entered.countDown();
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableException("interrupted while making site " + ctx.resourceName(), e);
    }
    Out site = new Out(spec.url(), spec.title());
    sites.put(ctx.resourceName(), site);
    return CreateResult.created(site);
  }

  @Override
  public Optional<Out> read(Spec spec, Out outputs, StepContext ctx) {
    return Optional.ofNullable(sites.get(ctx.resourceName()));
  }

  @Override
  public void delete(Spec spec, Out outputs, StepContext ctx) {
    sites.remove(ctx.resourceName());
  }
}
