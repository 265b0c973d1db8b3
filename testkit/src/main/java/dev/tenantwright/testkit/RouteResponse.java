package dev.tenantwright.testkit;

import dev.tenantwright.testkit.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link BackendFake} answers: a status, headers and a body.
 *
 * <p>Immutable and thread-safe; {@link #withHeader} returns a new response.
 *
 * <pre>{@code
 * return RouteResponse.json(200, project);                        // a JsonNode, Map, List or record
 * return RouteResponse.empty(204);
 * return RouteResponse.json(202, op).withHeader("Location", "/1.0/operations/" + id);
 * }</pre>
 */
public final class RouteResponse {

  private static final String JSON = "application/json";

  private final int status;
  private final Map<String, List<String>> headers;
  private final byte[] body;

  private RouteResponse(int status, Map<String, List<String>> headers, byte[] body) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  /**
   * A JSON response; {@code body} is a Jackson tree or any value the test kit's mapper can serialise.
   */
  public static RouteResponse json(int status, Object body) {
    String text = Json.write(body);
    return new RouteResponse(status, header(Map.of(), "Content-Type", JSON), text.getBytes(StandardCharsets.UTF_8));
  }

  /** A response without a body, e.g. 204. */
  public static RouteResponse empty(int status) {
    return new RouteResponse(status, Map.of(), new byte[0]);
  }

  /** A text response with its content type, e.g. Traefik's JSON-in-{@code text/plain} errors. */
  public static RouteResponse text(int status, String contentType, String body) {
    Objects.requireNonNull(body, "body");
    return new RouteResponse(status, header(Map.of(), "Content-Type", Objects.requireNonNull(contentType, "contentType")),
        body.getBytes(StandardCharsets.UTF_8));
  }

  /** This response with one more header value. */
  public RouteResponse withHeader(String name, String value) {
    return new RouteResponse(status, header(headers, name, value), body);
  }

  /** The status. */
  public int status() {
    return status;
  }

  /** The headers, in the order they were added. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The first value of a header, matched case-insensitively. */
  public Optional<String> header(String name) {
    for (var e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return Optional.of(e.getValue().get(0));
      }
    }
    return Optional.empty();
  }

  /** The body as UTF-8 text; empty when there is none. */
  public String body() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return status + " " + body();
  }

  private static Map<String, List<String>> header(Map<String, List<String>> base, String name, String value) {
    Objects.requireNonNull(name, "header name");
    Objects.requireNonNull(value, "value of header " + name);
    Map<String, List<String>> out = new LinkedHashMap<>();
    base.forEach((k, v) -> out.put(k, v));
    String key = name;
    for (String existing : out.keySet()) {
      if (existing.equalsIgnoreCase(name)) {
        key = existing;
      }
    }
    List<String> values = new ArrayList<>(out.getOrDefault(key, List.of()));
    values.add(value);
    out.put(key, List.copyOf(values));
    return Collections.unmodifiableMap(out);
  }
}
