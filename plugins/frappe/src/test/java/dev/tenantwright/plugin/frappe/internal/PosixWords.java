package dev.tenantwright.plugin.frappe.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A minimal POSIX-shell word splitter for tests: whitespace between words, single quotes (nothing special
 * inside), and backslash escapes outside quotes — the subset {@link ShellQuoting} produces. Anything a real shell
 * would interpret (an operator, an expansion, a glob, a line break outside quotes) is an error, so a quoting
 * mistake fails the test instead of passing silently.
 */
final class PosixWords {

  private PosixWords() {}

  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t') {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        i++;
      } else if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated single quote at " + i);
        }
        word = word == null ? new StringBuilder() : word;
        word.append(line, i + 1, end);
        i = end + 1;
      } else if (c == '\\') {
        if (i + 1 >= line.length()) {
          throw new IllegalArgumentException("backslash at the end");
        }
        word = word == null ? new StringBuilder() : word;
        word.append(line.charAt(i + 1));
        i += 2;
      } else if ("|&;<>()$`\"*?[#~\n\r".indexOf(c) >= 0) {
        throw new IllegalArgumentException("unquoted special character '" + c + "' at " + i);
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
        i++;
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
