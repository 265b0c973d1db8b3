package dev.tenantwright.core;

import dev.tenantwright.spi.TenantwrightException;
import java.util.List;

/**
 * The plugin configuration does not fit the plugins, so the host refuses to start: a section for a backend no
 * plugin provides (a typo such as {@code verscel}), an unknown key, a missing required value, a value of the wrong
 * kind (a duration without a unit), or a host-side library a plugin needs that is not on the class path.
 *
 * <p>Thrown by {@code Tenantwright.builder().build()} and the Guice module with every problem at once, one line
 * each, naming the section and the field but never a value (sections hold tokens) — so the host is fixed in one
 * pass, and no tenant's run fails later for it.
 */
public class PluginConfigException extends TenantwrightException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /** Creates the exception listing {@code problems}, one line each. */
  public PluginConfigException(List<String> problems) {
    super("the plugin configuration has " + problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem, naming the section and field. */
  public List<String> problems() {
    return problems;
  }
}
