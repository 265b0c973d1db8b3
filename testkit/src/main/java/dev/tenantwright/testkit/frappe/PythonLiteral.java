package dev.tenantwright.testkit.frappe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Python literals {@code bench execute --args/--kwargs} receives: strings, numbers, {@code True},
 * {@code False}, {@code None}, lists, tuples and dicts — and nothing else.
 *
 * <p>bench evaluates these arguments with Python's {@code eval}; the fake accepts only literals, so an argument
 * that would run code there (a name, a call, an operator, an unterminated string) is a {@code SyntaxError} here
 * and a test notices. Stateless.
 */
final class PythonLiteral {

  private final String text;
  private int pos;

  private PythonLiteral(String text) {
    this.text = text;
  }

  /**
   * Parses one literal.
   *
   * @throws IllegalArgumentException with a {@code SyntaxError} message when {@code text} is not one literal
   */
  static Object parse(String text) {
    PythonLiteral p = new PythonLiteral(text);
    p.skipSpace();
    Object value = p.value();
    p.skipSpace();
    if (p.pos != text.length()) {
      throw p.error("unexpected text after the literal");
    }
    return value;
  }

  private Object value() {
    if (pos >= text.length()) {
      throw error("unexpected end of input");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '\'', '"' -> {
        return string();
      }
      case '[' -> {
        return sequence('[', ']');
      }
      case '(' -> {
        return sequence('(', ')');
      }
      case '{' -> {
        return dict();
      }
      default -> {
        if (c == '-' || c == '+' || Character.isDigit(c)) {
          return number();
        }
        if (text.startsWith("True", pos) && !identifierAt(pos + 4)) {
          pos += 4;
          return Boolean.TRUE;
        }
        if (text.startsWith("False", pos) && !identifierAt(pos + 5)) {
          pos += 5;
          return Boolean.FALSE;
        }
        if (text.startsWith("None", pos) && !identifierAt(pos + 4)) {
          pos += 4;
          return null;
        }
        throw error("only literals are accepted, found '" + c + "'");
      }
    }
  }

  private String string() {
    char quote = text.charAt(pos++);
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string literal");
      }
      char c = text.charAt(pos++);
      if (c == quote) {
        return sb.toString();
      }
      if (c == '\n') {
        throw error("unterminated string literal (a line break)");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw error("unterminated string literal");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '\\', '\'', '"' -> sb.append(e);
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case '0' -> sb.append('\0');
        case 'x' -> sb.append((char) hex(2));
        case 'u' -> sb.append((char) hex(4));
        case '\n' -> {
          // a backslash before a line break continues the literal
        }
        default -> sb.append('\\').append(e);
      }
    }
  }

  private int hex(int digits) {
    if (pos + digits > text.length()) {
      throw error("truncated escape");
    }
    try {
      int v = Integer.parseInt(text.substring(pos, pos + digits), 16);
      pos += digits;
      return v;
    } catch (NumberFormatException e) {
      throw error("invalid escape");
    }
  }

  private List<Object> sequence(char open, char close) {
    pos++;
    List<Object> out = new ArrayList<>();
    skipSpace();
    while (true) {
      if (pos >= text.length()) {
        throw error("'" + open + "' was never closed");
      }
      if (text.charAt(pos) == close) {
        pos++;
        return out;
      }
      out.add(value());
      skipSpace();
      if (pos < text.length() && text.charAt(pos) == ',') {
        pos++;
        skipSpace();
      } else if (pos >= text.length() || text.charAt(pos) != close) {
        throw error("expected ',' or '" + close + "'");
      }
    }
  }

  private Map<Object, Object> dict() {
    pos++;
    Map<Object, Object> out = new LinkedHashMap<>();
    skipSpace();
    while (true) {
      if (pos >= text.length()) {
        throw error("'{' was never closed");
      }
      if (text.charAt(pos) == '}') {
        pos++;
        return out;
      }
      Object key = value();
      skipSpace();
      if (pos >= text.length() || text.charAt(pos) != ':') {
        throw error("expected ':'");
      }
      pos++;
      skipSpace();
      out.put(key, value());
      skipSpace();
      if (pos < text.length() && text.charAt(pos) == ',') {
        pos++;
        skipSpace();
      } else if (pos >= text.length() || text.charAt(pos) != '}') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private Number number() {
    int start = pos;
    if (text.charAt(pos) == '-' || text.charAt(pos) == '+') {
      pos++;
    }
    while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || ".eE+-_".indexOf(text.charAt(pos)) >= 0)) {
      pos++;
    }
    String n = text.substring(start, pos).replace("_", "");
    try {
      if (n.contains(".") || n.contains("e") || n.contains("E")) {
        return Double.parseDouble(n);
      }
      return Long.parseLong(n);
    } catch (NumberFormatException e) {
      throw error("invalid number '" + n + "'");
    }
  }

  private boolean identifierAt(int i) {
    return i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_');
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String why) {
    return new IllegalArgumentException("SyntaxError: " + why + " (at offset " + pos + ")");
  }
}
