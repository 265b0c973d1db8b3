package dev.tenantwright.examples.quickstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code --config FILE} of the quickstart: real backends instead of the sandbox.
 *
 * <pre>{@code
 * plugins:
 *   vercel: {token: ..., teamId: ...}
 *   cloudflare: {token: ..., zoneId: ...}
 *   compose: {rootDir: /srv/sites}
 * platformDomains: [sites.example.com]     # names under it are the platform's to give out; others need a
 *                                          # verified custom domain
 * egressAllow: []                          # optional: private addresses health checks may reach
 * pluginsDir: /opt/tenantwright/plugins   # optional: plugin jars besides those on the classpath
 * blueprints: /opt/tenantwright/blueprints # optional: more blueprints besides the bundled one
 * defaultBlueprint: quickstart            # optional
 * }</pre>
 *
 * @param plugins each backend's plugin configuration section, by backend name
 * @param pluginsDir a folder of plugin jars, or null
 * @param blueprints a folder of blueprint YAML files, or null
 * @param defaultBlueprint the blueprint runs use when none is named, or null for the bundled one
 * @param platformDomains the domains under which the platform gives tenants names
 * @param egressAllow hosts, addresses or CIDR ranges URLs from parameters may reach although private
 *
 * <p>An unknown key is an error, so a misspelt one is not silently ignored.
 */
record QuickstartConfig(
    Map<String, Map<String, Object>> plugins, Path pluginsDir, Path blueprints, String defaultBlueprint,
    List<String> platformDomains, List<String> egressAllow) {

  QuickstartConfig {
    plugins = plugins == null ? Map.of() : Map.copyOf(plugins);
    platformDomains = platformDomains == null ? List.of() : List.copyOf(platformDomains);
    egressAllow = egressAllow == null ? List.of() : List.copyOf(egressAllow);
  }

  /** Reads the file; relative folders are taken relative to the file's own folder. */
  static QuickstartConfig read(Path file) throws IOException {
    QuickstartConfig c = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), QuickstartConfig.class);
    Path base = file.toAbsolutePath().getParent();
    return new QuickstartConfig(c.plugins(),
        c.pluginsDir() == null ? null : base.resolve(c.pluginsDir()),
        c.blueprints() == null ? null : base.resolve(c.blueprints()),
        c.defaultBlueprint(), c.platformDomains(), c.egressAllow());
  }
}
