package dev.tenantwright.core.internal.plugins;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.tenantwright.core.internal.json.Json;
import dev.tenantwright.core.internal.text.DurationGrammar;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host's plugin configuration — one section per backend, e.g. {@code vercel: {token: ..., teamId: ...}}
 * — bound on demand to the record a plugin asks for through {@code StepContext.config(Class)}.
 *
 * <p>Binding uses {@link Json#bindingMapper()}: unknown fields are refused, {@code Secret} fields accept
 * plain strings, and a record component without {@link Nullable} must be present. A missing section binds
 * as an empty map, so a record whose components are all {@code @Nullable} works without configuration.
 * Failures are {@link PermanentException}s that name the section and the field but never a value, since
 * configuration holds tokens. Results are cached per (backend, record class). Thread-safe.
 *
 * <pre>{@code
 * PluginConfigs configs = new PluginConfigs(Map.of("vercel", Map.of("token", "...", "teamId", "team_1")));
 * VercelConfig c = configs.bind("vercel", VercelConfig.class);
 * }</pre>
 */
public final class PluginConfigs {

  private static final ObjectMapper MAPPER = Json.bindingMapper();

  private record Key(String backend, Class<?> type) {}

  private final Map<String, Map<String, Object>> sections;
  private final ConcurrentHashMap<Key, Object> bound = new ConcurrentHashMap<>();
  private final Set<Secret> secrets = ConcurrentHashMap.newKeySet();

  /**
   * Takes the sections as the host loaded them (from YAML, properties or code).
   *
   * @param sections backend name to that backend's settings; copied, values are not
   */
  public PluginConfigs(Map<String, ? extends Map<String, ?>> sections) {
    Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
    Objects.requireNonNull(sections, "sections").forEach((name, section) -> copy.put(
        Objects.requireNonNull(name, "section name"),
        section == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(section))));
    this.sections = Collections.unmodifiableMap(copy);
  }

  /** No configuration at all: every section is empty. */
  public static PluginConfigs empty() {
    return new PluginConfigs(Map.of());
  }

  /** The names of the configured sections. */
  public Set<String> sections() {
    return sections.keySet();
  }

  /**
   * Binds a backend's section to {@code type}.
   *
   * @throws PermanentException naming the section and the field when the section does not bind
   */
  public <C> C bind(String backend, Class<C> type) {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(type, "type");
    Object value = bound.computeIfAbsent(new Key(backend, type), k -> doBind(backend, type));
    return type.cast(value);
  }

  private Object doBind(String backend, Class<?> type) {
    Map<String, Object> section = sections.getOrDefault(backend, Map.of());
    String missing = firstMissing(type, section, "");
    if (missing != null) {
      throw failure(backend, missing, "missing");
    }
    try {
      Object value = MAPPER.convertValue(section, type);
      if (value == null) {
        throw new PermanentException("plugin config '" + backend + "': does not bind to " + type.getSimpleName());
      }
      collectSecrets(value);
      return value;
    } catch (IllegalArgumentException e) {
      throw translate(backend, type, e);
    }
  }

  /**
   * Every secret in the configuration bound so far (the values of the plugins' {@code Secret} fields): the engine
   * removes them from every message it stores or logs, since a backend may echo a token it was sent.
   */
  public Collection<Secret> boundSecrets() {
    return Collections.unmodifiableSet(secrets);
  }

  private void collectSecrets(Object value) {
    if (value instanceof Secret s) {
      secrets.add(s);
    } else if (value instanceof Map<?, ?> m) {
      m.values().forEach(this::collectSecrets);
    } else if (value instanceof Collection<?> c) {
      c.forEach(this::collectSecrets);
    } else if (value != null && value.getClass().isRecord()) {
      for (RecordComponent rc : value.getClass().getRecordComponents()) {
        try {
          rc.getAccessor().setAccessible(true);
          collectSecrets(rc.getAccessor().invoke(value));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static PermanentException translate(String backend, Class<?> type, IllegalArgumentException e) {
    if (!(e.getCause() instanceof JsonMappingException jme)) {
      return new PermanentException("plugin config '" + backend + "': does not bind to " + type.getSimpleName());
    }
    String field = path(jme);
    if (jme instanceof UnrecognizedPropertyException) {
      return failure(backend, field, "unknown");
    }
    if (jme instanceof ValueInstantiationException vie) {
      Throwable cause = vie.getCause();
      String why = cause == null || cause.getMessage() == null ? "invalid" : "invalid: " + cause.getMessage();
      // The record's own validation message is the plugin's explanation; Jackson's (which quotes the input) is not used.
      return field.isEmpty()
          ? new PermanentException("plugin config '" + backend + "': " + why, cause)
          : new PermanentException("plugin config '" + backend + "', field '" + field + "': " + why, cause);
    }
    if (jme instanceof InvalidFormatException ife && ife.getTargetType() != null) {
      return failure(backend, field, "expected " + describe(ife.getTargetType()));
    }
    if (jme instanceof MismatchedInputException mie && mie.getTargetType() != null) {
      return failure(backend, field, "expected " + describe(mie.getTargetType()));
    }
    return failure(backend, field, "invalid");
  }

  private static PermanentException failure(String backend, String field, String why) {
    return field.isEmpty()
        ? new PermanentException("plugin config '" + backend + "': " + why)
        : new PermanentException("plugin config '" + backend + "', field '" + field + "': " + why);
  }

  /** The dotted path of the field a Jackson failure is about, e.g. {@code limits.maxSites} or {@code hosts[1]}. */
  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String describe(Class<?> target) {
    if (target.isRecord()) {
      return "a section of fields";
    }
    if (Collection.class.isAssignableFrom(target) || target.isArray()) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(target)) {
      return "a map";
    }
    if (target.isEnum()) {
      return "one of " + List.of(target.getEnumConstants());
    }
    if (target == Secret.class) {
      return "a non-empty string";
    }
    if (target == Duration.class) {
      return "a duration with a unit, like " + DurationGrammar.FORMS;
    }
    return "a value of type " + target.getSimpleName();
  }

  /** The top-level keys of {@code backend}'s section that are not fields of {@code type}. */
  public List<String> unknownKeys(String backend, Class<?> type) {
    Set<String> fields = new LinkedHashSet<>(fieldNames(type));
    List<String> unknown = new ArrayList<>();
    for (Object key : sections.getOrDefault(backend, Map.of()).keySet()) {
      if (type.isRecord() && !fields.contains(String.valueOf(key))) {
        unknown.add(String.valueOf(key));
      }
    }
    return unknown;
  }

  /** Every required field of {@code type} that {@code backend}'s section lacks, nested fields as dotted paths. */
  public List<String> missingKeys(String backend, Class<?> type) {
    List<String> missing = new ArrayList<>();
    collectMissing(type, sections.getOrDefault(backend, Map.of()), "", missing);
    return missing;
  }

  /** The field names of a configuration record, in declaration order (empty for other classes). */
  public static List<String> fieldNames(Class<?> type) {
    if (!type.isRecord()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (RecordComponent rc : type.getRecordComponents()) {
      names.add(rc.getName());
    }
    return names;
  }

  /** The first required field the map lacks, or null. */
  private static String firstMissing(Class<?> type, Map<?, ?> values, String prefix) {
    List<String> missing = new ArrayList<>();
    collectMissing(type, values, prefix, missing);
    return missing.isEmpty() ? null : missing.get(0);
  }

  /**
   * Adds every required record component (no {@link Nullable}) that the map lacks or holds as null, descending into
   * nested records and lists of records.
   */
  private static void collectMissing(Class<?> type, Map<?, ?> values, String prefix, List<String> into) {
    if (!type.isRecord()) {
      return;
    }
    for (RecordComponent rc : type.getRecordComponents()) {
      String name = prefix + rc.getName();
      Object value = values.get(rc.getName());
      if (value == null) {
        if (!rc.isAnnotationPresent(Nullable.class)) {
          into.add(name);
        }
        continue;
      }
      if (rc.getType().isRecord() && value instanceof Map<?, ?> nested) {
        collectMissing(rc.getType(), nested, name + ".", into);
      } else if (value instanceof List<?> list) {
        Class<?> element = elementType(rc.getGenericType());
        if (element != null && element.isRecord()) {
          for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> m) {
              collectMissing(element, m, name + "[" + i + "].", into);
            }
          }
        }
      }
    }
  }

  private static Class<?> elementType(Type generic) {
    if (generic instanceof ParameterizedType p && p.getActualTypeArguments().length == 1
        && p.getActualTypeArguments()[0] instanceof Class<?> c) {
      return c;
    }
    return null;
  }
}
