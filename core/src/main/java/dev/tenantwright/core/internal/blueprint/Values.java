package dev.tenantwright.core.internal.blueprint;

import dev.tenantwright.spi.TenantwrightException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Checks and copies the values a blueprint holds in parameters and vars: strings, numbers, booleans, null,
 * and maps (string keys) and lists of those.
 *
 * <p>Copies are deep and unmodifiable, keep map order and allow null values. Whole numbers are normalised to
 * the smallest of {@link Integer}, {@link Long} and {@link BigInteger}, and {@link Float} to {@link Double},
 * so a blueprint read from YAML equals the same blueprint built in Java. Stateless and thread-safe.
 */
public final class Values {

  /** How the strings inside a value are checked. */
  public enum Strings {
    /** Parameters: strings are {@code ${...}} templates and must be well-formed. */
    TEMPLATES,
    /** Declared vars: taken literally, so an expression in them is a mistake worth reporting. */
    NO_EXPRESSIONS,
    /** Values supplied at provision time: taken literally, anything goes. */
    ANY
  }

  private Values() {}

  /**
   * Reports every unsupported value in {@code value} to {@code problems} as (field path, message) and
   * returns the normalised deep copy.
   *
   * @param path the field path of {@code value}, e.g. {@code params} or {@code vars.domain}
   * @param strings how strings are checked
   */
  public static Object copy(Object value, String path, Strings strings, BiConsumer<String, String> problems) {
    if (value == null || value instanceof Boolean) {
      return value;
    }
    if (value instanceof String s) {
      checkText(s, path, strings, problems);
      return s;
    }
    if (value instanceof Number n) {
      return number(n, path, problems);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (e.getKey() instanceof String key) {
          copy.put(key, copy(e.getValue(), Interpolator.child(path, key), strings, problems));
        } else {
          problems.accept(path, "map keys must be strings, found " + describe(e.getKey()));
        }
      }
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      int i = 0;
      for (Object v : list) {
        copy.add(copy(v, path + "[" + i++ + "]", strings, problems));
      }
      return Collections.unmodifiableList(copy);
    }
    problems.accept(path, "unsupported value of type " + value.getClass().getSimpleName()
        + "; use a string, number, boolean, list or map");
    return null;
  }

  /** Like {@link #copy}, for a map of values; returns an unmodifiable, ordered, null-tolerant copy. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> copyMap(
      Map<String, ?> map, String path, Strings strings, BiConsumer<String, String> problems) {
    if (map == null) {
      return Map.of();
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> {
      if (k == null) {
        problems.accept(path, "a key must not be null");
      } else {
        copy.put(k, copy(v, Interpolator.child(path, k), strings, problems));
      }
    });
    return Collections.unmodifiableMap(copy);
  }

  private static void checkText(String s, String path, Strings strings, BiConsumer<String, String> problems) {
    if (strings == Strings.ANY || s.indexOf("${") < 0) {
      return;
    }
    if (strings == Strings.TEMPLATES) {
      try {
        Interpolator.parse(s);
      } catch (TenantwrightException e) {
        problems.accept(path, e.getMessage());
      }
      return;
    }
    List<Interpolator.Part> parts;
    try {
      parts = Interpolator.parse(s);
    } catch (TenantwrightException e) {
      return;
    }
    for (Interpolator.Part part : parts) {
      if (part instanceof Interpolator.Expr e) {
        problems.accept(path, "vars are taken literally, so " + e.ref().expression()
            + " would not be interpolated; use it in a resource's params instead");
        return;
      }
    }
  }

  private static Object number(Number n, String path, BiConsumer<String, String> problems) {
    if (n instanceof Integer || n instanceof Double || n instanceof BigDecimal) {
      return n;
    }
    if (n instanceof Short || n instanceof Byte) {
      return n.intValue();
    }
    if (n instanceof Float) {
      return n.doubleValue();
    }
    if (n instanceof Long l) {
      return l == l.intValue() ? (Object) l.intValue() : l;
    }
    if (n instanceof BigInteger b) {
      if (b.bitLength() < 32) {
        return b.intValue();
      }
      return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }
    problems.accept(path, "unsupported number type " + n.getClass().getSimpleName());
    return null;
  }

  private static String describe(Object key) {
    return key == null ? "null" : key.getClass().getSimpleName();
  }
}
