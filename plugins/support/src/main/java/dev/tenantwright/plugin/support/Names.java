package dev.tenantwright.plugin.support;

import dev.tenantwright.spi.PermanentException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks names before they reach a backend, with messages that name the blueprint field, so a user reads
 * {@code field 'project': "My App" is not a valid Compose project name ...} at plan time instead of a
 * backend's refusal halfway through a run.
 *
 * <p>Each method returns the name unchanged when it is valid, so it can wrap an assignment, and otherwise
 * throws {@link PermanentException}. The rules are the backends' own (see BACKENDS.md); nothing is
 * normalised silently. Stateless; thread-safe.
 *
 * <pre>{@code
 * String project = Names.composeProject("project", spec.project());
 * String host = Names.hostname("domain", spec.domain());
 * }</pre>
 */
public final class Names {

  private static final Pattern COMPOSE_PROJECT = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
  private static final Pattern VERCEL_PROJECT = Pattern.compile("[a-z0-9._-]+");
  private static final Pattern VERCEL_PROJECT_ID = Pattern.compile("prj_[A-Za-z0-9]{1,64}");
  private static final Pattern INCUS_INSTANCE = Pattern.compile("[A-Za-z]([A-Za-z0-9-]*[A-Za-z0-9])?");
  private static final Pattern ENV_VAR = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern GITHUB_REPOSITORY = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern GITHUB_OWNER = Pattern.compile("[A-Za-z0-9](-?[A-Za-z0-9])*");

  private Names() {}

  /**
   * A Docker Compose project name: lowercase letters, digits, {@code -} and {@code _}, starting with a letter
   * or digit ({@code ^[a-z0-9][a-z0-9_-]*$}, as {@code docker compose -p} enforces).
   */
  public static String composeProject(String field, String value) {
    requirePresent(field, value);
    if (!COMPOSE_PROJECT.matcher(value).matches()) {
      throw invalid(field, value, "is not a valid Compose project name: use lowercase letters, digits, '-' and '_', starting with a letter or digit");
    }
    return value;
  }

  /** A DNS label: 1 to 63 lowercase letters, digits and {@code -}, neither starting nor ending with {@code -}. */
  public static String dnsLabel(String field, String value) {
    requirePresent(field, value);
    if (value.length() > 63) {
      throw invalid(field, value, "is " + value.length() + " characters long; a DNS label has at most 63");
    }
    if (!DNS_LABEL.matcher(value).matches()) {
      throw invalid(field, value, "is not a valid DNS label: use lowercase letters, digits and '-', not at the start or end");
    }
    return value;
  }

  /**
   * A host name such as {@code shop.acme.example.com}: dot-separated {@linkplain #dnsLabel DNS labels}, at
   * most 253 characters, no trailing dot, no wildcard.
   */
  public static String hostname(String field, String value) {
    requirePresent(field, value);
    if (value.length() > 253) {
      throw invalid(field, value, "is " + value.length() + " characters long; a host name has at most 253");
    }
    for (String label : value.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || !DNS_LABEL.matcher(label).matches()) {
        throw invalid(field, value, "is not a valid host name: label '" + label
            + "' must be 1 to 63 lowercase letters, digits and '-', not at the start or end");
      }
    }
    return value;
  }

  /**
   * A Vercel project name: at most 100 characters of lowercase letters, digits, {@code .}, {@code _} and
   * {@code -}, and no {@code ---}.
   */
  public static String vercelProject(String field, String value) {
    requirePresent(field, value);
    if (value.length() > 100) {
      throw invalid(field, value, "is " + value.length() + " characters long; a Vercel project name has at most 100");
    }
    if (!VERCEL_PROJECT.matcher(value).matches()) {
      throw invalid(field, value, "is not a valid Vercel project name: use lowercase letters, digits, '.', '_' and '-'");
    }
    if (value.contains("---")) {
      throw invalid(field, value, "is not a valid Vercel project name: it must not contain '---'");
    }
    if (value.equals(".") || value.equals("..")) {
      // it would be a dot segment in /v9/projects/{idOrName}
      throw invalid(field, value, "is not a valid Vercel project name: it must not be '.' or '..'");
    }
    return value;
  }

  /**
   * A reference to a Vercel project as the API's {@code {idOrName}} takes it: a project id
   * ({@code prj_} and letters or digits) or a {@linkplain #vercelProject project name}.
   */
  public static String vercelProjectIdOrName(String field, String value) {
    requirePresent(field, value);
    if (VERCEL_PROJECT_ID.matcher(value).matches()) {
      return value;
    }
    try {
      return vercelProject(field, value);
    } catch (PermanentException e) {
      throw invalid(field, value, "is neither a Vercel project id (prj_...) nor a valid project name: use ${<project"
          + " resource>.id}, or a name of lowercase letters, digits, '.', '_' and '-'");
    }
  }

  /**
   * An Incus instance name: 1 to 63 letters, digits and {@code -}, starting with a letter and not ending
   * with {@code -}.
   */
  public static String incusInstance(String field, String value) {
    requirePresent(field, value);
    if (value.length() > 63) {
      throw invalid(field, value, "is " + value.length() + " characters long; an Incus instance name has at most 63");
    }
    if (!INCUS_INSTANCE.matcher(value).matches()) {
      throw invalid(field, value, "is not a valid Incus instance name: use letters, digits and '-', starting with a letter and not ending with '-'");
    }
    return value;
  }

  /** An environment variable name for {@code .env} files and container config: {@code [A-Za-z_][A-Za-z0-9_]*}. */
  public static String envVarName(String field, String value) {
    requirePresent(field, value);
    if (!ENV_VAR.matcher(value).matches()) {
      throw invalid(field, value, "is not a valid environment variable name: use letters, digits and '_', not starting with a digit");
    }
    return value;
  }

  /**
   * A GitHub repository name: at most 100 ASCII letters, digits, {@code .}, {@code -} and {@code _}, not {@code .} or
   * {@code ..}, not ending in {@code .git} or {@code .wiki} (github/docs#44518). GitHub itself would replace other
   * characters with {@code -} silently and create a repository of another name; here they are refused.
   */
  public static String githubRepository(String field, String value) {
    requirePresent(field, value);
    if (value.length() > 100) {
      throw invalid(field, value, "is " + value.length() + " characters long; a GitHub repository name has at most 100");
    }
    if (!GITHUB_REPOSITORY.matcher(value).matches()) {
      throw invalid(field, value, "is not a valid GitHub repository name: use ASCII letters, digits, '.', '-' and '_'");
    }
    if (value.equals(".") || value.equals("..")) {
      throw invalid(field, value, "is not a valid GitHub repository name: it must not be '.' or '..'");
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".git") || lower.endsWith(".wiki")) {
      throw invalid(field, value, "is not a valid GitHub repository name: it must not end with '.git' or '.wiki'");
    }
    return value;
  }

  /**
   * A GitHub account (user or organisation) login: 1 to 39 letters, digits and single hyphens, neither starting nor
   * ending with one.
   */
  public static String githubOwner(String field, String value) {
    requirePresent(field, value);
    if (value.length() > 39) {
      throw invalid(field, value, "is " + value.length() + " characters long; a GitHub account name has at most 39");
    }
    if (!GITHUB_OWNER.matcher(value).matches()) {
      throw invalid(field, value, "is not a valid GitHub account name: use letters, digits and single hyphens, not at "
          + "the start or end");
    }
    return value;
  }

  private static void requirePresent(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new PermanentException("field '" + field + "': must not be empty");
    }
  }

  private static PermanentException invalid(String field, String value, String why) {
    return new PermanentException("field '" + field + "': \"" + value + "\" " + why);
  }
}
