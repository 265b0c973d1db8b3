package dev.tenantwright.benchmarks;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.ResourceDefinition;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The blueprints the benchmarks provision, and the arithmetic of their DAGs. */
public final class Blueprints {

  private Blueprints() {}

  /** {@code n} resources of {@code type} with no dependencies: all may run at once. */
  public static Blueprint independent(String name, String type, int n) {
    Blueprint.Builder b = Blueprint.builder(name);
    for (int i = 1; i <= n; i++) {
      b.resource("s" + i, type);
    }
    return b.build();
  }

  /** {@code n} resources of {@code type}, each needing the one before: one after another. */
  public static Blueprint chain(String name, String type, int n) {
    Blueprint.Builder b = Blueprint.builder(name);
    for (int i = 1; i <= n; i++) {
      int prev = i - 1;
      b.resource("s" + i, type, r -> {
        if (prev > 0) {
          r.needs("s" + prev);
        }
      });
    }
    return b.build();
  }

  /**
   * Version {@code version} of {@code name}: five independent {@code sandbox.object} resources {@code r1} … {@code r5},
   * whose values are the same in every version but {@code r5}'s ({@code v<version>}): moving an environment from one
   * version to another is one UPDATE step and four NOOPs.
   */
  public static Blueprint sandbox(String name, int version) {
    Blueprint.Builder b = Blueprint.builder(name).version(version);
    for (int i = 1; i <= 4; i++) {
      int n = i;
      b.resource("r" + i, "sandbox.object", r -> r.param("value", "r" + n));
    }
    return b.resource("r5", "sandbox.object", r -> r.param("value", "v" + version)).build();
  }

  /**
   * Eleven {@code bench.sleep} steps whose latencies add up to 1,200 ms while the longest path through the
   * DAG takes 300 ms:
   * <pre>
   * s1 100 ─┬─ s2  50 ── s9 100
   *         ├─ s3 150 ── s5  50
   *         └─ s4 100 ── s10 50
   * s6 200 ─── s7 100
   * s8 250
   * s11 50
   * </pre>
   */
  public static Blueprint criticalPath() {
    Blueprint.Builder b = Blueprint.builder("critical-path");
    sleep(b, "s1", 100);
    sleep(b, "s2", 50, "s1");
    sleep(b, "s3", 150, "s1");
    sleep(b, "s4", 100, "s1");
    sleep(b, "s5", 50, "s3");
    sleep(b, "s6", 200);
    sleep(b, "s7", 100, "s6");
    sleep(b, "s8", 250);
    sleep(b, "s9", 100, "s2");
    sleep(b, "s10", 50, "s4");
    sleep(b, "s11", 50);
    return b.build();
  }

  private static void sleep(Blueprint.Builder b, String name, int millis, String... needs) {
    b.resource(name, "bench.sleep", r -> r.param("millis", millis).needs(needs));
  }

  /** The sum of every step's {@code millis}: the wall time of running them one after another. */
  public static long sequentialMillis(Blueprint bp) {
    return bp.resources().stream().mapToLong(Blueprints::millis).sum();
  }

  /** The longest path through the DAG, weighing each step by its {@code millis}. */
  public static long criticalPathMillis(Blueprint bp) {
    Map<String, ResourceDefinition> byName = new LinkedHashMap<>();
    bp.resources().forEach(r -> byName.put(r.name(), r));
    Map<String, Long> finish = new HashMap<>();
    long longest = 0;
    for (String name : byName.keySet()) {
      longest = Math.max(longest, finish(name, byName, finish));
    }
    return longest;
  }

  private static long finish(String name, Map<String, ResourceDefinition> byName, Map<String, Long> memo) {
    Long known = memo.get(name);
    if (known != null) {
      return known;
    }
    ResourceDefinition r = byName.get(name);
    long start = 0;
    for (String dep : List.copyOf(r.needs())) {
      start = Math.max(start, finish(dep, byName, memo));
    }
    long end = start + millis(r);
    memo.put(name, end);
    return end;
  }

  private static long millis(ResourceDefinition r) {
    Object v = r.params().get("millis");
    return v instanceof Number n ? n.longValue() : 0;
  }
}
