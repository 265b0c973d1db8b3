package dev.tenantwright.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operations that turn a published OpenAPI or Swagger document into one a request validator accepts
 * (BACKENDS.md §9): keep only some paths, drop what they cannot reach, and patch known defects.
 *
 * <p>Every operation edits the tree it is given in place. Stateless and thread-safe.
 */
public final class SpecOps {

  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final Pattern RECURSION_KEY = Pattern.compile("^(/[^?]*)\\?recursion=(\\d+)$");
  private static final Pattern STATUS_RANGE = Pattern.compile("^[1-5]xx$");
  private static final List<String> OAS3_SECTIONS =
      List.of("schemas", "responses", "parameters", "examples", "requestBodies", "headers", "links", "callbacks");
  private static final List<String> SWAGGER2_SECTIONS = List.of("definitions", "parameters", "responses");

  /** Prefix under which Incus's {@code ?recursion=N} path keys are kept: {@code /recursionN/1.0/...}. */
  public static final String RECURSION_PREFIX = "/recursion";

  private SpecOps() {}

  /** Whether the document is Swagger 2.0 (else OpenAPI 3). */
  public static boolean isSwagger2(JsonNode doc) {
    return doc.has("swagger");
  }

  /**
   * Removes path keys that carry a query string ({@code /1.0/instances?recursion=1}); validators take them
   * literally. With {@code renameRecursion}, keys whose query is exactly {@code recursion=N} are kept as
   * {@code /recursionN/...} instead, so requests with that parameter can be validated against them.
   *
   * @return how many keys were dropped
   */
  public static int handleQueryPathKeys(ObjectNode doc, boolean renameRecursion) {
    ObjectNode paths = paths(doc);
    Map<String, JsonNode> rebuilt = new LinkedHashMap<>();
    int dropped = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (!key.contains("?")) {
        rebuilt.put(key, e.getValue());
        continue;
      }
      Matcher m = RECURSION_KEY.matcher(key);
      if (renameRecursion && m.matches()) {
        rebuilt.put(RECURSION_PREFIX + m.group(2) + m.group(1), e.getValue());
      } else {
        dropped++;
      }
    }
    paths.removeAll();
    rebuilt.forEach(paths::set);
    return dropped;
  }

  /**
   * Keeps only the listed path keys. An entry ending in {@code *} keeps every key starting with what
   * precedes the star.
   *
   * @throws IllegalArgumentException if an entry matches no key (a typo would otherwise go unnoticed)
   */
  public static void keepPaths(ObjectNode doc, Collection<String> keep) {
    ObjectNode paths = paths(doc);
    Set<String> kept = new LinkedHashSet<>();
    for (String want : keep) {
      boolean found = false;
      for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        boolean hit = want.endsWith("*") ? key.startsWith(want.substring(0, want.length() - 1)) : key.equals(want);
        if (hit) {
          kept.add(key);
          found = true;
        }
      }
      if (!found) {
        throw new IllegalArgumentException("the document has no path '" + want + "'");
      }
    }
    paths.retain(kept);
  }

  /**
   * Drops every component (OpenAPI 3 {@code components.*}, Swagger 2 {@code definitions},
   * {@code parameters}, {@code responses}) that the remaining paths cannot reach through {@code $ref}s.
   * Security schemes are kept: operations name them without a {@code $ref}.
   *
   * @return how many components were dropped
   */
  public static int pruneUnreachable(ObjectNode doc) {
    boolean swagger2 = isSwagger2(doc);
    Set<String> reachable = new HashSet<>();
    Deque<JsonNode> work = new ArrayDeque<>();
    work.push(paths(doc));
    if (doc.has("webhooks")) {
      work.push(doc.get("webhooks"));
    }
    while (!work.isEmpty()) {
      JsonNode node = work.pop();
      List<String> refs = new ArrayList<>();
      collectRefs(node, refs);
      for (String ref : refs) {
        String entry = entryPointer(ref, swagger2);
        if (entry != null && reachable.add(entry)) {
          JsonNode target = doc.at(entry);
          if (!target.isMissingNode()) {
            work.push(target);
          }
        }
      }
    }
    int dropped = 0;
    if (swagger2) {
      for (String section : SWAGGER2_SECTIONS) {
        dropped += retainReachable(doc.get(section), "/" + section + "/", reachable);
      }
    } else if (doc.get("components") instanceof ObjectNode components) {
      for (String section : OAS3_SECTIONS) {
        dropped += retainReachable(components.get(section), "/components/" + section + "/", reachable);
      }
    }
    return dropped;
  }

  /**
   * Removes duplicate values from every {@code enum} array: the schema library rejects a whole schema for
   * one duplicate (Vercel has 25 such arrays).
   *
   * @return how many arrays changed
   */
  public static int dedupeEnums(JsonNode node) {
    int changed = 0;
    if (node instanceof ObjectNode obj) {
      JsonNode en = obj.get("enum");
      if (en instanceof ArrayNode arr) {
        Set<JsonNode> seen = new LinkedHashSet<>();
        arr.forEach(seen::add);
        if (seen.size() != arr.size()) {
          arr.removeAll();
          seen.forEach(arr::add);
          changed++;
        }
      }
    }
    if (node != null && node.isContainerNode()) {
      for (JsonNode child : node) {
        changed += dedupeEnums(child);
      }
    }
    return changed;
  }

  /**
   * Renames lower-case status range keys ({@code 4xx}) in responses to the form OpenAPI defines and
   * validators look up ({@code 4XX}).
   */
  public static void uppercaseStatusRanges(ObjectNode doc) {
    forEachOperation(doc, (path, method, op) -> {
      if (op.get("responses") instanceof ObjectNode responses) {
        Map<String, JsonNode> rebuilt = new LinkedHashMap<>();
        responses.properties().forEach(e -> rebuilt.put(
            STATUS_RANGE.matcher(e.getKey()).matches() ? e.getKey().toUpperCase() : e.getKey(), e.getValue()));
        responses.removeAll();
        rebuilt.forEach(responses::set);
      }
    });
  }

  /**
   * Turns a path, query or header parameter whose schema is a {@code oneOf}/{@code anyOf} with a string
   * alternative (Vercel's {@code idOrName} is {@code oneOf: [string, boolean]}) into a plain string: the
   * validator parses the value of an untyped parameter as JSON, so every name would be reported.
   *
   * @return how many parameters changed
   */
  public static int stringifyCombinatorParameters(ObjectNode doc) {
    int[] n = {0};
    java.util.function.Consumer<JsonNode> fix = params -> {
      if (params instanceof ArrayNode arr) {
        for (JsonNode p : arr) {
          n[0] += stringifyParameter(p);
        }
      } else if (params instanceof ObjectNode obj) {
        obj.forEach(p -> n[0] += stringifyParameter(p));
      }
    };
    doc.path("paths").forEach(item -> {
      fix.accept(item.get("parameters"));
      item.properties().forEach(e -> {
        if (METHODS.contains(e.getKey())) {
          fix.accept(e.getValue().get("parameters"));
        }
      });
    });
    fix.accept(doc.path("components").get("parameters"));
    return n[0];
  }

  private static int stringifyParameter(JsonNode parameter) {
    if (!(parameter instanceof ObjectNode p) || "body".equals(p.path("in").asText())
        || !(p.get("schema") instanceof ObjectNode schema) || schema.has("type") || schema.has("$ref")) {
      return 0;
    }
    JsonNode alternatives = schema.has("oneOf") ? schema.get("oneOf") : schema.get("anyOf");
    if (alternatives == null) {
      return 0;
    }
    for (JsonNode alt : alternatives) {
      if ("string".equals(alt.path("type").asText())) {
        ObjectNode plain = JsonNodeFactory.instance.objectNode().put("type", "string");
        if (schema.has("description")) {
          plain.set("description", schema.get("description"));
        }
        p.set("schema", plain);
        return 1;
      }
    }
    return 0;
  }

  /**
   * Copies the document's top-level {@code security} into every operation that declares none: OpenAPI says
   * it applies there, but the validator only checks what an operation declares itself.
   *
   * @return how many operations received it
   */
  public static int inheritRootSecurity(ObjectNode doc) {
    JsonNode root = doc.get("security");
    if (!(root instanceof ArrayNode rootArr) || rootArr.isEmpty()) {
      return 0;
    }
    int[] n = {0};
    forEachOperation(doc, (path, method, op) -> {
      if (!op.has("security")) {
        op.set("security", rootArr.deepCopy());
        n[0]++;
      }
    });
    return n[0];
  }

  /**
   * Marks every object and array schema {@code x-nullable: true}: Go servers such as Incus send nil maps
   * and slices as {@code null}.
   *
   * @return how many schemas were marked
   */
  public static int addXNullable(JsonNode node) {
    int marked = 0;
    if (node instanceof ObjectNode obj) {
      JsonNode type = obj.get("type");
      if (type != null && type.isTextual() && !obj.has("in")
          && ("object".equals(type.asText()) || "array".equals(type.asText()))) {
        obj.put("x-nullable", true);
        marked++;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = obj.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getKey().equals("example") && !e.getKey().equals("x-example") && !e.getKey().equals("examples")) {
          marked += addXNullable(e.getValue());
        }
      }
    } else if (node instanceof ArrayNode arr) {
      for (JsonNode child : arr) {
        marked += addXNullable(child);
      }
    }
    return marked;
  }

  /**
   * Cloudflare's defects (BACKENDS.md §9): operations that declare only e-mail + key auth also accept an
   * API token; a request body that reuses the response record ({@code oneOf} plus the record's outer
   * {@code required}, e.g. {@code id}, {@code created_on}) keeps only its {@code oneOf}; a record's
   * {@code comment} may be null; requests carry the base path {@code /client/v4}.
   */
  public static void patchCloudflare(ObjectNode doc) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ArrayNode servers = doc.putArray("servers");
    servers.addObject().put("url", "https://api.cloudflare.com/client/v4");
    forEachOperation(doc, (path, method, op) -> {
      if (op.get("security") instanceof ArrayNode security) {
        boolean hasToken = false;
        for (JsonNode requirement : security) {
          hasToken |= requirement.has("api_token");
        }
        if (!hasToken) {
          security.addObject().set("api_token", f.arrayNode());
        }
      }
      JsonNode content = op.path("requestBody").path("content");
      if (content instanceof ObjectNode contentObj) {
        contentObj.properties().forEach(e -> {
          if (e.getValue() instanceof ObjectNode media && media.get("schema") != null) {
            JsonNode schema = media.get("schema");
            JsonNode resolved = schema.has("$ref") ? doc.at(schema.get("$ref").asText().substring(1)) : schema;
            if (resolved.has("oneOf") && resolved.has("required")) {
              ObjectNode relaxed = ((ObjectNode) resolved).deepCopy();
              relaxed.remove("required");
              media.set("schema", relaxed);
            }
          }
        });
      }
    });
    JsonNode schemas = doc.path("components").path("schemas");
    schemas.properties().forEach(e -> {
      if (e.getKey().endsWith("_comment") && e.getValue() instanceof ObjectNode comment) {
        comment.put("nullable", true);
      }
    });
  }

  /** A callback over the operations of a document. */
  @FunctionalInterface
  public interface OperationVisitor {
    /** Visits one operation. */
    void visit(String path, String method, ObjectNode operation);
  }

  /** Calls the visitor for every operation, in document order. */
  public static void forEachOperation(JsonNode doc, OperationVisitor visitor) {
    JsonNode paths = doc.path("paths");
    paths.properties().forEach(p -> p.getValue().properties().forEach(m -> {
      if (METHODS.contains(m.getKey()) && m.getValue() instanceof ObjectNode op) {
        visitor.visit(p.getKey(), m.getKey(), op);
      }
    }));
  }

  /** The path keys, in document order. */
  public static Set<String> pathKeys(JsonNode doc) {
    Set<String> out = new TreeSet<>();
    doc.path("paths").fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static ObjectNode paths(ObjectNode doc) {
    if (doc.get("paths") instanceof ObjectNode paths) {
      return paths;
    }
    if (doc.get("webhooks") instanceof ObjectNode) {
      // OpenAPI 3.1 lets a document describe webhooks only, as GitHub's webhooks document does
      return JsonNodeFactory.instance.objectNode();
    }
    throw new IllegalArgumentException("not an OpenAPI or Swagger document: it has no 'paths' object");
  }

  private static void collectRefs(JsonNode node, List<String> out) {
    if (node instanceof ObjectNode obj) {
      JsonNode ref = obj.get("$ref");
      if (ref != null && ref.isTextual()) {
        out.add(ref.asText());
      }
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        collectRefs(child, out);
      }
    }
  }

  /** The JSON pointer of the component a local {@code $ref} points into, or null for other refs. */
  private static String entryPointer(String ref, boolean swagger2) {
    if (!ref.startsWith("#/")) {
      return null;
    }
    String[] parts = ref.substring(2).split("/");
    int depth = swagger2 ? 2 : 3;
    if (parts.length < depth) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      sb.append('/').append(parts[i]);
    }
    return sb.toString();
  }

  private static int retainReachable(JsonNode section, String prefix, Set<String> reachable) {
    if (!(section instanceof ObjectNode obj)) {
      return 0;
    }
    List<String> drop = new ArrayList<>();
    obj.fieldNames().forEachRemaining(name -> {
      String pointer = prefix + name.replace("~", "~0").replace("/", "~1");
      if (!reachable.contains(pointer)) {
        drop.add(name);
      }
    });
    obj.remove(drop);
    return drop.size();
  }
}
