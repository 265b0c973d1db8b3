package dev.tenantwright.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantwright.testkit.OpenApiContract;
import dev.tenantwright.testkit.SpecReducer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The tests' HTTP client for a server under test: every request it sends and every answer it gets are checked
 * against the server's own OpenAPI document (the test kit's contract validation), and a finding fails the test at
 * that call.
 */
final class ApiClient {

  static final OpenApiContract CONTRACT = OpenApiContract.load(
      Objects.requireNonNull(TenantwrightServer.class.getResource("openapi.yaml")), SpecReducer.keeping());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An answer: status, headers (first value each, lower-case names), body, and the body as JSON when it is. */
  record Answer(int status, Map<String, String> headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;
  private final boolean deliberatelyInvalid;

  ApiClient(String base, String token) {
    this(base, token, false);
  }

  private ApiClient(String base, String token, boolean deliberatelyInvalid) {
    this.base = base;
    this.token = token;
    this.deliberatelyInvalid = deliberatelyInvalid;
  }

  String base() {
    return base;
  }

  ApiClient as(String otherToken) {
    return new ApiClient(base, otherToken, deliberatelyInvalid);
  }

  /**
   * This client for requests that break the document on purpose (no token, a bad body): the request is not
   * checked, and the answer must be a problem (RFC 9457) with the document's required members.
   */
  ApiClient breakingTheContract() {
    return new ApiClient(base, token, true);
  }

  Answer get(String path) {
    return send("GET", path, null, Map.of());
  }

  Answer post(String path, String body) {
    return send("POST", path, body, Map.of());
  }

  Answer post(String path, String body, Map<String, String> headers) {
    return send("POST", path, body, headers);
  }

  Answer put(String path, String body) {
    return send("PUT", path, body, Map.of());
  }

  Answer delete(String path, String body) {
    return send("DELETE", path, body, Map.of());
  }

  /** Sends, checks request and answer against the document, and returns the answer. */
  Answer send(String method, String path, String body, Map<String, String> extra) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (token != null) {
      headers.put("Authorization", "Bearer " + token);
    }
    if (body != null) {
      headers.put("Content-Type", "application/json");
    }
    headers.putAll(extra);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    Map<String, String> answerHeaders = new LinkedHashMap<>();
    r.headers().map().forEach((k, v) -> answerHeaders.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
    Answer a = new Answer(r.statusCode(), answerHeaders, r.body());
    String shown = a.body().length() > 300 ? a.body().substring(0, 300) + "..." : a.body();
    if (deliberatelyInvalid) {
      assertThat(a.header("Content-Type")).as("%s %s -> %s %s", method, path, a.status(), shown)
          .startsWith("application/problem+json");
      JsonNode p = a.json();
      assertThat(p.path("status").asInt()).isEqualTo(a.status());
      assertThat(p.path("type").asText()).startsWith("https://");
      assertThat(p.path("title").asText()).isNotEmpty();
      return a;
    }
    Map<String, String> checkedHeaders = new LinkedHashMap<>(answerHeaders);
    checkedHeaders.put("Content-Type", answerHeaders.getOrDefault("content-type", ""));
    assertThat(CONTRACT.checkExchange(method, path, headers, body, a.status(), checkedHeaders, a.body()))
        .as("%s %s -> %s %s", method, path, a.status(), shown).isEmpty();
    return a;
  }
}
