package dev.tenantwright.core.internal.blueprint;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.BlueprintException;
import dev.tenantwright.core.BlueprintException.Problem;
import dev.tenantwright.core.ResourceDefinition;
import dev.tenantwright.spi.Nullable;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Checks a blueprint against the types that will provision it: every type exists, every parameter names a
 * field of the type's spec record and every required field is given, and every {@code ${resource.field}}
 * names a field of that resource's output record.
 *
 * <p>A spec field is required unless its record component carries {@link Nullable}; primitive fields are
 * always required. Field names are the record component names, as Jackson binds them by default. Nested
 * records (and lists of records) given as maps are checked the same way. Specs or outputs that are not
 * records are not checked field by field. Stateless and thread-safe.
 */
public final class BlueprintValidator {

  private BlueprintValidator() {}

  /**
   * Checks {@code blueprint} against {@code catalog}.
   *
   * @throws BlueprintException listing every problem found
   */
  public static void validate(Blueprint blueprint, TypeCatalog catalog) {
    String source = blueprint.source();
    List<Problem> problems = new ArrayList<>();
    Set<String> secretResources = StructureCheck.secretResources(blueprint.resources());
    for (ResourceDefinition r : blueprint.resources()) {
      BiConsumer<String, String> report = (field, message) -> problems.add(new Problem(source, r.name(), field, message));
      Optional<Class<?>> spec = catalog.specType(r.type());
      if (spec.isEmpty()) {
        report.accept("type", "unknown type '" + r.type() + "'" + suggestion(r.type(), catalog.types()));
        continue;
      }
      checkFields(spec.get(), r.params(), "params", report);
    }
    for (ResourceDefinition r : blueprint.resources()) {
      Interpolator.forEachString(r.params(), "params", (path, text) -> {
        if (text.indexOf("${") < 0) {
          return;
        }
        for (Interpolator.Part part : Interpolator.parse(text)) {
          if (part instanceof Interpolator.Expr e && e.ref().namespace() == Reference.Namespace.OUTPUT) {
            outputCheck(blueprint, catalog, r, path, e.ref(), problems);
          } else if (part instanceof Interpolator.Expr e && e.ref().namespace() == Reference.Namespace.SECRETS
              && secretResources.contains(e.ref().name())) {
            outputCheck(blueprint, catalog, r, path, Reference.output(e.ref().name(), "value"), problems);
          }
        }
      });
    }
    if (!problems.isEmpty()) {
      throw new BlueprintException(new ArrayList<>(new LinkedHashSet<>(problems)));
    }
  }

  private static void outputCheck(
      Blueprint blueprint, TypeCatalog catalog, ResourceDefinition from, String path, Reference ref,
      List<Problem> problems) {
    Optional<ResourceDefinition> target = blueprint.resource(ref.name());
    if (target.isEmpty()) {
      return;
    }
    Optional<Class<?>> output = catalog.outputType(target.get().type());
    if (output.isEmpty() || !output.get().isRecord()) {
      return;
    }
    List<String> fields = names(output.get());
    if (!fields.contains(ref.field())) {
      problems.add(new Problem(blueprint.source(), from.name(), path, ref.expression() + ": resource '" + ref.name()
          + "' (type '" + target.get().type() + "') has no output '" + ref.field() + "'"
          + (fields.isEmpty() ? "; it has no outputs" : " (outputs: " + String.join(", ", fields) + ")")));
    }
  }

  private static void checkFields(Class<?> type, Map<?, ?> params, String path, BiConsumer<String, String> report) {
    if (!type.isRecord()) {
      return;
    }
    RecordComponent[] components = type.getRecordComponents();
    List<String> names = names(type);
    for (RecordComponent c : components) {
      String field = Interpolator.child(path, c.getName());
      boolean required = c.getType().isPrimitive() || !nullable(c);
      if (!params.containsKey(c.getName())) {
        if (required) {
          report.accept(field, "required field missing");
        }
        continue;
      }
      Object value = params.get(c.getName());
      if (value == null) {
        if (required) {
          report.accept(field, "required field must not be null");
        }
      } else if (c.getType().isRecord() && value instanceof Map<?, ?> nested) {
        checkFields(c.getType(), nested, field, report);
      } else if (value instanceof List<?> list && Collection.class.isAssignableFrom(c.getType())) {
        Class<?> element = elementType(c.getGenericType());
        if (element != null && element.isRecord()) {
          for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> nested) {
              checkFields(element, nested, field + "[" + i + "]", report);
            }
          }
        }
      }
    }
    for (Object key : params.keySet()) {
      if (!names.contains(String.valueOf(key))) {
        report.accept(Interpolator.child(path, key), "unknown field"
            + (names.isEmpty() ? "; the type takes no parameters" : " (fields: " + String.join(", ", names) + ")"));
      }
    }
  }

  private static boolean nullable(RecordComponent c) {
    return c.isAnnotationPresent(Nullable.class) || c.getAccessor().isAnnotationPresent(Nullable.class);
  }

  private static Class<?> elementType(Type type) {
    if (type instanceof ParameterizedType p && p.getActualTypeArguments().length == 1
        && p.getActualTypeArguments()[0] instanceof Class<?> c) {
      return c;
    }
    return null;
  }

  private static List<String> names(Class<?> record) {
    return Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).toList();
  }

  private static String suggestion(String type, Collection<String> known) {
    if (known.isEmpty()) {
      return "";
    }
    List<String> close = known.stream()
        .filter(k -> distance(k, type) <= Math.max(2, type.length() / 5))
        .sorted()
        .toList();
    if (!close.isEmpty()) {
      return "; did you mean '" + String.join("' or '", close) + "'?";
    }
    return " (known types: " + known.stream().sorted().collect(Collectors.joining(", ")) + ")";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
