package dev.tenantwright.core;

import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.Secret;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Everything a {@link Tenantwright} is built from, as an immutable value: what
 * {@link Tenantwright.Builder#config()} produces, what {@link TenantwrightModule} takes, and what
 * {@link #toBuilder()} turns back into a builder.
 *
 * <p>A final class with accessors rather than a record, so that a new setting is a new accessor and builder
 * method, never a change to a constructor hosts call. The builder fills a draft of this class (each setting is
 * declared once, here); {@link Tenantwright.Builder#config()} hands out a frozen copy whose collections are
 * unmodifiable. Accessors return the values as set, including defaults.
 */
public final class TenantwrightConfig {
  // Package-private: written only by Tenantwright.Builder on its draft, never after freezing.
  Path embeddedDir;
  DataSource dataSource;
  byte[] secretKey;
  Path secretKeyFile;
  Path pluginsDir;
  boolean classpathPlugins = true;
  List<Path> blueprintDirs = new ArrayList<>();
  List<Blueprint> blueprints = new ArrayList<>();
  String defaultBlueprint;
  List<ResourceType<?, ?>> resourceTypes = new ArrayList<>();
  List<ProvisioningStep<?, ?>> steps = new ArrayList<>();
  Map<String, Map<String, Object>> pluginConfigs = new LinkedHashMap<>();
  List<Listener> listeners = new ArrayList<>();
  CommandRunner commandRunner;
  Map<String, Secret> secrets = new LinkedHashMap<>();
  int portFrom = 20000;
  int portTo = 29999;
  int maxParallelSteps = 16;
  Map<String, Integer> backendConcurrency = new LinkedHashMap<>();
  Duration stepTimeout = Duration.ofMinutes(10);
  int maxAttempts = Integer.MAX_VALUE;
  Duration backoffBase = Duration.ofMillis(200);
  Duration backoffCap = Duration.ofSeconds(30);
  Clock clock = Clock.systemUTC();
  String owner;
  boolean recoverOnStart = true;
  Map<String, PlanLimits> planLimits = new LinkedHashMap<>();
  List<Policy> policies = new ArrayList<>();
  BlueprintSelector blueprintSelector;
  int maxProvisionAttempts = 3;
  Duration leaseDuration = Duration.ofSeconds(30);
  Map<String, Integer> sharedBackendConcurrency = new LinkedHashMap<>();
  List<byte[]> retiredSecretKeys = new ArrayList<>();
  List<String> platformDomains = new ArrayList<>();
  List<String> reservedHostNames = new ArrayList<>();
  List<String> dnsResolvers = new ArrayList<>();
  List<String> egressAllowed = new ArrayList<>();
  Map<String, Double> backendRates = new LinkedHashMap<>();
  boolean virtualThreads = true;
  List<StatusWebhook> statusWebhooks = new ArrayList<>();
  List<EngineObserver> observers = new ArrayList<>();
  Map<String, WaveGate> waveGates = new LinkedHashMap<>();
  Duration fleetInterval = Duration.ofSeconds(1);
  Duration retention;
  Duration retentionInterval = Duration.ofHours(1);

  /** A draft with the defaults, for a builder. */
  TenantwrightConfig() {}

  /** A copy of {@code o}: frozen (unmodifiable collections) for a value, mutable for a builder's draft. */
  private TenantwrightConfig(TenantwrightConfig o, boolean frozen) {
    embeddedDir = o.embeddedDir;
    dataSource = o.dataSource;
    secretKey = o.secretKey == null ? null : o.secretKey.clone();
    secretKeyFile = o.secretKeyFile;
    pluginsDir = o.pluginsDir;
    classpathPlugins = o.classpathPlugins;
    blueprintDirs = frozen ? List.copyOf(o.blueprintDirs) : new ArrayList<>(o.blueprintDirs);
    blueprints = frozen ? List.copyOf(o.blueprints) : new ArrayList<>(o.blueprints);
    defaultBlueprint = o.defaultBlueprint;
    resourceTypes = frozen ? List.copyOf(o.resourceTypes) : new ArrayList<>(o.resourceTypes);
    steps = frozen ? List.copyOf(o.steps) : new ArrayList<>(o.steps);
    pluginConfigs = frozen ? Map.copyOf(o.pluginConfigs) : new LinkedHashMap<>(o.pluginConfigs);
    listeners = frozen ? List.copyOf(o.listeners) : new ArrayList<>(o.listeners);
    commandRunner = o.commandRunner;
    secrets = frozen ? Map.copyOf(o.secrets) : new LinkedHashMap<>(o.secrets);
    portFrom = o.portFrom;
    portTo = o.portTo;
    maxParallelSteps = o.maxParallelSteps;
    backendConcurrency = frozen ? Map.copyOf(o.backendConcurrency) : new LinkedHashMap<>(o.backendConcurrency);
    stepTimeout = o.stepTimeout;
    maxAttempts = o.maxAttempts;
    backoffBase = o.backoffBase;
    backoffCap = o.backoffCap;
    clock = o.clock;
    owner = o.owner;
    recoverOnStart = o.recoverOnStart;
    planLimits = frozen ? Map.copyOf(o.planLimits) : new LinkedHashMap<>(o.planLimits);
    policies = frozen ? List.copyOf(o.policies) : new ArrayList<>(o.policies);
    blueprintSelector = o.blueprintSelector;
    maxProvisionAttempts = o.maxProvisionAttempts;
    leaseDuration = o.leaseDuration;
    sharedBackendConcurrency = frozen ? Map.copyOf(o.sharedBackendConcurrency) : new LinkedHashMap<>(o.sharedBackendConcurrency);
    retiredSecretKeys = frozen ? o.retiredSecretKeys.stream().map(byte[]::clone).toList() : new ArrayList<>(o.retiredSecretKeys);
    platformDomains = frozen ? List.copyOf(o.platformDomains) : new ArrayList<>(o.platformDomains);
    reservedHostNames = frozen ? List.copyOf(o.reservedHostNames) : new ArrayList<>(o.reservedHostNames);
    dnsResolvers = frozen ? List.copyOf(o.dnsResolvers) : new ArrayList<>(o.dnsResolvers);
    egressAllowed = frozen ? List.copyOf(o.egressAllowed) : new ArrayList<>(o.egressAllowed);
    backendRates = frozen ? Map.copyOf(o.backendRates) : new LinkedHashMap<>(o.backendRates);
    virtualThreads = o.virtualThreads;
    statusWebhooks = frozen ? List.copyOf(o.statusWebhooks) : new ArrayList<>(o.statusWebhooks);
    observers = frozen ? List.copyOf(o.observers) : new ArrayList<>(o.observers);
    waveGates = frozen ? Map.copyOf(o.waveGates) : new LinkedHashMap<>(o.waveGates);
    fleetInterval = o.fleetInterval;
    retention = o.retention;
    retentionInterval = o.retentionInterval;
  }

  /** The frozen value of this draft. */
  TenantwrightConfig freeze() {
    return new TenantwrightConfig(this, true);
  }

  /** A mutable draft holding this configuration. */
  TenantwrightConfig draft() {
    return new TenantwrightConfig(this, false);
  }

  /** The directory of the embedded H2 journal (and its key file), or null. */
  public Path embeddedDir() {
    return embeddedDir;
  }

  /** The host's database, or null for embedded. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** The 32-byte host key that encrypts stored secrets, or null. */
  public byte[] secretKey() {
    return secretKey == null ? null : secretKey.clone();
  }

  /** A file holding the key (created if absent), or null. */
  public Path secretKeyFile() {
    return secretKeyFile;
  }

  /** A directory of PF4J plugin jars, or null. */
  public Path pluginsDir() {
    return pluginsDir;
  }

  /** Whether extensions on the application classpath are loaded too. */
  public boolean classpathPlugins() {
    return classpathPlugins;
  }

  /** Directories whose {@code *.yaml}/{@code *.yml} files are blueprints. */
  public List<Path> blueprintDirs() {
    return blueprintDirs;
  }

  /** Blueprints given as objects. */
  public List<Blueprint> blueprints() {
    return blueprints;
  }

  /** The blueprint new environments use when none is named, or null. */
  public String defaultBlueprint() {
    return defaultBlueprint;
  }

  /** Resource types the host contributes directly. */
  public List<ResourceType<?, ?>> resourceTypes() {
    return resourceTypes;
  }

  /** Provisioning steps the host contributes. */
  public List<ProvisioningStep<?, ?>> steps() {
    return steps;
  }

  /** Configuration sections per backend. */
  public Map<String, Map<String, Object>> pluginConfigs() {
    return pluginConfigs;
  }

  /** Event listeners. */
  public List<Listener> listeners() {
    return listeners;
  }

  /** The process runner, or null for the real one. */
  public CommandRunner commandRunner() {
    return commandRunner;
  }

  /** Host-provided secrets by name. */
  public Map<String, Secret> secrets() {
    return secrets;
  }

  /** The first host port the core {@code port} type hands out. */
  public int portFrom() {
    return portFrom;
  }

  /** The last host port. */
  public int portTo() {
    return portTo;
  }

  /** How many steps may run at once. */
  public int maxParallelSteps() {
    return maxParallelSteps;
  }

  /** Per-backend limits of concurrent calls. */
  public Map<String, Integer> backendConcurrency() {
    return backendConcurrency;
  }

  /** The default deadline of a step. */
  public Duration stepTimeout() {
    return stepTimeout;
  }

  /** A cap on the attempts of a step ({@link Integer#MAX_VALUE}: until its deadline). */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The first retry's maximum wait. */
  public Duration backoffBase() {
    return backoffBase;
  }

  /** The largest wait between retries. */
  public Duration backoffCap() {
    return backoffCap;
  }

  /** The clock. */
  public Clock clock() {
    return clock;
  }

  /** This engine's identity for run leases, or null for a generated one. */
  public String owner() {
    return owner;
  }

  /** Whether unfinished runs in the journal are resumed at start. */
  public boolean recoverOnStart() {
    return recoverOnStart;
  }

  /** Limits per plan name. */
  public Map<String, PlanLimits> planLimits() {
    return planLimits;
  }

  /** Host policies that may veto a run. */
  public List<Policy> policies() {
    return policies;
  }

  /** Picks a new environment's blueprint from the tenant, or null. */
  public BlueprintSelector blueprintSelector() {
    return blueprintSelector;
  }

  /** How many failed provisioning attempts {@code retry} allows. */
  public int maxProvisionAttempts() {
    return maxProvisionAttempts;
  }

  /** How long a run stays claimed by an engine without a heartbeat (PostgreSQL). */
  public Duration leaseDuration() {
    return leaseDuration;
  }

  /** Per-backend limits that hold across every engine on the database. */
  public Map<String, Integer> sharedBackendConcurrency() {
    return sharedBackendConcurrency;
  }

  /** Earlier host keys: values sealed with them still open, {@code resealSecrets()} moves them. */
  public List<byte[]> retiredSecretKeys() {
    return retiredSecretKeys;
  }

  /** Domains under which the platform gives tenants host names (no ownership proof needed). */
  public List<String> platformDomains() {
    return platformDomains;
  }

  /** Names no tenant may use, added to the built-in reserved labels. */
  public List<String> reservedHostNames() {
    return reservedHostNames;
  }

  /** DNS servers ({@code host:port}) for domain verification; empty: the system's. */
  public List<String> dnsResolvers() {
    return dnsResolvers;
  }

  /** Hosts, addresses and CIDR ranges URLs from parameters may reach although they are private. */
  public List<String> egressAllowed() {
    return egressAllowed;
  }

  /** Per-backend limits on how many step attempts start per second, in this engine. */
  public Map<String, Double> backendRates() {
    return backendRates;
  }

  /** Whether steps run on virtual threads where the JVM allows (Java 24+); on by default in the builder. */
  public boolean virtualThreads() {
    return virtualThreads;
  }

  /** URLs of the host's that receive state changes as signed JSON. */
  public List<StatusWebhook> statusWebhooks() {
    return statusWebhooks;
  }

  /** What watches the engine's runs, attempts, retries and waits (metrics, traces). */
  public List<EngineObserver> observers() {
    return observers;
  }

  /** The host's checks after each wave of a fleet operation, by name. */
  public Map<String, WaveGate> waveGates() {
    return waveGates;
  }

  /** How often this engine drives fleet operations and fires schedules when no run ending wakes it. */
  public Duration fleetInterval() {
    return fleetInterval;
  }

  /** How old a finished run may get before what it leaves behind is pruned, or null to keep everything. */
  public Duration retention() {
    return retention;
  }

  /** How often the background pruner runs while {@link #retention()} is set. */
  public Duration retentionInterval() {
    return retentionInterval;
  }

  /** A builder holding this configuration, to change it. */
  public Tenantwright.Builder toBuilder() {
    return new Tenantwright.Builder(this);
  }
}
