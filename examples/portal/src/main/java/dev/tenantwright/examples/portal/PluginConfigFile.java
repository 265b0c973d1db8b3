package dev.tenantwright.examples.portal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the backends' configuration sections from a YAML file ({@code backend: {key: value}}), replacing
 * {@code ${NAME}} in string values with the environment variable {@code NAME}, so that tokens stay out of the
 * file.
 *
 * <pre>
 * compose:
 *   rootDir: /srv/sites
 * cloudflare:
 *   apiToken: ${CLOUDFLARE_API_TOKEN}
 * </pre>
 */
final class PluginConfigFile {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private PluginConfigFile() {}

  static Map<String, Map<String, Object>> read(Path file, Function<String, String> environment) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Map<String, Map<String, Object>> raw = yaml.readValue(file.toFile(), new TypeReference<>() {});
    Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
    if (raw == null) {
      return sections;
    }
    raw.forEach((backend, section) -> {
      if (section == null) {
        throw new IllegalArgumentException(file + ": section '" + backend + "' is empty");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> expanded = (Map<String, Object>) expand(section, environment, file + ": " + backend);
      sections.put(backend, expanded);
    });
    return sections;
  }

  private static Object expand(Object value, Function<String, String> environment, String where) {
    if (value instanceof String s) {
      Matcher m = VARIABLE.matcher(s);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String v = environment.apply(m.group(1));
        if (v == null) {
          throw new IllegalArgumentException(where + ": environment variable " + m.group(1) + " is not set");
        }
        m.appendReplacement(sb, Matcher.quoteReplacement(v));
      }
      m.appendTail(sb);
      return sb.toString();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), expand(v, environment, where + "." + k)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(expand(v, environment, where)));
      return copy;
    }
    return value;
  }
}
