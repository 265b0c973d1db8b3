package dev.tenantwright.core;

import dev.tenantwright.core.BlueprintException.Problem;
import dev.tenantwright.core.internal.blueprint.BlueprintYaml;
import dev.tenantwright.core.internal.blueprint.StructureCheck;
import dev.tenantwright.core.internal.blueprint.Values;
import dev.tenantwright.spi.EnvironmentKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What an environment is made of: the resources to provision, per environment kind, with their parameters
 * and dependencies.
 *
 * <p>Written in YAML or with {@link #builder(String)}; both produce equal blueprints. Parameters may use
 * {@code ${tenant.id|name|email|plan}}, {@code ${tenant.attributes.KEY}}, {@code ${env.name|kind|site}},
 * {@code ${vars.NAME}}, {@code ${secrets.NAME}} and {@code ${RESOURCE.OUTPUT}}; <code>$${</code> writes a
 * literal <code>${</code>. Referencing another resource's output, or a {@code secret} resource through
 * {@code ${secrets.NAME}}, makes it a dependency, just like {@code needs}.
 *
 * <pre>{@code
 * blueprint: website
 * version: 2                      # optional, 1 by default; versions are registered side by side
 * vars:
 *   image: local/busybox:1
 *   domain: null                  # no default: must be supplied when provisioning
 * resources:
 *   db-password:
 *     type: secret
 *     params: {length: 32}
 *   port:
 *     type: port
 *   web:
 *     type: compose.project
 *     needs: [port]
 *     kinds: [demo, test, live]
 *     timeout: 5m
 *     attempts: 3
 *     data-bearing: true
 *     params:
 *       image: ${vars.image}
 *       password: ${secrets.db-password}
 *       url: "http://localhost:${port.port}/"
 *       domain: ${vars.domain}
 * }</pre>
 *
 * <p>Inside a YAML flow mapping such as {@code {url: "${port.port}"}} quote the expression: its braces
 * would otherwise end the mapping. The same blueprint in Java:
 *
 * <pre>{@code
 * Blueprint website = Blueprint.builder("website")
 *     .var("image", "local/busybox:1")
 *     .var("domain", null)
 *     .resource("db-password", "secret", r -> r.param("length", 32))
 *     .resource("port", "port")
 *     .resource("web", "compose.project", r -> r
 *         .needs("port")
 *         .kinds(EnvironmentKind.DEMO, EnvironmentKind.TEST, EnvironmentKind.LIVE)
 *         .timeout(Duration.ofMinutes(5))
 *         .attempts(3)
 *         .dataBearing(true)
 *         .param("image", "${vars.image}")
 *         .param("password", "${secrets.db-password}")
 *         .param("url", "http://localhost:${port.port}/")
 *         .param("domain", "${vars.domain}"))
 *     .build();
 * }</pre>
 *
 * <p>Loading checks the structure and throws one {@link BlueprintException} listing every problem, each
 * naming the source, the resource and the field: invalid names, duplicates, unknown keys, malformed
 * expressions, {@code needs} or references to resources that are not declared, undeclared vars, dependency
 * cycles, and a resource that depends on one left out of one of its kinds. Whether the types exist and
 * their fields match is checked later, when the engine that knows the plugins' types takes the blueprint.
 *
 * <p>Immutable and thread-safe. Equality compares the name, vars and resources, not the source.
 */
public final class Blueprint {

  private final String name;
  private final int version;
  private final String source;
  private final Map<String, Object> vars;
  private final List<ResourceDefinition> resources;
  private final Map<String, ResourceDefinition> byName;
  private final Map<EnvironmentKind, List<ResourceDefinition>> byKind;

  private Blueprint(String name, int version, String source, Map<String, Object> vars,
      List<ResourceDefinition> resources) {
    this.name = name;
    this.version = version;
    this.source = source;
    this.vars = vars;
    this.resources = List.copyOf(resources);
    Map<String, ResourceDefinition> names = new LinkedHashMap<>();
    resources.forEach(r -> names.put(r.name(), r));
    this.byName = names;
    Map<EnvironmentKind, List<ResourceDefinition>> kinds = new EnumMap<>(EnvironmentKind.class);
    for (EnvironmentKind kind : EnvironmentKind.values()) {
      kinds.put(kind, resources.stream().filter(r -> r.kinds().contains(kind)).toList());
    }
    this.byKind = kinds;
  }

  /**
   * Reads and checks a blueprint file (UTF-8 YAML); problems name the file by its file name.
   *
   * @throws BlueprintException listing every problem, or when the file cannot be read
   */
  public static Blueprint fromYaml(Path file) {
    Path fileName = file.getFileName();
    String sourceName = fileName == null ? file.toString() : fileName.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BlueprintException(
          List.of(new Problem(sourceName, null, null, "cannot read " + file + ": " + e.getMessage())), e);
    }
    return fromYaml(sourceName, text);
  }

  /**
   * Reads and checks a blueprint from YAML text.
   *
   * @param sourceName what problems call the blueprint's source, e.g. a file or resource name
   * @throws BlueprintException listing every problem
   */
  public static Blueprint fromYaml(String sourceName, String yamlText) {
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(yamlText, "yamlText");
    BlueprintYaml.Parsed parsed = BlueprintYaml.read(sourceName, yamlText);
    return assemble(sourceName, parsed.name(), parsed.version(), parsed.vars(), parsed.resources(), parsed.broken(),
        parsed.problems());
  }

  /** Starts a blueprint in Java; its {@link #source()} is {@code builder:<name>}. */
  public static Builder builder(String name) {
    return new Builder(Objects.requireNonNull(name, "name"));
  }

  private static Blueprint assemble(
      String source, String name, int version, Map<String, Object> vars, List<ResourceDefinition> resources,
      Collection<String> broken, List<Problem> problems) {
    List<Problem> all = new ArrayList<>(problems);
    all.addAll(StructureCheck.problems(source, name, vars, resources, broken));
    if (!all.isEmpty()) {
      throw new BlueprintException(all);
    }
    return new Blueprint(name, version, source, vars, resources);
  }

  /** The blueprint name, e.g. {@code website}. */
  public String name() {
    return name;
  }

  /**
   * The version (1 unless the YAML's {@code version} or {@link Builder#version(int)} says otherwise). Several
   * versions of one blueprint may be registered side by side: new environments get the highest, every environment
   * records the version it runs and keeps it on updates until it is moved to another one (a {@code RunOptions}
   * version or a fleet roll-out) or pinned.
   */
  public int version() {
    return version;
  }

  /** Where it came from: the YAML file's name or source name, or {@code builder:<name>}. */
  public String source() {
    return source;
  }

  /**
   * The declared vars with their defaults, in declaration order; a null value marks a var that must be
   * supplied at provision time. Unmodifiable, including nested maps and lists.
   */
  public Map<String, Object> vars() {
    return vars;
  }

  /** Every resource, in declaration order. */
  public List<ResourceDefinition> resources() {
    return resources;
  }

  /** The resources provisioned in environments of {@code kind}, in declaration order. */
  public List<ResourceDefinition> resourcesFor(EnvironmentKind kind) {
    return byKind.get(Objects.requireNonNull(kind, "kind"));
  }

  /** The resource with this name, if declared. */
  public Optional<ResourceDefinition> resource(String resourceName) {
    return Optional.ofNullable(byName.get(resourceName));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Blueprint other
        && name.equals(other.name)
        && version == other.version
        && vars.equals(other.vars)
        && resources.equals(other.resources);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, version, vars, resources);
  }

  @Override
  public String toString() {
    return "Blueprint[" + name + (version == 1 ? "" : " v" + version) + " from " + source + ", " + resources.size() + " resources]";
  }

  /**
   * Builds a {@link Blueprint} in Java, with the same checks as YAML.
   *
   * <p>Every method but {@link #build()} returns this builder; problems are collected and reported together
   * by {@link #build()}. Not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private int version = 1;
    private final Map<String, Object> vars = new LinkedHashMap<>();
    private final Set<String> duplicateVars = new LinkedHashSet<>();
    private final List<Map.Entry<String, Supplier<ResourceDefinition>>> resources = new ArrayList<>();

    private Builder(String name) {
      this.name = name;
    }

    /** The blueprint's version, at least 1 (default 1); see {@link Blueprint#version()}. */
    public Builder version(int version) {
      this.version = version;
      return this;
    }

    /**
     * Declares a var with its default value: a string, number, boolean, or a map or list of those, taken
     * literally; {@code null} declares a var that must be supplied at provision time.
     */
    public Builder var(String varName, Object defaultValue) {
      Objects.requireNonNull(varName, "varName");
      if (vars.containsKey(varName)) {
        duplicateVars.add(varName);
      }
      vars.put(varName, defaultValue);
      return this;
    }

    /** Declares a resource and configures it; see {@link ResourceDefinition.Builder}. */
    public Builder resource(String resourceName, String type, Consumer<ResourceDefinition.Builder> config) {
      ResourceDefinition.Builder b = ResourceDefinition.builder(resourceName, type);
      config.accept(b);
      resources.add(Map.entry(String.valueOf(resourceName), b::build));
      return this;
    }

    /** Declares a resource that needs no parameters or options. */
    public Builder resource(String resourceName, String type) {
      return resource(resourceName, type, r -> { });
    }

    /** Declares a resource built elsewhere. */
    public Builder resource(ResourceDefinition definition) {
      Objects.requireNonNull(definition, "definition");
      resources.add(Map.entry(definition.name(), () -> definition));
      return this;
    }

    /**
     * Checks the blueprint and builds it.
     *
     * @throws BlueprintException listing every problem
     */
    public Blueprint build() {
      String source = "builder:" + name;
      List<Problem> problems = new ArrayList<>();
      if (version < 1) {
        problems.add(new Problem(source, null, "version", "must be a whole number of at least 1"));
      }
      for (String dup : duplicateVars) {
        problems.add(new Problem(source, null, "vars." + dup, "declared more than once"));
      }
      Map<String, Object> checkedVars = Values.copyMap(vars, "vars", Values.Strings.NO_EXPRESSIONS,
          (field, message) -> problems.add(new Problem(source, null, field, message)));
      if (resources.isEmpty()) {
        problems.add(new Problem(source, null, "resources", "the blueprint declares no resources"));
      }
      List<ResourceDefinition> definitions = new ArrayList<>();
      Set<String> broken = new LinkedHashSet<>();
      Set<String> seen = new LinkedHashSet<>();
      for (Map.Entry<String, Supplier<ResourceDefinition>> entry : resources) {
        String resourceName = entry.getKey();
        if (!seen.add(resourceName)) {
          problems.add(new Problem(source, resourceName, "name", "declared more than once"));
          continue;
        }
        try {
          definitions.add(entry.getValue().get());
        } catch (BlueprintException e) {
          broken.add(resourceName);
          e.problems().forEach(p -> problems.add(new Problem(source, p.resource(), p.field(), p.message())));
        }
      }
      return assemble(source, name, Math.max(1, version), checkedVars, definitions, broken, problems);
    }
  }
}
