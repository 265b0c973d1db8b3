package dev.tenantwright.testkit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.tenantwright.testkit.RouteRequest;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The {@link RouteRequest} handed to route handlers; immutable. */
public final class HttpFakeRequest implements RouteRequest {

  private final String method;
  private final String path;
  private final Map<String, String> pathParams;
  private final Map<String, List<String>> query;
  private final Map<String, List<String>> headers;
  private final String body;
  private volatile JsonNode json;

  /** Creates a request; {@code headers} are copied into a case-insensitive map. */
  public HttpFakeRequest(String method, String path, Map<String, String> pathParams,
      Map<String, List<String>> query, Map<String, List<String>> headers, String body) {
    this.method = method;
    this.path = path;
    this.pathParams = Map.copyOf(pathParams);
    this.query = query;
    Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
    this.headers = Collections.unmodifiableMap(h);
    this.body = body == null ? "" : body;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String pathParam(String name) {
    String v = pathParams.get(name);
    if (v == null) {
      throw new IllegalStateException("the route has no path variable {" + name + "}; it has " + pathParams.keySet());
    }
    return v;
  }

  @Override
  public Map<String, String> pathParams() {
    return pathParams;
  }

  @Override
  public Optional<String> query(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  @Override
  public List<String> queryAll(String name) {
    return query.getOrDefault(name, List.of());
  }

  @Override
  public Map<String, List<String>> queryParams() {
    return query;
  }

  @Override
  public Optional<String> header(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  @Override
  public Map<String, List<String>> headers() {
    return headers;
  }

  @Override
  public String body() {
    return body;
  }

  @Override
  public JsonNode json() {
    JsonNode node = json;
    if (node == null) {
      if (body.isBlank()) {
        node = MissingNode.getInstance();
      } else {
        try {
          node = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException("request body is not JSON: " + e.getOriginalMessage(), e);
        }
      }
      json = node;
    }
    return node;
  }

  @Override
  public <T> T bodyAs(Class<T> type) {
    try {
      return Json.mapper().treeToValue(json(), type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "request body does not bind to " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public String toString() {
    return method + " " + path;
  }
}
