package dev.tenantwright.core.internal.blueprint;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tenantwright.core.BlueprintException;
import dev.tenantwright.core.BlueprintException.Problem;
import dev.tenantwright.core.ResourceDefinition;
import dev.tenantwright.core.internal.text.DurationGrammar;
import dev.tenantwright.spi.EnvironmentKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Reads blueprint YAML into resource definitions, reporting every problem by field instead of stopping at
 * the first.
 *
 * <p>The tree is walked by hand rather than data-bound so that an unknown key, a wrong value type or a bad
 * duration is reported with the resource and the field it belongs to. Duplicate keys are refused by the
 * parser. Stateless and thread-safe.
 */
public final class BlueprintYaml {

  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private static final List<String> TOP_KEYS = List.of("blueprint", "version", "vars", "resources");
  private static final List<String> RESOURCE_KEYS =
      List.of("type", "params", "needs", "kinds", "timeout", "attempts", "data-bearing", "destructive");

  private BlueprintYaml() {}

  /**
   * What the YAML held, with the problems found so far; {@link StructureCheck} runs on it next.
   *
   * @param name the blueprint name, or null when it is missing or not a string (already reported)
   * @param vars the vars, checked and copied
   * @param version the {@code version} given, 1 when none
   * @param resources the resources that could be built, in declaration order; some may still have problems
   *     of their own (an unknown key, a value of the wrong shape), reported in {@code problems}
   * @param broken names of resources that were declared but could not be built at all
   * @param problems the problems found while reading
   */
  public record Parsed(
      String name, int version, Map<String, Object> vars, List<ResourceDefinition> resources, Set<String> broken,
      List<Problem> problems) {}

  /** Reads {@code yaml}; never throws for bad input, it reports it in {@link Parsed#problems()}. */
  public static Parsed read(String source, String yaml) {
    List<Problem> problems = new ArrayList<>();
    List<ResourceDefinition> resources = new ArrayList<>();
    Set<String> broken = new LinkedHashSet<>();
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      problems.add(new Problem(source, null, null, "invalid YAML: " + summary(e.getOriginalMessage())
          + at(e.getLocation())));
      return new Parsed(null, 1, Map.of(), resources, broken, problems);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      problems.add(new Problem(source, null, null, "the blueprint is empty"));
      return new Parsed(null, 1, Map.of(), resources, broken, problems);
    }
    if (!root.isObject()) {
      problems.add(new Problem(source, null, null, "the top level must be a mapping with the keys "
          + String.join(", ", TOP_KEYS)));
      return new Parsed(null, 1, Map.of(), resources, broken, problems);
    }
    BiConsumer<String, String> top = (field, message) -> problems.add(new Problem(source, null, field, message));
    unknownKeys(root, TOP_KEYS, top);

    String name = null;
    JsonNode nameNode = root.get("blueprint");
    if (nameNode == null || nameNode.isNull()) {
      top.accept("blueprint", "required field missing");
    } else if (!nameNode.isTextual()) {
      top.accept("blueprint", "must be a string");
    } else {
      name = nameNode.textValue();
    }

    int version = 1;
    JsonNode versionNode = root.get("version");
    if (versionNode != null && !versionNode.isNull()) {
      if (versionNode.canConvertToInt() && versionNode.isIntegralNumber() && versionNode.intValue() >= 1) {
        version = versionNode.intValue();
      } else {
        top.accept("version", "must be a whole number of at least 1");
      }
    }

    Map<String, Object> vars = Map.of();
    JsonNode varsNode = root.get("vars");
    if (varsNode != null && !varsNode.isNull()) {
      if (varsNode.isObject()) {
        Map<String, Object> raw = new LinkedHashMap<>();
        varsNode.properties().forEach(e -> raw.put(e.getKey(), toJava(e.getValue(), "vars." + e.getKey(), top)));
        vars = Values.copyMap(raw, "vars", Values.Strings.NO_EXPRESSIONS, top);
      } else {
        top.accept("vars", "must be a mapping of var name to default value (null for a required var)");
      }
    }

    JsonNode resourcesNode = root.get("resources");
    if (resourcesNode == null) {
      top.accept("resources", "required field missing");
    } else if (resourcesNode.isNull() || resourcesNode.isObject() && resourcesNode.isEmpty()) {
      top.accept("resources", "the blueprint declares no resources");
    } else if (resourcesNode.isObject()) {
      resourcesNode.properties().forEach(e -> {
        List<Problem> own = new ArrayList<>();
        ResourceDefinition r = resource(source, e.getKey(), e.getValue(), own);
        problems.addAll(own);
        if (r == null) {
          broken.add(e.getKey());
        } else {
          resources.add(r);
        }
      });
    } else {
      top.accept("resources", "must be a mapping of resource name to resource");
    }
    return new Parsed(name, version, vars, List.copyOf(resources), Collections.unmodifiableSet(broken), problems);
  }

  private static ResourceDefinition resource(String source, String name, JsonNode node, List<Problem> problems) {
    BiConsumer<String, String> report = (field, message) -> problems.add(new Problem(source, name, field, message));
    if (!node.isObject()) {
      report.accept(null, "must be a mapping with the keys " + String.join(", ", RESOURCE_KEYS));
      return null;
    }
    unknownKeys(node, RESOURCE_KEYS, report);

    String type = null;
    JsonNode typeNode = node.get("type");
    if (typeNode != null && !typeNode.isNull()) {
      if (typeNode.isTextual()) {
        type = typeNode.textValue();
      } else {
        report.accept("type", "must be a string, such as compose.project");
        type = typeNode.toString();
      }
    }

    Map<String, Object> params = null;
    JsonNode paramsNode = node.get("params");
    if (paramsNode != null && !paramsNode.isNull()) {
      if (paramsNode.isObject()) {
        params = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : paramsNode.properties()) {
          params.put(e.getKey(), toJava(e.getValue(), "params." + e.getKey(), report));
        }
      } else {
        report.accept("params", "must be a mapping of parameter name to value");
      }
    }

    Set<String> needs = new LinkedHashSet<>(strings(node.get("needs"), "needs", report));

    Set<EnvironmentKind> kinds = null;
    JsonNode kindsNode = node.get("kinds");
    if (kindsNode != null && !kindsNode.isNull()) {
      kinds = EnumSet.noneOf(EnvironmentKind.class);
      int before = problems.size();
      for (String k : strings(kindsNode, "kinds", report)) {
        try {
          kinds.add(EnvironmentKind.valueOf(k.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          report.accept("kinds", "unknown kind '" + k + "' (allowed: demo, test, live)");
        }
      }
      if (kinds.isEmpty() && problems.size() > before) {
        kinds = null;
      }
    }

    Duration timeout = null;
    JsonNode timeoutNode = node.get("timeout");
    if (timeoutNode != null && !timeoutNode.isNull()) {
      if (timeoutNode.isTextual()) {
        try {
          timeout = DurationGrammar.parse(timeoutNode.textValue());
        } catch (IllegalArgumentException e) {
          report.accept("timeout", e.getMessage());
        }
      } else {
        report.accept("timeout", "'" + timeoutNode.asText() + "' is not a duration; write it with a unit, like "
            + DurationGrammar.FORMS);
      }
    }

    Integer attempts = null;
    JsonNode attemptsNode = node.get("attempts");
    if (attemptsNode != null && !attemptsNode.isNull()) {
      if (attemptsNode.isIntegralNumber() && attemptsNode.canConvertToInt()) {
        attempts = attemptsNode.intValue();
      } else {
        report.accept("attempts", "must be a whole number, was '" + attemptsNode.asText() + "'");
      }
    }

    Boolean dataBearing = bool(node.get("data-bearing"), "data-bearing", report);
    Boolean destructive = bool(node.get("destructive"), "destructive", report);

    try {
      return new ResourceDefinition(name, type, params, needs, kinds, timeout, attempts, dataBearing,
          Boolean.TRUE.equals(destructive));
    } catch (BlueprintException e) {
      e.problems().forEach(p -> problems.add(new Problem(source, p.resource(), p.field(), p.message())));
      return null;
    }
  }

  private static List<String> strings(JsonNode node, String field, BiConsumer<String, String> report) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (node.isTextual()) {
      return List.of(node.textValue());
    }
    List<String> values = new ArrayList<>();
    if (node.isArray()) {
      for (JsonNode item : node) {
        if (item.isTextual()) {
          values.add(item.textValue());
        } else {
          report.accept(field, "must be a list of names, found '" + item + "'");
        }
      }
    } else {
      report.accept(field, "must be a list of names");
    }
    return values;
  }

  private static Boolean bool(JsonNode node, String field, BiConsumer<String, String> report) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    report.accept(field, "must be true or false, was '" + node.asText() + "'");
    return null;
  }

  private static void unknownKeys(JsonNode node, List<String> allowed, BiConsumer<String, String> report) {
    node.properties().forEach(e -> {
      String key = e.getKey();
      if (!allowed.contains(key)) {
        report.accept(key, "unknown key (allowed: " + String.join(", ", allowed) + ")");
      }
    });
  }

  private static Object toJava(JsonNode node, String path, BiConsumer<String, String> report) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.isBigDecimal() ? node.decimalValue() : (Object) node.doubleValue();
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), toJava(e.getValue(), path + "." + e.getKey(), report)));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      int i = 0;
      for (JsonNode item : node) {
        list.add(toJava(item, path + "[" + i++ + "]", report));
      }
      return list;
    }
    report.accept(path, "unsupported YAML value; use a string, number, boolean, list or map");
    return null;
  }

  /**
   * The parser's message without the source excerpts SnakeYAML adds: only its unindented lines, such as
   * {@code while parsing a flow sequence: expected ',' or ']', but got <stream end>}.
   */
  private static String summary(String message) {
    if (message == null) {
      return "unreadable";
    }
    return message.lines()
        .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
        .map(String::strip)
        .reduce((a, b) -> a + ": " + b)
        .orElse(message.strip());
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }
}
