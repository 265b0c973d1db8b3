package dev.tenantwright.testkit.journal;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure to inject into a {@link FaultyDataSource}.
 *
 * <p>Built in three parts. <b>Where</b>: {@link #atStatement(long)}, {@link #atCommit(long)} or
 * {@link #atCheckout(long)} — the n-th such operation (counted from when the fault is injected, on the threads
 * the data source counts), or {@link #randomStatements(double)} for a seeded rate. <b>What</b>: the SQL error
 * ({@link Kind}: a lost connection {@code 08006}, a serialization failure {@code 40001}, a deadlock victim
 * {@code 40P01}, H2's lock time-out {@code HY000}/50200), or {@link #halt()} — from then on every operation fails,
 * as if the process had been killed. <b>How long</b>: once (default), {@link #times(int)} operations in a row, or
 * {@link #outage(Duration)}: every operation fails until the time has passed.
 *
 * <p>A failed commit rolls the transaction back first; {@link #afterEffect()} commits it and then fails — the
 * answer lost after the effect, the case that leaves a commit's outcome unknown to the caller.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * ds.inject(JournalFault.atStatement(7).kind(JournalFault.Kind.DEADLOCK));
 * ds.inject(JournalFault.atCommit(3).afterEffect());                       // committed, but the caller sees 08006
 * ds.inject(JournalFault.atCommit(5).halt());                              // the process "dies" at its 5th commit
 * ds.inject(JournalFault.atStatement(1).outage(Duration.ofMillis(500)));   // the database is gone for 0.5 s
 * }</pre>
 */
public final class JournalFault {

  /** The SQL error a fault raises, with the SQLState (and vendor code) the real databases send. */
  public enum Kind {
    /** The connection broke: SQLState 08006 (PostgreSQL's connection_failure). */
    CONNECTION_LOST("08006", 0, "An I/O error occurred while sending to the backend (injected)"),
    /** A serialization failure: SQLState 40001; the database rolled the transaction back. */
    SERIALIZATION("40001", 0, "could not serialize access due to concurrent update (injected)"),
    /** Chosen as a deadlock victim: SQLState 40P01; the database rolled the transaction back. */
    DEADLOCK("40P01", 0, "deadlock detected (injected)"),
    /** H2's lock time-out: SQLState HY000, error code 50200. */
    H2_LOCK_TIMEOUT("HY000", 50200, "Timeout trying to lock table (injected)");

    final String sqlState;
    final int vendorCode;
    final String message;

    Kind(String sqlState, int vendorCode, String message) {
      this.sqlState = sqlState;
      this.vendorCode = vendorCode;
      this.message = message;
    }
  }

  /** Which operations a fault counts. */
  public enum Target {
    STATEMENT,
    COMMIT,
    CHECKOUT
  }

  final Target target;
  final long nth;
  final double rate;
  final Kind kind;
  final boolean afterEffect;
  final boolean halt;
  final int times;
  final Duration outage;

  private JournalFault(Target target, long nth, double rate, Kind kind, boolean afterEffect, boolean halt, int times,
      Duration outage) {
    this.target = target;
    this.nth = nth;
    this.rate = rate;
    this.kind = kind;
    this.afterEffect = afterEffect;
    this.halt = halt;
    this.times = times;
    this.outage = outage;
  }

  /** The n-th statement (1-based) executed after the fault is injected. */
  public static JournalFault atStatement(long n) {
    return new JournalFault(Target.STATEMENT, positive(n), 0, Kind.CONNECTION_LOST, false, false, 1, null);
  }

  /** The n-th commit (1-based) after the fault is injected. */
  public static JournalFault atCommit(long n) {
    return new JournalFault(Target.COMMIT, positive(n), 0, Kind.CONNECTION_LOST, false, false, 1, null);
  }

  /** The n-th connection checkout (1-based) after the fault is injected. */
  public static JournalFault atCheckout(long n) {
    return new JournalFault(Target.CHECKOUT, positive(n), 0, Kind.CONNECTION_LOST, false, false, 1, null);
  }

  /** Each statement fails with probability {@code rate}, drawn from the data source's seed. */
  public static JournalFault randomStatements(double rate) {
    if (!(rate > 0 && rate <= 1)) {
      throw new IllegalArgumentException("rate must be in (0, 1]: " + rate);
    }
    return new JournalFault(Target.STATEMENT, 0, rate, Kind.CONNECTION_LOST, false, false, Integer.MAX_VALUE, null);
  }

  /** The SQL error to raise (default {@link Kind#CONNECTION_LOST}). */
  public JournalFault kind(Kind k) {
    return new JournalFault(target, nth, rate, Objects.requireNonNull(k, "kind"), afterEffect, halt, times, outage);
  }

  /** For a commit: commit first, then fail (the outcome is unknown to the caller). */
  public JournalFault afterEffect() {
    if (target != Target.COMMIT) {
      throw new IllegalStateException("afterEffect applies to commits only");
    }
    return new JournalFault(target, nth, rate, kind, true, halt, times, outage);
  }

  /** From the chosen operation on, every operation fails (a killed process): see {@link FaultyDataSource#halted()}. */
  public JournalFault halt() {
    return new JournalFault(target, nth, rate, kind, afterEffect, true, times, outage);
  }

  /** Fails this many operations of the target kind in a row, starting at the chosen one. */
  public JournalFault times(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("times must be at least 1");
    }
    return new JournalFault(target, nth, rate, kind, afterEffect, halt, n, outage);
  }

  /** From the chosen operation on, every operation (statements, commits, checkouts) fails for {@code d}. */
  public JournalFault outage(Duration d) {
    return new JournalFault(target, nth, rate, kind, afterEffect, halt, times, Objects.requireNonNull(d, "duration"));
  }

  private static long positive(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("n is 1-based: " + n);
    }
    return n;
  }

  @Override
  public String toString() {
    return (rate > 0 ? "random " + target + " at " + rate : target + " #" + nth) + " " + kind
        + (afterEffect ? " after effect" : "") + (halt ? " halt" : "") + (times > 1 && rate == 0 ? " x" + times : "")
        + (outage != null ? " outage " + outage.toMillis() + "ms" : "");
  }
}
