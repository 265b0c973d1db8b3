package dev.tenantwright.testkit.compose.internal;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A subcommand's flags as cobra parses them: switches (also combined, {@code -dV}), valued flags as
 * {@code --flag value} or {@code --flag=value}; an unknown flag fails with {@code unknown flag: X}.
 */
public final class Flags {
  private final Set<String> switches = new LinkedHashSet<>();
  private final Map<String, String> values = new LinkedHashMap<>();

  private Flags() {}

  /** Parses {@code args}; only {@code switches} and {@code valued} flags are known. */
  public static Flags parse(List<String> args, Set<String> switches, Set<String> valued) {
    Flags f = new Flags();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("-")) {
        continue;
      }
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0 && valued.contains(a.substring(0, eq))) {
        f.values.put(a.substring(0, eq), a.substring(eq + 1));
      } else if (valued.contains(a)) {
        if (i + 1 >= args.size()) {
          throw new ComposeError(1, "", "flag needs an argument: " + a);
        }
        f.values.put(a, args.get(++i));
      } else if (switches.contains(a)) {
        f.switches.add(a);
      } else if (a.length() > 2 && !a.startsWith("--") && allSwitches(a, switches)) {
        for (char ch : a.substring(1).toCharArray()) {
          f.switches.add("-" + ch);
        }
      } else {
        throw new ComposeError(1, "", "unknown flag: " + a);
      }
    }
    return f;
  }

  private static boolean allSwitches(String combined, Set<String> switches) {
    for (char ch : combined.substring(1).toCharArray()) {
      if (!switches.contains("-" + ch)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the switch was given. */
  public boolean has(String flag) {
    return switches.contains(flag);
  }

  /** The flag's value, or null. */
  public String value(String flag) {
    return values.get(flag);
  }
}
