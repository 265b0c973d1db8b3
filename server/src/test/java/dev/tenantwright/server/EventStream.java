package dev.tenantwright.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A test's server-sent event reader: the events of one stream as they come, parsed per the SSE format. */
final class EventStream implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One event: its id, name and data (an Event as JSON). */
  record Sse(long id, String name, JsonNode data) {}

  private final BlockingQueue<Sse> events = new LinkedBlockingQueue<>();
  private final CompletableFuture<HttpResponse<Stream<String>>> response;
  private volatile boolean ended;

  EventStream(String url, String token, Long lastEventId) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
        .header("Authorization", "Bearer " + token);
    if (lastEventId != null) {
      b.header("Last-Event-ID", Long.toString(lastEventId));
    }
    this.response = HttpClient.newHttpClient().sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines());
    response.thenAccept(r -> {
      Thread reader = new Thread(() -> read(r.body()), "test-sse-reader");
      reader.setDaemon(true);
      reader.start();
    }).exceptionally(e -> {
      ended = true;
      return null;
    });
  }

  private void read(Stream<String> lines) {
    long id = -1;
    String name = "message";
    StringBuilder data = new StringBuilder();
    try {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            events.add(new Sse(id, name, JSON.readTree(data.toString())));
          }
          id = -1;
          name = "message";
          data.setLength(0);
        } else if (line.startsWith("id:")) {
          id = Long.parseLong(line.substring(3).trim());
        } else if (line.startsWith("event:")) {
          name = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // the stream was cut: what was read stays
    } finally {
      ended = true;
    }
  }

  /**
   * The status of the answer, waiting for it. Read from the answer itself: the callback that starts the reader runs
   * after the future completes, so {@code get} can return before it (CI once saw status 0 here).
   */
  int status() throws Exception {
    return response.get(10, TimeUnit.SECONDS).statusCode();
  }

  /** The next event, or null after {@code wait}. */
  Sse next(Duration wait) throws InterruptedException {
    return events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Every event until one named {@code last} (inclusive) or {@code wait} passes. */
  List<Sse> until(String last, Duration wait) throws InterruptedException {
    List<Sse> out = new ArrayList<>();
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      Sse e = next(Duration.ofMillis(200));
      if (e != null) {
        out.add(e);
        if (e.name().equals(last)) {
          return out;
        }
      }
    }
    return out;
  }

  /** Whether the server ended the stream. */
  boolean ended() {
    return ended;
  }

  @Override
  public void close() {
    response.thenAccept(r -> r.body().close());
    response.cancel(true);
  }
}
