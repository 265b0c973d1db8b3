package dev.tenantwright.testkit.compose.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compose's {@code .env} parser, ported statement by statement from compose-go {@code dotenv/parser.go}
 * ({@code parse}, {@code getStatementStart}, {@code locateKeyName}, {@code extractVarValue},
 * {@code expandEscapes}) and {@code dotenv/env.go} ({@code GetEnvFromFile}), so that a test sees exactly the
 * values the real {@code docker compose} reads:
 * <ul>
 *   <li>comments ({@code #} at a statement start; in unquoted values only {@code " #"} starts one), blank
 *       lines, {@code export NAME=...}, the YAML-ish {@code NAME: value}, and a bare {@code NAME} that inherits
 *       the process environment's value;
 *   <li>unquoted values end at the line end, are trimmed on the right, and are interpolated;
 *   <li>quoted values may span lines; inside both quote kinds a backslash before the quote character escapes
 *       it (so {@code 'x\'} does <em>not</em> end the value, and whatever follows the next quote is parsed as
 *       new statements — security finding SEC2), any other backslash is kept;
 *   <li>single-quoted values are literal; double-quoted values get the escapes {@code \n \t \\ \" \$ \0ooo
 *       ...} and are then interpolated;
 *   <li>interpolation looks a name up in the process environment first, then in the values read so far
 *       ({@code GetEnvFromFile}'s lookup).
 * </ul>
 * Stateless; a {@link Parser} lives for one file.
 */
public final class DotEnv {

  /** compose-go {@code escapeSeqRegex}: {@code (\\(?:[abcfnrtv$"\\]|0\d{0,3}))}. */
  private static final Pattern ESCAPE_SEQUENCE = Pattern.compile("(\\\\(?:[abcfnrtv$\"\\\\]|0\\d{0,3}))");
  /** compose-go {@code exportRegex}: {@code ^export\s+} (RE2's {@code \s} is {@code [\t\n\f\r ]}). */
  private static final Pattern EXPORT = Pattern.compile("^export[\\t\\n\\f\\r ]+");
  private static final String BOM = "\uFEFF";

  private DotEnv() {}

  /** A {@code .env} file Compose cannot read; the message is compose-go's (after {@code failed to read <file>: }). */
  public static final class DotEnvException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DotEnvException(String message) {
      super(message);
    }
  }

  /**
   * Reads {@code files} as compose-go's {@code GetEnvFromFile} does: later files add to (and override) earlier
   * ones, and a variable referenced in a value is looked up in {@code processEnvironment} first, then in what
   * was read so far.
   *
   * @param unset collects the variables referenced but set nowhere (Compose warns about them)
   * @throws DotEnvException as {@code failed to read <file>: <reason>}
   */
  public static Map<String, String> read(List<Path> files, Map<String, String> processEnvironment, Set<String> unset,
      Map<String, String> into) {
    for (Path file : files) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new DotEnvException("couldn't read env file: " + file);
      }
      try {
        parse(text, key -> processEnvironment.containsKey(key) ? processEnvironment.get(key) : into.get(key), into,
            unset);
      } catch (DotEnvException | Template.TemplateException e) {
        throw new DotEnvException("failed to read " + file + ": " + e.getMessage());
      }
    }
    return into;
  }

  /** Parses one file's text into {@code out}; {@code lookup} answers null for an unset variable. */
  public static Map<String, String> parse(String text, Function<String, String> lookup, Map<String, String> out,
      Set<String> unset) {
    // parseWithLookup: seek past a UTF-8 BOM
    String src = text.startsWith(BOM) ? text.substring(1) : text;
    new Parser(lookup, out, unset == null ? new TreeSet<>() : unset).parse(src);
    return out;
  }

  /** One parse, with its line counter (compose-go {@code parser}). */
  static final class Parser {
    private final Function<String, String> lookup;
    private final Map<String, String> out;
    private final Set<String> unset;
    private int line = 1;

    Parser(Function<String, String> lookup, Map<String, String> out, Set<String> unset) {
      this.lookup = lookup;
      this.out = out;
      this.unset = unset;
    }

    void parse(String src) {
      String cutset = src;
      while (true) {
        cutset = statementStart(cutset);
        if (cutset.isEmpty()) {
          break;
        }
        Key k = locateKeyName(cutset);
        if (k.key.contains(" ")) {
          throw new DotEnvException("line " + line + ": key cannot contain a space");
        }
        if (k.inherited) {
          String value = lookup.apply(k.key);
          if (value != null) {
            out.put(k.key, value);
          }
          cutset = k.rest;
          continue;
        }
        String[] valueAndRest = extractVarValue(k.rest);
        out.put(k.key, valueAndRest[0]);
        cutset = valueAndRest[1];
      }
    }

    /** {@code getStatementStart}: skips white space and comment lines. */
    private String statementStart(String src) {
      int pos = indexOfNonSpaceChar(src);
      if (pos == -1) {
        return "";
      }
      src = src.substring(pos);
      if (src.charAt(0) != '#') {
        return src;
      }
      int newline = src.indexOf('\n');
      if (newline == -1) {
        return "";
      }
      return statementStart(src.substring(newline));
    }

    private record Key(String key, String rest, boolean inherited) {}

    /** {@code locateKeyName}. */
    private Key locateKeyName(String src) {
      String key = "";
      boolean inherited = false;
      if (EXPORT.matcher(src).find()) {
        src = trimLeftSpace(src.substring("export".length()));
      }
      int offset = 0;
      loop:
      for (int i = 0; i < src.length(); ) {
        int cp = src.codePointAt(i);
        int width = Character.charCount(cp);
        if (isSpace(cp)) {
          i += width;
          continue;
        }
        switch (cp) {
          case '=', ':', '\n' -> {
            // the library also supports yaml-style value declaration
            key = src.substring(0, i);
            offset = i + 1;
            inherited = cp == '\n';
            break loop;
          }
          case '_', '.', '-', '[', ']' -> { }
          default -> {
            if (!Character.isLetter(cp) && !isGoNumber(cp)) {
              String firstLine = src.split("\n", -1)[0];
              throw new DotEnvException("line " + line + ": unexpected character " + Template.goQuote(
                  new String(Character.toChars(cp))) + " in variable name " + Template.goQuote(firstLine));
            }
          }
        }
        i += width;
      }
      if (src.isEmpty()) {
        throw new DotEnvException("zero length string");
      }
      if (inherited && key.indexOf(' ') == -1) {
        line++;
      }
      key = trimRightUnicodeSpace(key);
      String cutset = trimLeftSpace(src.substring(offset));
      return new Key(key, cutset, inherited);
    }

    /** {@code extractVarValue}: the value and the text after it. */
    private String[] extractVarValue(String src) {
      char quote = src.isEmpty() ? 0 : src.charAt(0);
      if (quote != '\'' && quote != '"') {
        // unquoted value - read until new line
        int newline = src.indexOf('\n');
        String value = newline < 0 ? src : src.substring(0, newline);
        String rest = newline < 0 ? "" : src.substring(newline + 1);
        line++;
        // remove inline comments on unquoted lines: only " #" starts one
        int comment = value.indexOf(" #");
        if (comment >= 0) {
          value = value.substring(0, comment);
        }
        value = trimRightUnicodeSpace(value);
        return new String[] {expand(value), rest};
      }
      boolean previousCharIsEscape = false;
      StringBuilder chars = new StringBuilder();
      for (int i = 1; i < src.length(); i++) {
        char c = src.charAt(i);
        if (c == '\n') {
          line++;
        }
        if (c != quote) {
          if (!previousCharIsEscape && c == '\\') {
            previousCharIsEscape = true;
            continue;
          }
          if (previousCharIsEscape) {
            previousCharIsEscape = false;
            chars.append('\\');
          }
          chars.append(c);
          continue;
        }
        // skip escaped quote symbol (\" or \', depending on the quote)
        if (previousCharIsEscape) {
          previousCharIsEscape = false;
          chars.append(c);
          continue;
        }
        String value = chars.toString();
        if (quote == '"') {
          // expand standard shell escape sequences, then interpolate variables on the result
          value = expand(expandEscapes(value));
        }
        return new String[] {value, src.substring(i + 1)};
      }
      int end = src.indexOf('\n');
      throw new DotEnvException("line " + line + ": unterminated quoted value " + (end < 0 ? src : src.substring(0, end)));
    }

    /** {@code expandVariables}: the lookup (process environment, then values so far) through the template. */
    private String expand(String value) {
      return Template.substitute(value, lookup, unset);
    }

    /** {@code indexOfNonSpaceChar}, counting the newlines it passes. */
    private int indexOfNonSpaceChar(String src) {
      for (int i = 0; i < src.length(); ) {
        int cp = src.codePointAt(i);
        if (cp == '\n') {
          line++;
        }
        if (!isUnicodeSpace(cp)) {
          return i;
        }
        i += Character.charCount(cp);
      }
      return -1;
    }
  }

  /**
   * {@code expandEscapes}: {@code \$} becomes {@code $$} (so interpolation leaves a literal {@code $}),
   * {@code \0ooo} an octal byte, {@code \a \b \f \n \r \t \v \" \\} their characters; an escape Go's
   * {@code strconv.UnquoteChar} refuses (e.g. {@code \0} or {@code \09}) stays as written.
   */
  static String expandEscapes(String s) {
    Matcher m = ESCAPE_SEQUENCE.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String match = m.group();
      String replacement;
      if (match.equals("\\$")) {
        replacement = "$$";
      } else if (match.startsWith("\\0")) {
        String digits = match.substring(2);
        // "\0ooo" -> "\ooo": UnquoteChar needs exactly three octal digits and a value below 256
        replacement = digits.length() == 3 && digits.chars().allMatch(c -> c >= '0' && c <= '7')
            && Integer.parseInt(digits, 8) <= 255 ? String.valueOf((char) Integer.parseInt(digits, 8)) : match;
      } else {
        replacement = switch (match.charAt(1)) {
          case 'a' -> "\u0007";
          case 'b' -> "\b";
          case 'f' -> "\f";
          case 'n' -> "\n";
          case 'r' -> "\r";
          case 't' -> "\t";
          case 'v' -> "\u000B";
          case '"' -> "\"";
          case '\\' -> "\\";
          default -> match;
        };
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** compose-go {@code isSpace}: a space that is not a line break. */
  static boolean isSpace(int c) {
    return c == '\t' || c == '\u000B' || c == '\f' || c == '\r' || c == ' ' || c == 0x85 || c == 0xA0;
  }

  /** Go's {@code unicode.IsSpace}. */
  static boolean isUnicodeSpace(int c) {
    if (c <= 0xFF) {
      return c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r' || c == ' ' || c == 0x85 || c == 0xA0;
    }
    return c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
        || c == 0x3000;
  }

  /** Go's {@code unicode.IsNumber}: categories Nd, Nl and No. */
  private static boolean isGoNumber(int c) {
    int t = Character.getType(c);
    return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
  }

  private static String trimLeftSpace(String s) {
    int i = 0;
    while (i < s.length() && isSpace(s.codePointAt(i))) {
      i += Character.charCount(s.codePointAt(i));
    }
    return s.substring(i);
  }

  private static String trimRightUnicodeSpace(String s) {
    int end = s.length();
    while (end > 0 && isUnicodeSpace(s.codePointBefore(end))) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return s.substring(0, end);
  }
}
