package dev.tenantwright.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.spi.EnvironmentKind;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;

/**
 * What the REST API adds to "start a run and read its status": {@code POST /tenants/{t}/environments} (a demo with
 * {@value BenchServer#BLUEPRINT}) and {@code GET /runs/{id}} through {@link HttpClient} (java.net.http, HTTP/1.1,
 * one kept-alive connection), against the same two calls through the embedded SDK of the same server —
 * {@code environments().provision(t, DEMO, …)} and {@code runs().get(id)} — on the same journal. The server answers
 * both requests with what the SDK calls return (the run, its steps), so the difference is HTTP, JSON, the token
 * check and the rate limit.
 *
 * <p>To say where the HTTP time goes, the same loop also takes the two requests through a blocking client
 * ({@link HttpURLConnection}, kept alive: one thread, no hand-off between client threads) and written by hand to
 * one socket ({@link RawHttp}: the server's part alone), and a request the server refuses before any handler (no
 * token: 401 problem JSON, no journal work) through all three: the round trip through the client, Jetty and
 * Javalin on this machine; and the status of a run that has ended, read both ways
 * with nothing running, which leaves out the run's own step that the other forms' reads overlap.
 *
 * <p>Every sample provisions a fresh tenant's demo (tenants are made before the clock starts) and is taken with no
 * other run in flight: after each start-and-read the figure waits, untimed, for the run's end. The run's one step
 * runs while the status is read, in every form. The forms take turns in a rotating order, so that each sees the
 * same machine and the same journal size.
 */
final class ApiOverheadFigure {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN_WAIT = Duration.ofSeconds(30);
  private static final int FORMS = 4;

  private final Rows rows;
  private final boolean quick;

  ApiOverheadFigure(Rows rows, boolean quick) {
    this.rows = rows;
    this.quick = quick;
  }

  /** A request's answer. */
  private record Answer(int status, String body) {}

  /** One way of sending a request to the server. */
  private interface Client {
    Answer send(String method, String path, String token, String json) throws IOException, InterruptedException;
  }

  /** Latencies of one form: the start, the read, and both. */
  private static final class Samples {
    final long[] start;
    final long[] read;
    final long[] total;

    Samples(int n) {
      start = new long[n];
      read = new long[n];
      total = new long[n];
    }

    void add(int i, long t0, long t1, long t2) {
      if (i >= 0) {
        start[i] = t1 - t0;
        read[i] = t2 - t1;
        total[i] = t2 - t0;
      }
    }
  }

  /** Measures on a server whose journal is {@code storeName} ({@code h2}: embedded, {@code postgres}: shared). */
  void run(String storeName) throws IOException, InterruptedException {
    int warm = quick ? 100 : 200;
    int samples = quick ? 200 : 500;
    String store = BenchStore.canonical(storeName);
    String jdbcUrl = "postgres".equals(store) ? BenchStore.newPostgresDatabase() : null;
    try (BenchServer server = BenchServer.start("api", jdbcUrl, null);
        RawHttp raw = new RawHttp(server.server().port())) {
      Tenantwright tw = server.tw();
      Iterator<String> tenants = server.tenants("Api " + store, FORMS * (warm + samples)).iterator();
      Client jdk = jdk(server.url());
      Client blocking = blocking(server.url());
      Samples sdk = new Samples(samples);
      Samples overJdk = new Samples(samples);
      Samples overBlocking = new Samples(samples);
      Samples overRaw = new Samples(samples);
      long[] refusedJdk = new long[samples];
      long[] refusedBlocking = new long[samples];
      long[] refusedRaw = new long[samples];
      Samples finished = new Samples(samples);
      for (int i = -warm; i < samples; i++) {
        String last = null;
        for (int turn = 0; turn < FORMS; turn++) {
          int form = Math.floorMod(i + turn, FORMS);
          String tenant = tenants.next();
          String runId = switch (form) {
            case 0 -> overSdk(tw, tenant, sdk, i);
            case 1 -> overHttp(jdk, server.token(), tenant, overJdk, i);
            case 2 -> overHttp(blocking, server.token(), tenant, overBlocking, i);
            default -> overHttp(raw, server.token(), tenant, overRaw, i);
          };
          RunState end = tw.runs().get(runId).await(RUN_WAIT).state();
          if (end != RunState.SUCCEEDED) {
            throw new IllegalStateException("run " + runId + " ended " + end + ": " + tw.runs().get(runId).error());
          }
          last = runId;
        }
        readFinished(tw, jdk, server.token(), last, finished, i);
        refused(jdk, refusedJdk, i);
        refused(blocking, refusedBlocking, i);
        refused(raw, refusedRaw, i);
      }
      double sdk50 = p50(sdk.total);
      double jdk50 = p50(overJdk.total);
      double blocking50 = p50(overBlocking.total);
      double raw50 = p50(overRaw.total);
      rows.row("start a run + read its status, SDK", store, spread(sdk.total), "1.00",
          "environments().provision(t, DEMO) + runs().get(id) on the server's engine; provision p50 "
              + ms(sdk.start) + ", get p50 " + ms(sdk.read) + "; " + samples + " samples per form, forms in turn");
      rows.row("start a run + read its status, HTTP", store, spread(overJdk.total), Harness.ratio(jdk50, sdk50),
          "POST /tenants/{t}/environments + GET /runs/{id}, java.net.http, HTTP/1.1 keep-alive; ÷ SDK p50; overhead"
              + " p50 " + Harness.fmt(jdk50 - sdk50) + " ms (target ≤ 2 ms), p90 "
              + Harness.fmt(Percentile.millis(overJdk.total, 90) - Percentile.millis(sdk.total, 90)) + " ms; POST p50 "
              + ms(overJdk.start) + " (SDK provision " + ms(sdk.start) + "), GET p50 " + ms(overJdk.read)
              + " (SDK get " + ms(sdk.read) + ")");
      rows.row("start a run + read its status, HTTP, blocking client", store, spread(overBlocking.total),
          Harness.ratio(blocking50, sdk50), "the same requests through HttpURLConnection (keep-alive); ÷ SDK p50;"
              + " overhead p50 " + Harness.fmt(blocking50 - sdk50) + " ms; POST p50 " + ms(overBlocking.start)
              + ", GET p50 " + ms(overBlocking.read));
      rows.row("read a finished run's status, HTTP", store, "p50 " + ms(finished.read) + ", p90 "
          + Harness.fmt(Percentile.millis(finished.read, 90)) + " ms", Harness.ratio(p50(finished.read),
          p50(finished.start)), "GET /runs/{id} (java.net.http) of a run that has ended, nothing else running; ÷ SDK"
          + " runs().get(id) of the same run, p50 " + Harness.fmt(p50(finished.start) * 1000) + " µs");
      rows.row("start a run + read its status, HTTP, one socket", store, spread(overRaw.total),
          Harness.ratio(raw50, sdk50), "the same requests written to one kept-alive socket and read back on the"
              + " calling thread (TCP_NODELAY): the server's part without a client library; ÷ SDK p50; overhead p50 "
              + Harness.fmt(raw50 - sdk50) + " ms; POST p50 " + ms(overRaw.start) + ", GET p50 " + ms(overRaw.read));
      rows.row("HTTP round trip, refused before any handler", store, "p50 " + Harness.fmt(p50(refusedJdk)) + " / "
              + Harness.fmt(p50(refusedBlocking)) + " / " + Harness.fmt(p50(refusedRaw)) + " ms",
          Harness.ratio(p50(refusedJdk), sdk50), "GET /runs/none without a token (401 problem JSON, no journal work),"
              + " java.net.http / HttpURLConnection / one socket; java.net.http's ÷ SDK p50; p90 "
              + Harness.fmt(Percentile.millis(refusedJdk, 90)) + " / " + Harness.fmt(Percentile.millis(refusedBlocking,
              90)) + " / " + Harness.fmt(Percentile.millis(refusedRaw, 90)) + " ms");
    }
  }

  private static String overSdk(Tenantwright tw, String tenant, Samples samples, int i) {
    long t0 = System.nanoTime();
    Run run = tw.environments().provision(tenant, EnvironmentKind.DEMO,
        RunOptions.defaults().blueprint(BenchServer.BLUEPRINT));
    long t1 = System.nanoTime();
    tw.runs().get(run.id()).state();
    long t2 = System.nanoTime();
    samples.add(i, t0, t1, t2);
    return run.id();
  }

  private static String overHttp(Client client, String token, String tenant, Samples samples, int i)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Answer started = client.send("POST", "/tenants/" + tenant + "/environments", token,
        "{\"kind\":\"DEMO\",\"blueprint\":\"" + BenchServer.BLUEPRINT + "\"}");
    long t1 = System.nanoTime();
    String runId = expect(started, 202, "POST").get("id").asText();
    Answer status = client.send("GET", "/runs/" + runId, token, null);
    long t2 = System.nanoTime();
    expect(status, 200, "GET").get("state").asText();
    samples.add(i, t0, t1, t2);
    return runId;
  }

  /** Reads an ended run's status through the SDK (as {@code start}) and then over HTTP (as {@code read}). */
  private static void readFinished(Tenantwright tw, Client client, String token, String runId, Samples samples, int i)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    tw.runs().get(runId).state();
    long t1 = System.nanoTime();
    Answer status = client.send("GET", "/runs/" + runId, token, null);
    long t2 = System.nanoTime();
    expect(status, 200, "GET").get("state").asText();
    samples.add(i, t0, t1, t2);
  }

  private static void refused(Client client, long[] into, int i) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Answer no = client.send("GET", "/runs/none", null, null);
    long elapsed = System.nanoTime() - t0;
    if (no.status() != 401) {
      throw new IllegalStateException("a request without a token got " + no.status() + ": " + no.body());
    }
    if (i >= 0) {
      into[i] = elapsed;
    }
  }

  /** java.net.http on HTTP/1.1: its connection pool keeps the one connection alive. */
  private static Client jdk(String base) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    return (method, path, token, json) -> {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      if (json != null) {
        b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    };
  }

  /** HttpURLConnection: the JDK keeps the connection alive when each body is read to its end. */
  private static Client blocking(String base) {
    return (method, path, token, json) -> {
      HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
      c.setRequestMethod(method);
      if (token != null) {
        c.setRequestProperty("Authorization", "Bearer " + token);
      }
      if (json != null) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        c.setFixedLengthStreamingMode(bytes.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(bytes);
        }
      }
      int status = c.getResponseCode();
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        return new Answer(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    };
  }

  /**
   * HTTP/1.1 by hand on one socket: the request written at once, the response read on the calling thread up to its
   * {@code Content-Length} or last chunk. What a request costs the server and the loopback, without a client
   * library's threads and bookkeeping.
   */
  private static final class RawHttp implements Client, AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RawHttp(int port) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setTcpNoDelay(true);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream());
    }

    @Override
    public Answer send(String method, String path, String token, String json) throws IOException {
      byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
      StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      if (token != null) {
        head.append("Authorization: Bearer ").append(token).append("\r\n");
      }
      if (json != null) {
        head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
      }
      byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
      byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
      System.arraycopy(body, 0, request, headBytes.length, body.length);
      out.write(request);
      out.flush();
      String status = line();
      int length = -1;
      boolean chunked = false;
      for (String h; !(h = line()).isEmpty(); ) {
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(h.substring(15).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        }
      }
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      if (chunked) {
        for (int size; (size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
          answer.write(in.readNBytes(size));
          line();
        }
        line();
      } else if (length >= 0) {
        answer.write(in.readNBytes(length));
      } else {
        throw new IOException("a response without Content-Length or chunks: " + status);
      }
      return new Answer(Integer.parseInt(status.split(" ")[1]), answer.toString(StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
      StringBuilder sb = new StringBuilder();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) {
          throw new IOException("the server closed the connection");
        }
        if (c != '\r') {
          sb.append((char) c);
        }
      }
      return sb.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static JsonNode expect(Answer answer, int status, String what) throws IOException {
    if (answer.status() != status) {
      throw new IllegalStateException(what + " answered " + answer.status() + ": " + answer.body());
    }
    return JSON.readTree(answer.body());
  }

  private static double p50(long[] nanos) {
    return Percentile.millis(nanos, 50);
  }

  private static String spread(long[] nanos) {
    return "p50 " + Harness.fmt(p50(nanos)) + ", p90 " + Harness.fmt(Percentile.millis(nanos, 90)) + ", p99 "
        + Harness.fmt(Percentile.millis(nanos, 99)) + " ms";
  }

  private static String ms(long[] nanos) {
    return Harness.fmt(p50(nanos)) + " ms";
  }
}
