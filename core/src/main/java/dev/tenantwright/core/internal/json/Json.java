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
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tenantwright.spi.Secret;
import java.io.IOException;

/**
 * Builds the Jackson mappers core uses to bind specs and configuration and to store outputs.
 *
 * <p>{@link Secret} is handled specially: while converting between in-memory values (a {@link TokenBuffer})
 * it passes through untouched; when written as JSON text it is sealed by the {@link SecretCodec}; when read,
 * a sealed string is opened and a plain string (from configuration) is wrapped. Mappers are thread-safe.
 */
public final class Json {

  private Json() {}

  /** A mapper whose text output seals secrets with {@code codec}. */
  public static ObjectMapper mapper(SecretCodec codec) {
    SimpleModule secrets = new SimpleModule("tenantwright-secrets");
    secrets.addSerializer(Secret.class, new SecretSerializer(codec));
    secrets.addDeserializer(Secret.class, new SecretDeserializer(codec));
    secrets.addDeserializer(String.class, new NoSecretInStrings());
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(secrets)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .build();
  }

  /** A mapper for binding only: writing a secret as text with it throws. */
  public static ObjectMapper bindingMapper() {
    return mapper(SecretCodec.REFUSE);
  }

  private static final class SecretSerializer extends JsonSerializer<Secret> {
    private final SecretCodec codec;

    SecretSerializer(SecretCodec codec) {
      this.codec = codec;
    }

    @Override
    public void serialize(Secret value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      if (gen instanceof TokenBuffer) {
        gen.writeEmbeddedObject(value);
      } else {
        gen.writeString(codec.seal(value));
      }
    }
  }

  /**
   * Refuses to bind a whole {@code ${secrets.NAME}} to a plain text field: it would show up as the mask (or,
   * revealed, leak through toString and logs). Such fields must be of type {@link Secret}; a secret inside a
   * longer text (a connection string) is interpolated as text on purpose.
   */
  private static final class NoSecretInStrings extends com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer<String> {
    private static final long serialVersionUID = 1L;
    private final transient JsonDeserializer<?> plain = com.fasterxml.jackson.databind.deser.std.StringDeserializer.instance;

    NoSecretInStrings() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_EMBEDDED_OBJECT && p.getEmbeddedObject() instanceof Secret) {
        throw com.fasterxml.jackson.databind.exc.InvalidFormatException.from(p,
            "a secret can only be bound to a field of type Secret, not text", Secret.MASK, String.class);
      }
      return (String) plain.deserialize(p, ctxt);
    }
  }

  private static final class SecretDeserializer extends JsonDeserializer<Secret> {
    private final SecretCodec codec;

    SecretDeserializer(SecretCodec codec) {
      this.codec = codec;
    }

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
        String text = p.getText();
        return text.startsWith(SecretCodec.PREFIX) ? codec.open(text) : Secret.of(text);
      }
      return (Secret) ctxt.handleUnexpectedToken(Secret.class, p);
    }
  }
}
