package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.Event;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A run's lock, which also delivers the run's events to the host's listeners once it is released, in the order
 * they were committed.
 *
 * <p>Why not deliver inside the lock, right after the commit: a listener is host code — it may be slow (writing to a
 * socket, a log shipper), or call back into the engine (cancel the run, read its status) from another thread that
 * needs this lock; either would hold up or deadlock the run. Events are queued under the lock in commit order, and
 * whoever releases the lock last drains the queue; one thread drains at a time, so listeners see a run's events in
 * order, never two at once. A {@link ReentrantLock} rather than a monitor also keeps a virtual thread that waits for
 * it from pinning its carrier on any Java. Thread-safe.
 */
final class RunLock extends ReentrantLock {

  private static final long serialVersionUID = 1L;

  private final transient Consumer<Event> listeners;
  private final transient Queue<Runnable> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean delivering = new AtomicBoolean();

  RunLock(Consumer<Event> listeners) {
    this.listeners = listeners;
  }

  /** Queues an event for the listeners; called with the lock held, in commit order. */
  void publishAfterUnlock(Event e) {
    outbox.add(() -> listeners.accept(e));
  }

  /**
   * Queues {@code action} behind the events queued so far; called with the lock held. The run's completion is
   * signalled this way, so a caller of {@code Run.await} finds that the listeners have had every event of the run.
   */
  void afterUnlock(Runnable action) {
    outbox.add(action);
  }

  /** Releases the lock; the last release delivers the queued events. */
  @Override
  public void unlock() {
    boolean last = getHoldCount() == 1;
    super.unlock();
    if (last) {
      deliver();
    }
  }

  private void deliver() {
    // re-check after each turn: an event queued while another thread was delivering is delivered by one of the two
    while (!outbox.isEmpty() && delivering.compareAndSet(false, true)) {
      try {
        for (Runnable r = outbox.poll(); r != null; r = outbox.poll()) {
          r.run();
        }
      } finally {
        delivering.set(false);
      }
    }
  }
}
