package dev.tenantwright.core.internal.blueprint;

import dev.tenantwright.core.BlueprintException.Problem;
import dev.tenantwright.core.ResourceDefinition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dependency edges between blueprint resources and cycle detection over them.
 *
 * <p>Stateless and thread-safe.
 */
final class Graphs {

  /** The type whose resources {@code ${secrets.NAME}} refers to by name. */
  static final String SECRET_TYPE = "secret";

  private Graphs() {}

  /**
   * The resources {@code r} depends on, each with the field that made the edge ({@code needs} or a
   * parameter path such as {@code params.url}), in order of appearance: its {@code needs}, the resources
   * whose outputs its parameters reference, and the {@code secret} resources among {@code secretResources}
   * its parameters reference as {@code ${secrets.NAME}}. Self-references and undeclared names are included;
   * callers filter them.
   */
  static Map<String, String> edges(ResourceDefinition r, Set<String> secretResources) {
    Map<String, String> edges = new LinkedHashMap<>();
    for (String n : r.needs()) {
      edges.putIfAbsent(n, "needs");
    }
    Interpolator.forEachString(r.params(), "params", (path, text) -> {
      if (text.indexOf("${") < 0) {
        return;
      }
      for (Interpolator.Part part : Interpolator.parse(text)) {
        if (part instanceof Interpolator.Expr e) {
          Reference ref = e.ref();
          if (ref.namespace() == Reference.Namespace.OUTPUT
              || ref.namespace() == Reference.Namespace.SECRETS && secretResources.contains(ref.name())) {
            edges.putIfAbsent(ref.name(), path);
          }
        }
      }
    });
    return edges;
  }

  /**
   * Finds one cycle per strongly connected component of the graph and describes each as a problem on the
   * component's first-declared resource, naming the field of the edge that starts the cycle.
   *
   * @param order every node, in declaration order
   * @param graph for each node, its successors (each with the field that made the edge), all within
   *     {@code order} and without self-edges
   */
  static List<Problem> cycles(String source, List<String> order, Map<String, Map<String, String>> graph) {
    List<String> starts = new ArrayList<>();
    Map<String, Set<String>> componentOf = new HashMap<>();
    for (List<String> component : new Tarjan(order, graph).components()) {
      if (component.size() > 1) {
        String start = component.stream().min(Comparator.comparingInt(order::indexOf)).orElseThrow();
        starts.add(start);
        componentOf.put(start, Set.copyOf(component));
      }
    }
    starts.sort(Comparator.comparingInt(order::indexOf));
    List<Problem> problems = new ArrayList<>();
    for (String start : starts) {
      List<String> path = shortestCycle(start, componentOf.get(start), graph);
      problems.add(new Problem(source, start, graph.get(start).get(path.get(1)),
          "dependency cycle: " + String.join(" -> ", path)));
    }
    return problems;
  }

  private static List<String> shortestCycle(String start, Set<String> within, Map<String, Map<String, String>> graph) {
    Map<String, String> parent = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>();
    queue.add(start);
    while (!queue.isEmpty()) {
      String node = queue.poll();
      for (String next : graph.get(node).keySet()) {
        if (!within.contains(next)) {
          continue;
        }
        if (next.equals(start)) {
          List<String> path = new ArrayList<>();
          path.add(start);
          for (String n = node; !n.equals(start); n = parent.get(n)) {
            path.add(n);
          }
          path.add(start);
          Collections.reverse(path);
          return path;
        }
        if (!parent.containsKey(next)) {
          parent.put(next, node);
          queue.add(next);
        }
      }
    }
    throw new IllegalStateException("no cycle through " + start);
  }

  /** Tarjan's strongly connected components, visiting nodes and edges in their given order. */
  private static final class Tarjan {
    private final Map<String, Map<String, String>> graph;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Set<String> onStack = new HashSet<>();
    private final List<List<String>> components = new ArrayList<>();
    private int next;

    Tarjan(List<String> order, Map<String, Map<String, String>> graph) {
      this.graph = graph;
      for (String node : order) {
        if (!index.containsKey(node)) {
          visit(node);
        }
      }
    }

    List<List<String>> components() {
      return components;
    }

    private void visit(String v) {
      index.put(v, next);
      low.put(v, next);
      next++;
      stack.push(v);
      onStack.add(v);
      for (String w : graph.get(v).keySet()) {
        if (!index.containsKey(w)) {
          visit(w);
          low.put(v, Math.min(low.get(v), low.get(w)));
        } else if (onStack.contains(w)) {
          low.put(v, Math.min(low.get(v), index.get(w)));
        }
      }
      if (low.get(v).equals(index.get(v))) {
        List<String> component = new ArrayList<>();
        String w;
        do {
          w = stack.pop();
          onStack.remove(w);
          component.add(w);
        } while (!w.equals(v));
        components.add(component);
      }
    }
  }
}
