package dev.tenantwright.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one JSON mapper of the client, and the few ways it reads the server's answers. */
public final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** A new empty JSON object, for a request body. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** The text of a field, or null when it is absent or JSON null. */
  public static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** The parsed document, or null when the text is not JSON. */
  static JsonNode parseOrNull(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** The parsed document; a server that answers something else than JSON is a protocol failure. */
  static JsonNode parse(String text, String what) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(what + " is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
