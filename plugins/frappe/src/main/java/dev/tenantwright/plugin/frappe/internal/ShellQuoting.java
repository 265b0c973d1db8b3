package dev.tenantwright.plugin.frappe.internal;

import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Quotes arguments for a POSIX shell, for the one place a shell cannot be avoided: ssh hands the remote side a
 * single command string that the remote user's login shell parses.
 *
 * <p>Every argument is wrapped in single quotes, inside which a POSIX shell interprets nothing: no {@code $},
 * no backticks, no globs, no backslashes, and a newline is just a character. A single quote itself cannot
 * appear inside single quotes, so each one becomes {@code '\''} (end the quoted part, an escaped quote, start a
 * new quoted part). The empty string becomes {@code ''}. The shell therefore splits {@link #join} back into
 * exactly the original argv, whatever the values contain. Stateless; thread-safe.
 *
 * <pre>{@code
 * ShellQuoting.quote("it's $(rm -rf /)");   // 'it'\''s $(rm -rf /)'
 * ShellQuoting.join(List.of("bench", "--site", "a.example", "set-config", "k", "v w"));
 * // 'bench' '--site' 'a.example' 'set-config' 'k' 'v w'
 * }</pre>
 */
public final class ShellQuoting {

  private ShellQuoting() {}

  /**
   * One argument, single-quoted.
   *
   * @throws IllegalArgumentException if the argument contains a NUL character, which no process argument can hold
   */
  public static String quote(String arg) {
    Objects.requireNonNull(arg, "arg");
    if (arg.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("an argument must not contain a NUL character");
    }
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  /** The arguments, each {@linkplain #quote quoted}, separated by single spaces. */
  public static String join(List<String> argv) {
    StringJoiner out = new StringJoiner(" ");
    for (String a : argv) {
      out.add(quote(a));
    }
    return out.toString();
  }
}
