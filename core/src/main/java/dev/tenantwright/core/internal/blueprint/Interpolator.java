package dev.tenantwright.core.internal.blueprint;

import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantwrightException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Finds and resolves the {@code ${...}} expressions in blueprint parameters.
 *
 * <p>Expressions: {@code ${tenant.id|name|email|plan}}, {@code ${tenant.attributes.KEY}},
 * {@code ${env.name|kind|site}}, {@code ${vars.NAME}}, {@code ${secrets.NAME}} and {@code ${RESOURCE.FIELD}} (an
 * output field of another resource). <code>$${</code> writes a literal <code>${</code>. Map keys are never
 * interpolated; strings inside nested maps and lists are.
 *
 * <p>A string that is exactly one expression resolves to the value itself, keeping its type: a
 * {@link Secret}, an {@link Integer}, a map. An expression inside a longer string is converted to text and
 * concatenated — a {@link Secret} is <em>revealed</em> there, so the result of {@link #resolve} can hold
 * plain secret values. The journal therefore stores a resolved spec only through the engine's sealing codec,
 * which seals every secret and every text that contains one.
 *
 * <p>Stateless and thread-safe.
 */
public final class Interpolator {

  static final Pattern RESOURCE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
  static final Pattern VAR_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
  private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern OUTPUT_FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern ATTRIBUTE_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  private static final Set<String> TENANT_FIELDS = Set.of("id", "name", "email", "plan");
  private static final Set<String> ENV_FIELDS = Set.of("name", "kind", "site");

  /** The words that start a namespace and therefore cannot name a resource. */
  public static final Set<String> NAMESPACES = Set.of("tenant", "env", "vars", "secrets");

  private Interpolator() {}

  /**
   * Every reference in {@code value} — a string, or maps and lists of them at any depth — in order of
   * appearance, without duplicates.
   *
   * @throws TenantwrightException if a string holds a malformed expression
   */
  public static Set<Reference> references(Object value) {
    Set<Reference> refs = new LinkedHashSet<>();
    forEachString(value, "", (path, text) -> {
      for (Part part : parse(text)) {
        if (part instanceof Expr e) {
          refs.add(e.ref());
        }
      }
    });
    return Collections.unmodifiableSet(refs);
  }

  /**
   * A deep copy of {@code value} with every expression replaced by what {@code resolver} supplies, and every
   * <code>$${</code> turned into <code>${</code>. Maps and lists in the result are unmodifiable.
   *
   * @throws TenantwrightException naming the expression and where it is, when the resolver has no value for
   *     it, when a map or list would have to be embedded in text, or when an expression is malformed
   */
  public static Object resolve(Object value, Resolver resolver) {
    return resolve(value, resolver, "");
  }

  private static Object resolve(Object value, Resolver resolver, String path) {
    if (value instanceof String s) {
      return resolveString(s, resolver, path);
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, resolve(v, resolver, child(path, k))));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof Collection<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      int i = 0;
      for (Object v : list) {
        copy.add(resolve(v, resolver, path + "[" + i++ + "]"));
      }
      return Collections.unmodifiableList(copy);
    }
    return value;
  }

  private static Object resolveString(String text, Resolver resolver, String path) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    List<Part> parts;
    try {
      parts = parse(text);
    } catch (TenantwrightException e) {
      throw new TenantwrightException(at(path) + e.getMessage(), e);
    }
    if (parts.size() == 1 && parts.get(0) instanceof Expr e) {
      return lookup(e.ref(), resolver, path);
    }
    StringBuilder sb = new StringBuilder();
    for (Part part : parts) {
      if (part instanceof Literal l) {
        sb.append(l.text());
      } else {
        Reference ref = ((Expr) part).ref();
        sb.append(asText(ref, lookup(ref, resolver, path), path));
      }
    }
    return sb.toString();
  }

  private static Object lookup(Reference ref, Resolver resolver, String path) {
    Object value = switch (ref.namespace()) {
      case TENANT -> resolver.tenant(ref.field());
      case ENV -> resolver.env(ref.field());
      case VARS -> resolver.var(ref.name());
      case SECRETS -> resolver.secret(ref.name());
      case OUTPUT -> resolver.output(ref.name(), ref.field());
    };
    if (value == null) {
      throw new TenantwrightException("cannot resolve " + ref.expression() + where(path) + ": " + missing(ref));
    }
    return value;
  }

  private static String missing(Reference ref) {
    return switch (ref.namespace()) {
      case TENANT -> "the tenant has no value for '" + ref.field() + "'";
      case ENV -> "the environment has no value for '" + ref.field() + "'";
      case VARS -> "no value was supplied for var '" + ref.name() + "' and it has no default";
      case SECRETS -> "no secret named '" + ref.name() + "' is known";
      case OUTPUT -> "resource '" + ref.name() + "' has no output '" + ref.field() + "'";
    };
  }

  private static String asText(Reference ref, Object value, String path) {
    if (value instanceof Secret s) {
      return s.reveal();
    }
    if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
      throw new TenantwrightException(ref.expression() + where(path) + " resolves to a "
          + (value instanceof Map<?, ?> ? "map" : "list")
          + ", which cannot be embedded in text; make the expression the whole value");
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    return value.toString();
  }

  private static String where(String path) {
    return path.isEmpty() ? "" : " in '" + path + "'";
  }

  private static String at(String path) {
    return path.isEmpty() ? "" : "'" + path + "': ";
  }

  static String child(String path, Object key) {
    return path.isEmpty() ? String.valueOf(key) : path + "." + key;
  }

  /**
   * Calls {@code action} with the path and text of every string in {@code value}, depth first in order;
   * paths look like {@code params.labels.app} or {@code params.ports[0]}.
   */
  static void forEachString(Object value, String path, BiConsumer<String, String> action) {
    if (value instanceof String s) {
      action.accept(path, s);
    } else if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> forEachString(v, child(path, k), action));
    } else if (value instanceof Collection<?> list) {
      int i = 0;
      for (Object v : list) {
        forEachString(v, path + "[" + i++ + "]", action);
      }
    }
  }

  /** A piece of a parsed string. */
  sealed interface Part permits Literal, Expr {}

  /** Literal text, escapes already applied. */
  record Literal(String text) implements Part {}

  /** An expression. */
  record Expr(Reference ref) implements Part {}

  /**
   * Splits {@code text} into literal text and expressions; adjacent literal text is merged.
   *
   * @throws TenantwrightException describing the first malformed expression
   */
  static List<Part> parse(String text) {
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      if (text.startsWith("$${", i)) {
        literal.append("${");
        i += 3;
      } else if (text.startsWith("${", i)) {
        int end = text.indexOf('}', i + 2);
        if (end < 0) {
          throw new TenantwrightException("unclosed expression '" + text.substring(i)
              + "'; close it with '}' or write '$${' for a literal '${'");
        }
        if (literal.length() > 0) {
          parts.add(new Literal(literal.toString()));
          literal.setLength(0);
        }
        parts.add(new Expr(parseReference(text.substring(i + 2, end).strip())));
        i = end + 1;
      } else {
        literal.append(text.charAt(i++));
      }
    }
    if (literal.length() > 0 || parts.isEmpty()) {
      parts.add(new Literal(literal.toString()));
    }
    return parts;
  }

  private static Reference parseReference(String body) {
    String expr = "'${" + body + "}'";
    int dot = body.indexOf('.');
    if (body.isEmpty()) {
      throw new TenantwrightException("empty expression '${}'");
    }
    if (dot < 0) {
      throw new TenantwrightException(expr + " needs a namespace and a name, "
          + "such as ${vars." + body + "} or ${resource.output}");
    }
    String head = body.substring(0, dot);
    String rest = body.substring(dot + 1);
    switch (head) {
      case "tenant" -> {
        if (TENANT_FIELDS.contains(rest)) {
          return Reference.tenant(rest);
        }
        if (rest.startsWith("attributes.") && ATTRIBUTE_KEY.matcher(rest.substring(11)).matches()) {
          return Reference.tenant(rest);
        }
        throw new TenantwrightException(expr + ": unknown tenant field '" + rest
            + "' (known: id, name, email, plan, attributes.KEY)");
      }
      case "env" -> {
        if (ENV_FIELDS.contains(rest)) {
          return Reference.env(rest);
        }
        throw new TenantwrightException(expr + ": unknown env field '" + rest + "' (known: name, kind, site)");
      }
      case "vars" -> {
        if (VAR_NAME.matcher(rest).matches()) {
          return Reference.var(rest);
        }
        throw new TenantwrightException(expr + ": '" + rest + "' is not a valid var name");
      }
      case "secrets" -> {
        if (SECRET_NAME.matcher(rest).matches()) {
          return Reference.secret(rest);
        }
        throw new TenantwrightException(expr + ": '" + rest + "' is not a valid secret name");
      }
      default -> {
        if (!RESOURCE_NAME.matcher(head).matches()) {
          throw new TenantwrightException(expr + ": '" + head + "' is neither a namespace "
              + "(tenant, env, vars, secrets) nor a valid resource name");
        }
        if (!OUTPUT_FIELD.matcher(rest).matches()) {
          throw new TenantwrightException(expr + ": '" + rest + "' is not a valid output field name");
        }
        return Reference.output(head, rest);
      }
    }
  }
}
