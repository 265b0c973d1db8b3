package dev.tenantwright.benchmarks;

import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Many event streams on one node: N subscribers ({@code GET /tenants/{id}/events}, default 1,000) over T tenants,
 * held open by {@link SseClients} in a child JVM, and the platform threads this JVM — the server's — has while they
 * are open; then two rounds of one run per tenant (each a new test instance), started after every stream is open,
 * whose events every subscriber must get.
 *
 * <p>Threads are counted with {@link ThreadMXBean#getThreadCount()} (live platform threads of the whole JVM: the
 * server's, its engine's and pools', the JVM's own such as {@code Reference Handler}, and this figure's
 * {@code main} and the child's output reader) before the child starts, 1 s after the streams opened, at the peak
 * while they opened ({@link ThreadMXBean#getPeakThreadCount()} reset before), after the two rounds of runs, and
 * optionally again once idle pool threads have retired. Each row lists the live threads by name,
 * digits folded, so that each can be told apart.
 * Each round checks that every stream got, for its tenant's run, exactly the events the journal holds for that
 * run, ending with its end event; the second round says when the end events arrived (arrival in the child minus
 * the event's journal time; same machine, same clock), the first warms the child's JIT.
 */
final class SseFigure {

  private static final Duration WAIT = Duration.ofSeconds(90);

  private final Rows rows;
  private final int subscribers;
  private final int tenantCount;
  private final int settleSeconds;

  /**
   * A figure of {@code subscribers} streams over {@code tenantCount} tenants; when {@code settleSeconds} is above 0,
   * the threads are counted again that long after the streams opened (Jetty's pool retires a
   * thread idle for 10 s).
   */
  SseFigure(Rows rows, int subscribers, int tenantCount, int settleSeconds) {
    this.rows = rows;
    this.subscribers = subscribers;
    this.tenantCount = tenantCount;
    this.settleSeconds = settleSeconds;
  }

  /** Measures on a server whose journal is {@code storeName}. */
  void run(String storeName) throws IOException, InterruptedException {
    String store = BenchStore.canonical(storeName);
    String jdbcUrl = "postgres".equals(store) ? BenchStore.newPostgresDatabase() : null;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (BenchServer server = BenchServer.start("sse", jdbcUrl, null)) {
      Tenantwright tw = server.tw();
      List<String> tenants = server.tenants("Sse " + store, tenantCount);
      String warm = server.tenants("Sse warm " + store, 1).get(0);
      await(tw, List.of(tw.environments().provision(warm, EnvironmentKind.DEMO,
          RunOptions.defaults().blueprint(BenchServer.BLUEPRINT)).id()));
      Thread.sleep(500);
      int before = threads.getThreadCount();
      threads.resetPeakThreadCount();

      List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
          "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), SseClients.class.getName(),
          server.url(), Integer.toString(subscribers)));
      command.addAll(tenants);
      ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
      pb.environment().put(SseClients.TOKEN_VARIABLE, server.token());
      Process child = pb.start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            lines.add(line);
          }
        } catch (IOException e) {
          lines.add("error " + e);
        }
      }, "bench-child-output");
      reader.setDaemon(true);
      reader.start();
      try (Writer toChild = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
        String[] opened = next(lines, "opened").split(" ");
        int ok = Integer.parseInt(opened[1]);
        if (ok != subscribers) {
          throw new IllegalStateException(opened[2] + " of " + subscribers + " streams were refused or failed");
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.server().eventStreams() < subscribers) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the server holds " + server.server().eventStreams() + " of "
                + subscribers + " streams");
          }
          Thread.sleep(20);
        }
        long openedAt = System.currentTimeMillis();
        Thread.sleep(1000);
        int open = threads.getThreadCount();
        int peak = threads.getPeakThreadCount();
        String groups = groups();

        Round warmRound = round(tw, tenants, lines, "round1");
        Round measured = round(tw, tenants, lines, "round2");
        int afterRounds = threads.getThreadCount();
        int peakRounds = threads.getPeakThreadCount();
        String roundsGroups = groups();
        int settled = -1;
        String settledGroups = "";
        if (settleSeconds > 0) {
          Thread.sleep(Math.max(0, openedAt + TimeUnit.SECONDS.toMillis(settleSeconds) - System.currentTimeMillis()));
          settled = threads.getThreadCount();
          settledGroups = groups();
        }
        toChild.write("quit\n");
        toChild.flush();
        String label = subscribers + " SSE subscribers on one node";
        rows.row(label + ": platform threads", store, open + " threads", Harness.ratio(open, 64),
            "÷ target 64; live platform threads of the server's JVM (ThreadMXBean) 1 s after the " + subscribers
                + " tenant streams opened (clients in a child JVM of " + opened[4] + " threads; " + opened[3]
                + " ms to open them); " + before
                + " before, peak " + peak + " while they opened; by name: " + groups);
        rows.row(label + ", after 2 rounds of runs", store, afterRounds + " threads", Harness.ratio(afterRounds, 64),
            "÷ target 64; peak " + peakRounds + " since the streams began to open; by name: " + roundsGroups);
        if (settled >= 0) {
          rows.row(label + ", " + settleSeconds + " s after opening", store, settled + " threads",
              Harness.ratio(settled, 64), "÷ target 64; idle pool threads retired (Jetty's after 10 s idle);"
                  + " by name: " + settledGroups);
        }
        rows.row(subscribers + " SSE subscribers: events of a run started after", store,
            measured.complete + " of " + subscribers + " streams", Harness.ratio(measured.complete, subscribers),
            "every stream got all " + measured.eventsPerRun + " events of its tenant's run, in each of 2 rounds ("
                + tenantCount + " tenants, " + subscribers / tenantCount + " streams each, one new test instance per"
                + " tenant and round, started after all streams were open; the first round warms the child); second"
                + " round's run end arrived p50 " + Harness.fmt(Percentile.millis(measured.lags, 50)) + " ms, p99 "
                + Harness.fmt(Percentile.millis(measured.lags, 99)) + " ms after its journal time (first round p50 "
                + Harness.fmt(Percentile.millis(warmRound.lags, 50)) + " ms)");
      } finally {
        if (!child.waitFor(10, TimeUnit.SECONDS)) {
          child.destroyForcibly();
        }
      }
    }
  }

  /** What one round of runs gave: streams that got their run whole, its events, and the run ends' lags. */
  private record Round(int complete, int eventsPerRun, long[] lags) {}

  /**
   * Starts one run per tenant, provisioning its test instance {@code name}, waits for them, then for every stream's
   * report of its tenant's run end, and checks that each stream got exactly the journal's events of that run.
   */
  private Round round(Tenantwright tw, List<String> tenants, BlockingQueue<String> lines, String name)
      throws InterruptedException {
    Map<String, String> runOf = new HashMap<>();
    List<String> runs = new ArrayList<>();
    for (String tenant : tenants) {
      Run run = tw.environments().createTest(tenant, name, RunOptions.defaults().blueprint(BenchServer.BLUEPRINT));
      runOf.put(tenant, run.id());
      runs.add(run.id());
    }
    await(tw, runs);
    Map<String, Integer> journalEvents = new HashMap<>();
    for (String id : runs) {
      journalEvents.put(id, tw.runs().get(id).events().size());
    }
    long[] lags = new long[subscribers];
    Set<Integer> complete = new HashSet<>();
    List<String> wrong = new ArrayList<>();
    while (complete.size() + wrong.size() < subscribers) {
      String[] end = next(lines, "end").split(" ");
      int stream = Integer.parseInt(end[1]);
      String expected = runOf.get(end[2]);
      int events = Integer.parseInt(end[4]);
      if (!end[3].equals(expected) || events != journalEvents.get(expected)) {
        wrong.add("stream " + stream + " got run " + end[3] + " with " + events + " events (expected " + expected
            + " with " + journalEvents.get(expected) + ")");
      } else if (complete.add(stream)) {
        lags[complete.size() - 1] = Long.parseLong(end[5]) * 1_000_000L;
      }
    }
    if (!wrong.isEmpty()) {
      throw new IllegalStateException(wrong.size() + " streams missed events: "
          + wrong.subList(0, Math.min(5, wrong.size())));
    }
    return new Round(complete.size(), journalEvents.get(runs.get(0)), lags);
  }

  private static void await(Tenantwright tw, List<String> runs) {
    for (String id : runs) {
      RunState end = tw.runs().get(id).await(WAIT).state();
      if (end != RunState.SUCCEEDED) {
        throw new IllegalStateException("run " + id + " ended " + end + ": " + tw.runs().get(id).error());
      }
    }
  }

  /** The next line of the child that starts with {@code kind}; other lines are skipped, an error line fails. */
  private static String next(BlockingQueue<String> lines, String kind) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new IllegalStateException("the subscribers' process said no '" + kind + "' within " + WAIT);
      }
      if (line.startsWith("error")) {
        throw new IllegalStateException("the subscribers' process: " + line);
      }
      if (line.startsWith("ended ")) {
        throw new IllegalStateException("the server ended stream " + line.substring(6) + " while waiting for '"
            + kind + "'");
      }
      if (line.startsWith(kind + " ")) {
        return line;
      }
    }
  }

  /**
   * Live platform threads by name, digits folded to {@code #} and cut at the first {@code @}, <code>{</code> or
   * {@code " /"} (Jetty's acceptor names its connector, H2's writer its file): the names that several threads share
   * with their count, most numerous first, then the others.
   */
  static String groups() {
    Map<String, Long> byName = Thread.getAllStackTraces().keySet().stream()
        .collect(Collectors.groupingBy(t -> t.getName().replaceAll("\\d+", "#").replaceAll("(@| /|\\{).*", ""),
            TreeMap::new, Collectors.counting()));
    String shared = byName.entrySet().stream().filter(e -> e.getValue() > 1)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .map(e -> e.getKey() + " × " + e.getValue()).collect(Collectors.joining(", "));
    String single = byName.entrySet().stream().filter(e -> e.getValue() == 1).map(Map.Entry::getKey)
        .collect(Collectors.joining(", "));
    return shared + (shared.isEmpty() || single.isEmpty() ? "" : "; one each: ") + single;
  }
}
