package dev.tenantwright.testkit.internal;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The test kit's one JSON mapper and its YAML reader.
 *
 * <p>Both are configured once and never changed afterwards, so they are safe to share between threads.
 */
public final class Json {

  private static final ObjectMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private static final ObjectMapper YAML = createYaml();

  private Json() {}

  /** The shared JSON mapper: unknown properties are ignored when binding. */
  public static ObjectMapper mapper() {
    return JSON;
  }

  /** Serialises a value (a {@link JsonNode}, a map, a list, a record) to JSON text. */
  public static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serialise " + value.getClass().getName() + " to JSON", e);
    }
  }

  /**
   * Reads a JSON or YAML document into a tree; JSON is recognised by its first non-blank character.
   *
   * @throws IllegalArgumentException if the text is neither
   */
  public static JsonNode readDocument(byte[] bytes, String source) {
    String text = new String(bytes, StandardCharsets.UTF_8).stripLeading();
    boolean json = text.startsWith("{") || text.startsWith("[");
    try {
      return (json ? JSON : YAML).readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + source + " as " + (json ? "JSON" : "YAML"), e);
    }
  }

  /** Parses JSON text, failing with an unchecked exception. */
  public static JsonNode readJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectMapper createYaml() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(64 * 1024 * 1024);
    YAMLFactory factory = YAMLFactory.builder().loaderOptions(options).build();
    factory.setStreamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 * 1024 * 1024).build());
    return new YAMLMapper(factory);
  }
}
