package dev.tenantwright.testkit.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tenantwright.core.StatusWebhook;
import dev.tenantwright.core.WebhookSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The host's end of Tenantwright's webhooks, on {@code 127.0.0.1}: it checks every request's signature (refusing a
 * bad one with 401, as a host must), de-duplicates on {@code webhook-id}, keeps what arrived, and answers as a test
 * scripts it. It also plays the host's <em>master database</em> for {@code webhook.call} steps: an event {@code E}
 * records its {@code data} under the tenant and environment (answering {@code {"reference": "..."}}), and
 * {@code E.undone} removes the record again — so a test or the CLI sandbox can show "the tenant is registered".
 *
 * <pre>{@code
 * try (WebhookReceiver host = WebhookReceiver.start()) {
 *   Tenantwright tw = Tenantwright.builder()...statusWebhook(host.statusWebhook("master-db")).build();
 *   ...
 *   assertThat(host.records("tenant.registered")).containsKey("acme/live");
 * }
 * }</pre>
 */
public final class WebhookReceiver implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One accepted request (signature valid, not a duplicate). */
  public record Delivery(String id, String type, JsonNode body) {}

  private final HttpServer server;
  private final byte[] secret = new byte[32];
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> answers = new ConcurrentHashMap<>();
  private final Map<String, Map<String, JsonNode>> records = new ConcurrentHashMap<>();
  private volatile int refused;
  private volatile int duplicates;

  private WebhookReceiver() throws IOException {
    new SecureRandom().nextBytes(secret);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hooks", this::handle);
    server.start();
  }

  /** Starts a receiver on a free port. */
  public static WebhookReceiver start() {
    try {
      return new WebhookReceiver();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where it listens. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks");
  }

  /** A status webhook named {@code name} pointing here, with this receiver's secret, retrying quickly. */
  public StatusWebhook statusWebhook(String name) {
    return StatusWebhook.to(name, url(), secret).retries(20, Duration.ofMillis(100), Duration.ofSeconds(1));
  }

  /** Makes every request of {@code type} answer {@code status} (e.g. 409 to refuse a registration, 503). */
  public WebhookReceiver answer(String type, int status) {
    answers.put(type, status);
    return this;
  }

  /** Answers every type normally again. */
  public WebhookReceiver clearAnswers() {
    answers.clear();
    return this;
  }

  /** Every accepted delivery, in arrival order. */
  public List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  /** The accepted deliveries of one type. */
  public List<Delivery> deliveries(String type) {
    return deliveries.stream().filter(d -> d.type().equals(type)).toList();
  }

  /** What {@code webhook.call}s of {@code event} have recorded and not undone: {@code tenant/environment} to data. */
  public Map<String, JsonNode> records(String event) {
    return Map.copyOf(records.getOrDefault(event, Map.of()));
  }

  /** Requests refused for a bad or missing signature. */
  public int refused() {
    return refused;
  }

  /** Requests whose {@code webhook-id} had been accepted before (retries after a lost answer). */
  public int duplicates() {
    return duplicates;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readNBytes(1 << 20);
      String id = ex.getRequestHeaders().getFirst(WebhookSignature.ID);
      if (!"POST".equals(ex.getRequestMethod()) || !WebhookSignature.verify(secret, id,
          ex.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP), body,
          ex.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE), Duration.ofMinutes(5), Clock.systemUTC())) {
        refused++;
        ex.sendResponseHeaders(401, -1);
        return;
      }
      JsonNode json = JSON.readTree(body);
      String type = json.path("type").asText();
      Integer scripted = answers.get(type);
      if (scripted != null && scripted / 100 != 2) {
        ex.sendResponseHeaders(scripted, -1);
        return;
      }
      if (!seen.add(id)) {
        duplicates++;
      } else {
        deliveries.add(new Delivery(id, type, json));
        record(type, json);
      }
      String key = json.path("tenant").asText() + "/" + json.path("environment").asText();
      byte[] answer = ("{\"reference\":\"rec-" + key.replace('/', '-') + "\"}").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, answer.length);
      ex.getResponseBody().write(answer);
    }
  }

  private void record(String type, JsonNode json) {
    if (!json.has("step")) {
      return; // a status event, not a webhook.call
    }
    String key = json.path("tenant").asText() + "/" + json.path("environment").asText();
    if (type.endsWith(".undone")) {
      Optional.ofNullable(records.get(type.substring(0, type.length() - ".undone".length())))
          .ifPresent(m -> m.remove(key));
    } else {
      records.computeIfAbsent(type, t -> new ConcurrentHashMap<>()).put(key, json.path("data"));
    }
  }

  /** The records of every event, for printing: event to keys. */
  public Map<String, List<String>> summary() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    records.forEach((k, v) -> out.put(k, new ArrayList<>(v.keySet())));
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
