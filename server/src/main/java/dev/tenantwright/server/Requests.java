package dev.tenantwright.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantwright.core.PageRequest;
import dev.tenantwright.core.RunOptions;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reading a request: who makes it, its JSON body and its fields, its paging and idempotency parameters. */
final class Requests {

  static final String PRINCIPAL = "tw.principal";
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");

  private Requests() {}

  static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    if (p == null) {
      throw new ApiException(401, "unauthorized", "send 'Authorization: Bearer <token>'", null);
    }
    return p;
  }

  /** The caller, who must hold an admin token. */
  static Principal admin(Context ctx) {
    Principal p = principal(ctx);
    if (!p.admin()) {
      throw ApiException.forbidden("token '" + p.name() + "' may only read tenant " + p.tenantId());
    }
    return p;
  }

  /**
   * The caller, who may read {@code tenantId}. A tenant token asking for another tenant gets the same 404 as for a
   * tenant that does not exist, so it learns nothing about other tenants.
   */
  static Principal reader(Context ctx, String tenantId) {
    Principal p = principal(ctx);
    if (!p.mayRead(tenantId)) {
      throw ApiException.notFound("tenant '" + tenantId + "' does not exist");
    }
    return p;
  }

  /** The body as a JSON object with only the given fields; an empty body is an empty object unless required. */
  static ObjectNode body(Context ctx, boolean required, Set<String> fields) {
    byte[] raw = ctx.bodyAsBytes();
    if (raw.length == 0) {
      if (required) {
        throw ApiException.badRequest("a JSON object body is required");
      }
      return Views.JSON.createObjectNode();
    }
    JsonNode node;
    try {
      node = Views.JSON.readTree(new String(raw, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the body is not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) {
        throw ApiException.invalid(f, "unknown field '" + f + "' (known: " + fields + ")");
      }
    }
    return (ObjectNode) node;
  }

  /** A text field: absent or null gives null; another JSON type is refused naming the field. */
  static String text(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.invalid(field, "'" + field + "' must be a string");
    }
    return v.asText();
  }

  static String requiredText(ObjectNode body, String field) {
    String v = text(body, field);
    if (v == null || v.isBlank()) {
      throw ApiException.invalid(field, "'" + field + "' is required");
    }
    return v;
  }

  /** The {@code Idempotency-Key} header, checked: 1 to 200 visible ASCII characters. */
  static String idempotencyKey(Context ctx) {
    String key = ctx.header("Idempotency-Key");
    if (key == null) {
      return null;
    }
    if (!KEY.matcher(key).matches()) {
      throw ApiException.invalid("Idempotency-Key", "must be 1 to 200 visible ASCII characters");
    }
    return key;
  }

  /**
   * Run options from a {@code RunRequest}-shaped body: blueprint, parameters, reason; the actor is the token's
   * name; the idempotency key the header's.
   */
  static RunOptions runOptions(Context ctx, Principal p, ObjectNode body) {
    RunOptions o = runOptionsFromBody(body, p.name());
    String key = idempotencyKey(ctx);
    return key == null ? o : o.idempotencyKey(key);
  }

  /** Run options from a body alone (a request kept for approval), acting as {@code actor}. */
  static RunOptions runOptionsFromBody(ObjectNode body, String actor) {
    RunOptions o = RunOptions.defaults().actor(actor);
    String blueprint = text(body, "blueprint");
    if (blueprint != null) {
      o = o.blueprint(blueprint);
    }
    String reason = text(body, "reason");
    if (reason != null) {
      o = o.reason(reason);
    }
    JsonNode params = body.get("parameters");
    if (params != null && !params.isNull()) {
      if (!params.isObject()) {
        throw ApiException.invalid("parameters", "'parameters' must be an object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = Views.JSON.convertValue(params, Map.class);
      for (Map.Entry<String, Object> e : map.entrySet()) {
        if (e.getValue() == null) {
          throw ApiException.invalid("parameters." + e.getKey(), "a parameter may not be null");
        }
        o = o.parameter(e.getKey(), e.getValue());
      }
    }
    return o;
  }

  /** The {@code limit} query parameter, 1 to 500, default 50. */
  static int limit(Context ctx) {
    String raw = ctx.queryParam("limit");
    if (raw == null) {
      return 50;
    }
    try {
      int n = Integer.parseInt(raw);
      if (n >= 1 && n <= 500) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw ApiException.invalid("limit", "'limit' must be a whole number from 1 to 500");
  }

  /** The {@code limit} and {@code cursor} query parameters as a page of a journal list (the cursor is the journal's). */
  static PageRequest page(Context ctx) {
    int limit = limit(ctx);
    String raw = ctx.queryParam("cursor");
    return raw == null || raw.isEmpty() ? PageRequest.first(limit) : PageRequest.after(raw, limit);
  }

  /** An opaque cursor for "after this item": its time and id. */
  static String cursor(long millis, String id) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((millis + ":" + id).getBytes(StandardCharsets.UTF_8));
  }

  /** A decoded cursor, or null for the first page. */
  static Cursor cursor(Context ctx) {
    String raw = ctx.queryParam("cursor");
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8);
      int colon = s.indexOf(':');
      return new Cursor(Long.parseLong(s.substring(0, colon)), s.substring(colon + 1));
    } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
      throw ApiException.invalid("cursor", "'cursor' is not one this server gave out");
    }
  }

  /** The last item of a page. */
  record Cursor(long millis, String id) {}

  /** The id to resume an event stream after: {@code Last-Event-ID}, else {@code ?after=}, else -1 (none). */
  static long lastEventId(Context ctx) {
    String raw = ctx.header("Last-Event-ID");
    String field = "Last-Event-ID";
    if (raw == null || raw.isBlank()) {
      raw = ctx.queryParam("after");
      field = "after";
    }
    if (raw == null || raw.isBlank()) {
      return -1;
    }
    try {
      long id = Long.parseLong(raw.trim());
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw ApiException.invalid(field, "'" + field + "' must be an event id (a whole number)");
  }
}
