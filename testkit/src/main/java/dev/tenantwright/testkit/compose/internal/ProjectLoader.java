package dev.tenantwright.testkit.compose.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Loads a project the way compose-go's {@code cli/options.go} does for {@code docker compose}: finds the
 * files, reads the environment, interpolates, names the project.
 *
 * <ul>
 *   <li>Files: {@code -f} (relative to the working directory), else {@code COMPOSE_FILE} from the process
 *       environment ({@code WithConfigFileEnv}), else the first of {@code compose.yaml}, {@code compose.yml},
 *       {@code docker-compose.yml}, {@code docker-compose.yaml} in the project directory <em>or any parent
 *       of it</em> ({@code WithDefaultConfigPath} walks up to the root; finding none is fine for by-name
 *       calls).
 *   <li>Environment: the process environment first ({@code WithOsEnv}), then {@code --env-file}s or the
 *       project directory's {@code .env} ({@code WithEnvFiles}; skipped when
 *       {@code COMPOSE_DISABLE_ENV_FILE} is true) merged only for names the process does not set
 *       ({@code WithDotEnv} + {@code types.Mapping.Merge}): a process variable always wins over {@code .env}.
 *   <li>Interpolation of every string value ({@code interpolation/interpolation.go}) through {@link Template};
 *       errors read {@code error while interpolating <path>: ...} or
 *       {@code invalid interpolation format for <path>.}.
 *   <li>Project name: {@code -p} &gt; {@code COMPOSE_PROJECT_NAME} &gt; top-level {@code name} &gt; the
 *       normalised directory name, checked against {@code ^[a-z0-9][a-z0-9_-]*$}.
 * </ul>
 */
public final class ProjectLoader {

  private static final Pattern PROJECT_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  /** compose-go {@code cli.DefaultFileNames}, in order of preference. */
  private static final List<String> DEFAULT_FILES =
      List.of("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml");
  private static final ObjectMapper YAML = new YAMLMapper();

  private ProjectLoader() {}

  /** The global flags before the subcommand. */
  public static final class Globals {
    /** {@code -p}. */
    public String project;
    /** {@code -f}, in order. */
    public final List<String> files = new ArrayList<>();
    /** {@code --project-directory}. */
    public String projectDir;
    /** {@code --env-file}, in order. */
    public final List<String> envFiles = new ArrayList<>();
  }

  /**
   * Resolves one call.
   *
   * @param cwd the working directory of the process
   * @param processEnvironment the environment the process was started with
   * @param validator the schema check applied to every file read (null for none)
   * @param validated where the files checked are recorded
   */
  public static Invocation load(Path cwd, Map<String, String> processEnvironment, Globals g, String sub,
      Function<String, List<String>> validator, List<String> validated) {
    List<Path> files = new ArrayList<>();
    for (String f : g.files) {
      Path p = Path.of(f);
      files.add(p.isAbsolute() ? p : cwd.resolve(p));
    }
    if (files.isEmpty() && processEnvironment.containsKey("COMPOSE_FILE")) {
      for (String f : processEnvironment.get("COMPOSE_FILE").split(":")) {
        files.add(cwd.resolve(f));
      }
    }
    Path workingDir = g.projectDir != null ? cwd.resolve(g.projectDir) : null;
    if (files.isEmpty()) {
      Path dir = workingDir != null ? workingDir : cwd;
      files.addAll(discover(dir));
    }
    Path projectDir = workingDir != null ? workingDir
        : !files.isEmpty() ? files.get(0).toAbsolutePath().getParent() : cwd;

    Map<String, String> vars = new LinkedHashMap<>(processEnvironment);
    Set<String> unset = new TreeSet<>();
    List<Path> envFiles = new ArrayList<>();
    if (!g.envFiles.isEmpty()) {
      for (String e : g.envFiles) {
        Path p = cwd.resolve(e);
        if (!Files.isRegularFile(p)) {
          throw new ComposeError(1, "", "couldn't find env file: " + p);
        }
        envFiles.add(p);
      }
    } else if (!isTrue(processEnvironment.get("COMPOSE_DISABLE_ENV_FILE"))) {
      Path dotEnv = projectDir.resolve(".env");
      if (Files.isRegularFile(dotEnv)) {
        envFiles.add(dotEnv);
      }
    }
    try {
      Map<String, String> fromFiles = DotEnv.read(envFiles, processEnvironment, unset, new LinkedHashMap<>());
      fromFiles.forEach(vars::putIfAbsent);
    } catch (DotEnv.DotEnvException | Template.TemplateException e) {
      throw new ComposeError(1, "", e.getMessage());
    }

    Invocation inv = new Invocation();
    inv.projectDir = projectDir;
    inv.files = files;
    if (!files.isEmpty()) {
      ObjectNode merged = Model.JSON.createObjectNode();
      for (Path file : files) {
        merge(merged, read(file, validator, validated));
      }
      JsonNode interpolated = interpolate(merged, "", vars, unset);
      inv.model = Model.of((ObjectNode) interpolated);
    } else if (sub.equals("up") || sub.equals("pull") || sub.equals("build") || sub.equals("config")) {
      throw new ComposeError(1, "", "no configuration file provided: not found");
    }
    StringBuilder warnings = new StringBuilder();
    for (String u : unset) {
      warnings.append("time=\"2026-01-01T00:00:00Z\" level=warning msg=\"The \\\"").append(u)
          .append("\\\" variable is not set. Defaulting to a blank string.\"\n");
    }
    inv.warnings = warnings.toString();

    String project = g.project;
    if (project == null) {
      project = vars.get("COMPOSE_PROJECT_NAME");
    }
    if (project == null && inv.model != null && inv.model.document.hasNonNull("name")) {
      project = inv.model.document.get("name").asText();
    }
    if (project == null) {
      Path base = projectDir.getFileName();
      project = normalize(base == null ? "" : base.toString());
    }
    if (!PROJECT_NAME.matcher(project).matches()) {
      throw new ComposeError(1, "", "invalid project name \"" + project + "\": must consist only of lowercase "
          + "alphanumeric characters, hyphens, and underscores as well as start with a letter or number");
    }
    inv.project = project;
    if (inv.model != null) {
      inv.model.check();
    }
    return inv;
  }

  /** {@code WithDefaultConfigPath}: the first default file name in {@code dir} or its nearest parent that has one. */
  private static List<Path> discover(Path dir) {
    for (Path d = dir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
      for (String candidate : DEFAULT_FILES) {
        Path p = d.resolve(candidate);
        if (Files.isRegularFile(p)) {
          return List.of(p);
        }
      }
    }
    return List.of();
  }

  private static ObjectNode read(Path file, Function<String, List<String>> validator, List<String> validated) {
    if (!Files.isRegularFile(file)) {
      throw new ComposeError(14, "", "open " + file + ": no such file or directory");
    }
    JsonNode doc;
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (validator != null) {
        List<String> problems = validator.apply(text);
        validated.add(file.toString());
        if (!problems.isEmpty()) {
          throw new ComposeError(15, "", "validating " + file + ": " + String.join("; ", problems));
        }
      }
      doc = YAML.readTree(text);
    } catch (IOException e) {
      throw new ComposeError(15, "", "yaml: " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (doc == null || !doc.isObject()) {
      throw new ComposeError(15, "", "Top-level object must be a mapping");
    }
    return (ObjectNode) doc;
  }

  private static void merge(ObjectNode into, ObjectNode from) {
    from.properties().forEach(e -> {
      JsonNode existing = into.get(e.getKey());
      if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode fo) {
        merge(eo, fo);
      } else {
        into.set(e.getKey(), e.getValue().deepCopy());
      }
    });
  }

  /** {@code recursiveInterpolate}: every string value (never a key), with compose-go's error wording. */
  private static JsonNode interpolate(JsonNode node, String path, Map<String, String> vars, Set<String> unset) {
    if (node.isTextual()) {
      try {
        return TextNode.valueOf(Template.substitute(node.asText(), vars::get, unset));
      } catch (Template.TemplateException e) {
        if (e.invalidTemplate()) {
          throw new ComposeError(1, "", "invalid interpolation format for " + path
              + ".\nYou may need to escape any $ with another $.\n" + e.template());
        }
        throw new ComposeError(1, "", "error while interpolating " + path + ": " + e.getMessage());
      }
    }
    if (node.isObject()) {
      ObjectNode out = Model.JSON.createObjectNode();
      node.properties().forEach(e -> out.set(e.getKey(),
          interpolate(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), vars, unset)));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = Model.JSON.createArrayNode();
      node.forEach(n -> out.add(interpolate(n, path + ".[]", vars, unset)));
      return out;
    }
    return node;
  }

  private static boolean isTrue(String v) {
    return v != null && List.of("1", "t", "T", "TRUE", "true", "True").contains(v);
  }

  private static String normalize(String name) {
    String lower = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "");
    return lower.replaceFirst("^[_-]+", "");
  }
}
