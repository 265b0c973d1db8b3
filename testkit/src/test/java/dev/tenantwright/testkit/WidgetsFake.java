package dev.tenantwright.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The test kit's demo fake: a tiny stateful "widgets" API (create, list, get, delete) with its own error
 * shape, described by {@code widgets/widgets-openapi.yaml}. It shows how a backend fake is written.
 */
final class WidgetsFake extends BackendFake {

  static final String CREATE = "POST /v1/widgets";
  static final String LIST = "GET /v1/widgets";
  static final String GET = "GET /v1/widgets/{id}";
  static final String DELETE = "DELETE /v1/widgets/{id}";

  private final Map<String, ObjectNode> widgets = new LinkedHashMap<>();
  private int nextId = 1;
  private boolean lazy;

  WidgetsFake() {
    super("widgets");
    on("POST", "/v1/widgets", this::create);
    on("GET", "/v1/widgets", req -> {
      ObjectNode list = newObject();
      var items = list.putArray("widgets");
      widgets.values().stream()
          .filter(w -> req.query("name").map(n -> n.equals(w.get("name").asText())).orElse(true))
          .forEach(items::add);
      return RouteResponse.json(200, list);
    });
    on("GET", "/v1/widgets/{id}", req -> {
      ObjectNode w = widgets.get(req.pathParam("id"));
      if (w == null) {
        return errorResponse(404, "widget " + req.pathParam("id") + " not found");
      }
      return lazy ? RouteResponse.json(200, Map.of("id", w.get("id").asText())) : RouteResponse.json(200, w);
    });
    on("DELETE", "/v1/widgets/{id}", req -> widgets.remove(req.pathParam("id")) == null
        ? errorResponse(404, "widget " + req.pathParam("id") + " not found")
        : RouteResponse.empty(204));
  }

  private RouteResponse create(RouteRequest req) {
    JsonNode body = req.json();
    String name = body.path("name").asText("");
    if (name.isEmpty()) {
      return errorResponse(400, "name is required");
    }
    String color = body.path("color").asText("red");
    if (!List.of("red", "green", "blue").contains(color)) {
      return errorResponse(400, "unknown color " + color);
    }
    for (ObjectNode w : widgets.values()) {
      if (w.get("name").asText().equals(name)) {
        return errorResponse(409, "a widget named " + name + " already exists");
      }
    }
    ObjectNode w = newObject()
        .put("id", "wgt_" + nextId++)
        .put("name", name)
        .put("size", body.path("size").asInt(1))
        .put("color", color)
        .put("createdAt", "2025-01-01T00:00:00Z");
    widgets.put(w.get("id").asText(), w);
    return RouteResponse.json(201, w);
  }

  /** Widgets' error shape: {"error":{"code":"not_found","message":"..."}}. */
  @Override
  protected RouteResponse errorResponse(int status, String message) {
    String code = switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 409 -> "conflict";
      case 429 -> "rate_limited";
      default -> "server_error";
    };
    return RouteResponse.json(status, Map.of("error", Map.of("code", code, "message", message)));
  }

  /** Makes GET answer a widget without its required fields, as a lazy stub would. */
  synchronized void answerLazily() {
    lazy = true;
  }

  @Override
  public synchronized Collection<String> liveObjects() {
    List<String> out = new ArrayList<>();
    widgets.values().forEach(w -> out.add("widget " + w.get("id").asText() + " (" + w.get("name").asText() + ")"));
    return out;
  }

  @Override
  protected void resetState() {
    widgets.clear();
    nextId = 1;
    lazy = false;
  }
}
