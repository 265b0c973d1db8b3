package dev.tenantwright.plugin.compose;

import dev.tenantwright.spi.PermanentException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Field checks shared by the spec and config records, each throwing a {@link PermanentException} that names
 * the field, so a bad blueprint fails before anything reaches Docker.
 */
final class Checks {

  private static final Pattern MEMORY = Pattern.compile("[0-9]+(\\.[0-9]+)?([bkmg]b?)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern CPUS = Pattern.compile("[0-9]+(\\.[0-9]+)?");
  private static final Pattern DURATION = Pattern.compile("([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+");

  /** A relative path: names of letters, digits, '.', '_' and '-' joined by '/'. */
  private static final Pattern RELATIVE_PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*/?");
  /** A git ref and optional subfolder of a BuildKit git context fragment: {@code #ref[:subfolder]}. */
  private static final Pattern GIT_FRAGMENT = Pattern.compile("[A-Za-z0-9._/-]{1,200}(:[A-Za-z0-9._/-]{1,200})?");
  private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");
  private static final Pattern GIT_PATH = Pattern.compile("(/[A-Za-z0-9._-]+)+\\.git");

  private Checks() {}

  /**
   * A value for the {@code .env} file: printable text without {@code '} or {@code \}. The file holds it in
   * single quotes, which compose-go's dotenv parser reads literally, except that a backslash before a quote
   * escapes it (so a value ending in a backslash runs on into the next line, security finding SEC2) and
   * compose-go versions differ on other backslashes; line breaks and other control characters are refused as
   * well. The message never contains the value.
   */
  static void envFileValue(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\'' || c == '\\' || Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        throw invalid(field, "holds a quote, a backslash, a line break or another control character (at position "
            + i + "), which Compose's .env parser would not read back literally");
      }
    }
  }

  /**
   * A label value: no control character, and no comma followed by a {@code name=value} piece — Compose's
   * {@code ps} joins labels as {@code k=v,k=v}, so such a value would read as another label (a forged owner
   * marker, security finding SEC12). Commas in lists such as {@code web,websecure} are fine.
   */
  static void labelValue(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw invalid(field, "holds a control character at position " + i);
      }
    }
    String[] pieces = value.split(",", -1);
    for (int i = 1; i < pieces.length; i++) {
      if (pieces[i].indexOf('=') >= 0) {
        throw invalid(field, "holds a comma followed by name=value, which docker compose ps would read as another "
            + "label: " + value);
      }
    }
  }

  /** Whether a build context is a remote (git) one rather than a folder. */
  static boolean isGitContext(String context) {
    return context.contains("://") || context.startsWith("git@");
  }

  /** A git build context: {@code https://host/path.git#ref[:subfolder]}, no credentials, no {@code ..}. */
  static void gitContext(String field, String context) {
    URI u;
    try {
      u = new URI(context);
    } catch (URISyntaxException e) {
      throw invalid(field, "is not a URL: " + context);
    }
    if (!"https".equals(u.getScheme()) || u.getRawUserInfo() != null || u.getHost() == null
        || !HOST.matcher(u.getHost()).matches() || u.getPort() != -1 || u.getRawQuery() != null
        || u.getRawPath() == null || !GIT_PATH.matcher(u.getRawPath()).matches() || u.getRawPath().contains("/../")
        || u.getRawPath().contains("/./")) {
      throw invalid(field, "a git context must be https://<host>/<path>.git#<ref>, without credentials, port or query: "
          + context);
    }
    String fragment = u.getRawFragment();
    if (fragment == null || !GIT_FRAGMENT.matcher(fragment).matches() || fragment.contains("..")) {
      throw invalid(field, "a git context names the commit or branch to build after '#', e.g. "
          + "https://github.com/acme/shop.git#<commit>: " + context);
    }
  }

  /** A relative path below some folder: no leading '/', no '..' segment, not the folder itself. */
  static String relativePath(String field, String value) {
    if (value.length() > 200 || !RELATIVE_PATH.matcher(value).matches()) {
      throw invalid(field, "must be a relative path of letters, digits, '.', '_', '-' and '/', was " + value);
    }
    boolean named = false;
    for (String segment : value.split("/")) {
      if (segment.equals("..")) {
        throw invalid(field, "must not leave its folder with '..': " + value);
      }
      named |= !segment.equals(".");
    }
    if (!named) {
      throw invalid(field, "must name a folder below its root, not the root itself: " + value);
    }
    return value;
  }

  /** A Compose byte value such as {@code 256m} or {@code 1g}. */
  static String memory(String field, String value) {
    if (!MEMORY.matcher(value).matches()) {
      throw new PermanentException("field '" + field + "': \"" + value
          + "\" is not a memory size such as 128m, 512m or 1g");
    }
    return value;
  }

  /** A positive CPU count such as {@code 0.5} or {@code 2}. */
  static String cpus(String field, String value) {
    if (!CPUS.matcher(value).matches() || Double.parseDouble(value) <= 0) {
      throw new PermanentException("field '" + field + "': \"" + value + "\" is not a positive CPU count such as 0.5");
    }
    return value;
  }

  /** A Compose duration such as {@code 5s}, {@code 1m30s} or {@code 500ms}. */
  static String duration(String field, String value) {
    if (!DURATION.matcher(value).matches()) {
      throw new PermanentException("field '" + field + "': \"" + value + "\" is not a duration such as 5s, 1m30s or 500ms");
    }
    return value;
  }

  /** Throws a permanent failure naming the field. */
  static PermanentException invalid(String field, String why) {
    return new PermanentException("compose.project spec, field '" + field + "': " + why);
  }
}
