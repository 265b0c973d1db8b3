package dev.tenantwright.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The subscribers of {@link SseFigure}, in a process of their own so that their threads and sockets are not the
 * server's: opens N event streams of tenants round-robin and reports on standard output, one line each,
 *
 * <pre>
 * opened OK FAILED MILLIS CLIENT_THREADS   once every stream has its response headers (or failed)
 * end STREAM TENANT RUN EVENTS LAG_MS      when a stream gets a run's end event: the run's events it had, and
 *                                          its arrival minus the event's journal time
 * ended STREAM                             when the server ends a stream
 * </pre>
 *
 * It exits when its standard input says {@code quit} or closes. Arguments: base URL, number of streams, tenant
 * ids; the API token comes in the environment variable {@value #TOKEN_VARIABLE}, not on the command line.
 */
public final class SseClients {

  static final String TOKEN_VARIABLE = "TW_BENCH_TOKEN";
  private static final Set<String> RUN_ENDS = Set.of("RUN_SUCCEEDED", "RUN_ROLLED_BACK", "RUN_FAILED");

  private SseClients() {}

  /** Runs the subscribers; see the class comment. */
  public static void main(String[] args) throws Exception {
    String base = args[0];
    int n = Integer.parseInt(args[1]);
    List<String> tenants = List.of(args).subList(2, args.length);
    String token = System.getenv(TOKEN_VARIABLE);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    AtomicInteger threadNames = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "sse-client-" + threadNames.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
        .connectTimeout(Duration.ofSeconds(30)).build();
    long t0 = System.nanoTime();
    List<SseStream> streams = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int stream = i;
      String tenant = tenants.get(i % tenants.size());
      Map<String, Integer> perRun = new ConcurrentHashMap<>();
      SseStream s = SseStream.open(client, base + "/tenants/" + tenant + "/events", token, e -> {
        if (e.run() == null) {
          return;
        }
        int events = perRun.merge(e.run(), 1, Integer::sum);
        if (RUN_ENDS.contains(e.type())) {
          out.println("end " + stream + " " + tenant + " " + e.run() + " " + events + " "
              + (e.receivedMillis() - e.atMillis()));
        }
      });
      s.ended().whenComplete((v, err) -> out.println("ended " + stream));
      streams.add(s);
    }
    int ok = 0;
    for (SseStream s : streams) {
      try {
        if (s.status().get(60, TimeUnit.SECONDS) == 200) {
          ok++;
        }
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // counted as failed
      }
    }
    out.println("opened " + ok + " " + (n - ok) + " " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " "
        + Thread.getAllStackTraces().size());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
      // wait for the figure to finish
    }
  }
}
