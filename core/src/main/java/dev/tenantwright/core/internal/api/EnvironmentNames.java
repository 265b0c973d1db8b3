package dev.tenantwright.core.internal.api;

import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.internal.engine.Naming;
import dev.tenantwright.spi.EnvironmentKind;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The grammar of environment names, sites included.
 *
 * <p>A tenant owns one or more <em>sites</em> — named worlds of the same blueprint kind, e.g. a {@code shop} and a
 * {@code blog} — each with its own demo, live and test instances. The first site is {@value #MAIN}; its environments
 * keep the short names {@code demo}, {@code live} and {@code test-<name>} (so every journal made before sites existed
 * reads the same). Another site's environments are prefixed with the site: {@code shop-live}, {@code shop-demo},
 * {@code shop-test-<name>}. A site name is 1–20 of {@code [a-z0-9]} starting with a letter — no {@code '-'} — and not
 * {@code demo}, {@code live}, {@code test} or {@value #MAIN}, so the first {@code '-'} of a name always ends the site and
 * no two (site, kind, test name) triples ever give the same environment name.
 */
public final class EnvironmentNames {

  /** The site whose environments have no prefix. */
  public static final String MAIN = "main";

  private static final Pattern SITE = Pattern.compile("[a-z][a-z0-9]{0,19}");
  private static final Pattern TEST_NAME = Pattern.compile("[a-z][a-z0-9-]{0,19}");
  private static final Set<String> RESERVED = Set.of("demo", "live", "test", MAIN);

  private EnvironmentNames() {}

  /** What an environment name says. */
  public record Parsed(String site, EnvironmentKind kind, String testName) {}

  /**
   * Parses {@code demo}, {@code live}, {@code test-<name>} and their site-prefixed forms.
   *
   * @throws ValidationException naming {@code environment} when the name is none of these
   */
  public static Parsed parse(String environment) {
    if (environment != null) {
      int dash = environment.indexOf('-');
      String head = dash < 0 ? environment : environment.substring(0, dash);
      if (!RESERVED.contains(head) && SITE.matcher(head).matches() && dash > 0) {
        Parsed rest = local(environment.substring(dash + 1), head);
        if (rest != null) {
          return rest;
        }
      } else {
        Parsed main = local(environment, MAIN);
        if (main != null) {
          return main;
        }
      }
    }
    throw new ValidationException("environment", "'" + environment + "' is not demo, live, test-<name> or "
        + "<site>-demo, <site>-live, <site>-test-<name>");
  }

  private static Parsed local(String name, String site) {
    if (name.equals("demo")) {
      return new Parsed(site, EnvironmentKind.DEMO, null);
    }
    if (name.equals("live")) {
      return new Parsed(site, EnvironmentKind.LIVE, null);
    }
    if (name.startsWith("test-") && isTestName(name.substring(5))) {
      return new Parsed(site, EnvironmentKind.TEST, name.substring(5));
    }
    return null;
  }

  /** The environment name of the demo or live environment ({@code testName} null) or a test instance of a site. */
  public static String name(String site, EnvironmentKind kind, String testName) {
    checkSite(site);
    String local = switch (kind) {
      case DEMO -> "demo";
      case LIVE -> "live";
      case TEST -> {
        if (!isTestName(testName)) {
          throw new ValidationException("name", "a test instance name is 1-20 of [a-z0-9-], starting with a letter, "
              + "without '--' or a trailing '-'");
        }
        yield "test-" + testName;
      }
    };
    return MAIN.equals(site) ? local : site + "-" + local;
  }

  /** The live environment of the site an environment belongs to. */
  public static String liveOf(String environment) {
    return name(parse(environment).site(), EnvironmentKind.LIVE, null);
  }

  /**
   * Checks a site name.
   *
   * @throws ValidationException naming {@code site}
   */
  public static void checkSite(String site) {
    if (MAIN.equals(site)) {
      return;
    }
    if (site == null || !SITE.matcher(site).matches() || RESERVED.contains(site)) {
      throw new ValidationException("site", "'" + site + "' is not a site name: 1-20 of [a-z0-9] starting with a "
          + "letter, not demo, live or test (the first site is '" + MAIN + "')");
    }
  }

  private static boolean isTestName(String name) {
    return name != null && TEST_NAME.matcher(name).matches() && Naming.isNamePart(name);
  }
}
