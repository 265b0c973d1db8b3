package dev.tenantwright.core.internal.commands;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether an argv hands a shell a command string — the one shape command runners refuse, because a shell
 * given {@code -c} re-parses its argument as a command line and turns quoting mistakes into injection.
 *
 * <p>It looks at the program itself, at the program behind wrappers such as {@code env}, {@code sudo},
 * {@code timeout} or {@code flock}, and at the command of {@code docker exec} / {@code podman exec}. It also refuses
 * {@code flock FILE -c COMMAND}, which runs {@code COMMAND} through a shell.
 *
 * <p>Exactly one command-string shape is allowed, the <em>stdin-arguments script</em>: {@code sh -c SCRIPT} (or
 * {@code bash}, {@code dash}) with nothing after {@code SCRIPT}, where {@code SCRIPT} only reads lines of stdin into
 * variables and then replaces itself with one program and fixed arguments:
 * <pre>{@code
 * IFS= read -r tw_secret_1 && IFS= read -r tw_secret_2 && [cd 'DIR' && ] exec 'prog' 'arg' ... "$tw_secret_1" ...
 * }</pre>
 * Every word after {@code exec} is single-quoted text (a quote inside written {@code '\''}) or a double-quoted
 * variable read before. A POSIX shell expands each such word to exactly one argument and never parses its value
 * again, so whatever the values contain, the program gets exactly these arguments. This is how a plugin hands
 * secrets to a program that takes them only as arguments (Frappe's {@code bench}) without putting them into any argv
 * it starts itself, where {@code ps}, {@code /proc} and Docker's event log would show them: they travel on stdin.
 * Stateless; thread-safe.
 */
public final class ShellStrings {

  private static final Set<String> SHELLS =
      Set.of("sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "csh", "tcsh", "fish");
  private static final Set<String> SCRIPT_SHELLS = Set.of("sh", "bash", "dash");
  private static final Set<String> WRAPPERS = Set.of("env", "sudo", "doas", "busybox", "nice", "nohup", "stdbuf",
      "timeout", "exec", "flock", "setsid", "ionice", "chrt", "taskset");
  private static final Set<String> EXEC_OPTIONS_WITH_VALUE = Set.of("-e", "--env", "-u", "--user", "-w",
      "--workdir", "--env-file", "--detach-keys");
  private static final Set<String> FLOCK_OPTIONS_WITH_VALUE = Set.of("-E", "--conflict-exit-code", "-w", "--wait",
      "--timeout");
  private static final Pattern COMMAND_FLAG = Pattern.compile("-[A-Za-z]*c[A-Za-z]*|--command");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private ShellStrings() {}

  /**
   * Why {@code argv} must not run, or null when it may: e.g. {@code "sh -c"} when it runs {@code sh -c} with
   * anything but a {@linkplain #isStdinArgumentScript stdin-arguments script}.
   */
  public static String refusal(List<String> argv) {
    if (argv.isEmpty()) {
      return null;
    }
    String program = basename(argv.get(0));
    if ((program.equals("docker") || program.equals("podman")) && argv.size() > 1 && argv.get(1).equals("exec")) {
      int i = 2;
      while (i < argv.size() && argv.get(i).startsWith("-") && !argv.get(i).equals("-")) {
        i += EXEC_OPTIONS_WITH_VALUE.contains(argv.get(i)) ? 2 : 1;
      }
      i++;
      return i < argv.size() ? refusalFrom(argv, i) : null;
    }
    return refusalFrom(argv, 0);
  }

  /** Whether {@code script} is exactly the stdin-arguments shape described on this class. */
  public static boolean isStdinArgumentScript(String script) {
    Set<String> read = new HashSet<>();
    int[] pos = {0};
    while (script.startsWith("IFS= read -r ", pos[0])) {
      pos[0] += "IFS= read -r ".length();
      String name = name(script, pos);
      if (name == null || !script.startsWith(" && ", pos[0])) {
        return false;
      }
      read.add(name);
      pos[0] += 4;
    }
    if (script.startsWith("cd ", pos[0])) {
      pos[0] += 3;
      if (!singleQuoted(script, pos) || !script.startsWith(" && ", pos[0])) {
        return false;
      }
      pos[0] += 4;
    }
    if (!script.startsWith("exec ", pos[0])) {
      return false;
    }
    pos[0] += 5;
    if (!word(script, pos, read)) {
      return false;
    }
    while (pos[0] < script.length()) {
      if (script.charAt(pos[0]) != ' ') {
        return false;
      }
      pos[0]++;
      if (!word(script, pos, read)) {
        return false;
      }
    }
    return true;
  }

  private static String refusalFrom(List<String> argv, int start) {
    String first = basename(argv.get(start));
    if (first.equals("flock")) {
      String flockCommand = flockCommandString(argv, start);
      if (flockCommand != null) {
        return "flock " + flockCommand;
      }
    }
    int shell = -1;
    if (SHELLS.contains(first)) {
      shell = start;
    } else if (WRAPPERS.contains(first)) {
      for (int i = start + 1; i < argv.size() && shell < 0; i++) {
        if (SHELLS.contains(basename(argv.get(i)))) {
          shell = i;
        }
      }
    }
    if (shell < 0) {
      return null;
    }
    List<String> rest = argv.subList(shell + 1, argv.size());
    String flag = null;
    for (String a : rest) {
      if (COMMAND_FLAG.matcher(a).matches()) {
        flag = a;
        break;
      }
    }
    if (flag == null) {
      return null;
    }
    String name = basename(argv.get(shell));
    if (shell == start && SCRIPT_SHELLS.contains(name) && rest.size() == 2 && rest.get(0).equals("-c")
        && isStdinArgumentScript(rest.get(1))) {
      return null;
    }
    return name + " " + flag;
  }

  /** {@code -c} or {@code --command} when flock is asked to run a command string, else null. */
  private static String flockCommandString(List<String> argv, int start) {
    int i = start + 1;
    while (i < argv.size() && argv.get(i).startsWith("-")) {
      String o = argv.get(i);
      if (o.equals("-c") || o.equals("--command")) {
        return o;
      }
      i += FLOCK_OPTIONS_WITH_VALUE.contains(o) ? 2 : 1;
    }
    i++;
    if (i < argv.size() && (argv.get(i).equals("-c") || argv.get(i).equals("--command"))) {
      return argv.get(i);
    }
    return null;
  }

  private static String name(String s, int[] pos) {
    int end = pos[0];
    while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')
        && s.charAt(end) < 0x80) {
      end++;
    }
    String name = s.substring(pos[0], end);
    if (!NAME.matcher(name).matches()) {
      return null;
    }
    pos[0] = end;
    return name;
  }

  /** One {@code '...'} word, a quote inside written {@code '\''}. */
  private static boolean singleQuoted(String s, int[] pos) {
    if (pos[0] >= s.length() || s.charAt(pos[0]) != '\'') {
      return false;
    }
    while (true) {
      int close = s.indexOf('\'', pos[0] + 1);
      if (close < 0) {
        return false;
      }
      pos[0] = close + 1;
      if (s.startsWith("\\''", pos[0])) {
        pos[0] += 2;
      } else {
        return true;
      }
    }
  }

  private static boolean word(String s, int[] pos, Set<String> read) {
    if (pos[0] >= s.length()) {
      return false;
    }
    if (s.charAt(pos[0]) == '\'') {
      return singleQuoted(s, pos);
    }
    if (!s.startsWith("\"$", pos[0])) {
      return false;
    }
    pos[0] += 2;
    String name = name(s, pos);
    if (name == null || !read.contains(name) || pos[0] >= s.length() || s.charAt(pos[0]) != '"') {
      return false;
    }
    pos[0]++;
    return true;
  }

  private static String basename(String program) {
    int slash = program.lastIndexOf('/');
    return (slash < 0 ? program : program.substring(slash + 1)).toLowerCase(Locale.ROOT);
  }
}
