package dev.tenantwright.core;

import dev.tenantwright.core.BlueprintException.Problem;
import dev.tenantwright.core.internal.blueprint.Interpolator;
import dev.tenantwright.core.internal.blueprint.Values;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.Nullable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * One resource a {@link Blueprint} declares: a name, a type from a plugin or core, its parameters, and how
 * the engine should treat it.
 *
 * <p>Parameters are the blueprint's text, not bound values: strings may contain {@code ${...}} expressions
 * that the engine resolves per environment, so a definition never holds a secret value. The record is
 * immutable: parameters are deep, ordered, unmodifiable copies. The constructor checks each field on its
 * own and throws a {@link BlueprintException} naming every bad field; references to other resources and
 * vars are checked when the whole {@link Blueprint} is built.
 *
 * <pre>{@code
 * ResourceDefinition web = ResourceDefinition.builder("web", "compose.project")
 *     .param("image", "${vars.image}")
 *     .needs("db")
 *     .timeout(Duration.ofMinutes(5))
 *     .build();
 * }</pre>
 *
 * @param name unique within the blueprint; {@code ^[a-z][a-z0-9-]{0,39}$} without {@code --} or a trailing {@code -}, not {@code tenant}, {@code env},
 *     {@code vars} or {@code secrets}
 * @param type the resource type or provisioning step, e.g. {@code compose.project} or {@code secret}
 * @param params the parameters bound to the type's spec record; never null
 * @param needs resources this one depends on beyond those its parameters reference; never null
 * @param kinds the environment kinds this resource is provisioned in; all three when not given
 * @param timeout how long one attempt may take, or null for the engine's default
 * @param maxAttempts how many attempts the engine makes before rolling back (YAML {@code attempts}), or null
 *     for the engine's default; 1 to 100
 * @param dataBearing whether the resource holds customer data, or null for the type's own default
 * @param destructive true when deleting or replacing this resource loses something that cannot be created
 *     again, so the engine never does it on live without an approval
 */
public record ResourceDefinition(
    String name,
    String type,
    Map<String, Object> params,
    Set<String> needs,
    Set<EnvironmentKind> kinds,
    @Nullable Duration timeout,
    @Nullable Integer maxAttempts,
    @Nullable Boolean dataBearing,
    boolean destructive) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

  /** The most attempts a definition may ask for. */
  static final int MAX_ATTEMPTS = 100;

  /**
   * Checks every field and copies the collections.
   *
   * @throws BlueprintException listing every invalid field
   */
  public ResourceDefinition {
    List<Problem> problems = new ArrayList<>();
    String resource = name;
    BiConsumer<String, String> report = (field, message) -> problems.add(new Problem(null, resource, field, message));
    if (name == null) {
      report.accept("name", "required field missing");
    } else if (!NAME.matcher(name).matches() || name.contains("--") || name.endsWith("-")) {
      report.accept("name", "'" + name + "' is not a valid resource name: use 1 to 40 lower-case letters, "
          + "digits and single '-' between them, starting with a letter (backend names join tenant, environment and "
          + "resource with '--')");
    } else if (Interpolator.NAMESPACES.contains(name)) {
      report.accept("name", "'" + name + "' is reserved for ${" + name + ".*} expressions; choose another name");
    }
    if (type == null || type.isBlank()) {
      report.accept("type", "required field missing");
    }
    params = Values.copyMap(params, "params", Values.Strings.TEMPLATES, report);
    needs = copyNeeds(needs, report);
    kinds = copyKinds(kinds, report);
    if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
      report.accept("timeout", "must be positive, was " + timeout);
    }
    if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS)) {
      report.accept("attempts", "must be between 1 and " + MAX_ATTEMPTS + ", was " + maxAttempts);
    }
    if (!problems.isEmpty()) {
      throw new BlueprintException(problems);
    }
  }

  /** A builder for a definition of the given name and type; see {@link Blueprint.Builder#resource}. */
  public static Builder builder(String name, String type) {
    return new Builder(name, type);
  }

  private static Set<String> copyNeeds(Set<String> needs, BiConsumer<String, String> report) {
    if (needs == null) {
      return Set.of();
    }
    Set<String> copy = new LinkedHashSet<>();
    for (String n : needs) {
      if (n == null || n.isBlank()) {
        report.accept("needs", "a resource name must not be empty");
      } else {
        copy.add(n);
      }
    }
    return Collections.unmodifiableSet(copy);
  }

  private static Set<EnvironmentKind> copyKinds(Set<EnvironmentKind> kinds, BiConsumer<String, String> report) {
    if (kinds == null) {
      return Collections.unmodifiableSet(EnumSet.allOf(EnvironmentKind.class));
    }
    if (kinds.contains(null)) {
      report.accept("kinds", "must not contain null");
      return Set.of();
    }
    if (kinds.isEmpty()) {
      report.accept("kinds", "must name at least one of demo, test, live");
      return Set.of();
    }
    return Collections.unmodifiableSet(EnumSet.copyOf(kinds));
  }

  /**
   * Builds a {@link ResourceDefinition} step by step; every method but {@link #build()} returns this builder.
   *
   * <p>Not thread-safe; used inside {@link Blueprint.Builder#resource(String, String, java.util.function.Consumer)}
   * or on its own.
   */
  public static final class Builder {
    private final String name;
    private final String type;
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final Set<String> needs = new LinkedHashSet<>();
    private Set<EnvironmentKind> kinds;
    private Duration timeout;
    private Integer attempts;
    private Boolean dataBearing;
    private boolean destructive;

    private Builder(String name, String type) {
      this.name = name;
      this.type = type;
    }

    /** Sets one parameter: a string (may contain {@code ${...}}), number, boolean, or a map or list of those. */
    public Builder param(String key, Object value) {
      params.put(Objects.requireNonNull(key, "key"), value);
      return this;
    }

    /** Sets every parameter in {@code values}, in their iteration order. */
    public Builder params(Map<String, ?> values) {
      values.forEach(this::param);
      return this;
    }

    /** Adds explicit dependencies on other resources of the blueprint. */
    public Builder needs(String... resources) {
      needs.addAll(List.of(resources));
      return this;
    }

    /** Adds environment kinds this resource is provisioned in; without any call, it is in all three. */
    public Builder kinds(EnvironmentKind... values) {
      if (kinds == null) {
        kinds = EnumSet.noneOf(EnvironmentKind.class);
      }
      kinds.addAll(List.of(values));
      return this;
    }

    /** Sets how long one attempt may take. */
    public Builder timeout(Duration value) {
      this.timeout = Objects.requireNonNull(value, "timeout");
      return this;
    }

    /** Sets how many attempts the engine makes before it rolls back, 1 to 100. */
    public Builder attempts(int value) {
      this.attempts = value;
      return this;
    }

    /** Overrides the type's own answer to whether this resource holds customer data. */
    public Builder dataBearing(boolean value) {
      this.dataBearing = value;
      return this;
    }

    /** Marks the resource as one whose loss cannot be undone; see {@link ResourceDefinition#destructive()}. */
    public Builder destructive(boolean value) {
      this.destructive = value;
      return this;
    }

    /**
     * Builds the definition.
     *
     * @throws BlueprintException listing every invalid field
     */
    public ResourceDefinition build() {
      return new ResourceDefinition(name, type, params, needs, kinds, timeout, attempts, dataBearing, destructive);
    }
  }
}
