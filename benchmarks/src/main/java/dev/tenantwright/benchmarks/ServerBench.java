package dev.tenantwright.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The server figures: what {@code tenantwright-server} adds on top of the engine, measured against the engine's
 * own SDK or against the targets in the same run, printed as a table like {@link Harness}'s.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tenantwright.benchmarks.ServerBench [--quick]
 *     [--stores h2,postgres] [--subscribers 1000] [--sse-tenants 100] [--settle 65] [--only sse,api,lag]
 * </pre>
 *
 * <ul>
 *   <li>{@code sse} ({@link SseFigure}): the platform threads of one node holding {@code --subscribers} event
 *       streams, and whether every stream gets the events of a run started afterwards; once per store. The
 *       threads are counted again {@code --settle} seconds after the streams opened (default 65, none with
 *       {@code --quick}).
 *   <li>{@code api} ({@link ApiOverheadFigure}): start a run and read its status over HTTP against the same
 *       through the SDK; once per store.
 *   <li>{@code lag} ({@link LagFigure}): event delivery lag from one node's engine to a stream on another node of
 *       the same PostgreSQL journal; PostgreSQL only, whatever {@code --stores} says.
 * </ul>
 */
public final class ServerBench {

  private static final PrintStream OUT = System.out;

  /** The names {@code --only} accepts, in the order of the full run. */
  static final List<String> FIGURES = List.of("sse", "api", "lag");

  private final List<String[]> rows = new ArrayList<>();

  private ServerBench() {}

  /** Runs the server figures; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    boolean quick = false;
    List<String> stores = List.of("h2", "postgres");
    int subscribers = 1000;
    int sseTenants = 100;
    Integer settle = null;
    Set<String> only = Set.copyOf(FIGURES);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--stores" -> stores = Arrays.stream(args[++i].split(",")).map(BenchStore::canonical).distinct().toList();
        case "--subscribers" -> subscribers = Integer.parseInt(args[++i]);
        case "--sse-tenants" -> sseTenants = Integer.parseInt(args[++i]);
        case "--settle" -> settle = Integer.parseInt(args[++i]);
        case "--only" -> only = Set.of(args[++i].split(","));
        default -> {
          System.err.println("unknown option " + args[i] + "; use --quick, --stores h2,postgres, --subscribers N,"
              + " --sse-tenants N, --settle SECONDS, --only a,b with " + String.join(", ", FIGURES));
          System.exit(2);
        }
      }
    }
    if (!FIGURES.containsAll(only)) {
      System.err.println("unknown figure in --only " + String.join(",", only) + "; use " + String.join(", ", FIGURES));
      System.exit(2);
    }
    if (subscribers < sseTenants || sseTenants < 1) {
      System.err.println("--subscribers must be at least --sse-tenants, and --sse-tenants at least 1");
      System.exit(2);
    }
    ServerBench bench = new ServerBench();
    OUT.printf(Locale.ROOT, "Tenantwright server figures: %d processors, max heap %d MiB, Java %s (%s), %s %s%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.version"), System.getProperty("java.vm.name"), System.getProperty("os.name"),
        System.getProperty("os.version"));
    // the streams first: a thread count taken after the other figures would include their HTTP clients' threads
    for (String store : stores) {
      if (only.contains("sse")) {
        new SseFigure(bench::row, subscribers, sseTenants, settle != null ? settle : quick ? 0 : 65).run(store);
      }
    }
    for (String store : stores) {
      if (only.contains("api")) {
        new ApiOverheadFigure(bench::row, quick).run(store);
      }
    }
    if (only.contains("lag")) {
      new LagFigure(bench::row, quick).run();
    }
    bench.print();
  }

  private void row(String figure, String store, String value, String ratio, String note) {
    rows.add(new String[] {figure, store, value, ratio, note});
    OUT.printf(Locale.ROOT, "  %-48s %-9s %-34s %6s  %s%n", figure, store, value, ratio, note);
  }

  private void print() {
    OUT.println();
    OUT.println("| figure | store | measured | ratio | against |");
    OUT.println("|---|---|---|---|---|");
    for (String[] r : rows) {
      OUT.println("| " + String.join(" | ", r) + " |");
    }
  }
}
