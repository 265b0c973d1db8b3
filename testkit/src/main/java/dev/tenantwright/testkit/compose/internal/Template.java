package dev.tenantwright.testkit.compose.internal;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compose's variable substitution — {@code $$}, {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}},
 * {@code ${VAR-default}}, {@code ${VAR:?error}}, {@code ${VAR?error}}, {@code ${VAR:+alt}}, {@code ${VAR+alt}}
 * — ported line by line from compose-go {@code template/template.go} ({@code Substitute},
 * {@code DefaultReplacementAppliedFunc}, {@code getSubstitutionFunctionForTemplate},
 * {@code getFirstBraceClosingIndex}), including its quirks: a {@code $} not followed by a name or a brace
 * stays literal, {@code ${} or {@code ${1}} is an invalid template, the greedy match of a braced expression
 * with a modifier is cut at its first closing brace and the rest substituted again, and the modifier is
 * chosen by its first position in the whole match.
 *
 * <p>Used both for the compose file (compose-go {@code interpolation/interpolation.go}) and for unquoted and
 * double-quoted {@code .env} values (compose-go {@code dotenv/godotenv.go expandVariables}). Stateless.
 */
public final class Template {

  /**
   * compose-go's {@code DefaultPattern}:
   * {@code \$(?i:(?P<escaped>\$)|(?P<named>[_a-z][_a-z0-9]*)|{(?:(?P<braced>[_a-z][_a-z0-9]*(?::?[-+?](.*))?)}|(?P<invalid>)))}.
   * Go's regexp is leftmost-first like Java's for these alternatives; {@code .} matches no newline in both.
   */
  static final Pattern PATTERN = Pattern.compile(
      "\\$(?iu:(?<escaped>\\$)|(?<named>[_a-z][_a-z0-9]*)|\\{(?:(?<braced>[_a-z][_a-z0-9]*(?::?[-+?](.*))?)}|(?<invalid>)))");

  /** The separators in compose-go's {@code interpolationMapping} order (the order matters when none is present). */
  private static final List<String> SEPARATORS = List.of(":?", "?", ":-", "-", ":+", "+");

  private Template() {}

  /**
   * A failed substitution: compose-go's {@code InvalidTemplateError} ({@code Invalid template: "..."}) or
   * {@code MissingRequiredError} ({@code required variable X is missing a value[: reason]}).
   */
  public static final class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean invalidTemplate;
    private String template;

    TemplateException(String message, boolean invalidTemplate, String template) {
      super(message);
      this.invalidTemplate = invalidTemplate;
      this.template = template;
    }

    /** Whether the text was not a valid template (as opposed to a required variable missing). */
    public boolean invalidTemplate() {
      return invalidTemplate;
    }

    /** The template text that was invalid (the whole input when the failing part had none of its own). */
    public String template() {
      return template;
    }

    @Override
    public String getMessage() {
      return invalidTemplate ? "Invalid template: " + goQuote(template) : super.getMessage();
    }
  }

  /**
   * Substitutes the variables in {@code template}: {@code lookup} answers a value or null when the variable is
   * not set; every unset variable a plain reference met is added to {@code unset} (Compose warns
   * {@code The "X" variable is not set. Defaulting to a blank string.}).
   *
   * @throws TemplateException the first error, as compose-go returns it (after substituting the rest)
   */
  public static String substitute(String template, Function<String, String> lookup, Set<String> unset) {
    Matcher m = PATTERN.matcher(template);
    StringBuilder out = new StringBuilder();
    TemplateException first = null;
    int last = 0;
    while (m.find()) {
      out.append(template, last, m.start());
      last = m.end();
      String replacement;
      try {
        replacement = replace(m.group(), lookup, unset);
      } catch (TemplateException e) {
        // SubstituteWithOptions: a template error without text of its own gets the whole input
        if (e.invalidTemplate && (e.template == null || e.template.isEmpty())) {
          e.template = template;
        }
        if (first == null) {
          first = e;
        }
        replacement = "";
      }
      out.append(replacement);
    }
    out.append(template.substring(last));
    if (first != null) {
      throw first;
    }
    return out.toString();
  }

  /** {@code DefaultReplacementAppliedFunc}. */
  private static String replace(String substring, Function<String, String> lookup, Set<String> unset) {
    String separator = separatorFor(substring);
    int closing = firstBraceClosingIndex(substring);
    String rest = "";
    if (closing > -1) {
      rest = substring.substring(closing + 1);
      substring = substring.substring(0, closing + 1);
    }
    Matcher m = PATTERN.matcher(substring);
    if (!m.find()) {
      throw new TemplateException("Invalid template", true, "");
    }
    if (m.group("escaped") != null) {
      return m.group("escaped");
    }
    boolean braced = false;
    String substitution = m.group("named");
    if (substitution == null || substitution.isEmpty()) {
      substitution = m.group("braced");
      braced = true;
    }
    if (substitution == null || substitution.isEmpty()) {
      throw new TemplateException("Invalid template", true, "");
    }
    if (braced && substitution.contains(separator)) {
      String value = apply(separator, substitution, lookup, unset);
      return value + substitute(rest, lookup, unset);
    }
    String value = lookup.apply(substitution);
    if (value == null) {
      unset.add(substitution);
      return "";
    }
    return value;
  }

  /**
   * {@code getSubstitutionFunctionForTemplate}: the separator found first in the whole match; when none is
   * present, the first of the list (which then does not apply).
   */
  private static String separatorFor(String template) {
    String best = SEPARATORS.get(0);
    int bestIndex = -1;
    for (String s : SEPARATORS) {
      int i = template.indexOf(s);
      if (i >= 0 && (bestIndex < 0 || i < bestIndex)) {
        best = s;
        bestIndex = i;
      }
    }
    return best;
  }

  /** The substitution functions of template.go, given that {@code substitution} contains {@code sep}. */
  private static String apply(String sep, String substitution, Function<String, String> lookup, Set<String> unset) {
    int at = substitution.indexOf(sep);
    String name = substitution.substring(0, at);
    String argument = substitution.substring(at + sep.length());
    String value = lookup.apply(name);
    boolean set = value != null;
    return switch (sep) {
      // defaultWhenEmptyOrUnset / defaultWhenUnset
      case ":-" -> !set || value.isEmpty() ? substitute(argument, lookup, unset) : value;
      case "-" -> !set ? substitute(argument, lookup, unset) : value;
      // defaultWhenNotEmpty / defaultWhenSet: the alternative when set, else the (possibly empty) value
      case ":+" -> set && !value.isEmpty() ? substitute(argument, lookup, unset) : nullToEmpty(value);
      case "+" -> set ? substitute(argument, lookup, unset) : "";
      // requiredErrorWhenEmptyOrUnset / requiredErrorWhenUnset
      case ":?", "?" -> {
        if (!set || (sep.equals(":?") && value.isEmpty())) {
          String reason = substitute(argument, lookup, unset);
          throw new TemplateException("required variable " + name + " is missing a value"
              + (reason.isEmpty() ? "" : ": " + reason), false, null);
        }
        yield value;
      }
      default -> throw new IllegalStateException(sep);
    };
  }

  /** {@code getFirstBraceClosingIndex}: the closing brace matching the first opening one (skipping {@code {x}). */
  static int firstBraceClosingIndex(String s) {
    int open = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '}') {
        open--;
        if (open == 0) {
          return i;
        }
      }
      if (s.charAt(i) == '{') {
        open++;
        i++;
      }
    }
    return -1;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** Go's {@code %#v} / {@code %q} of a string, close enough for messages. */
  static String goQuote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
