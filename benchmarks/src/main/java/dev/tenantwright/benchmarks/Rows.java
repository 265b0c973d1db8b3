package dev.tenantwright.benchmarks;

/**
 * Where a figure adds its rows: the harness's table (figure, store, measured, ratio, against). Lets a figure
 * live in its own class while every row still goes through the one helper that prints and collects them.
 */
@FunctionalInterface
interface Rows {

  /** Adds one row; {@code ratio} is already formatted ({@link Harness#ratio}). */
  void row(String figure, String store, String value, String ratio, String note);
}
