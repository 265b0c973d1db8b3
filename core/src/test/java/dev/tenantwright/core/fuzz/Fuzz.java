package dev.tenantwright.core.fuzz;

import dev.tenantwright.core.BlueprintException;
import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.PolicyViolationException;
import dev.tenantwright.core.ValidationException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * The fuzz suite's settings and bookkeeping: a deterministic seed, the number of cases, and the failures found.
 *
 * <p>{@code -Dfuzz.seed=N} replays a run (the seed is printed by every fuzz test); {@code -Dfuzz.cases=N} sets
 * the total number of cases across the suite (default 10,000; the full variant uses 100,000). Each test takes a
 * fixed share of the total and its own random stream derived from the seed and its name, so one test replays
 * alone.
 */
final class Fuzz {

  /** The seed used when {@code fuzz.seed} is not set. */
  static final long DEFAULT_SEED = 20261122L;

  /** The public exception types a refused call may throw. */
  static final Set<Class<? extends RuntimeException>> CLEAR_ERRORS = Set.of(ValidationException.class,
      BlueprintException.class, ConflictException.class, PolicyViolationException.class, NotFoundException.class);

  private final String test;
  private final long seed;
  private final int cases;
  private final List<String> failures = new ArrayList<>();
  private final java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
  private int failureCount;

  private Fuzz(String test, long seed, int cases) {
    this.test = test;
    this.seed = seed;
    this.cases = cases;
  }

  /** The settings for one test taking {@code share} of the total cases (at least {@code minimum}). */
  static Fuzz forTest(String test, double share, int minimum) {
    long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
    int total = Integer.getInteger("fuzz.cases", 10_000);
    int cases = Math.max(minimum, (int) Math.round(total * share));
    Fuzz f = new Fuzz(test, seed, cases);
    System.out.printf(Locale.ROOT, "fuzz %s: %d cases, seed %d (replay with -Dfuzz.seed=%d)%n", test, cases, seed, seed);
    return f;
  }

  /** This test's own random stream. */
  Random random() {
    return new Random(seed * 31 + test.hashCode());
  }

  int cases() {
    return cases;
  }

  /** Whether {@code e} is a clear, public refusal. */
  static boolean isClearError(Throwable e) {
    return CLEAR_ERRORS.contains(e.getClass());
  }

  /** Records a failed case; the first ten keep their stack trace. */
  void fail(int index, String input, String problem, Throwable e) {
    failureCount++;
    kinds.merge(kind(problem, e), 1, Integer::sum);
    if (failures.size() >= 10) {
      return;
    }
    StringBuilder sb = new StringBuilder("case ").append(index).append(": ").append(problem)
        .append("\n    input: ").append(input);
    if (e != null) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      String t = trace.toString();
      sb.append("\n    ").append(t.length() > 3000 ? t.substring(0, 3000) + "..." : t);
    }
    failures.add(sb.toString());
  }

  /** Fails the test with the recorded failures, if any. */
  void assertNoFailures() {
    if (failureCount > 0) {
      throw new AssertionError(test + ": " + failureCount + " of " + cases + " cases failed (seed " + seed + ", "
          + "replay with -Dfuzz.seed=" + seed + "); by kind: " + kinds + "; the first ones:\n"
          + String.join("\n", failures));
    }
  }

  /** A failure's kind for the summary: the problem without its specifics, and the exception type. */
  private static String kind(String problem, Throwable e) {
    String head = problem.replaceAll("\"[^\"]*\"|'[^']*'|[0-9]+", "…");
    int cut = head.indexOf(':');
    head = cut > 0 ? head.substring(0, cut) : head;
    return head + (e != null ? " (" + e.getClass().getSimpleName() + ")" : "");
  }

  /** A printable rendering of a fuzzed string: escapes, and long ones cut. */
  static String show(Object value) {
    if (value == null) {
      return "null";
    }
    String s = String.valueOf(value);
    StringBuilder sb = new StringBuilder("\"");
    int limit = Math.min(s.length(), 120);
    for (int i = 0; i < limit; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.isSurrogate(c) || c == '\\' || c == '"'
          || Character.getType(c) == Character.FORMAT) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
    if (s.length() > limit) {
      sb.append("… (").append(s.length()).append(" chars)");
    }
    return sb.toString();
  }
}
