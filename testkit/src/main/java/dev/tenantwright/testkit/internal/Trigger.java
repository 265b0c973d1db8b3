package dev.tenantwright.testkit.internal;

import java.time.Duration;

/**
 * When a fault fires among the calls it applies to: from the {@code from}-th matching call on, at most
 * {@code limit} times, within {@code window} of the first eligible call, each time with probability
 * {@code rate}.
 *
 * @param from the 1-based index of the first matching call that may fire
 * @param limit the most firings, or -1 for no limit
 * @param rate the probability that an eligible call fires, in (0, 1]
 * @param window how long after the first eligible call the fault stays active, or null for ever
 */
public record Trigger(int from, int limit, double rate, Duration window) {

  /** Every matching call fires. */
  public static final Trigger ALWAYS = new Trigger(1, -1, 1.0, null);

  /** Validates the values. */
  public Trigger {
    if (from < 1) {
      throw new IllegalArgumentException("nth must be at least 1, was " + from);
    }
    if (limit < -1 || limit == 0) {
      throw new IllegalArgumentException("times must be at least 1, was " + limit);
    }
    if (!(rate > 0.0 && rate <= 1.0)) {
      throw new IllegalArgumentException("rate must be in (0, 1], was " + rate);
    }
    if (window != null && (window.isNegative() || window.isZero())) {
      throw new IllegalArgumentException("during must be positive, was " + window);
    }
  }

  /** Only the n-th matching call (or, with {@link #times}, n calls from the n-th on). */
  public Trigger nth(int n) {
    return new Trigger(n, limit == -1 ? 1 : limit, rate, window);
  }

  /** At most n firings. */
  public Trigger times(int n) {
    return new Trigger(from, n, rate, window);
  }

  /** Each eligible call fires with this probability. */
  public Trigger rate(double probability) {
    return new Trigger(from, limit, probability, window);
  }

  /** Active for this long after the first eligible call. */
  public Trigger during(Duration d) {
    return new Trigger(from, limit, rate, d);
  }

  /** A short description for logs and recorded calls. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    if (from > 1) {
      sb.append(" from call #").append(from);
    }
    if (limit > 0) {
      sb.append(limit == 1 ? " once" : " " + limit + " times");
    }
    if (rate < 1.0) {
      sb.append(" at rate ").append(rate);
    }
    if (window != null) {
      sb.append(" during ").append(window);
    }
    return sb.toString();
  }
}
