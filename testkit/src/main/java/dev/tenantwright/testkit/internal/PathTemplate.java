package dev.tenantwright.testkit.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A path with {@code {name}} variables, each standing for one whole segment, like
 * {@code /v9/projects/{idOrName}}.
 *
 * <p>Immutable and thread-safe. Variable values are percent-decoded when matched.
 */
public final class PathTemplate {

  private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_.-]*)}");

  private final String template;
  private final List<String> segments;
  private final List<String> names;
  private final int literals;

  private PathTemplate(String template, List<String> segments, List<String> names, int literals) {
    this.template = template;
    this.segments = segments;
    this.names = names;
    this.literals = literals;
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException if it does not start with {@code /}, a variable does not fill a whole
   *     segment, or a variable name repeats
   */
  public static PathTemplate parse(String template) {
    if (template == null || !template.startsWith("/")) {
      throw new IllegalArgumentException("a path template must start with '/': " + template);
    }
    if (template.contains("?")) {
      throw new IllegalArgumentException("a path template must not contain a query: " + template);
    }
    List<String> segments = split(template);
    List<String> names = new ArrayList<>(segments.size());
    int literals = 0;
    for (String segment : segments) {
      var m = VARIABLE.matcher(segment);
      if (m.matches()) {
        if (names.contains(m.group(1))) {
          throw new IllegalArgumentException("path variable {" + m.group(1) + "} repeats in " + template);
        }
        names.add(m.group(1));
      } else if (segment.contains("{") || segment.contains("}")) {
        throw new IllegalArgumentException(
            "a path variable must fill a whole segment: '" + segment + "' in " + template);
      } else {
        names.add(null);
        literals++;
      }
    }
    return new PathTemplate(template, List.copyOf(segments), Collections.unmodifiableList(names), literals);
  }

  /** Matches a raw (percent-encoded) path; returns the decoded variables, in template order. */
  public Optional<Map<String, String>> match(String rawPath) {
    List<String> actual = split(rawPath);
    if (actual.size() != segments.size()) {
      return Optional.empty();
    }
    Map<String, String> vars = new LinkedHashMap<>();
    for (int i = 0; i < segments.size(); i++) {
      String name = names.get(i);
      if (name == null) {
        if (!segments.get(i).equals(actual.get(i))) {
          return Optional.empty();
        }
      } else {
        if (actual.get(i).isEmpty()) {
          return Optional.empty();
        }
        vars.put(name, decode(actual.get(i)));
      }
    }
    return Optional.of(Collections.unmodifiableMap(vars));
  }

  /** How many segments are literal text: more literal templates win over more general ones. */
  public int literalSegments() {
    return literals;
  }

  @Override
  public String toString() {
    return template;
  }

  /** Percent-decodes one path segment; a literal {@code +} stays a plus sign. */
  public static String decode(String segment) {
    return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static List<String> split(String path) {
    List<String> out = new ArrayList<>();
    int start = 1;
    for (int i = 1; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        out.add(path.substring(start, i));
        start = i + 1;
      }
    }
    return out;
  }
}
