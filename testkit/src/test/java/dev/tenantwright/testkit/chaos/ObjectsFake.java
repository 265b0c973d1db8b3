package dev.tenantwright.testkit.chaos;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.testkit.BackendFake;
import dev.tenantwright.testkit.RouteResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stateful fake of a backend that, like a DNS API, lets several objects share a name: every {@code POST}
 * makes a new object with its own id. A client that creates twice for one resource therefore leaves a visible
 * duplicate, which is exactly what the chaos test looks for.
 *
 * <pre>
 * POST   /v1/objects            {"name", "marker", "value", "token"} → 201 {"id", ...}
 * GET    /v1/objects?name=NAME  → 200 [{"id", "name", "marker", "value"}]   (tokens are never returned)
 * DELETE /v1/objects/{id}       → 204, or 404 when it is gone
 * </pre>
 */
final class ObjectsFake extends BackendFake {

  /** One stored object. */
  record Obj(String id, String name, String marker, String value, String token) {}

  private final Map<String, Obj> objects = new LinkedHashMap<>();
  private final List<String> tokens = new ArrayList<>();
  private long next;

  ObjectsFake() {
    super("objects");
    on("POST", "/v1/objects", req -> {
      var body = req.json();
      String name = body.path("name").asText("");
      if (name.isEmpty()) {
        return errorResponse(400, "name is required");
      }
      Obj o = new Obj("obj-" + (++next), name, body.path("marker").asText(""), body.path("value").asText(""),
          body.path("token").asText(""));
      objects.put(o.id(), o);
      if (!o.token().isEmpty()) {
        tokens.add(o.token());
      }
      return RouteResponse.json(201, view(o));
    });
    on("GET", "/v1/objects", req -> {
      String name = req.query("name").orElse("");
      ArrayNode list = json().createArrayNode();
      objects.values().stream().filter(o -> o.name().equals(name)).forEach(o -> list.add(view(o)));
      return RouteResponse.json(200, list);
    });
    on("DELETE", "/v1/objects/{id}", req -> objects.remove(req.pathParam("id")) != null
        ? RouteResponse.empty(204)
        : errorResponse(404, "object " + req.pathParam("id") + " not found"));
  }

  private ObjectNode view(Obj o) {
    return newObject().put("id", o.id()).put("name", o.name()).put("marker", o.marker()).put("value", o.value());
  }

  @Override
  public synchronized Collection<String> liveObjects() {
    return objects.values().stream().map(o -> o.id() + " " + o.name()).toList();
  }

  /** Every stored object. */
  synchronized List<Obj> objects() {
    return List.copyOf(objects.values());
  }

  /** Every token (a generated secret) a create ever sent. */
  synchronized List<String> tokensSeen() {
    return List.copyOf(tokens);
  }
}
