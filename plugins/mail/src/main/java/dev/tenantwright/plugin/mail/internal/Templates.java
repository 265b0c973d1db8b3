package dev.tenantwright.plugin.mail.internal;

import dev.tenantwright.spi.PermanentException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The message templates: {@code ${name}} takes {@code values[name]}, {@code ${secret:NAME}} takes the secret
 * {@code NAME} at send time, and {@code $${} writes a literal {@code ${}. Substitution is one pass: a value that
 * itself holds {@code ${…}} stays that text, so a value (typed by a tenant, say) can never pull in a secret. In an
 * HTML template every substituted text is HTML-escaped; a text template takes it as it is.
 *
 * <p>Stateless and thread-safe.
 */
public final class Templates {

  /** A placeholder name: a key of {@code values}. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
  /** A secret's name, as core names them. */
  public static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final String SECRET = "secret:";

  private Templates() {}

  /** One placeholder of a template. */
  public record Placeholder(String name, boolean secret) {
    @Override
    public String toString() {
      return "${" + (secret ? SECRET : "") + name + "}";
    }
  }

  /**
   * Every placeholder of {@code template}, checked: each value placeholder must be a key of {@code values}, each
   * secret placeholder must be listed in {@code secrets} and, unless {@code secretsAllowed}, is refused.
   *
   * @throws PermanentException naming {@code field} and the placeholder
   */
  public static List<Placeholder> check(String field, String template, Collection<String> values,
      Collection<String> secrets, boolean secretsAllowed) {
    List<Placeholder> found = new ArrayList<>();
    render(field, template, p -> {
      if (p.secret()) {
        if (!secretsAllowed) {
          throw new PermanentException("field '" + field + "': " + p + " is allowed only in body and html — a "
              + "subject is stored and shown in clear by every mail server and client on the way");
        }
        if (!secrets.contains(p.name())) {
          throw new PermanentException("field '" + field + "': " + p + " names a secret not listed in 'secrets'; "
              + "list every secret the message may reveal, e.g. secrets: [" + p.name() + "]");
        }
      } else if (!values.contains(p.name())) {
        throw new PermanentException("field '" + field + "': unknown placeholder " + p + "; 'values' has "
            + (values.isEmpty() ? "no keys" : "only " + String.join(", ", new TreeSet<>(values))));
      }
      found.add(p);
      return "";
    }, false);
    return found;
  }

  /**
   * {@code template} with every placeholder replaced by what {@code fill} returns for it (HTML-escaped when
   * {@code html}).
   *
   * @throws PermanentException naming {@code field} for a malformed placeholder, or what {@code fill} throws
   */
  public static String render(String field, String template, Function<Placeholder, String> fill, boolean html) {
    StringBuilder out = new StringBuilder(template.length() + 64);
    int i = 0;
    while (i < template.length()) {
      char ch = template.charAt(i);
      if (ch == '$' && template.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (ch == '$' && template.startsWith("${", i)) {
        int end = template.indexOf('}', i + 2);
        if (end < 0) {
          throw new PermanentException("field '" + field + "': a placeholder at character " + i
              + " is not closed with '}' (write $${ for a literal ${)");
        }
        String inner = template.substring(i + 2, end);
        Placeholder p = placeholder(field, inner);
        String text = fill.apply(p);
        out.append(html ? escapeHtml(text) : text);
        i = end + 1;
      } else {
        out.append(ch);
        i++;
      }
    }
    return out.toString();
  }

  private static Placeholder placeholder(String field, String inner) {
    if (inner.startsWith(SECRET)) {
      String name = inner.substring(SECRET.length());
      if (!SECRET_NAME.matcher(name).matches()) {
        throw new PermanentException("field '" + field + "': ${" + SECRET + "…} needs a secret's name, e.g. "
            + "${secret:admin-password}");
      }
      return new Placeholder(name, true);
    }
    if (!NAME.matcher(inner).matches()) {
      throw new PermanentException("field '" + field + "': \"${" + (inner.length() > 40 ? inner.substring(0, 40)
          + "…" : inner) + "}\" is not a placeholder: use ${name} for values[name] or ${secret:NAME}");
    }
    return new Placeholder(inner, false);
  }

  /** Escapes {@code & < > " '} for HTML text and attribute values. */
  public static String escapeHtml(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Renders with values only (secrets must have been refused by {@link #check}). */
  public static String withValues(String field, String template, Map<String, String> values, boolean html) {
    return render(field, template, p -> values.get(p.name()), html);
  }
}
