package dev.tenantwright.core.internal.blueprint;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.BlueprintException;
import dev.tenantwright.core.BlueprintException.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Combines a blueprint's declared vars with the values supplied for one environment.
 *
 * <p>Supplied values are taken literally — a {@code ${...}} in them is never interpolated, so a value a
 * tenant typed cannot reach secrets or other resources' outputs. Stateless and thread-safe.
 */
public final class BlueprintVars {

  private BlueprintVars() {}

  /**
   * The vars for one environment: each supplied value, else the declared default.
   *
   * @param supplied values for declared vars; may be empty, never null
   * @return an unmodifiable map with a non-null value for every declared var, in declaration order
   * @throws BlueprintException naming every supplied var the blueprint does not declare, every required
   *     var (declared with a null default) without a value, and every value that is not a string, number,
   *     boolean, or a list or map of those
   */
  public static Map<String, Object> bind(Blueprint blueprint, Map<String, ?> supplied) {
    String source = blueprint.source();
    List<Problem> problems = new ArrayList<>();
    Map<String, Object> values = Values.copyMap(supplied, "vars", Values.Strings.ANY,
        (field, message) -> problems.add(new Problem(source, null, field, message)));
    for (String name : values.keySet()) {
      if (!blueprint.vars().containsKey(name)) {
        problems.add(new Problem(source, null, "vars." + name, "not declared by the blueprint"
            + (blueprint.vars().isEmpty() ? ", which has no vars"
                : " (declared: " + String.join(", ", blueprint.vars().keySet()) + ")")));
      }
    }
    Map<String, Object> bound = new LinkedHashMap<>();
    blueprint.vars().forEach((name, declared) -> {
      Object value = values.get(name) != null ? values.get(name) : declared;
      if (value == null) {
        problems.add(new Problem(source, null, "vars." + name, "required var has no value; supply it when "
            + "provisioning"));
      } else {
        bound.put(name, value);
      }
    });
    if (!problems.isEmpty()) {
      throw new BlueprintException(problems);
    }
    return Collections.unmodifiableMap(bound);
  }
}
