package dev.tenantwright.benchmarks;

import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How late an event reaches a subscriber on another node: two servers, A and B, on one PostgreSQL journal (the
 * embedded one, durable), sharing a key file. Each of N tenants (default 500, 100 with {@code --quick}) has one
 * event stream on B and one on A; then A starts one demo run per tenant, open-loop one every
 * {@value #PACE_MILLIS} ms, through its SDK. The lag of an event is when it arrived at its stream minus its
 * journal time ({@code at}, taken by A's engine when it wrote the event): on B it is A's commit plus B's journal
 * tail (a poll every 50 ms) plus the write to the stream; on A the same but with A's own tail — the baseline of
 * the same run.
 *
 * <p>The streams are read in this JVM by one {@link HttpClient} on two threads; both servers run here too. The
 * figure checks that every stream got every event of its tenant's run before it reports.
 */
final class LagFigure {

  private static final long PACE_MILLIS = 20;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final double TARGET_P99_MS = 250;

  private final Rows rows;
  private final boolean quick;

  LagFigure(Rows rows, boolean quick) {
    this.rows = rows;
    this.quick = quick;
  }

  /** Measures the figure on the embedded PostgreSQL and adds its rows. */
  void run() throws IOException, InterruptedException {
    int n = quick ? 100 : 500;
    String url = BenchStore.newPostgresDatabase();
    Path keys = Files.createTempDirectory("tw-bench-cluster");
    Path keyFile = keys.resolve("secret.key");
    ExecutorService clientThreads = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "bench-sse-client");
      t.setDaemon(true);
      return t;
    });
    try (BenchServer a = BenchServer.start("a", url, keyFile); BenchServer b = BenchServer.start("b", url, keyFile)) {
      Tenantwright tw = a.tw();
      List<String> warmTenants = a.tenants("Lag warm", 20);
      List<String> tenants = a.tenants("Lag", n);
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads)
          .build();
      Queue<Long> onA = new ConcurrentLinkedQueue<>();
      Queue<Long> onB = new ConcurrentLinkedQueue<>();
      List<SseStream> streams = new ArrayList<>();
      for (String tenant : tenants) {
        streams.add(SseStream.open(client, a.url() + "/tenants/" + tenant + "/events", a.token(),
            e -> onA.add(e.receivedMillis() - e.atMillis())));
        streams.add(SseStream.open(client, b.url() + "/tenants/" + tenant + "/events", b.token(),
            e -> onB.add(e.receivedMillis() - e.atMillis())));
      }
      for (SseStream s : streams) {
        int status = s.status().join();
        if (status != 200) {
          throw new IllegalStateException("an event stream answered " + status);
        }
      }
      waitFor(() -> a.server().eventStreams() == n && b.server().eventStreams() == n, "every stream to be held");
      // warm both nodes' tails and writers, and A's engine, on tenants nobody follows
      List<String> warm = new ArrayList<>();
      for (String tenant : warmTenants) {
        warm.add(start(tw, tenant));
      }
      await(tw, warm);

      List<String> runs = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long due = t0 + TimeUnit.MILLISECONDS.toNanos(i * PACE_MILLIS);
        for (long wait; (wait = due - System.nanoTime()) > 0; ) {
          LockSupport.parkNanos(wait);
        }
        runs.add(start(tw, tenants.get(i)));
      }
      await(tw, runs);
      long expected = 0;
      for (String id : runs) {
        expected += tw.runs().get(id).events().size();
      }
      long total = expected;
      waitFor(() -> onA.size() >= total && onB.size() >= total, expected + " events on each node");
      if (onA.size() != expected || onB.size() != expected) {
        throw new IllegalStateException("expected " + expected + " events on each node, A had " + onA.size()
            + ", B " + onB.size());
      }
      long[] lagA = nanos(onA);
      long[] lagB = nanos(onB);
      double a99 = Percentile.millis(lagA, 99);
      double b99 = Percentile.millis(lagB, 99);
      String how = n + " runs started on A one every " + PACE_MILLIS + " ms, " + expected + " events, one stream per"
          + " tenant on each node; arrival − journal time ('at')";
      rows.row("event delivery lag, same node (A → A)", "postgres", spread(lagA), Harness.ratio(a99, TARGET_P99_MS),
          "p99 ÷ 250 ms; " + how);
      rows.row("event delivery lag across nodes (A → B)", "postgres", spread(lagB), Harness.ratio(b99, TARGET_P99_MS),
          "p99 ÷ 250 ms (the target); p99 ÷ same node " + Harness.ratio(b99, a99) + ", p50 ÷ same node "
              + Harness.ratio(Percentile.millis(lagB, 50), Percentile.millis(lagA, 50)) + "; B tails the journal every"
              + " 50 ms");
    } finally {
      clientThreads.shutdownNow();
      Files.deleteIfExists(keyFile);
      Files.deleteIfExists(keys);
    }
  }

  private static String start(Tenantwright tw, String tenant) {
    return tw.environments().provision(tenant, EnvironmentKind.DEMO,
        RunOptions.defaults().blueprint(BenchServer.BLUEPRINT)).id();
  }

  private static void await(Tenantwright tw, List<String> runs) {
    for (String id : runs) {
      RunState end = tw.runs().get(id).await(WAIT).state();
      if (end != RunState.SUCCEEDED) {
        throw new IllegalStateException("run " + id + " ended " + end + ": " + tw.runs().get(id).error());
      }
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("waited " + WAIT + " for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static long[] nanos(Queue<Long> millis) {
    return millis.stream().mapToLong(m -> m * 1_000_000L).toArray();
  }

  private static String spread(long[] nanos) {
    return "p50 " + Harness.fmt(Percentile.millis(nanos, 50)) + ", p99 " + Harness.fmt(Percentile.millis(nanos, 99))
        + ", max " + Harness.fmt(Percentile.millis(nanos, 100)) + " ms";
  }
}
