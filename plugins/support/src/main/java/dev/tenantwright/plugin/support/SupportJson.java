package dev.tenantwright.plugin.support;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON and YAML mappers every plugin shares, configured once for talking to backends.
 *
 * <p>Reading is lenient where backends evolve: unknown properties are ignored (a backend adding a field
 * must not break a deployed plugin) and an enum constant marked {@code @JsonEnumDefaultValue} absorbs
 * values it does not know (a new Vercel deployment state). Writing leaves out null properties, so optional
 * record components are simply not sent, and writes {@code java.time} values as ISO-8601 text.
 *
 * <p>Both mappers are thread-safe and live for the whole JVM, loaded once from the host's class path for
 * all plugins. Never reconfigure them: that would change every plugin's behaviour. Use
 * {@code mapper().copy()} for a private variant.
 *
 * <pre>{@code
 * Project p = SupportJson.mapper().readValue(json, Project.class);
 * String compose = SupportJson.yamlMapper().writeValueAsString(composeModel);
 * }</pre>
 */
public final class SupportJson {

  private static final ObjectMapper JSON = configure(JsonMapper.builder()).build();

  private static final ObjectMapper YAML =
      configure(
              YAMLMapper.builder(
                  YAMLFactory.builder()
                      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                      .build()))
          .build();

  private SupportJson() {}

  /** The shared JSON mapper. */
  public static ObjectMapper mapper() {
    return JSON;
  }

  /** The shared YAML mapper (compose files, Traefik file-provider files); strings are always quoted. */
  public static ObjectMapper yamlMapper() {
    return YAML;
  }

  private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
    return builder
        .addModule(new JavaTimeModule())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL));
  }
}
