package dev.tenantwright.benchmarks;

import java.util.Arrays;

/** Percentiles of latency samples (nearest rank), so that every figure reads p50 and p99 the same way. */
final class Percentile {

  private Percentile() {}

  /**
   * The {@code p}-th percentile of {@code nanos} in milliseconds: the smallest sample that at least {@code p} %
   * of the samples do not exceed (with 100 samples, p99 is the second largest).
   *
   * @throws IllegalArgumentException when there is no sample
   */
  static double millis(long[] nanos, double p) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)] / 1e6;
  }
}
