package dev.tenantwright.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * One server-sent event stream read through {@link HttpClient} without a thread of its own: the client hands the
 * body's lines to this subscriber on its executor, which assembles each event and passes it on with the time it
 * arrived. A thousand streams cost a thousand sockets and a few client threads, not a thousand threads.
 *
 * <p>The client calls a subscription's methods one at a time; the consumer runs on the client's executor and must
 * not block.
 */
final class SseStream implements Flow.Subscriber<String> {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One event as it arrived.
   *
   * @param type the SSE event name ({@code RUN_SUCCEEDED}, …)
   * @param id the journal id the server sent as the SSE id
   * @param run the run the event belongs to, or null
   * @param atMillis the event's journal time ({@code at}) in epoch milliseconds
   * @param receivedMillis {@link System#currentTimeMillis()} when the event's last line arrived
   */
  record Received(String type, long id, String run, long atMillis, long receivedMillis) {}

  private final Consumer<Received> sink;
  private final CompletableFuture<Integer> status = new CompletableFuture<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private String type;
  private String id;
  private final StringBuilder data = new StringBuilder();

  private SseStream(Consumer<Received> sink) {
    this.sink = sink;
  }

  /**
   * Opens {@code GET url} with {@code Accept: text/event-stream} and the token. The returned stream's
   * {@link #status()} completes when the response's headers have arrived.
   */
  static SseStream open(HttpClient client, String url, String token, Consumer<Received> sink) {
    SseStream s = new SseStream(sink);
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10))
        .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).GET().build();
    client.sendAsync(request, info -> {
      s.status.complete(info.statusCode());
      return info.statusCode() == 200
          ? HttpResponse.BodySubscribers.fromLineSubscriber(s, x -> null, StandardCharsets.UTF_8, null)
          : HttpResponse.BodySubscribers.replacing(null);
    }).whenComplete((r, e) -> {
      if (e != null) {
        s.status.completeExceptionally(e);
        s.ended.completeExceptionally(e);
      } else {
        s.ended.complete(null);
      }
    });
    return s;
  }

  /** The response's status code, once its headers have arrived. */
  CompletableFuture<Integer> status() {
    return status;
  }

  /** Completes when the server ends the stream (or the connection fails). */
  CompletableFuture<Void> ended() {
    return ended;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(String line) {
    if (line.isEmpty()) {
      dispatch();
    } else if (line.startsWith("event:")) {
      type = value(line, 6);
    } else if (line.startsWith("id:")) {
      id = value(line, 3);
    } else if (line.startsWith("data:")) {
      if (data.length() > 0) {
        data.append('\n');
      }
      data.append(value(line, 5));
    }
    // a line starting with ':' is a comment (the server's keep-alive)
  }

  private static String value(String line, int from) {
    return line.length() > from && line.charAt(from) == ' ' ? line.substring(from + 1) : line.substring(from);
  }

  private void dispatch() {
    long now = System.currentTimeMillis();
    if (type != null && data.length() > 0) {
      JsonNode event;
      try {
        event = JSON.readTree(data.toString());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
      String run = event.path("run").isTextual() ? event.get("run").asText() : null;
      long at = Instant.parse(event.get("at").asText()).toEpochMilli();
      sink.accept(new Received(type, id == null ? 0 : Long.parseLong(id), run, at, now));
    }
    type = null;
    id = null;
    data.setLength(0);
  }

  @Override
  public void onError(Throwable throwable) {
    ended.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    ended.complete(null);
  }
}
