package dev.tenantwright.testkit.compose.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A loaded, interpolated Compose model: the merged document and its services, networks and volumes by name,
 * with the reference checks Compose makes before running anything.
 */
public final class Model {

  static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  /** The whole interpolated document. */
  public final ObjectNode document;
  /** Service definitions by name. */
  public final Map<String, JsonNode> services = new TreeMap<>();
  /** Network definitions by key. */
  public final Map<String, JsonNode> networks = new TreeMap<>();
  /** Volume definitions by key. */
  public final Map<String, JsonNode> volumes = new TreeMap<>();

  private Model(ObjectNode document) {
    this.document = document;
  }

  /** The model of an interpolated document. */
  public static Model of(ObjectNode doc) {
    Model m = new Model(doc);
    section(doc.get("services"), m.services);
    section(doc.get("networks"), m.networks);
    section(doc.get("volumes"), m.volumes);
    return m;
  }

  private static void section(JsonNode node, Map<String, JsonNode> into) {
    if (node != null && node.isObject()) {
      node.properties().forEach(e -> into.put(e.getKey(), e.getValue().isNull() ? JSON.createObjectNode() : e.getValue()));
    }
  }

  /** Compose's consistency checks: a service needs an image or a build; networks and volumes must be declared. */
  public void check() {
    if (services.isEmpty()) {
      throw new ComposeError(1, "", "no service selected");
    }
    boolean needsDefault = false;
    for (Map.Entry<String, JsonNode> s : services.entrySet()) {
      JsonNode def = s.getValue();
      if (!def.hasNonNull("image") && !def.has("build")) {
        throw new ComposeError(15, "", "service \"" + s.getKey()
            + "\" has neither an image nor a build context specified: invalid compose project");
      }
      for (String n : serviceNetworks(def)) {
        if (n.equals("default") && !networks.containsKey("default")) {
          needsDefault = true;
        } else if (!networks.containsKey(n)) {
          throw new ComposeError(15, "", "service \"" + s.getKey() + "\" refers to undefined network " + n
              + ": invalid compose project");
        }
      }
      for (String v : namedVolumes(def)) {
        if (!volumes.containsKey(v)) {
          throw new ComposeError(15, "", "service \"" + s.getKey() + "\" refers to undefined volume " + v
              + ": invalid compose project");
        }
      }
    }
    if (needsDefault) {
      networks.put("default", JSON.createObjectNode());
    }
  }

  /** The build context of a service ({@code build: ctx} or {@code build: {context: ctx}}), or null. */
  public static String buildContext(JsonNode def) {
    JsonNode b = def.get("build");
    if (b == null || b.isNull()) {
      return null;
    }
    return b.isTextual() ? b.asText() : b.path("context").asText(".");
  }

  /** A stable hash of a service definition (Compose's config hash decides recreation). */
  public static String hash(JsonNode def) {
    try {
      Object plain = CANONICAL.treeToValue(def, Object.class);
      byte[] bytes = CANONICAL.writeValueAsBytes(plain);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A map or {@code KEY=value} list as a sorted map ({@code environment}, {@code labels}). */
  public static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> out = new TreeMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (node.isObject()) {
      node.properties().forEach(e -> out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        String s = item.asText();
        int eq = s.indexOf('=');
        out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
      }
    }
    return out;
  }

  /** The services a service depends on. */
  public static List<String> dependencies(JsonNode def) {
    List<String> out = new ArrayList<>();
    JsonNode d = def.get("depends_on");
    if (d != null && d.isArray()) {
      d.forEach(x -> out.add(x.asText()));
    } else if (d != null && d.isObject()) {
      d.fieldNames().forEachRemaining(out::add);
    }
    return out;
  }

  /** The network keys a service joins ({@code default} when none is named). */
  public static List<String> serviceNetworks(JsonNode def) {
    JsonNode n = def.get("networks");
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      if (!def.path("network_mode").isMissingNode()) {
        return out;
      }
      out.add("default");
    } else if (n.isArray()) {
      n.forEach(x -> out.add(x.asText()));
    } else {
      n.fieldNames().forEachRemaining(out::add);
    }
    return out;
  }

  /** The named volumes a service mounts (not bind mounts). */
  public static List<String> namedVolumes(JsonNode def) {
    List<String> out = new ArrayList<>();
    JsonNode v = def.get("volumes");
    if (v == null || !v.isArray()) {
      return out;
    }
    for (JsonNode item : v) {
      String source;
      if (item.isTextual()) {
        String s = item.asText();
        int colon = s.indexOf(':');
        source = colon < 0 ? null : s.substring(0, colon);
      } else {
        String type = item.path("type").asText("volume");
        source = type.equals("volume") ? item.path("source").asText(null) : null;
      }
      if (source != null && !source.isEmpty() && !source.startsWith("/") && !source.startsWith(".")
          && !source.startsWith("~") && !source.startsWith("$")) {
        out.add(source);
      }
    }
    return out;
  }
}
