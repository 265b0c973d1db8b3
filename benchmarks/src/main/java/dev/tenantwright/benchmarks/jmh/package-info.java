/**
 * JMH benchmarks of the engine's per-step overhead and throughput, and of the journal floor they are compared
 * with; {@link dev.tenantwright.benchmarks.jmh.JmhRatios} runs them and prints the ratios. Not an API.
 */
package dev.tenantwright.benchmarks.jmh;
