package dev.tenantwright.testkit.internal;

import dev.tenantwright.testkit.RecordedCall;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters per route and in total, and a bounded log of the most recent calls.
 *
 * <p>Thread-safe. Counters are exact; the log keeps the latest {@link #CAPACITY} calls so long chaos
 * runs stay within memory.
 */
public final class CallLog {

  /** How many calls the log keeps. */
  public static final int CAPACITY = 10_000;

  private final Map<String, AtomicLong> perRoute = new ConcurrentHashMap<>();
  private final AtomicLong total = new AtomicLong();
  private final Deque<RecordedCall> recent = new ArrayDeque<>();

  /** Counts a call on arrival, before any fault or handler, so faulted calls count too. */
  public void count(String routeKey) {
    total.incrementAndGet();
    if (routeKey != null) {
      perRoute.computeIfAbsent(routeKey, k -> new AtomicLong()).incrementAndGet();
    }
  }

  /** Records a finished call. */
  public synchronized void record(RecordedCall call) {
    if (recent.size() == CAPACITY) {
      recent.removeFirst();
    }
    recent.addLast(call);
  }

  /** Calls counted on a route. */
  public long calls(String routeKey) {
    AtomicLong n = perRoute.get(routeKey);
    return n == null ? 0 : n.get();
  }

  /** Calls counted in total, matched or not. */
  public long total() {
    return total.get();
  }

  /** The logged calls, oldest first. */
  public synchronized List<RecordedCall> calls() {
    return List.copyOf(new ArrayList<>(recent));
  }

  /** Forgets every count and logged call. */
  public synchronized void clear() {
    perRoute.clear();
    total.set(0);
    recent.clear();
  }
}
