package dev.tenantwright.core.internal.json;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tenantwright.core.internal.journal.SecretCipher;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantwrightException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Turns what the engine keeps — outputs, parameters, resolved specs, run specs — into the JSON the journal
 * stores, and back, sealing every secret on the way in and opening it on the way out.
 *
 * <p>A sealed value is typed, never guessed: it is an object {@code {"$sealed": token}} (a {@link Secret}), or
 * {@code {"$sealed": token, "$text": true}} (text that contained a secret the run knows, such as a connection
 * string with a generated password). No text is ever opened because of what it looks like, and any key of the
 * stored values that starts with {@code $} is written with one more {@code $} in front, so stored data can never
 * pose as a sealed value. Each token is bound to its place: the document's <em>scope</em> (see {@link Scopes}:
 * which tenant's environment, which row, which column) plus the JSON pointer of the value inside the document —
 * a token copied anywhere else does not open.
 *
 * <p>Thread-safe.
 */
public final class JournalCodec {

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  static final String SEALED = "$sealed";
  static final String TEXT = "$text";

  private final SecretCipher cipher;
  private final ObjectMapper store = Json.bindingMapper();

  public JournalCodec(SecretCipher cipher) {
    this.cipher = cipher;
  }

  /**
   * Writes {@code value} for the journal under {@code scope}: its {@code Secret}s are sealed, and so is any other
   * text in which {@code redact} finds a secret (null: no such check).
   */
  public String write(Object value, String scope, UnaryOperator<String> redact) {
    try {
      JsonNode tree = store.valueToTree(value);
      return store.writeValueAsString(seal(tree, scope, "", redact));
    } catch (IOException | IllegalArgumentException e) {
      throw new TenantwrightException("cannot serialise " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** Writes a value that holds no text needing a secret check (its {@code Secret}s are still sealed). */
  public String write(Object value, String scope) {
    return write(value, scope, null);
  }

  /**
   * Reads a stored document into {@code type}: sealed secrets come back as {@code Secret}s, sealed text as its
   * text.
   */
  public <T> T read(String json, Class<T> type, String scope) {
    try {
      return store.treeToValue(open(store.readTree(json), scope, ""), type);
    } catch (IOException | IllegalArgumentException e) {
      throw new TenantwrightException("corrupt journal value for " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** Reads a stored parameter map; sealed values come back as {@link Secret}s. */
  public Map<String, Object> readParams(String json, String scope) {
    try {
      return store.convertValue(open(store.readTree(json), scope, ""), MAP);
    } catch (IOException | IllegalArgumentException e) {
      throw new TenantwrightException("corrupt parameters in the journal: " + e.getMessage(), e);
    }
  }

  /** Binds a resolved parameter map into a spec record (never writing a secret anywhere). */
  public Object bind(Object resolved, Class<?> type) {
    return store.convertValue(resolved, type);
  }

  /**
   * Replaces sealed values in a stored document by the public view: a secret shows as {@link Secret#MASK}, sealed
   * text too. For showing outputs to a host; nothing is opened.
   */
  public static Map<String, Object> masked(String json) {
    try {
      ObjectMapper plain = new ObjectMapper();
      return plain.convertValue(mask(plain.readTree(json)), MAP);
    } catch (IOException | IllegalArgumentException e) {
      throw new TenantwrightException("corrupt journal value: " + e.getMessage(), e);
    }
  }

  /**
   * Moves every sealed value of a stored document to the primary key (same place binding).
   *
   * @return the document re-written, or null when nothing in it needed it
   */
  public String reseal(String json, String scope) {
    try {
      JsonNode tree = store.readTree(json);
      boolean[] changed = {false};
      JsonNode out = reseal(tree, scope, "", changed);
      return changed[0] ? store.writeValueAsString(out) : null;
    } catch (IOException e) {
      throw new TenantwrightException("corrupt journal value: " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------------------------------ the walks

  private JsonNode seal(JsonNode node, String scope, String pointer, UnaryOperator<String> redact) {
    if (node instanceof POJONode p && p.getPojo() instanceof Secret s) {
      return sealed(cipher.seal(s, scope + pointer), false);
    }
    if (node.isTextual()) {
      String text = node.asText();
      if (redact != null && !redact.apply(text).equals(text)) {
        return sealed(cipher.seal(Secret.of(text), scope + pointer), true);
      }
      return node;
    }
    if (node instanceof ObjectNode o) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey().startsWith("$") ? "$" + e.getKey() : e.getKey();
        out.set(key, seal(e.getValue(), scope, pointer + "/" + escape(key), redact));
      }
      return out;
    }
    if (node instanceof ArrayNode a) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < a.size(); i++) {
        out.add(seal(a.get(i), scope, pointer + "/" + i, redact));
      }
      return out;
    }
    return node;
  }

  private JsonNode open(JsonNode node, String scope, String pointer) {
    if (node instanceof ObjectNode o) {
      if (isSealed(o)) {
        Secret s = cipher.open(o.get(SEALED).asText(), scope + pointer);
        return o.path(TEXT).asBoolean(false) ? TextNode.valueOf(s.reveal()) : new POJONode(s);
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey().startsWith("$$") ? e.getKey().substring(1) : e.getKey();
        out.set(key, open(e.getValue(), scope, pointer + "/" + escape(e.getKey())));
      }
      return out;
    }
    if (node instanceof ArrayNode a) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < a.size(); i++) {
        out.add(open(a.get(i), scope, pointer + "/" + i));
      }
      return out;
    }
    return node;
  }

  private JsonNode reseal(JsonNode node, String scope, String pointer, boolean[] changed) {
    if (node instanceof ObjectNode o) {
      if (isSealed(o)) {
        String token = o.get(SEALED).asText();
        if (!cipher.needsReseal(token)) {
          return o;
        }
        changed[0] = true;
        String place = scope + pointer;
        return sealed(cipher.seal(cipher.open(token, place), place), o.path(TEXT).asBoolean(false));
      }
      List<String> keys = new ArrayList<>();
      o.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        o.set(k, reseal(o.get(k), scope, pointer + "/" + escape(k), changed));
      }
      return o;
    }
    if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, reseal(a.get(i), scope, pointer + "/" + i, changed));
      }
    }
    return node;
  }

  private static JsonNode mask(JsonNode node) {
    if (node instanceof ObjectNode o) {
      if (isSealed(o)) {
        return TextNode.valueOf(Secret.MASK);
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      o.properties().forEach(e -> out.set(e.getKey().startsWith("$$") ? e.getKey().substring(1) : e.getKey(),
          mask(e.getValue())));
      return out;
    }
    if (node instanceof ArrayNode a) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      a.forEach(n -> out.add(mask(n)));
      return out;
    }
    return node;
  }

  private static boolean isSealed(ObjectNode o) {
    return o.has(SEALED) && o.get(SEALED).isTextual() && o.size() <= 2
        && (o.size() == 1 || o.has(TEXT));
  }

  private static ObjectNode sealed(String token, boolean text) {
    ObjectNode n = JsonNodeFactory.instance.objectNode().put(SEALED, token);
    if (text) {
      n.put(TEXT, true);
    }
    return n;
  }

  /** A JSON pointer segment (RFC 6901). */
  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
