package dev.tenantwright.examples.portal;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Tenantwright;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running portal: a {@link Tenantwright} on an embedded H2 journal, the SANDBOX backend and the web
 * server, started together by {@link #start(Settings)} and stopped together by {@link #close()}.
 */
public final class Portal implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Portal.class);
  static final String SANDBOX_BLUEPRINT = "portal-sandbox";
  static final int MAX_PROVISION_ATTEMPTS = 3;

  /**
   * How to run the portal.
   *
   * @param dataDir the journal directory (embedded H2 and its secret key)
   * @param bindAddress the address to listen on, {@code 127.0.0.1} unless the portal should be reachable
   *     from elsewhere
   * @param port the port, 0 for any free one
   * @param pluginsDir PF4J plugin jars for real backends, or null
   * @param blueprintsDir more blueprints (YAML), or null
   * @param blueprint the blueprint of new environments; the bundled sandbox one unless set
   * @param pluginConfig configuration sections per backend, e.g. {@code compose → {rootDir: /srv/sites}}
   * @param parameters blueprint vars for every run the portal starts; {@code {tenant}} and {@code {environment}}
   *     in a value become the tenant id and environment name,
   *     e.g. {@code domain → {tenant}-{environment}.example.com}
   * @param samplePace the sandbox sample-data step's pause per batch of records, so a person sees progress
   */
  public record Settings(Path dataDir, String bindAddress, int port, Path pluginsDir, Path blueprintsDir,
      String blueprint, Map<String, Map<String, Object>> pluginConfig, Map<String, String> parameters,
      Duration samplePace) {

    /** Checks the values and copies the configuration. */
    public Settings {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(bindAddress, "bindAddress");
      Objects.requireNonNull(samplePace, "samplePace");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0-65535, not " + port);
      }
      pluginConfig = Map.copyOf(pluginConfig == null ? Map.of() : pluginConfig);
      parameters = Map.copyOf(parameters == null ? Map.of() : parameters);
    }

    /** The defaults: journal in {@code dataDir}, 127.0.0.1, any free port, the SANDBOX backend. */
    public static Settings defaults(Path dataDir) {
      return new Settings(dataDir, "127.0.0.1", 0, null, null, null, Map.of(), Map.of(), Duration.ofMillis(250));
    }

    public Settings withPort(int newPort) {
      return new Settings(dataDir, bindAddress, newPort, pluginsDir, blueprintsDir, blueprint, pluginConfig,
          parameters, samplePace);
    }

    public Settings withBindAddress(String address) {
      return new Settings(dataDir, address, port, pluginsDir, blueprintsDir, blueprint, pluginConfig, parameters,
          samplePace);
    }

    /** Real backends: plugin jars, blueprints, the blueprint of new environments and the backends' configuration. */
    public Settings withBackends(Path plugins, Path blueprints, String defaultBlueprint,
        Map<String, Map<String, Object>> config) {
      return new Settings(dataDir, bindAddress, port, plugins, blueprints, defaultBlueprint, config, parameters,
          samplePace);
    }

    public Settings withParameters(Map<String, String> values) {
      return new Settings(dataDir, bindAddress, port, pluginsDir, blueprintsDir, blueprint, pluginConfig, values,
          samplePace);
    }

    public Settings withSamplePace(Duration pace) {
      return new Settings(dataDir, bindAddress, port, pluginsDir, blueprintsDir, blueprint, pluginConfig,
          parameters, pace);
    }

    /** Whether new environments use the bundled SANDBOX blueprint. */
    boolean sandbox() {
      return blueprint == null || blueprint.equals(SANDBOX_BLUEPRINT);
    }
  }

  private final Tenantwright tw;
  private final SandboxSites sites;
  private final PortalServer server;

  private Portal(Tenantwright tw, SandboxSites sites, PortalServer server) {
    this.tw = tw;
    this.sites = sites;
    this.server = server;
  }

  /** Opens the journal, serves the sandbox sites of earlier sign-ups again and starts the web server. */
  public static Portal start(Settings settings) throws IOException {
    return start(settings, SampleData.Hold.NONE);
  }

  static Portal start(Settings settings, SampleData.Hold hold) throws IOException {
    SandboxSites sites = new SandboxSites();
    Tenantwright.Builder builder = Tenantwright.builder()
        .embedded(settings.dataDir())
        .blueprint(bundledBlueprint())
        .defaultBlueprint(settings.blueprint() == null ? SANDBOX_BLUEPRINT : settings.blueprint())
        .step(new SandboxSite(sites))
        .step(new SampleData(sites, settings.samplePace(), hold))
        .maxProvisionAttempts(MAX_PROVISION_ATTEMPTS);
    if (settings.pluginsDir() != null) {
      builder.plugins(settings.pluginsDir());
    }
    if (settings.blueprintsDir() != null) {
      builder.blueprints(settings.blueprintsDir());
    }
    settings.pluginConfig().forEach(builder::pluginConfig);
    Tenantwright tw = builder.build();
    try {
      sites.restore(tw);
      PortalServer server = new PortalServer(tw, settings.sandbox(), MAX_PROVISION_ATTEMPTS, settings.parameters(),
          new InetSocketAddress(settings.bindAddress(), settings.port()));
      server.start();
      Portal portal = new Portal(tw, sites, server);
      LOG.info("portal listening on {} (journal {}, {})", portal.uri(), settings.dataDir().toAbsolutePath(),
          settings.sandbox() ? "SANDBOX backend" : "blueprint " + settings.blueprint());
      return portal;
    } catch (IOException | RuntimeException e) {
      tw.close();
      sites.close();
      throw e;
    }
  }

  /** The portal's address, e.g. {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    InetSocketAddress a = server.address();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/");
  }

  /** The embedded instance (tests look at what the pages show against it). */
  Tenantwright tenantwright() {
    return tw;
  }

  /** Stops the web server (ending open event streams), then the engine, then the sandbox sites. */
  @Override
  public void close() {
    try {
      server.close();
    } finally {
      try {
        tw.close();
      } finally {
        sites.close();
      }
    }
  }

  private static Blueprint bundledBlueprint() {
    try (InputStream in = Portal.class.getResourceAsStream("/blueprints/portal-sandbox.yaml")) {
      if (in == null) {
        throw new IllegalStateException("the bundled blueprint is missing from the jar");
      }
      return Blueprint.fromYaml("portal-sandbox.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
