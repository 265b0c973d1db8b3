package dev.tenantwright.core.internal.blueprint;

import dev.tenantwright.core.BlueprintException.Problem;
import dev.tenantwright.core.ResourceDefinition;
import dev.tenantwright.spi.EnvironmentKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The checks a blueprint must pass without knowing any resource type: its name, its var names, and that
 * every {@code needs}, output reference and var reference points at something declared, that no resource
 * depends on one left out of one of its environment kinds, and that there is no dependency cycle.
 *
 * <p>Field-level checks of each resource happen in {@link ResourceDefinition}'s constructor; checks against
 * the types' spec and output records happen in {@link BlueprintValidator}. Stateless and thread-safe.
 */
public final class StructureCheck {

  private static final Pattern BLUEPRINT_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

  private StructureCheck() {}

  /**
   * Every structural problem, in a stable order.
   *
   * @param source where the blueprint came from, for the problems
   * @param name the blueprint name as written, or null when its absence was already reported
   * @param vars the declared vars (already checked as values)
   * @param resources the resources that could be built, in declaration order, names unique
   * @param broken names of resources that are declared but could not be built; references to them are not
   *     reported again
   */
  public static List<Problem> problems(
      String source, String name, Map<String, Object> vars, List<ResourceDefinition> resources,
      Collection<String> broken) {
    Set<Problem> problems = new LinkedHashSet<>();
    if (name != null && !BLUEPRINT_NAME.matcher(name).matches()) {
      problems.add(new Problem(source, null, "blueprint", "'" + name + "' is not a valid blueprint name: use 1 to "
          + "40 lower-case letters, digits and '-', starting with a letter"));
    }
    for (String var : vars.keySet()) {
      if (!Interpolator.VAR_NAME.matcher(var).matches()) {
        problems.add(new Problem(source, null, "vars." + var, "'" + var + "' is not a valid var name: use letters, "
            + "digits, '_' and '-', starting with a letter"));
      }
    }

    Map<String, ResourceDefinition> byName = new LinkedHashMap<>();
    resources.forEach(r -> byName.putIfAbsent(r.name(), r));
    Set<String> secretResources = secretResources(resources);

    for (ResourceDefinition r : resources) {
      for (String n : r.needs()) {
        if (n.equals(r.name())) {
          problems.add(new Problem(source, r.name(), "needs", "a resource cannot need itself"));
        } else if (!byName.containsKey(n) && !broken.contains(n)) {
          problems.add(new Problem(source, r.name(), "needs", "needs '" + n + "', which this blueprint does not "
              + "declare"));
        } else {
          kindsCheck(source, r, byName.get(n), "needs", "needs '" + n + "'", problems);
        }
      }
      Interpolator.forEachString(r.params(), "params", (path, text) -> {
        if (text.indexOf("${") >= 0) {
          for (Interpolator.Part part : Interpolator.parse(text)) {
            if (part instanceof Interpolator.Expr e) {
              referenceCheck(source, r, path, e.ref(), vars, byName, broken, secretResources, problems);
            }
          }
        }
      });
    }

    problems.addAll(Graphs.cycles(source, List.copyOf(byName.keySet()), graph(resources, byName.keySet())));
    return new ArrayList<>(problems);
  }

  static Set<String> secretResources(Collection<ResourceDefinition> resources) {
    return resources.stream()
        .filter(r -> Graphs.SECRET_TYPE.equals(r.type()))
        .map(ResourceDefinition::name)
        .collect(Collectors.toUnmodifiableSet());
  }

  private static Map<String, Map<String, String>> graph(List<ResourceDefinition> resources, Set<String> declared) {
    Set<String> secrets = secretResources(resources);
    Map<String, Map<String, String>> graph = new LinkedHashMap<>();
    for (ResourceDefinition r : resources) {
      Map<String, String> edges = new LinkedHashMap<>(Graphs.edges(r, secrets));
      edges.keySet().removeIf(t -> t.equals(r.name()) || !declared.contains(t));
      graph.put(r.name(), edges);
    }
    return graph;
  }

  private static void referenceCheck(
      String source, ResourceDefinition r, String path, Reference ref, Map<String, Object> vars,
      Map<String, ResourceDefinition> byName, Collection<String> broken, Set<String> secretResources,
      Set<Problem> problems) {
    switch (ref.namespace()) {
      case VARS -> {
        if (!vars.containsKey(ref.name())) {
          problems.add(new Problem(source, r.name(), path, ref.expression() + " refers to var '" + ref.name()
              + "', which is not declared under vars" + known(vars.keySet())));
        }
      }
      case OUTPUT -> {
        if (ref.name().equals(r.name())) {
          problems.add(new Problem(source, r.name(), path, ref.expression() + " refers to this resource's own "
              + "output"));
        } else if (!byName.containsKey(ref.name()) && !broken.contains(ref.name())) {
          problems.add(new Problem(source, r.name(), path, ref.expression() + " refers to '" + ref.name()
              + "', which is neither a namespace (tenant, env, vars, secrets) nor a resource of this blueprint"));
        } else {
          kindsCheck(source, r, byName.get(ref.name()), path, ref.expression() + " refers to '" + ref.name() + "'",
              problems);
        }
      }
      case SECRETS -> {
        if (secretResources.contains(ref.name())) {
          if (ref.name().equals(r.name())) {
            problems.add(new Problem(source, r.name(), path, ref.expression() + " refers to this resource's own "
                + "secret"));
          } else {
            kindsCheck(source, r, byName.get(ref.name()), path,
                ref.expression() + " refers to secret resource '" + ref.name() + "'", problems);
          }
        }
      }
      default -> {
        // tenant and env fields were checked when the expression was parsed
      }
    }
  }

  private static void kindsCheck(
      String source, ResourceDefinition from, ResourceDefinition to, String field, String what,
      Set<Problem> problems) {
    if (to == null) {
      return;
    }
    Set<EnvironmentKind> missing = EnumSet.noneOf(EnvironmentKind.class);
    missing.addAll(from.kinds());
    missing.removeAll(to.kinds());
    if (!missing.isEmpty()) {
      problems.add(new Problem(source, from.name(), field, what + ", which is not provisioned in "
          + kinds(missing) + " (it is only in " + kinds(to.kinds()) + "); add those kinds to '" + to.name()
          + "' or remove them from this resource"));
    }
  }

  static String kinds(Set<EnvironmentKind> kinds) {
    return kinds.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
  }

  private static String known(Set<String> names) {
    return names.isEmpty() ? "" : " (declared: " + String.join(", ", names) + ")";
  }
}
