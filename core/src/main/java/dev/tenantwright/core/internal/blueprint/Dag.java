package dev.tenantwright.core.internal.blueprint;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.BlueprintException;
import dev.tenantwright.core.BlueprintException.Problem;
import dev.tenantwright.core.ResourceDefinition;
import dev.tenantwright.spi.EnvironmentKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Function;

/**
 * The dependency graph of a blueprint's resources for one environment kind: the order the engine
 * provisions them in, what each waits for, and the shortest possible wall time of a run.
 *
 * <p>An edge from A to B means A depends on B: B is in A's {@code needs}, A's parameters reference one of
 * B's outputs ({@code ${b.field}}), or B is a {@code secret} resource A references as
 * {@code ${secrets.b}}. Only resources provisioned in the kind are nodes. Immutable and thread-safe.
 */
public final class Dag {

  private final EnvironmentKind kind;
  private final List<String> order;
  private final Map<String, Set<String>> dependencies;
  private final Map<String, Set<String>> dependents;

  private Dag(EnvironmentKind kind, List<String> order, Map<String, Set<String>> dependencies,
      Map<String, Set<String>> dependents) {
    this.kind = kind;
    this.order = order;
    this.dependencies = dependencies;
    this.dependents = dependents;
  }

  /**
   * The graph of the resources {@code blueprint} provisions in environments of {@code kind}.
   *
   * @throws BlueprintException if the resources depend on each other in a cycle; the message shows the
   *     path, such as {@code a -> b -> c -> a}
   */
  public static Dag of(Blueprint blueprint, EnvironmentKind kind) {
    Objects.requireNonNull(kind, "kind");
    List<ResourceDefinition> resources = blueprint.resourcesFor(kind);
    Set<String> secretResources = StructureCheck.secretResources(blueprint.resources());
    Map<String, Integer> position = new HashMap<>();
    resources.forEach(r -> position.put(r.name(), position.size()));

    Map<String, Map<String, String>> graph = new LinkedHashMap<>();
    Map<String, Set<String>> dependencies = new LinkedHashMap<>();
    Map<String, Set<String>> dependents = new LinkedHashMap<>();
    for (ResourceDefinition r : resources) {
      dependents.put(r.name(), new LinkedHashSet<>());
    }
    for (ResourceDefinition r : resources) {
      Map<String, String> edges = Graphs.edges(r, secretResources);
      for (String target : edges.keySet()) {
        if (!position.containsKey(target) || target.equals(r.name())) {
          throw new IllegalStateException("blueprint '" + blueprint.source() + "' was not checked: '" + r.name()
              + "' depends on '" + target + "', which is not a node of the " + kind + " graph");
        }
        dependents.get(target).add(r.name());
      }
      graph.put(r.name(), edges);
      dependencies.put(r.name(), Collections.unmodifiableSet(new LinkedHashSet<>(edges.keySet())));
    }

    Map<String, Integer> waitingOn = new HashMap<>();
    PriorityQueue<String> ready = new PriorityQueue<>((a, b) -> position.get(a) - position.get(b));
    for (ResourceDefinition r : resources) {
      waitingOn.put(r.name(), dependencies.get(r.name()).size());
      if (dependencies.get(r.name()).isEmpty()) {
        ready.add(r.name());
      }
    }
    List<String> order = new ArrayList<>(resources.size());
    while (!ready.isEmpty()) {
      String next = ready.poll();
      order.add(next);
      for (String d : dependents.get(next)) {
        if (waitingOn.merge(d, -1, Integer::sum) == 0) {
          ready.add(d);
        }
      }
    }
    if (order.size() < resources.size()) {
      List<Problem> cycles = Graphs.cycles(blueprint.source(), List.copyOf(graph.keySet()), graph);
      throw new BlueprintException(cycles);
    }
    dependents.replaceAll((k, v) -> Collections.unmodifiableSet(v));
    return new Dag(kind, List.copyOf(order), Collections.unmodifiableMap(dependencies),
        Collections.unmodifiableMap(dependents));
  }

  /** The environment kind this graph is for. */
  public EnvironmentKind kind() {
    return kind;
  }

  /**
   * Every resource, dependencies before dependents; among resources that could go in either order,
   * declaration order wins, so the order is stable.
   */
  public List<String> order() {
    return order;
  }

  /** The resources {@code name} directly depends on, in the order the blueprint mentions them. */
  public Set<String> dependencies(String name) {
    return lookup(dependencies, name);
  }

  /** The resources that directly depend on {@code name}, in declaration order. */
  public Set<String> dependents(String name) {
    return lookup(dependents, name);
  }

  /** Whether {@code name} is provisioned in this kind. */
  public boolean contains(String name) {
    return dependencies.containsKey(name);
  }

  /** The number of resources. */
  public int size() {
    return order.size();
  }

  /**
   * The length of the longest chain of dependent resources, each counted at {@code cost}: the wall time a
   * run takes with unlimited parallelism. {@link Duration#ZERO} for an empty graph.
   *
   * @throws IllegalArgumentException if {@code cost} returns null or a negative duration
   */
  public Duration criticalPath(Function<String, Duration> cost) {
    Map<String, Duration> finish = new HashMap<>();
    Duration longest = Duration.ZERO;
    for (String name : order) {
      Duration own = cost.apply(name);
      if (own == null || own.isNegative()) {
        throw new IllegalArgumentException("cost of '" + name + "' must be a non-negative duration, was " + own);
      }
      Duration start = Duration.ZERO;
      for (String d : dependencies.get(name)) {
        Duration f = finish.get(d);
        if (f.compareTo(start) > 0) {
          start = f;
        }
      }
      Duration end = start.plus(own);
      finish.put(name, end);
      if (end.compareTo(longest) > 0) {
        longest = end;
      }
    }
    return longest;
  }

  private Set<String> lookup(Map<String, Set<String>> map, String name) {
    Set<String> found = map.get(name);
    if (found == null) {
      throw new IllegalArgumentException("no resource '" + name + "' in the " + kind + " graph");
    }
    return found;
  }

  @Override
  public String toString() {
    return "Dag[" + kind + ": " + order + "]";
  }
}
