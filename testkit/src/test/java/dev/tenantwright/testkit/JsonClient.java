package dev.tenantwright.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.testkit.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small java.net.http client for the fakes' tests: JSON in, status and JSON out, bearer token set. */
public final class JsonClient {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** A status and a parsed body. */
  public record Answer(int status, JsonNode json) {}

  private final String baseUrl;
  private final String token;

  public JsonClient(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  public Answer send(String method, String path, String json) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token);
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body().isBlank() ? Json.mapper().missingNode() : Json.readJson(r.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Answer get(String path) {
    return send("GET", path, null);
  }

  public Answer post(String path, String json) {
    return send("POST", path, json);
  }

  public Answer delete(String path) {
    return send("DELETE", path, null);
  }
}
