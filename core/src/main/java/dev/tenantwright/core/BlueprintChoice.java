package dev.tenantwright.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A blueprint name with parameter values, as a {@link BlueprintSelector} picks it. Parameters given in the
 * call's {@link RunOptions} override these.
 *
 * @param blueprint the blueprint name
 * @param parameters values for the blueprint's vars
 */
public record BlueprintChoice(String blueprint, Map<String, Object> parameters) {

  /** Copies the parameters. */
  public BlueprintChoice {
    Objects.requireNonNull(blueprint, "blueprint");
    parameters = Map.copyOf(parameters);
  }

  /** The blueprint without parameters. */
  public static BlueprintChoice of(String blueprint) {
    return new BlueprintChoice(blueprint, Map.of());
  }

  /** Adds a parameter value. */
  public BlueprintChoice parameter(String name, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(parameters);
    m.put(name, value);
    return new BlueprintChoice(blueprint, m);
  }
}
