package dev.tenantwright.benchmarks.jmh;

import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the three JMH benchmarks in one JMH run and prints the ratios they stand for: engine microseconds per
 * step ÷ floor microseconds per step, and throughput ÷ the floor's steps per second.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tenantwright.benchmarks.jmh.JmhRatios [JMH options, e.g. -p store=h2]
 * </pre>
 */
public final class JmhRatios {

  private JmhRatios() {}

  /** Runs the benchmarks (JMH command-line options are honoured) and prints the ratios. */
  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    Options options = new OptionsBuilder()
        .parent(new CommandLineOptions(args))
        .include(StepOverheadBenchmark.class.getSimpleName())
        .include(JournalFloorBenchmark.class.getSimpleName())
        .include(ThroughputBenchmark.class.getSimpleName())
        .build();
    Collection<RunResult> results = new Runner(options).run();
    Map<String, Double> score = new HashMap<>();
    for (RunResult r : results) {
      String bench = r.getParams().getBenchmark();
      String name = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
      StringBuilder key = new StringBuilder(name);
      for (String p : r.getParams().getParamsKeys()) {
        key.append(' ').append(p).append('=').append(r.getParams().getParam(p));
      }
      score.put(key.toString(), r.getPrimaryResult().getScore());
    }
    System.out.println();
    System.out.println("| store | figure | engine | floor | ratio |");
    System.out.println("|---|---|---|---|---|");
    for (String store : new String[] {"h2", "postgres"}) {
      Double floor = score.get("JournalFloorBenchmark.step store=" + store);
      if (floor == null) {
        continue;
      }
      for (String shape : new String[] {"chain", "independent"}) {
        Double one = score.get("StepOverheadBenchmark.provision shape=" + shape + " steps=1 store=" + store);
        Double many = score.get("StepOverheadBenchmark.provision shape=" + shape + " steps=24 store=" + store);
        if (one != null && many != null) {
          double marginal = (many - one) / 23;
          line(store, "µs/step, " + shape + " (marginal 24 vs 1)", marginal, floor);
          line(store, "µs/step, " + shape + " of 24 (all-in)", many / 24, floor);
        }
      }
      Double batch = score.get("ThroughputBenchmark.provisionBatch store=" + store + " tenants=20");
      if (batch != null) {
        double stepsPerSecond = 20 * 6 / (batch / 1000);
        System.out.printf(Locale.ROOT, "| %s | throughput, 20 tenants × 6 steps: %.0f steps/s, %.1f runs/s | %.0f steps/s | "
            + "%.0f steps/s | %.2f |%n", store, stepsPerSecond, stepsPerSecond / 6, stepsPerSecond, 1e6 / floor,
            stepsPerSecond / (1e6 / floor));
      }
    }
  }

  private static void line(String store, String figure, double engine, double floor) {
    System.out.printf(Locale.ROOT, "| %s | %s | %.1f µs | %.1f µs | %.2f |%n", store, figure, engine, floor,
        engine / floor);
  }
}
