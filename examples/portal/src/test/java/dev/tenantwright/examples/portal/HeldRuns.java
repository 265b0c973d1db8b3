package dev.tenantwright.examples.portal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds chosen runs at the start of their sample-data step until the test releases them, so that a test can
 * look at a page while a run is certainly in progress. Runs not chosen pass straight through.
 */
final class HeldRuns implements SampleData.Hold {

  private final Map<String, CountDownLatch> held = new ConcurrentHashMap<>();
  private final Set<String> waiting = ConcurrentHashMap.newKeySet();

  /** Holds the next sample-data step of that environment. */
  void hold(String tenantId, String environment) {
    held.put(tenantId + "/" + environment, new CountDownLatch(1));
  }

  /** Whether a held step is waiting now. */
  boolean isWaiting(String tenantId, String environment) {
    return waiting.contains(tenantId + "/" + environment);
  }

  /** Lets that environment's step go on. */
  void release(String tenantId, String environment) {
    CountDownLatch latch = held.remove(tenantId + "/" + environment);
    if (latch != null) {
      latch.countDown();
    }
  }

  /** Lets every held step go on (at the end of a test class, so that the engine can stop). */
  void releaseAll() {
    held.values().forEach(CountDownLatch::countDown);
    held.clear();
  }

  @Override
  public void beforeLoading(String tenantId, String environment) {
    String key = tenantId + "/" + environment;
    CountDownLatch latch = held.get(key);
    if (latch == null) {
      return;
    }
    waiting.add(key);
    try {
      latch.await(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      waiting.remove(key);
    }
  }
}
