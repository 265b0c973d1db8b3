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
 * Javalin on this machine; the status of a run that has ended, read three ways in turn with nothing running, which
 * leaves out the run's own step that the other forms' reads overlap; and a start repeated with one idempotency key, which
 * starts no run, over one socket against the SDK, back to back and after 5 ms idle ({@link #repeatedStart}).
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
  private static final int IDLE_MILLIS = 5;

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
      Iterator<String> tenants = server.tenants("Api " + store, FORMS * (warm + samples) + 2).iterator();
      Client jdk = jdk(server.url());
      Client blocking = blocking(server.url());
      Samples sdk = new Samples(samples);
      Samples overJdk = new Samples(samples);
      Samples overBlocking = new Samples(samples);
      Samples overRaw = new Samples(samples);
      long[] refusedJdk = new long[samples];
      long[] refusedBlocking = new long[samples];
      long[] refusedRaw = new long[samples];
      long[] finishedSdk = new long[samples];
      long[] finishedJdk = new long[samples];
      long[] finishedRaw = new long[samples];
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
        for (int turn = 0; turn < 3 && i >= 0; turn++) {
          switch (Math.floorMod(i + turn, 3)) {
            case 0 -> finishedSdk[i] = readFinished(tw, null, server.token(), last);
            case 1 -> finishedJdk[i] = readFinished(tw, jdk, server.token(), last);
            default -> finishedRaw[i] = readFinished(tw, raw, server.token(), last);
          }
        }
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
      rows.row("read a finished run's status, HTTP", store, "p50 " + Harness.fmt(p50(finishedJdk)) + " / "
              + Harness.fmt(p50(finishedRaw)) + " ms", Harness.ratio(p50(finishedJdk), p50(finishedSdk)),
          "GET /runs/{id} of a run that has ended, nothing else running, java.net.http / one socket; java.net.http's"
              + " ÷ SDK runs().get(id) of the same run, p50 " + Harness.fmt(p50(finishedSdk) * 1000) + " µs; p90 "
              + Harness.fmt(Percentile.millis(finishedJdk, 90)) + " / " + Harness.fmt(Percentile.millis(finishedRaw, 90))
              + " ms");
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
      repeatedStart(tw, raw, server.token(), tenants.next(), store, 0);
      repeatedStart(tw, raw, server.token(), tenants.next(), store, IDLE_MILLIS);
    }
  }

  /**
   * The server's own cost of a start, without a run to compete with and without a client library: the same start
   * repeated with one {@code Idempotency-Key} (the engine answers with the run it started the first time, after one
   * journal read), over one socket and through the SDK in turn, back to back or each after {@code idleMillis} in
   * which nothing runs (as in the main loop, where each sample waits for a run's end).
   */
  private void repeatedStart(Tenantwright tw, RawHttp raw, String token, String tenant, String store, int idleMillis)
      throws IOException, InterruptedException {
    int n = quick ? 300 : 1000;
    String key = "repeat-" + idleMillis;
    RunOptions options = RunOptions.defaults().blueprint(BenchServer.BLUEPRINT).idempotencyKey(key).actor("bench");
    String first = tw.environments().provision(tenant, EnvironmentKind.DEMO, options).id();
    tw.runs().get(first).await(RUN_WAIT);
    String request = "{\"kind\":\"DEMO\",\"blueprint\":\"" + BenchServer.BLUEPRINT + "\"}";
    long[] http = new long[n];
    long[] sdk = new long[n];
    for (int i = -n / 5; i < n; i++) {
      if (idleMillis > 0) {
        Thread.sleep(idleMillis);
      }
      long t0 = System.nanoTime();
      Answer answer = raw.send("POST", "/tenants/" + tenant + "/environments", token, request, key);
      long t1 = System.nanoTime();
      if (idleMillis > 0) {
        Thread.sleep(idleMillis);
      }
      long t2 = System.nanoTime();
      String again = tw.environments().provision(tenant, EnvironmentKind.DEMO, options).id();
      long t3 = System.nanoTime();
      if (!expect(answer, 202, "POST").get("id").asText().equals(first) || !again.equals(first)) {
        throw new IllegalStateException("a repeated start with key " + key + " started a new run");
      }
      if (i >= 0) {
        http[i] = t1 - t0;
        sdk[i] = t3 - t2;
      }
    }
    rows.row("repeated start (same key), one socket, " + (idleMillis == 0 ? "back to back" : idleMillis + " ms idle"),
        store, "p50 " + Harness.fmt(p50(http)) + ", p90 " + Harness.fmt(Percentile.millis(http, 90)) + " ms",
        Harness.ratio(p50(http), p50(sdk)), "POST with an Idempotency-Key already used: no run starts; ÷ the same"
            + " provision() through the SDK in turn, p50 " + Harness.fmt(p50(sdk) * 1000) + " µs; overhead p50 "
            + Harness.fmt(p50(http) - p50(sdk)) + " ms; " + n + " each"
            + (idleMillis == 0 ? "" : ", each after " + idleMillis + " ms with nothing running"));
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

  /** How long reading an ended run's status takes through {@code client}, or through the SDK when it is null. */
  private static long readFinished(Tenantwright tw, Client client, String token, String runId)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    if (client == null) {
      tw.runs().get(runId).state();
      return System.nanoTime() - t0;
    }
    Answer status = client.send("GET", "/runs/" + runId, token, null);
    long elapsed = System.nanoTime() - t0;
    expect(status, 200, "GET").get("state").asText();
    return elapsed;
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
      return send(method, path, token, json, null);
    }

    /** Sends with an {@code Idempotency-Key} header when {@code key} is not null. */
    Answer send(String method, String path, String token, String json, String key) throws IOException {
      byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
      StringBuilder head = new StringBuilder(method).append(' ').append(path)
          .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      if (token != null) {
        head.append("Authorization: Bearer ").append(token).append("\r\n");
      }
      if (key != null) {
        head.append("Idempotency-Key: ").append(key).append("\r\n");
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
