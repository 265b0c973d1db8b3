package dev.tenantwright.examples.portal;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Tenantwright;
import dev.tenantwright.examples.stories.Sandbox;
import dev.tenantwright.examples.stories.Stories;
import dev.tenantwright.examples.stories.Story;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running portal: a {@link Tenantwright} on an embedded H2 journal, the SANDBOX backend and the web
 * server, started together by {@link #start(Settings)} and stopped together by {@link #close()}.
 *
 * <p>The SANDBOX is either the bundled blueprint's tiny sites, or — with {@link Settings#blueprint()} naming one of
 * {@code examples/blueprints} and no real backends configured — that example blueprint against the test kit's
 * fakes, started in this process by its user story ({@link Stories}).
 */
public final class Portal implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Portal.class);
  static final String SANDBOX_BLUEPRINT = "portal-sandbox";
  static final int MAX_PROVISION_ATTEMPTS = 3;

  /**
   * How to run the portal.
   *
   * @param dataDir the journal directory (embedded H2 and its secret key), which also holds the portal's
   *     sign-in records ({@code portal.mv.db}) and, with the default mailer, its outbox ({@code outbox.txt})
   * @param bindAddress the address to listen on, {@code 127.0.0.1} unless the portal should be reachable
   *     from elsewhere
   * @param port the port, 0 for any free one
   * @param pluginsDir PF4J plugin jars for real backends, or null
   * @param blueprintsDir more blueprints (YAML), or null
   * @param blueprint the blueprint of new environments; the bundled sandbox one unless set; without real
   *     backends ({@code pluginsDir}, {@code blueprintsDir}, {@code pluginConfig}) one of {@code examples/blueprints}
   *     (e.g. {@code vercel-site}) runs on the SANDBOX's fakes
   * @param pluginConfig configuration sections per backend, e.g. {@code compose → {rootDir: /srv/sites}}
   * @param parameters blueprint vars for every run the portal starts; {@code {tenant}} and {@code {environment}}
   *     in a value become the tenant id and environment name,
   *     e.g. {@code domain → {tenant}-{environment}.example.com}
   * @param samplePace the sandbox sample-data step's pause per batch of records, so a person sees progress
   * @param access who may reach the portal under which name, and how much of it one client may use
   * @param mailer where sign-in links go; null for an {@link OutboxMailer} writing {@code outbox.txt} in
   *     {@code dataDir}
   * @param platformDomains the domains under which the platform gives tenants host names (a route's host, a DNS
   *     record): names under them need no proof of ownership, any other name is a custom domain the tenant must
   *     verify first
   */
  public record Settings(Path dataDir, String bindAddress, int port, Path pluginsDir, Path blueprintsDir,
      String blueprint, Map<String, Map<String, Object>> pluginConfig, Map<String, String> parameters,
      Duration samplePace, Access access, Mailer mailer, List<String> platformDomains) {

    /** Checks the values and copies the configuration. */
    public Settings {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(bindAddress, "bindAddress");
      Objects.requireNonNull(samplePace, "samplePace");
      Objects.requireNonNull(access, "access");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0-65535, not " + port);
      }
      pluginConfig = Map.copyOf(pluginConfig == null ? Map.of() : pluginConfig);
      parameters = Map.copyOf(parameters == null ? Map.of() : parameters);
      platformDomains = List.copyOf(platformDomains == null ? List.of() : platformDomains);
    }

    /** The defaults: journal in {@code dataDir}, 127.0.0.1, any free port, the SANDBOX backend, {@link Access#defaults()}. */
    public static Settings defaults(Path dataDir) {
      return new Settings(dataDir, "127.0.0.1", 0, null, null, null, Map.of(), Map.of(), Duration.ofMillis(250),
          Access.defaults(), null, List.of());
    }

    public Settings withPort(int newPort) {
      return new Settings(dataDir, bindAddress, newPort, pluginsDir, blueprintsDir, blueprint, pluginConfig,
          parameters, samplePace, access, mailer, platformDomains);
    }

    public Settings withBindAddress(String address) {
      return new Settings(dataDir, address, port, pluginsDir, blueprintsDir, blueprint, pluginConfig, parameters,
          samplePace, access, mailer, platformDomains);
    }

    /** Real backends: plugin jars, blueprints, the blueprint of new environments and the backends' configuration. */
    public Settings withBackends(Path plugins, Path blueprints, String defaultBlueprint,
        Map<String, Map<String, Object>> config) {
      return new Settings(dataDir, bindAddress, port, plugins, blueprints, defaultBlueprint, config, parameters,
          samplePace, access, mailer, platformDomains);
    }

    public Settings withParameters(Map<String, String> values) {
      return new Settings(dataDir, bindAddress, port, pluginsDir, blueprintsDir, blueprint, pluginConfig, values,
          samplePace, access, mailer, platformDomains);
    }

    public Settings withSamplePace(Duration pace) {
      return new Settings(dataDir, bindAddress, port, pluginsDir, blueprintsDir, blueprint, pluginConfig,
          parameters, pace, access, mailer, platformDomains);
    }

    public Settings withAccess(Access newAccess) {
      return new Settings(dataDir, bindAddress, port, pluginsDir, blueprintsDir, blueprint, pluginConfig,
          parameters, samplePace, newAccess, mailer, platformDomains);
    }

    public Settings withMailer(Mailer newMailer) {
      return new Settings(dataDir, bindAddress, port, pluginsDir, blueprintsDir, blueprint, pluginConfig,
          parameters, samplePace, access, newMailer, platformDomains);
    }

    public Settings withPlatformDomains(List<String> domains) {
      return new Settings(dataDir, bindAddress, port, pluginsDir, blueprintsDir, blueprint, pluginConfig,
          parameters, samplePace, access, mailer, domains);
    }

    /** Whether the backend is a SANDBOX: the bundled blueprint's sites, or an example blueprint on fakes. */
    boolean sandbox() {
      return sandboxSites() || exampleStory().isPresent();
    }

    /** Whether new environments use the bundled SANDBOX blueprint. */
    boolean sandboxSites() {
      return blueprint == null || blueprint.equals(SANDBOX_BLUEPRINT);
    }

    /**
     * The user story whose sandbox runs the example blueprint {@link #blueprint()}, when no real backends are
     * configured.
     */
    Optional<Story> exampleStory() {
      if (sandboxSites() || pluginsDir != null || blueprintsDir != null || !pluginConfig.isEmpty()) {
        return Optional.empty();
      }
      return Stories.forBlueprint(blueprint);
    }

    /** What the pages say backs the portal. */
    Pages.Backend backend() {
      return sandboxSites() ? Pages.Backend.SANDBOX_SITES
          : exampleStory().isPresent() ? Pages.Backend.SANDBOX_FAKES : Pages.Backend.REAL;
    }
  }

  /**
   * At most {@code burst} requests at once, and {@code burst} more per {@code per} after that (a token
   * bucket refilling at a constant rate).
   */
  public record RateLimit(int burst, Duration per) {

    /** Checks that both are positive. */
    public RateLimit {
      Objects.requireNonNull(per, "per");
      if (burst < 1 || per.isNegative() || per.isZero()) {
        throw new IllegalArgumentException("a rate limit needs a burst of at least 1 and a positive period");
      }
    }
  }

  /**
   * Who may reach the portal, under which name, and how much of it one client may use.
   *
   * @param allowedHosts more {@code Host} names the portal answers to ({@code host} or {@code host:port}),
   *     beyond the bound address, 127.0.0.1, localhost and [::1] with the bound port; any other is refused
   *     (DNS rebinding)
   * @param publicUrl the address people use, e.g. {@code https://portal.example.com/} behind a TLS proxy, or
   *     null for the portal's own: sign-in links in mail start with it, its host is allowed, and an
   *     {@code https} one makes the session cookie {@code Secure}
   * @param trustedProxies addresses of reverse proxies whose {@code X-Forwarded-For} names the client; from
   *     anyone else that header is ignored
   * @param signupsPerClient sign-up and sign-in requests (each may send a mail) per client address
   * @param signupsOverall the same for all clients together
   * @param mailsPerAddress mails to one e-mail address; past it the portal answers as usual and sends nothing
   * @param threads HTTP threads (each open event stream holds one)
   * @param streams open event streams in all, fewer than {@code threads} so that pages always get a thread
   * @param streamsPerClient open event streams per client address
   * @param linkLifetime how long a mailed sign-in link works (once)
   * @param sessionLifetime how long a sign-in lasts
   */
  public record Access(List<String> allowedHosts, URI publicUrl, List<String> trustedProxies,
      RateLimit signupsPerClient, RateLimit signupsOverall, RateLimit mailsPerAddress, int threads, int streams,
      int streamsPerClient, Duration linkLifetime, Duration sessionLifetime) {

    /** Checks the values. */
    public Access {
      allowedHosts = allowedHosts == null ? List.of() : allowedHosts.stream().map(AllowedHosts::check).toList();
      trustedProxies = List.copyOf(trustedProxies == null ? List.of() : trustedProxies);
      Objects.requireNonNull(signupsPerClient, "signupsPerClient");
      Objects.requireNonNull(signupsOverall, "signupsOverall");
      Objects.requireNonNull(mailsPerAddress, "mailsPerAddress");
      Objects.requireNonNull(linkLifetime, "linkLifetime");
      Objects.requireNonNull(sessionLifetime, "sessionLifetime");
      if (publicUrl != null && (!("http".equals(publicUrl.getScheme()) || "https".equals(publicUrl.getScheme()))
          || publicUrl.getHost() == null || publicUrl.getRawQuery() != null || publicUrl.getRawFragment() != null
          || !(publicUrl.getRawPath() == null || publicUrl.getRawPath().isEmpty() || publicUrl.getRawPath().equals("/")))) {
        throw new IllegalArgumentException("publicUrl must be http(s)://host[:port]/ (the portal serves from the "
            + "root), was " + publicUrl);
      }
      if (streamsPerClient < 1 || streams < streamsPerClient || threads <= streams) {
        throw new IllegalArgumentException("need 1 <= streamsPerClient (" + streamsPerClient + ") <= streams ("
            + streams + ") < threads (" + threads + ")");
      }
      if (linkLifetime.isNegative() || linkLifetime.isZero() || sessionLifetime.isNegative()
          || sessionLifetime.isZero()) {
        throw new IllegalArgumentException("link and session lifetimes must be positive");
      }
    }

    /**
     * Only the local names; 5 sign-ups per client and 60 in all per hour, 3 mails per address per hour; 64
     * threads, 48 event streams, 6 per client; links for 15 minutes, sessions for 12 hours.
     */
    public static Access defaults() {
      return new Access(List.of(), null, List.of(), new RateLimit(5, Duration.ofHours(1)),
          new RateLimit(60, Duration.ofHours(1)), new RateLimit(3, Duration.ofHours(1)), 64, 48, 6,
          Duration.ofMinutes(15), Duration.ofHours(12));
    }

    public Access withAllowedHosts(List<String> hosts) {
      return new Access(hosts, publicUrl, trustedProxies, signupsPerClient, signupsOverall, mailsPerAddress,
          threads, streams, streamsPerClient, linkLifetime, sessionLifetime);
    }

    public Access withPublicUrl(URI url) {
      return new Access(allowedHosts, url, trustedProxies, signupsPerClient, signupsOverall, mailsPerAddress,
          threads, streams, streamsPerClient, linkLifetime, sessionLifetime);
    }

    public Access withTrustedProxies(List<String> proxies) {
      return new Access(allowedHosts, publicUrl, proxies, signupsPerClient, signupsOverall, mailsPerAddress,
          threads, streams, streamsPerClient, linkLifetime, sessionLifetime);
    }

    public Access withSignupLimits(RateLimit perClient, RateLimit overall, RateLimit perAddress) {
      return new Access(allowedHosts, publicUrl, trustedProxies, perClient, overall, perAddress, threads, streams,
          streamsPerClient, linkLifetime, sessionLifetime);
    }

    public Access withThreads(int httpThreads, int maxStreams, int maxStreamsPerClient) {
      return new Access(allowedHosts, publicUrl, trustedProxies, signupsPerClient, signupsOverall,
          mailsPerAddress, httpThreads, maxStreams, maxStreamsPerClient, linkLifetime, sessionLifetime);
    }

    public Access withLifetimes(Duration link, Duration session) {
      return new Access(allowedHosts, publicUrl, trustedProxies, signupsPerClient, signupsOverall,
          mailsPerAddress, threads, streams, streamsPerClient, link, session);
    }

    /** Whether people reach the portal over TLS (the session cookie is then {@code Secure}). */
    boolean tls() {
      return publicUrl != null && publicUrl.getScheme().equals("https");
    }
  }

  private final Tenantwright tw;
  private final SandboxSites sites;
  private final Sandbox sandbox;
  private final Accounts accounts;
  private final PortalServer server;

  private Portal(Tenantwright tw, SandboxSites sites, Sandbox sandbox, Accounts accounts, PortalServer server) {
    this.tw = tw;
    this.sites = sites;
    this.sandbox = sandbox;
    this.accounts = accounts;
    this.server = server;
  }

  /** Opens the journal, serves the sandbox sites of earlier sign-ups again and starts the web server. */
  public static Portal start(Settings settings) throws IOException {
    return start(settings, SampleData.Hold.NONE);
  }

  static Portal start(Settings settings, SampleData.Hold hold) throws IOException {
    return start(settings, hold, Clock.systemUTC());
  }

  /** Starts with a held sample-data step and a clock of the test's (rate limits, link and session lifetimes). */
  static Portal start(Settings settings, SampleData.Hold hold, Clock clock) throws IOException {
    Story story = settings.exampleStory().orElse(null);
    Sandbox sandbox = story == null ? null : Sandbox.start(story.backends());
    try {
      return start(settings, hold, clock, story, sandbox);
    } catch (IOException | RuntimeException e) {
      if (sandbox != null) {
        sandbox.close();
      }
      throw e;
    }
  }

  private static Portal start(Settings settings, SampleData.Hold hold, Clock clock, Story story, Sandbox sandbox)
      throws IOException {
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
    builder.platformDomains(settings.platformDomains().toArray(String[]::new));
    if (settings.sandboxSites()) {
      builder.egressAllow("127.0.0.1");   // the sandbox sites answer their health checks on loopback
    }
    // The plugins in the portal's jar serve the example blueprints' sandbox; real backends come from --plugins.
    builder.classpathPlugins(false);
    if (story != null) {
      builder.blueprint(story.loadBlueprint());
      sandbox.configure(builder);
      story.configure(builder);
    }
    Tenantwright tw = builder.build();
    Accounts accounts = null;
    try {
      sites.restore(tw);
      Access access = settings.access();
      accounts = Accounts.open(settings.dataDir(), clock, access.linkLifetime(), access.sessionLifetime());
      Mailer mailer = settings.mailer() != null ? settings.mailer()
          : new OutboxMailer(settings.dataDir().resolve("outbox.txt").toAbsolutePath().normalize());
      PortalServer server = new PortalServer(tw, accounts, mailer, clock, settings.backend(), MAX_PROVISION_ATTEMPTS,
          settings.parameters(), story == null ? (tenant, env) -> Map.of()
              : (tenant, env) -> story.parameters(sandbox, tenant, env),
          access, new InetSocketAddress(settings.bindAddress(), settings.port()));
      server.start();
      Portal portal = new Portal(tw, sites, sandbox, accounts, server);
      LOG.info("portal listening on {} (journal {}, {})", portal.uri(), settings.dataDir().toAbsolutePath(),
          settings.sandboxSites() ? "SANDBOX backend"
              : story != null ? "SANDBOX backend for blueprint " + story.blueprint()
              : "blueprint " + settings.blueprint());
      return portal;
    } catch (IOException | RuntimeException e) {
      if (accounts != null) {
        accounts.close();
      }
      tw.close();
      sites.close();
      throw e;
    }
  }

  /** The portal's own address, e.g. {@code http://127.0.0.1:8080/} (not the public URL a proxy may add). */
  public URI uri() {
    return server.ownUri();
  }

  /** The embedded instance (tests look at what the pages show against it). */
  Tenantwright tenantwright() {
    return tw;
  }

  /** The fakes behind an example blueprint, or null (tests hold and inspect them). */
  Sandbox sandbox() {
    return sandbox;
  }

  /** Stops the web server (ending open event streams), then the sign-in records, the engine and the sandbox sites. */
  @Override
  public void close() {
    try {
      server.close();
    } finally {
      try {
        accounts.close();
      } finally {
        try {
          tw.close();
        } finally {
          try {
            sites.close();
          } finally {
            if (sandbox != null) {
              sandbox.close();
            }
          }
        }
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
