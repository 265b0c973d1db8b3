package dev.tenantwright.spring;

import dev.tenantwright.core.EventType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code tenantwright.*} properties: what {@link dev.tenantwright.core.Tenantwright.Builder} offers that can be
 * written in {@code application.yaml}. Everything else — secrets given as bytes, a clock, a command runner — is set
 * with a {@link TenantwrightBuilderCustomizer} bean.
 *
 * <p>Bound once at start-up by Spring; mutable only for that binding. Defaults are the builder's own (a test keeps
 * them equal). Durations use Spring's format ({@code 30s}, {@code 10m}, {@code 200ms}, or ISO-8601).
 */
@ConfigurationProperties("tenantwright")
public class TenantwrightProperties {

  /** Where the journal lives: which database the engine writes its runs to. */
  public enum Journal {
    /** The application's DataSource bean when it has one, else the embedded H2 file in embedded-dir. */
    AUTO,
    /** The application's DataSource bean; start-up fails without one. */
    DATA_SOURCE,
    /** The embedded H2 file in embedded-dir, even when the application has a DataSource (e.g. one on MySQL). */
    EMBEDDED
  }

  /** Whether Tenantwright is configured at all; false leaves no Tenantwright bean to the application. */
  private boolean enabled = true;

  /**
   * Which database holds the journal: auto (the application's DataSource if there is one, else embedded),
   * data-source, or embedded.
   */
  private Journal journal = Journal.AUTO;

  /**
   * Directory of the embedded H2 journal and its secret.key, when the journal is embedded; one process only.
   * Default: tenantwright-data in the working directory.
   */
  private Path embeddedDir;

  /**
   * File holding the 32-byte key that encrypts stored secrets, created (mode 0600) if absent. Required with the
   * application's DataSource; give every node on one database the same file. Embedded default: secret.key in
   * embedded-dir.
   */
  private Path secretKeyFile;

  /** Directory of PF4J plugin jars to load; none when unset. */
  private Path pluginsDir;

  /** Whether extensions on the application's class path are loaded too (plugins in development). */
  private boolean classpathPlugins = true;

  /** Directories whose *.yaml and *.yml files are loaded as blueprints. */
  private List<Path> blueprintDirs = new ArrayList<>();

  /** The blueprint new environments use when a call names none; by default the only one registered. */
  private String defaultBlueprint;

  /**
   * Each backend's configuration section, as its plugin's README describes it, e.g. vercel: {token: ..., team-id:
   * ...}; keys are passed to the plugin as written.
   */
  private Map<String, Map<String, Object>> pluginConfig = new LinkedHashMap<>();

  /** How many steps may run backend code at once. */
  private int maxParallelSteps = 16;

  /** Per backend (e.g. vercel), how many of its steps may run at once in this engine. */
  private Map<String, Integer> backendConcurrency = new LinkedHashMap<>();

  /**
   * Per backend, how many of its steps may run at once across every engine on the database (PostgreSQL): an API
   * token's own limit.
   */
  private Map<String, Integer> sharedBackendConcurrency = new LinkedHashMap<>();

  /** Per backend, how many step attempts may start per second, evenly spaced. */
  private Map<String, Double> backendRate = new LinkedHashMap<>();

  /**
   * A step's deadline, all attempts together; transient failures are retried until it passes, and an undo gets the
   * same again. A blueprint may override it per resource.
   */
  private Duration stepTimeout = Duration.ofMinutes(10);

  /** A cap on the attempts of a step and of its undo; unset: retried until the step's deadline. */
  private Integer maxAttempts;

  /** Retry backoff between attempts of a step. */
  private final Backoff backoff = new Backoff();

  /** This engine's name in run leases and logs (e.g. the host name); default: a generated one. */
  private String owner;

  /** Whether unfinished runs found in the journal are resumed at start-up. */
  private boolean recoverOnStart = true;

  /**
   * How long a run stays this engine's without a heartbeat; with several engines on one PostgreSQL, how soon another
   * takes over a dead engine's runs. At least 300ms.
   */
  private Duration leaseDuration = Duration.ofSeconds(30);

  /** Host ports the core port type hands out. */
  private final PortRange portRange = new PortRange();

  /**
   * Domains under which tenants get host names without proving ownership (e.g. sites.example.com); any other name is
   * a custom domain the tenant must verify first.
   */
  private List<String> platformDomains = new ArrayList<>();

  /** Labels or full names no tenant may take, added to the built-in list (www, api, admin, mail, login ...). */
  private List<String> reservedHostNames = new ArrayList<>();

  /** DNS servers (host:port) asked when verifying a custom domain; default: the system's. */
  private List<String> dnsResolvers = new ArrayList<>();

  /**
   * Host names, addresses or CIDR ranges that URLs from parameters (health checks, certificate checks) may reach
   * although they are loopback, link-local or private.
   */
  private List<String> egressAllow = new ArrayList<>();

  /**
   * Whether steps run on virtual threads (Java 24 and later; ignored before): a step pausing on its backend then holds
   * no platform thread.
   */
  private boolean virtualThreads = true;

  /** How many failed provisioning attempts a retry of an environment allows. */
  private int maxProvisionAttempts = 3;

  /**
   * Limits per plan name (a tenant's plan): max-test-instances, max-environments, max-sites and max-resources per
   * resource type; a tenant whose plan is not listed is unlimited.
   */
  private Map<String, Plan> plans = new LinkedHashMap<>();

  /**
   * URLs of the host's that receive run, environment and tenant state changes as signed JSON, by name: url, secret
   * (at least 16 bytes), events, max-attempts, backoff-base, backoff-cap.
   */
  private Map<String, StatusWebhook> statusWebhooks = new LinkedHashMap<>();

  /** What happens when the application context closes. */
  private final Shutdown shutdown = new Shutdown();

  /** Metrics of runs, steps and backends in the application's MeterRegistry (with tenantwright-micrometer). */
  private final Observability metrics = new Observability();

  /** A span per run and step attempt through the application's OpenTelemetry (with tenantwright-opentelemetry). */
  private final Observability tracing = new Observability();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Journal getJournal() {
    return journal;
  }

  public void setJournal(Journal journal) {
    this.journal = journal;
  }

  public Path getEmbeddedDir() {
    return embeddedDir;
  }

  public void setEmbeddedDir(Path embeddedDir) {
    this.embeddedDir = embeddedDir;
  }

  public Path getSecretKeyFile() {
    return secretKeyFile;
  }

  public void setSecretKeyFile(Path secretKeyFile) {
    this.secretKeyFile = secretKeyFile;
  }

  public Path getPluginsDir() {
    return pluginsDir;
  }

  public void setPluginsDir(Path pluginsDir) {
    this.pluginsDir = pluginsDir;
  }

  public boolean isClasspathPlugins() {
    return classpathPlugins;
  }

  public void setClasspathPlugins(boolean classpathPlugins) {
    this.classpathPlugins = classpathPlugins;
  }

  public List<Path> getBlueprintDirs() {
    return blueprintDirs;
  }

  public void setBlueprintDirs(List<Path> blueprintDirs) {
    this.blueprintDirs = blueprintDirs;
  }

  public String getDefaultBlueprint() {
    return defaultBlueprint;
  }

  public void setDefaultBlueprint(String defaultBlueprint) {
    this.defaultBlueprint = defaultBlueprint;
  }

  public Map<String, Map<String, Object>> getPluginConfig() {
    return pluginConfig;
  }

  public void setPluginConfig(Map<String, Map<String, Object>> pluginConfig) {
    this.pluginConfig = pluginConfig;
  }

  public int getMaxParallelSteps() {
    return maxParallelSteps;
  }

  public void setMaxParallelSteps(int maxParallelSteps) {
    this.maxParallelSteps = maxParallelSteps;
  }

  public Map<String, Integer> getBackendConcurrency() {
    return backendConcurrency;
  }

  public void setBackendConcurrency(Map<String, Integer> backendConcurrency) {
    this.backendConcurrency = backendConcurrency;
  }

  public Map<String, Integer> getSharedBackendConcurrency() {
    return sharedBackendConcurrency;
  }

  public void setSharedBackendConcurrency(Map<String, Integer> sharedBackendConcurrency) {
    this.sharedBackendConcurrency = sharedBackendConcurrency;
  }

  public Map<String, Double> getBackendRate() {
    return backendRate;
  }

  public void setBackendRate(Map<String, Double> backendRate) {
    this.backendRate = backendRate;
  }

  public Duration getStepTimeout() {
    return stepTimeout;
  }

  public void setStepTimeout(Duration stepTimeout) {
    this.stepTimeout = stepTimeout;
  }

  public Integer getMaxAttempts() {
    return maxAttempts;
  }

  public void setMaxAttempts(Integer maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  public Backoff getBackoff() {
    return backoff;
  }

  public String getOwner() {
    return owner;
  }

  public void setOwner(String owner) {
    this.owner = owner;
  }

  public boolean isRecoverOnStart() {
    return recoverOnStart;
  }

  public void setRecoverOnStart(boolean recoverOnStart) {
    this.recoverOnStart = recoverOnStart;
  }

  public Duration getLeaseDuration() {
    return leaseDuration;
  }

  public void setLeaseDuration(Duration leaseDuration) {
    this.leaseDuration = leaseDuration;
  }

  public PortRange getPortRange() {
    return portRange;
  }

  public List<String> getPlatformDomains() {
    return platformDomains;
  }

  public void setPlatformDomains(List<String> platformDomains) {
    this.platformDomains = platformDomains;
  }

  public List<String> getReservedHostNames() {
    return reservedHostNames;
  }

  public void setReservedHostNames(List<String> reservedHostNames) {
    this.reservedHostNames = reservedHostNames;
  }

  public List<String> getDnsResolvers() {
    return dnsResolvers;
  }

  public void setDnsResolvers(List<String> dnsResolvers) {
    this.dnsResolvers = dnsResolvers;
  }

  public List<String> getEgressAllow() {
    return egressAllow;
  }

  public void setEgressAllow(List<String> egressAllow) {
    this.egressAllow = egressAllow;
  }

  public boolean isVirtualThreads() {
    return virtualThreads;
  }

  public void setVirtualThreads(boolean virtualThreads) {
    this.virtualThreads = virtualThreads;
  }

  public int getMaxProvisionAttempts() {
    return maxProvisionAttempts;
  }

  public void setMaxProvisionAttempts(int maxProvisionAttempts) {
    this.maxProvisionAttempts = maxProvisionAttempts;
  }

  public Map<String, Plan> getPlans() {
    return plans;
  }

  public void setPlans(Map<String, Plan> plans) {
    this.plans = plans;
  }

  public Map<String, StatusWebhook> getStatusWebhooks() {
    return statusWebhooks;
  }

  public void setStatusWebhooks(Map<String, StatusWebhook> statusWebhooks) {
    this.statusWebhooks = statusWebhooks;
  }

  public Shutdown getShutdown() {
    return shutdown;
  }

  public Observability getMetrics() {
    return metrics;
  }

  public Observability getTracing() {
    return tracing;
  }

  /** Whether the engine reports to one of the application's observability libraries when it has it. */
  public static class Observability {

    /** Whether the engine reports to it when the module and the application's bean are there. */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** Retry backoff: the first wait is up to base, doubling up to cap, with full jitter. */
  public static class Backoff {

    /** The longest first wait between two attempts of a step. */
    private Duration base = Duration.ofMillis(200);

    /** The longest wait between two attempts of a step. */
    private Duration cap = Duration.ofSeconds(30);

    public Duration getBase() {
      return base;
    }

    public void setBase(Duration base) {
      this.base = base;
    }

    public Duration getCap() {
      return cap;
    }

    public void setCap(Duration cap) {
      this.cap = cap;
    }
  }

  /** The range the core port type hands host ports out of, both ends included. */
  public static class PortRange {

    /** The first host port handed out. */
    private int from = 20000;

    /** The last host port handed out. */
    private int to = 29999;

    public int getFrom() {
      return from;
    }

    public void setFrom(int from) {
      this.from = from;
    }

    public int getTo() {
      return to;
    }

    public void setTo(int to) {
      this.to = to;
    }
  }

  /** What a plan allows; an unset limit is no limit. */
  public static class Plan {

    /** How many test instances a tenant on this plan may have at once. */
    private Integer maxTestInstances;

    /** How many environments, of any kind, a tenant on this plan may have at once. */
    private Integer maxEnvironments;

    /** How many sites a tenant on this plan may have, main included. */
    private Integer maxSites;

    /** Per resource type (e.g. vercel.project), how many a tenant on this plan may have across its environments. */
    private Map<String, Integer> maxResources = new LinkedHashMap<>();

    public Integer getMaxTestInstances() {
      return maxTestInstances;
    }

    public void setMaxTestInstances(Integer maxTestInstances) {
      this.maxTestInstances = maxTestInstances;
    }

    public Integer getMaxEnvironments() {
      return maxEnvironments;
    }

    public void setMaxEnvironments(Integer maxEnvironments) {
      this.maxEnvironments = maxEnvironments;
    }

    public Integer getMaxSites() {
      return maxSites;
    }

    public void setMaxSites(Integer maxSites) {
      this.maxSites = maxSites;
    }

    public Map<String, Integer> getMaxResources() {
      return maxResources;
    }

    public void setMaxResources(Map<String, Integer> maxResources) {
      this.maxResources = maxResources;
    }
  }

  /** One status webhook: where state changes are POSTed, signed, and how deliveries are retried. */
  public static class StatusWebhook {

    /** The http(s) URL that receives the deliveries. */
    private String url;

    /** The signing secret (UTF-8, at least 16 bytes), shared with the receiver. */
    private String secret;

    /** The event types delivered; default: tenant and run state changes and refusals. */
    private Set<EventType> events = new LinkedHashSet<>();

    /** How often a delivery is tried. */
    private int maxAttempts = 12;

    /** The first wait between two tries of a delivery. */
    private Duration backoffBase = Duration.ofSeconds(5);

    /** The longest wait between two tries of a delivery. */
    private Duration backoffCap = Duration.ofMinutes(30);

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public String getSecret() {
      return secret;
    }

    public void setSecret(String secret) {
      this.secret = secret;
    }

    public Set<EventType> getEvents() {
      return events;
    }

    public void setEvents(Set<EventType> events) {
      this.events = events;
    }

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getBackoffBase() {
      return backoffBase;
    }

    public void setBackoffBase(Duration backoffBase) {
      this.backoffBase = backoffBase;
    }

    public Duration getBackoffCap() {
      return backoffCap;
    }

    public void setBackoffCap(Duration backoffCap) {
      this.backoffCap = backoffCap;
    }
  }

  /** How the engine stops with the application. */
  public static class Shutdown {

    /**
     * How long closing the application context waits for runs in flight to finish; runs still active then stay in
     * the journal and resume on the next start (or on another engine).
     */
    private Duration drain = Duration.ofSeconds(10);

    public Duration getDrain() {
      return drain;
    }

    public void setDrain(Duration drain) {
      this.drain = drain;
    }
  }
}
