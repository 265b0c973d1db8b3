package dev.tenantwright.core;

import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.Secret;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Everything a {@link Tenantwright} is built from, as an immutable value: what
 * {@link Tenantwright.Builder#config()} produces and what {@link TenantwrightModule} takes.
 *
 * @param embeddedDir the directory of the embedded H2 journal (and its key file), or null
 * @param dataSource the host's database, or null for embedded
 * @param secretKey the 32-byte host key that encrypts stored secrets, or null
 * @param secretKeyFile a file holding the key (created if absent), or null
 * @param pluginsDir a directory of PF4J plugin jars, or null
 * @param classpathPlugins whether extensions on the application classpath are loaded too
 * @param blueprintDirs directories whose {@code *.yaml}/{@code *.yml} files are blueprints
 * @param blueprints blueprints given as objects
 * @param defaultBlueprint the blueprint new environments use when none is named, or null
 * @param resourceTypes resource types the host contributes directly
 * @param steps provisioning steps the host contributes
 * @param pluginConfigs configuration sections per backend
 * @param listeners event listeners
 * @param commandRunner the process runner, or null for the real one
 * @param secrets host-provided secrets by name
 * @param portFrom the first host port the core {@code port} type hands out
 * @param portTo the last host port
 * @param maxParallelSteps how many steps may run at once
 * @param backendConcurrency per-backend limits of concurrent calls
 * @param stepTimeout the default deadline of a step
 * @param maxAttempts a cap on the attempts of a step ({@link Integer#MAX_VALUE}: until its deadline)
 * @param backoffBase the first retry's maximum wait
 * @param backoffCap the largest wait between retries
 * @param clock the clock
 * @param owner this engine's identity for run leases, or null for a generated one
 * @param recoverOnStart whether unfinished runs in the journal are resumed at start
 * @param planLimits limits per plan name
 * @param policies host policies that may veto a run
 * @param blueprintSelector picks a new environment's blueprint from the tenant, or null
 * @param maxProvisionAttempts how many failed provisioning attempts {@code retry} allows
 * @param leaseDuration how long a run stays claimed by an engine without a heartbeat (PostgreSQL)
 * @param sharedBackendConcurrency per-backend limits that hold across every engine on the database
 * @param backendRates per-backend limits on how many step attempts start per second, in this engine
 * @param virtualThreads whether steps run on virtual threads where the JVM allows (Java 24+); on by default in the builder
 * @param retiredSecretKeys earlier host keys: values sealed with them still open, {@code resealSecrets()} moves them
 * @param platformDomains domains under which the platform gives tenants host names (no ownership proof needed)
 * @param reservedHostNames names no tenant may use, added to the built-in reserved labels
 * @param dnsResolvers DNS servers ({@code host:port}) for domain verification; empty: the system's
 * @param egressAllowed hosts, addresses and CIDR ranges URLs from parameters may reach although they are private
 * @param statusWebhooks URLs of the host's that receive state changes as signed JSON
 * @param observers what watches the engine's runs, attempts, retries and waits (metrics, traces)
 */
public record TenantwrightConfig(
    Path embeddedDir,
    DataSource dataSource,
    byte[] secretKey,
    Path secretKeyFile,
    Path pluginsDir,
    boolean classpathPlugins,
    List<Path> blueprintDirs,
    List<Blueprint> blueprints,
    String defaultBlueprint,
    List<ResourceType<?, ?>> resourceTypes,
    List<ProvisioningStep<?, ?>> steps,
    Map<String, Map<String, Object>> pluginConfigs,
    List<Listener> listeners,
    CommandRunner commandRunner,
    Map<String, Secret> secrets,
    int portFrom,
    int portTo,
    int maxParallelSteps,
    Map<String, Integer> backendConcurrency,
    Duration stepTimeout,
    int maxAttempts,
    Duration backoffBase,
    Duration backoffCap,
    Clock clock,
    String owner,
    boolean recoverOnStart,
    Map<String, PlanLimits> planLimits,
    List<Policy> policies,
    BlueprintSelector blueprintSelector,
    int maxProvisionAttempts,
    Duration leaseDuration,
    Map<String, Integer> sharedBackendConcurrency,
    List<byte[]> retiredSecretKeys,
    List<String> platformDomains,
    List<String> reservedHostNames,
    List<String> dnsResolvers,
    List<String> egressAllowed,
    Map<String, Double> backendRates,
    boolean virtualThreads,
    List<StatusWebhook> statusWebhooks,
    List<EngineObserver> observers) {

  /** Copies the collections. */
  public TenantwrightConfig {
    secretKey = secretKey == null ? null : secretKey.clone();
    blueprintDirs = List.copyOf(blueprintDirs);
    blueprints = List.copyOf(blueprints);
    resourceTypes = List.copyOf(resourceTypes);
    steps = List.copyOf(steps);
    pluginConfigs = Map.copyOf(pluginConfigs);
    listeners = List.copyOf(listeners);
    secrets = Map.copyOf(secrets);
    backendConcurrency = Map.copyOf(backendConcurrency);
    planLimits = Map.copyOf(planLimits);
    policies = List.copyOf(policies);
    sharedBackendConcurrency = Map.copyOf(sharedBackendConcurrency);
    backendRates = Map.copyOf(backendRates);
    retiredSecretKeys = retiredSecretKeys.stream().map(byte[]::clone).toList();
    platformDomains = List.copyOf(platformDomains);
    reservedHostNames = List.copyOf(reservedHostNames);
    dnsResolvers = List.copyOf(dnsResolvers);
    egressAllowed = List.copyOf(egressAllowed);
    statusWebhooks = List.copyOf(statusWebhooks);
    observers = List.copyOf(observers);
  }

  /** A builder holding this configuration, to change it. */
  public Tenantwright.Builder toBuilder() {
    return new Tenantwright.Builder(this);
  }
}
