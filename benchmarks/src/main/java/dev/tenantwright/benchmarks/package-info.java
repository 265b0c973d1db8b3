/**
 * Benchmarks of the Tenantwright engine: JMH benchmarks ({@code .jmh}) and an end-to-end harness
 * ({@link dev.tenantwright.benchmarks.Harness}) that report ratios against floors measured in the same run, and the
 * server figures ({@link dev.tenantwright.benchmarks.ServerBench}) against the SDK or the targets. Not an
 * API: nothing here is published or stable.
 */
package dev.tenantwright.benchmarks;
