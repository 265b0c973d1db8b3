package dev.tenantwright.testkit.frappe;

import dev.tenantwright.testkit.ProgramResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The remote side of {@code ssh}: a deliberately small interpreter of the POSIX shell language, enough for the
 * command strings a careful plugin sends and strict about everything else.
 *
 * <p>It understands words made of unquoted characters, single-quoted text (nothing special inside), double-quoted
 * text with {@code $NAME} / {@code ${NAME}} and backslash escapes, backslash escapes outside quotes, leading
 * {@code NAME=value} assignments, {@code &&} between simple commands, and the builtins {@code read [-r] NAME},
 * {@code cd DIR} and {@code exec CMD...}; any other command is run through the given program runner. Everything
 * a real shell would interpret in a way that changes the command — {@code ;}, {@code |}, {@code &}, redirections,
 * parentheses, backticks, {@code $(...)}, unquoted {@code $}, globs, comments, {@code ~}, a line break — makes it
 * fail with exit code 2 and a message that names the construct, so a quoting mistake is a failing test rather than
 * a silently different command. Not thread-safe; one instance per ssh invocation.
 */
final class RemoteShell {

  /** A simple command after expansion: its arguments and the directory it runs in. */
  record Invocation(List<String> argv, String cwd) {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** One piece of a word: literal text, or a variable to expand. */
  private record Piece(String text, boolean quoted, String variable) {}

  /** One word of a simple command, before expansion. */
  private record Word(List<Piece> pieces) {}

  private final BiFunction<Invocation, RemoteShell, ProgramResult> programs;
  private final Map<String, String> vars = new HashMap<>();
  private final String stdin;
  private int stdinPos;
  private String cwd;

  /**
   * @param programs runs an external command (everything but the builtins)
   * @param stdin what ssh received on its stdin, or null
   * @param home the remote user's home directory, the initial working directory
   */
  RemoteShell(BiFunction<Invocation, RemoteShell, ProgramResult> programs, String stdin, String home) {
    this.programs = programs;
    this.stdin = stdin == null ? "" : stdin;
    this.cwd = home;
  }

  /** What is left on stdin for the program that runs last. */
  String remainingStdin() {
    return stdin.substring(stdinPos);
  }

  /** Parses and runs {@code script}. */
  ProgramResult run(String script) {
    List<List<Word>> commands;
    try {
      commands = parse(script);
    } catch (IllegalArgumentException e) {
      return ProgramResult.failure(2, "sh: 1: " + e.getMessage() + "\n");
    }
    ProgramResult last = ProgramResult.ok("");
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    for (List<Word> command : commands) {
      Step step = execute(command);
      out.append(step.result.stdout());
      err.append(step.result.stderr());
      last = step.result;
      if (step.exec || last.exitCode() != 0) {
        break;
      }
    }
    return new ProgramResult(last.exitCode(), out.toString(), err.toString());
  }

  private record Step(ProgramResult result, boolean exec) {}

  private Step execute(List<Word> words) {
    Map<String, String> assignments = new HashMap<>();
    int i = 0;
    while (i < words.size()) {
      Piece first = words.get(i).pieces().get(0);
      int eq = first.text().indexOf('=');
      if (first.quoted() || first.variable() != null || eq <= 0 || !NAME.matcher(first.text().substring(0, eq)).matches()) {
        break;
      }
      String value = expand(words.get(i)).substring(eq + 1);
      assignments.put(first.text().substring(0, eq), value);
      i++;
    }
    List<String> argv = new ArrayList<>();
    for (int j = i; j < words.size(); j++) {
      argv.add(expand(words.get(j)));
    }
    if (argv.isEmpty()) {
      vars.putAll(assignments);
      return new Step(ProgramResult.ok(""), false);
    }
    boolean exec = false;
    if (argv.get(0).equals("exec")) {
      argv.remove(0);
      exec = true;
      if (argv.isEmpty()) {
        return new Step(ProgramResult.ok(""), true);
      }
    }
    switch (argv.get(0)) {
      case "read" -> {
        return new Step(read(argv, assignments), exec);
      }
      case "cd" -> {
        if (argv.size() != 2) {
          return new Step(ProgramResult.failure(2, "sh: 1: cd: usage: cd DIR\n"), exec);
        }
        cwd = argv.get(1);
        return new Step(ProgramResult.ok(""), exec);
      }
      default -> {
        return new Step(programs.apply(new Invocation(List.copyOf(argv), cwd), this), exec);
      }
    }
  }

  private ProgramResult read(List<String> argv, Map<String, String> assignments) {
    boolean raw = false;
    List<String> names = new ArrayList<>();
    for (String a : argv.subList(1, argv.size())) {
      if (a.equals("-r")) {
        raw = true;
      } else if (NAME.matcher(a).matches()) {
        names.add(a);
      } else {
        return ProgramResult.failure(2, "sh: 1: read: " + a + ": bad variable name\n");
      }
    }
    if (names.size() != 1) {
      return ProgramResult.failure(2, "sh: 1: read: the fake shell reads exactly one variable\n");
    }
    int nl = stdin.indexOf('\n', stdinPos);
    if (nl < 0) {
      vars.put(names.get(0), "");
      stdinPos = stdin.length();
      return ProgramResult.failure(1, "");
    }
    String line = stdin.substring(stdinPos, nl);
    stdinPos = nl + 1;
    if (!raw) {
      line = line.replaceAll("\\\\(.)", "$1");
    }
    if (!"".equals(assignments.get("IFS"))) {
      line = line.strip();
    }
    vars.put(names.get(0), line);
    return ProgramResult.ok("");
  }

  private String expand(Word w) {
    StringBuilder sb = new StringBuilder();
    for (Piece p : w.pieces()) {
      sb.append(p.variable() == null ? p.text() : vars.getOrDefault(p.variable(), ""));
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------------------------------------ parsing

  /** The simple commands between {@code &&} operators, each as its words. */
  static List<List<Word>> parse(String script) {
    List<List<Word>> commands = new ArrayList<>();
    List<Word> current = new ArrayList<>();
    int i = 0;
    int n = script.length();
    while (i < n) {
      char c = script.charAt(i);
      if (c == ' ' || c == '\t') {
        i++;
        continue;
      }
      if (c == '&' && i + 1 < n && script.charAt(i + 1) == '&') {
        if (current.isEmpty()) {
          throw new IllegalArgumentException("Syntax error: \"&&\" unexpected");
        }
        commands.add(current);
        current = new ArrayList<>();
        i += 2;
        continue;
      }
      List<Piece> pieces = new ArrayList<>();
      StringBuilder literal = new StringBuilder();
      boolean any = false;
      while (i < n) {
        c = script.charAt(i);
        if (c == ' ' || c == '\t') {
          break;
        }
        if (c == '&' && i + 1 < n && script.charAt(i + 1) == '&') {
          break;
        }
        any = true;
        if (c == '\'') {
          flush(pieces, literal, false);
          int end = script.indexOf('\'', i + 1);
          if (end < 0) {
            throw new IllegalArgumentException("Syntax error: Unterminated quoted string");
          }
          pieces.add(new Piece(script.substring(i + 1, end), true, null));
          i = end + 1;
        } else if (c == '"') {
          flush(pieces, literal, false);
          i = doubleQuoted(script, i + 1, pieces);
        } else if (c == '\\') {
          if (i + 1 >= n) {
            throw new IllegalArgumentException("Syntax error: a backslash at the end of the command");
          }
          char next = script.charAt(i + 1);
          if (next != '\n') {
            flush(pieces, literal, false);
            pieces.add(new Piece(String.valueOf(next), true, null));
          }
          i += 2;
        } else {
          String unsupported = unsupported(script, i, literal.length() == 0 && pieces.isEmpty());
          if (unsupported != null) {
            throw new IllegalArgumentException("the fake remote shell refuses " + unsupported
                + ": the command string was not quoted as plain words");
          }
          literal.append(c);
          i++;
        }
      }
      flush(pieces, literal, false);
      if (any) {
        if (pieces.isEmpty()) {
          pieces.add(new Piece("", true, null));
        }
        current.add(new Word(pieces));
      }
    }
    if (current.isEmpty()) {
      if (!commands.isEmpty()) {
        throw new IllegalArgumentException("Syntax error: end of file unexpected (expecting a command after \"&&\")");
      }
      return commands;
    }
    commands.add(current);
    return commands;
  }

  private static int doubleQuoted(String s, int i, List<Piece> pieces) {
    StringBuilder text = new StringBuilder();
    while (true) {
      if (i >= s.length()) {
        throw new IllegalArgumentException("Syntax error: Unterminated quoted string");
      }
      char c = s.charAt(i);
      if (c == '"') {
        pieces.add(new Piece(text.toString(), true, null));
        return i + 1;
      }
      if (c == '\\' && i + 1 < s.length() && "$`\"\\\n".indexOf(s.charAt(i + 1)) >= 0) {
        if (s.charAt(i + 1) != '\n') {
          text.append(s.charAt(i + 1));
        }
        i += 2;
      } else if (c == '`') {
        throw new IllegalArgumentException("the fake remote shell refuses a backtick command substitution");
      } else if (c == '$') {
        int start = i + 1;
        boolean braced = start < s.length() && s.charAt(start) == '{';
        int from = braced ? start + 1 : start;
        int end = from;
        while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) {
          end++;
        }
        String name = s.substring(from, end);
        if (!NAME.matcher(name).matches() || (braced && (end >= s.length() || s.charAt(end) != '}'))) {
          throw new IllegalArgumentException("the fake remote shell refuses '$" + s.substring(start, Math.min(s.length(), start + 2))
              + "' inside double quotes (only $NAME and ${NAME} are understood)");
        }
        pieces.add(new Piece(text.toString(), true, null));
        text.setLength(0);
        pieces.add(new Piece("", true, name));
        i = braced ? end + 1 : end;
      } else {
        text.append(c);
        i++;
      }
    }
  }

  /** What a real shell would do with this unquoted character, when it is more than a literal. */
  private static String unsupported(String s, int i, boolean wordStart) {
    char c = s.charAt(i);
    return switch (c) {
      case ';' -> "';' (a command separator)";
      case '|' -> "'|' (a pipe)";
      case '&' -> "'&' (a background job)";
      case '<', '>' -> "'" + c + "' (a redirection)";
      case '(', ')' -> "'" + c + "' (a subshell)";
      case '`' -> "a backtick command substitution";
      case '$' -> "an unquoted '$' (expansion and word splitting)";
      case '*', '?', '[' -> "an unquoted '" + c + "' (a glob)";
      case '\n', '\r' -> "an unquoted line break (a command separator)";
      case '#' -> wordStart ? "'#' (a comment)" : null;
      case '~' -> wordStart ? "'~' (tilde expansion)" : null;
      case '{', '}' -> wordStart ? "'" + c + "' (a command group)" : null;
      case '!' -> wordStart ? "'!' (negation)" : null;
      default -> null;
    };
  }

  private static void flush(List<Piece> pieces, StringBuilder literal, boolean quoted) {
    if (literal.length() > 0) {
      pieces.add(new Piece(literal.toString(), quoted, null));
      literal.setLength(0);
    }
  }
}
