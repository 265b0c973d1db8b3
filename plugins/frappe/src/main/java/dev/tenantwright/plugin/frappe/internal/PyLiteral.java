package dev.tenantwright.plugin.frappe.internal;

import java.util.Objects;

/**
 * Writes Python string literals for {@code bench execute --args/--kwargs}, which bench evaluates as Python.
 *
 * <p>The value is put between single quotes with backslashes, quotes and control characters escaped, so that
 * it is read back as exactly that string and can never end the literal early. Stateless; thread-safe.
 */
public final class PyLiteral {

  private PyLiteral() {}

  /** A Python string literal that evaluates to {@code value}. */
  public static String str(String value) {
    Objects.requireNonNull(value, "value");
    StringBuilder sb = new StringBuilder(value.length() + 2).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\'' -> sb.append("\\'");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('\'').toString();
  }
}
