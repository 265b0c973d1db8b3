package dev.tenantwright.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * The faults injected into one fake, with the per-fault counters their triggers need and one seeded
 * random source, so a given seed and call order always give the same faults.
 *
 * <p>Thread-safe: every decision is made under this object's lock, in call arrival order.
 *
 * @param <S> the fault description type
 */
public final class FaultBook<S extends FaultBook.Spec> {

  /** What the book needs to know about a fault. */
  public interface Spec {
    /** When it fires. */
    Trigger trigger();

    /** Whether it decides the call's outcome (only the first firing terminal fault applies). */
    boolean terminal();
  }

  /**
   * A fault that fired for one call.
   *
   * @param spec the fault
   * @param draw a uniform random number in [0, 1) drawn for this firing (for random latencies)
   */
  public record Fired<S>(S spec, double draw) {}

  private static final class Entry<S> {
    final S spec;
    long matched;
    long fired;
    long windowStart = Long.MIN_VALUE;

    Entry(S spec) {
      this.spec = spec;
    }
  }

  private final List<Entry<S>> entries = new ArrayList<>();
  private Random random;

  /** Creates an empty book with seed 0. */
  public FaultBook() {
    seed(0L);
  }

  /** Adds a fault; faults are considered in the order they were added. */
  public synchronized void add(S spec) {
    entries.add(new Entry<>(spec));
  }

  /** Removes every fault. */
  public synchronized void clear() {
    entries.clear();
  }

  /** Restarts the random source from this seed. */
  public synchronized void seed(long newSeed) {
    this.random = new Random(newSeed);
  }

  /**
   * Decides which faults fire for one call: every non-terminal fault whose trigger fires, and at most one
   * terminal fault, the first one that fires. A fault whose scope matches counts the call even when an
   * earlier terminal fault has already decided it.
   */
  public synchronized List<Fired<S>> decide(Predicate<S> inScope, long nowNanos) {
    List<Fired<S>> out = new ArrayList<>();
    boolean decided = false;
    for (Entry<S> e : entries) {
      if (!inScope.test(e.spec)) {
        continue;
      }
      e.matched++;
      boolean mayFire = !(decided && e.spec.terminal());
      if (mayFire && fires(e, nowNanos)) {
        e.fired++;
        out.add(new Fired<>(e.spec, random.nextDouble()));
        if (e.spec.terminal()) {
          decided = true;
        }
      }
    }
    return out;
  }

  private boolean fires(Entry<S> e, long nowNanos) {
    Trigger t = e.spec.trigger();
    if (e.matched < t.from()) {
      return false;
    }
    if (t.limit() > 0 && e.fired >= t.limit()) {
      return false;
    }
    if (t.window() != null) {
      if (e.windowStart == Long.MIN_VALUE) {
        e.windowStart = nowNanos;
      }
      if (nowNanos - e.windowStart > t.window().toNanos()) {
        return false;
      }
    }
    return t.rate() >= 1.0 || random.nextDouble() < t.rate();
  }
}
