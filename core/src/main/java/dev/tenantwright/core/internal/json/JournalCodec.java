package dev.tenantwright.core.internal.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantwrightException;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Turns the values the engine keeps — outputs, parameters, resolved specs, run specs — into the JSON the
 * journal stores, and back, sealing every secret on the way in and opening it on the way out.
 *
 * <p>A {@link Secret} is always sealed; so is any other text that contains a secret the run knows (a connection
 * string with a generated password), so no table holds a secret in plain. Thread-safe.
 */
public final class JournalCodec {

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final SecretCodec codec;
  private final ObjectMapper store;
  private final ObjectMapper binder;

  public JournalCodec(SecretCodec codec) {
    this.codec = codec;
    this.store = Json.mapper(codec);
    this.binder = Json.bindingMapper();
  }

  /**
   * Reads stored outputs (or a stored resolved spec) into {@code type}: sealed values are opened first, so a
   * {@code Secret} field gets its secret and a text field that held a secret gets its text back.
   */
  public <T> T readSealed(String json, Class<T> type) {
    try {
      return store.treeToValue(openSealed(store.readTree(json)), type);
    } catch (IOException | IllegalArgumentException e) {
      throw new TenantwrightException("corrupt journal value for " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes outputs or a resolved spec for the journal in one pass: {@code Secret} values are sealed, and so is
   * any text for which {@code redact} finds a secret inside.
   */
  public String writeSealed(Object value, UnaryOperator<String> redact) {
    try {
      JsonNode tree = store.valueToTree(value);
      return store.writeValueAsString(seal(tree, redact));
    } catch (IOException | IllegalArgumentException e) {
      throw new TenantwrightException("cannot serialise " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** Reads a parameter map; sealed values come back as {@link Secret}s. */
  public Map<String, Object> readParams(String json) {
    try {
      return withSecrets(store.readValue(json, MAP));
    } catch (IOException e) {
      throw new TenantwrightException("corrupt parameters in the journal: " + e.getMessage(), e);
    }
  }

  /** Opens the sealed values of a parameter map read from the journal. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> withSecrets(Map<String, Object> in) {
    Map<String, Object> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k, v instanceof String s && s.startsWith(SecretCodec.PREFIX) ? codec.open(s)
        : v instanceof Map<?, ?> m ? withSecrets((Map<String, Object>) m) : v));
    return out;
  }

  /** Reads any stored value (secrets inside stay sealed text unless the type has {@code Secret} fields). */
  public <T> T read(String json, Class<T> type) {
    try {
      return store.readValue(json, type);
    } catch (IOException e) {
      throw new TenantwrightException("corrupt journal value for " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** Writes any value for the journal, sealing its {@code Secret}s. */
  public String write(Object value) {
    try {
      return store.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new TenantwrightException("cannot serialise " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** Binds a resolved parameter map into a spec record (never writing a secret anywhere). */
  public Object bind(Object resolved, Class<?> type) {
    return binder.convertValue(resolved, type);
  }

  private JsonNode openSealed(JsonNode node) {
    if (node.isTextual() && node.asText().startsWith(SecretCodec.PREFIX)) {
      return TextNode.valueOf(codec.open(node.asText()).reveal());
    }
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        e.setValue(openSealed(e.getValue()));
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, openSealed(a.get(i)));
      }
    }
    return node;
  }

  private JsonNode seal(JsonNode node, UnaryOperator<String> redact) {
    if (node instanceof POJONode p && p.getPojo() instanceof Secret s) {
      return TextNode.valueOf(codec.seal(s));
    }
    if (node.isTextual()) {
      String text = node.asText();
      if (!text.startsWith(SecretCodec.PREFIX) && !redact.apply(text).equals(text)) {
        return TextNode.valueOf(codec.seal(Secret.of(text)));
      }
      return node;
    }
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        e.setValue(seal(e.getValue(), redact));
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, seal(a.get(i), redact));
      }
    }
    return node;
  }
}
