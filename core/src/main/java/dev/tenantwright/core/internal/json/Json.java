package dev.tenantwright.core.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tenantwright.core.internal.text.DurationGrammar;
import dev.tenantwright.spi.Secret;
import java.io.IOException;
import java.time.Duration;

/**
 * Builds the Jackson mappers core uses to bind specs and configuration and to read and write the journal.
 *
 * <p>{@link Secret} is handled specially: between in-memory values (a {@link TokenBuffer}, a tree) it passes
 * through as itself; it is never written as JSON text by a mapper — only {@link JournalCodec} seals it, bound to
 * the place it is stored — and text is never taken for a sealed value by its look. Mappers are thread-safe.
 */
public final class Json {

  private Json() {}

  /**
   * A mapper for binding specs and configuration: text bound to a {@code Secret} field becomes that secret, and
   * text bound to a {@link Duration} field is read with {@link DurationGrammar} (written back as ISO-8601).
   */
  public static ObjectMapper bindingMapper() {
    SimpleModule secrets = new SimpleModule("tenantwright-secrets");
    secrets.addSerializer(Secret.class, new SecretSerializer());
    secrets.addDeserializer(Secret.class, new SecretDeserializer());
    secrets.addDeserializer(String.class, new NoSecretInStrings());
    secrets.addDeserializer(Duration.class, new DurationDeserializer());
    secrets.addSerializer(Duration.class, new DurationSerializer());
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(secrets)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .build();
  }

  /** Reads a duration in the one grammar; a number or any other token is refused (a unit must be written). */
  private static final class DurationDeserializer extends StdScalarDeserializer<Duration> {
    private static final long serialVersionUID = 1L;

    DurationDeserializer() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw InvalidFormatException.from(p, "'" + p.getText() + "' is not a duration; write it with a unit, like "
            + DurationGrammar.FORMS, p.getText(), Duration.class);
      }
      try {
        return DurationGrammar.parse(p.getText());
      } catch (IllegalArgumentException e) {
        throw InvalidFormatException.from(p, e.getMessage(), p.getText(), Duration.class);
      }
    }
  }

  /** Writes a duration as ISO-8601, which {@link DurationGrammar} reads back. */
  private static final class DurationSerializer extends JsonSerializer<Duration> {
    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      gen.writeString(value.toString());
    }
  }

  /** Keeps a secret as itself in memory; refuses to write it as text (only the journal codec seals). */
  private static final class SecretSerializer extends JsonSerializer<Secret> {
    @Override
    public void serialize(Secret value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      if (gen instanceof TokenBuffer) {
        gen.writeEmbeddedObject(value);
      } else {
        throw new IllegalStateException("refusing to write a secret as plain JSON text");
      }
    }
  }

  /**
   * Refuses to bind a whole {@code ${secrets.NAME}} to a plain text field: it would show up as the mask (or,
   * revealed, leak through toString and logs). Such fields must be of type {@link Secret}; a secret inside a
   * longer text (a connection string) is interpolated as text on purpose.
   */
  private static final class NoSecretInStrings extends StdScalarDeserializer<String> {
    private static final long serialVersionUID = 1L;
    private final transient JsonDeserializer<?> plain = StringDeserializer.instance;

    NoSecretInStrings() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_EMBEDDED_OBJECT && p.getEmbeddedObject() instanceof Secret) {
        throw InvalidFormatException.from(p, "a secret can only be bound to a field of type Secret, not text",
            Secret.MASK, String.class);
      }
      return (String) plain.deserialize(p, ctxt);
    }
  }

  private static final class SecretDeserializer extends JsonDeserializer<Secret> {
    @Override
    public Secret deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_EMBEDDED_OBJECT) {
        Object embedded = p.getEmbeddedObject();
        if (embedded instanceof Secret s) {
          return s;
        }
        return (Secret) ctxt.handleUnexpectedToken(Secret.class, p);
      }
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        return Secret.of(p.getText());
      }
      return (Secret) ctxt.handleUnexpectedToken(Secret.class, p);
    }
  }
}
