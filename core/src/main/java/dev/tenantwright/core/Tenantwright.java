package dev.tenantwright.core;

import dev.tenantwright.core.internal.api.Runtime;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.Secret;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The entry point: provisions tenants' environments across backends and never leaves half a world behind.
 *
 * <p>One instance per host process, built with {@link #builder()} or injected from
 * {@link TenantwrightModule}. It owns a journal connection pool, worker threads and loaded plugins;
 * {@link #close()} releases them (unfinished runs resume on the next start). Thread-safe.
 *
 * <pre>{@code
 * try (Tenantwright tw = Tenantwright.builder()
 *     .embedded(Path.of("tenantwright-data"))
 *     .blueprints(Path.of("blueprints"))
 *     .listener(event -> log.info("{}", event))
 *     .build()) {
 *   Tenant t = tw.tenants().create(NewTenant.company("ABC Corporation").email("ops@abc.example"));
 *   Run run = tw.environments().provision(t.id(), EnvironmentKind.DEMO);
 *   run.await(Duration.ofMinutes(5));
 * }
 * }</pre>
 */
public final class Tenantwright implements AutoCloseable {

  private final Runtime runtime;

  private Tenantwright(Runtime runtime) {
    this.runtime = runtime;
  }

  /** Starts a builder with the embedded defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an instance from a configuration value. */
  public static Tenantwright create(TenantwrightConfig config) {
    return new Tenantwright(Runtime.start(Objects.requireNonNull(config, "config")));
  }

  /** Tenants: create, find, list, history. */
  public Tenants tenants() {
    return runtime.tenants();
  }

  /** Environments: provision, test instances, update, destroy, plan. */
  public Environments environments() {
    return runtime.environments();
  }

  /** Runs: find and follow. */
  public Runs runs() {
    return runtime.runs();
  }

  /**
   * Fleet operations: a blueprint version, a parameter change or a drift scan applied to many environments in waves,
   * with a canary, a failure threshold and gates; and their schedules. See {@link Fleet}.
   */
  public Fleet fleet() {
    return runtime.fleet();
  }

  /** Custom domains: proving that a tenant owns one before its resources may use it. */
  public Domains domains() {
    return runtime.domains();
  }

  /** The deliveries of the {@linkplain Builder#statusWebhook status webhooks}. */
  public Webhooks webhooks() {
    return runtime.webhooks();
  }

  /** The journal's events with their ids, as every engine on this journal wrote them; see {@link EventLog}. */
  public EventLog events() {
    return runtime.eventLog();
  }

  /**
   * Whether the journal answers, and how many runs wait for an engine to take them over or for an operator; see
   * {@link EngineHealth} for what each count means. One read of the journal, never retried; a journal that does not
   * answer is reported as unreachable, never thrown. For health endpoints and monitoring.
   */
  public EngineHealth health() {
    return runtime.health();
  }

  /**
   * After a key rotation ({@link Builder#secretKey} set to the new key, {@link Builder#retiredSecretKey} to the old
   * one): re-seals every stored secret with the new key, each still bound to its place. Safe to run while runs
   * execute and to run again; afterwards the retired key can be dropped. Returns the number of rows rewritten.
   */
  public int resealSecrets() {
    return runtime.resealSecrets();
  }

  /**
   * Prunes the journal now, as the background pruner does every {@link Builder#retentionInterval}: the steps,
   * checkpoints, progress events and run rows of runs that finished longer than {@link Builder#retention} ago, and
   * status webhook deliveries answered or given up as long ago, while the audit trail stays (see
   * {@link Builder#retention}). For a host's own scheduler and for tests. Safe to run while runs execute and on several
   * engines of one journal at once; returns what this call removed.
   *
   * @throws ValidationException naming {@code retention} when no retention is configured
   */
  public PruneResult prune() {
    return runtime.prune();
  }

  /** Adds a listener until the returned handle is closed. */
  public AutoCloseable subscribe(Listener listener) {
    return runtime.subscribe(listener);
  }

  /** The names of every resource type and provisioning step this instance knows. */
  public Collection<String> resourceTypes() {
    return runtime.resourceTypes();
  }

  /** The names of the registered blueprints. */
  public Collection<String> blueprints() {
    return runtime.blueprintNames();
  }

  /** The registered versions of blueprint {@code name}, lowest first; empty when there is no such blueprint. */
  public List<Integer> blueprintVersions(String name) {
    return runtime.blueprintVersions(name);
  }

  /** Stops, letting active runs finish for up to 10 seconds. */
  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  /**
   * Stops, letting active runs finish for up to {@code drain}; runs still active then stay in the journal
   * as they are and resume on the next start.
   */
  public void close(Duration drain) {
    runtime.close(drain);
  }

  /**
   * Configures a {@link Tenantwright}. Not thread-safe; every setter returns this builder.
   */
  public static final class Builder {
    private final TenantwrightConfig c;

    Builder() {
      c = new TenantwrightConfig();
    }

    Builder(TenantwrightConfig config) {
      c = config.draft();
    }

    /** Keeps the journal in an embedded H2 database (and its key file) in {@code dir}: zero set-up, one process. */
    public Builder embedded(Path dir) {
      c.embeddedDir = Objects.requireNonNull(dir, "dir");
      c.dataSource = null;
      return this;
    }

    /** Keeps the journal in the host's database (H2 or PostgreSQL); requires a secret key. */
    public Builder dataSource(DataSource dataSource) {
      c.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      c.embeddedDir = null;
      return this;
    }

    /** The 32-byte host key that encrypts stored secrets (AES-256-GCM). */
    public Builder secretKey(byte[] key) {
      c.secretKey = Objects.requireNonNull(key, "key").clone();
      return this;
    }

    /**
     * An earlier host key, after a rotation: values it sealed still open (new ones are sealed with the current
     * key), and {@link Tenantwright#resealSecrets()} moves them to the current key, after which it can be removed.
     */
    public Builder retiredSecretKey(byte[] key) {
      c.retiredSecretKeys.add(Objects.requireNonNull(key, "key").clone());
      return this;
    }

    /**
     * Domains under which the platform gives tenants host names (e.g. {@code sites.example.com}): a tenant may use
     * any free name under them, except the domain itself and reserved names. Any other name a resource answers
     * for is a custom domain, usable only once the tenant proved it owns it ({@link Tenantwright#domains()}).
     */
    public Builder platformDomains(String... domains) {
      for (String d : domains) {
        c.platformDomains.add(Objects.requireNonNull(d, "domain"));
      }
      return this;
    }

    /**
     * Names no tenant may use: a label (reserved directly under every platform domain) or a full name. Added to
     * the built-in list ({@code www}, {@code api}, {@code admin}, {@code mail}, {@code login} …).
     */
    public Builder reservedHostNames(String... names) {
      for (String n : names) {
        c.reservedHostNames.add(Objects.requireNonNull(n, "name"));
      }
      return this;
    }

    /** DNS servers ({@code host:port}) asked when verifying a custom domain; by default the system's. */
    public Builder dnsResolvers(String... servers) {
      for (String s : servers) {
        c.dnsResolvers.add(Objects.requireNonNull(s, "server"));
      }
      return this;
    }

    /**
     * Host names, addresses or CIDR ranges that URLs taken from parameters (health checks, certificate checks)
     * may reach even though they are loopback, link-local or private — a sandbox on 127.0.0.1, a test server. By
     * default such addresses are refused, so a tenant cannot make the engine probe the host's own network.
     */
    public Builder egressAllow(String... entries) {
      for (String e : entries) {
        c.egressAllowed.add(Objects.requireNonNull(e, "entry"));
      }
      return this;
    }

    /** Reads the host key from a file, creating it with a random key (mode 0600) when absent. */
    public Builder secretKeyFile(Path file) {
      c.secretKeyFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /** Loads PF4J plugin jars from {@code dir}. */
    public Builder plugins(Path dir) {
      c.pluginsDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** Whether extensions on the application classpath are loaded (default true: plugins in development). */
    public Builder classpathPlugins(boolean enabled) {
      c.classpathPlugins = enabled;
      return this;
    }

    /** Loads every {@code *.yaml} / {@code *.yml} file in {@code dir} as a blueprint. */
    public Builder blueprints(Path dir) {
      c.blueprintDirs.add(Objects.requireNonNull(dir, "dir"));
      return this;
    }

    /** Registers a blueprint. */
    public Builder blueprint(Blueprint blueprint) {
      c.blueprints.add(Objects.requireNonNull(blueprint, "blueprint"));
      return this;
    }

    /** The blueprint new environments use when a call names none (default: the only one registered). */
    public Builder defaultBlueprint(String name) {
      c.defaultBlueprint = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Registers a resource type the host implements itself. */
    public Builder resourceType(ResourceType<?, ?> type) {
      c.resourceTypes.add(Objects.requireNonNull(type, "type"));
      return this;
    }

    /** Registers a provisioning step (work that owns no backend object). */
    public Builder step(ProvisioningStep<?, ?> step) {
      c.steps.add(Objects.requireNonNull(step, "step"));
      return this;
    }

    /** Sets the configuration section of a backend, e.g. {@code vercel → {token: ..., teamId: ...}}. */
    public Builder pluginConfig(String backend, Map<String, ?> section) {
      c.pluginConfigs.put(Objects.requireNonNull(backend, "backend"), new LinkedHashMap<>(section));
      return this;
    }

    /** Adds an event listener. */
    public Builder listener(Listener listener) {
      c.listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Replaces the process runner (tests use the test kit's fake). */
    public Builder commandRunner(CommandRunner runner) {
      c.commandRunner = Objects.requireNonNull(runner, "runner");
      return this;
    }

    /** Provides a named secret to blueprints ({@code ${secrets.NAME}}) and steps. */
    public Builder secret(String name, Secret value) {
      c.secrets.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The range the core {@code port} type hands host ports out of (default 20000–29999). */
    public Builder portRange(int from, int to) {
      if (from < 1 || to > 65535 || from > to) {
        throw new ValidationException("portRange", "must be within 1-65535 with from <= to");
      }
      c.portFrom = from;
      c.portTo = to;
      return this;
    }

    /** How many steps may call backends at once (default 16). */
    public Builder maxParallelSteps(int n) {
      if (n < 1) {
        throw new ValidationException("maxParallelSteps", "must be at least 1");
      }
      c.maxParallelSteps = n;
      return this;
    }

    /** At most {@code n} concurrent calls to {@code backend} (e.g. {@code vercel}). */
    public Builder backendConcurrency(String backend, int n) {
      if (n < 1) {
        throw new ValidationException("backendConcurrency." + backend, "must be at least 1");
      }
      c.backendConcurrency.put(Objects.requireNonNull(backend, "backend"), n);
      return this;
    }

    /**
     * At most {@code n} concurrent calls to {@code backend} across every engine sharing this database (a
     * backend's own rate limit, e.g. an API token's): permits live in the journal, leased like runs.
     */
    public Builder sharedBackendConcurrency(String backend, int n) {
      if (n < 1) {
        throw new ValidationException("sharedBackendConcurrency." + backend, "must be at least 1");
      }
      c.sharedBackendConcurrency.put(Objects.requireNonNull(backend, "backend"), n);
      return this;
    }

    /**
     * Whether steps run on virtual threads (Java 24 and later; ignored before, where steps run on a pool of
     * {@code maxParallelSteps} platform threads). On by default: a step pausing in {@code ctx.pause} then holds no
     * platform thread and no {@code maxParallelSteps} slot, so thousands of slow steps can wait at once. Turn it off
     * to keep every step on the platform pool on any Java.
     */
    public Builder virtualThreads(boolean enabled) {
      c.virtualThreads = enabled;
      return this;
    }

    /**
     * At most {@code perSecond} step attempts against {@code backend} start per second in this engine, evenly
     * spaced (e.g. {@code 2.0} for an API that allows 120 calls a minute and whose steps make one call each). A
     * step waiting for its turn holds no thread (limits are checked before a step reaches a worker). It limits step
     * attempts, not the HTTP calls a plugin makes inside one; a plugin still honours a backend's own 429 and {@code Retry-After}.
     */
    public Builder backendRate(String backend, double perSecond) {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new ValidationException("backendRate." + backend, "must be a positive number of attempts per second");
      }
      c.backendRates.put(Objects.requireNonNull(backend, "backend"), perSecond);
      return this;
    }

    /**
     * The default deadline of a step, all attempts together (default 10 minutes). Transient failures are retried
     * with back-off until it passes; an undo gets the same time again. A step resumed after a crash gets a fresh
     * deadline.
     */
    public Builder stepTimeout(Duration timeout) {
      c.stepTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * A cap on the attempts of a step (and of its undo). By default there is none: transient failures are retried
     * until the step's deadline ({@link #stepTimeout}).
     */
    public Builder maxAttempts(int n) {
      if (n < 1) {
        throw new ValidationException("maxAttempts", "must be at least 1");
      }
      c.maxAttempts = n;
      return this;
    }

    /** Retry backoff: the first wait is up to {@code base}, doubling up to {@code cap}, with full jitter. */
    public Builder backoff(Duration base, Duration cap) {
      c.backoffBase = Objects.requireNonNull(base, "base");
      c.backoffCap = Objects.requireNonNull(cap, "cap");
      return this;
    }

    /** The clock (tests may fix it). */
    public Builder clock(Clock clock) {
      c.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** This engine's identity for run leases (default: a generated one). */
    public Builder owner(String owner) {
      c.owner = Objects.requireNonNull(owner, "owner");
      return this;
    }

    /** Whether unfinished runs found in the journal are resumed at start (default true). */
    public Builder recoverOnStart(boolean recover) {
      c.recoverOnStart = recover;
      return this;
    }

    /** The limits of the plan named {@code plan} (tenants without a configured plan are unlimited). */
    public Builder planLimits(String plan, PlanLimits limits) {
      c.planLimits.put(Objects.requireNonNull(plan, "plan"), Objects.requireNonNull(limits, "limits"));
      return this;
    }

    /** Adds a host policy that may veto runs before any side effect. */
    public Builder policy(Policy policy) {
      c.policies.add(Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /** Picks new environments' blueprints from tenant attributes (industry, site type, plan). */
    public Builder blueprintSelector(BlueprintSelector selector) {
      c.blueprintSelector = Objects.requireNonNull(selector, "selector");
      return this;
    }

    /** How many failed provisioning attempts {@code environments().retry(...)} allows (default 3). */
    public Builder maxProvisionAttempts(int n) {
      if (n < 1) {
        throw new ValidationException("maxProvisionAttempts", "must be at least 1");
      }
      c.maxProvisionAttempts = n;
      return this;
    }

    /**
     * How long a run stays claimed by this engine without a heartbeat (default 30 s). With several engines
     * on one PostgreSQL, heartbeats every third of it extend the lease; when an engine dies, another takes
     * its runs over within about this time plus one second. Ignored on H2, which serves one engine.
     */
    public Builder leaseDuration(Duration lease) {
      Objects.requireNonNull(lease, "lease");
      if (lease.toMillis() < 300) {
        throw new ValidationException("leaseDuration", "must be at least 300 ms");
      }
      c.leaseDuration = lease;
      return this;
    }

    /**
     * Sends run, environment and tenant state changes to a URL of the host's as signed JSON, retried and journaled
     * (see {@link StatusWebhook}); may be given several times with different names.
     */
    public Builder statusWebhook(StatusWebhook webhook) {
      c.statusWebhooks.add(Objects.requireNonNull(webhook, "webhook"));
      return this;
    }

    /**
     * Adds an observer of the engine's work — runs, step attempts, retries, takeovers, waits for backend limits —
     * such as the metrics of {@code tenantwright-micrometer} or the traces of {@code tenantwright-opentelemetry}
     * (see {@link EngineObserver}); may be given several times, they are called in this order.
     */
    public Builder observer(EngineObserver observer) {
      c.observers.add(Objects.requireNonNull(observer, "observer"));
      return this;
    }

    /**
     * Registers a check the waves of a fleet operation naming it ({@link FleetRequest#gate}) must pass before the next
     * wave starts. Every engine on the journal must register the same gates, since any of them may drive the
     * operation.
     */
    public Builder waveGate(String name, WaveGate gate) {
      c.waveGates.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(gate, "gate"));
      return this;
    }

    /**
     * How often this engine looks for fleet work — operations to drive, schedules due — when no run ending wakes it
     * (default 1 s; 50 ms to 1 min).
     */
    public Builder fleetInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.toMillis() < 50 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new ValidationException("fleetInterval", "must be 50 ms to 1 minute");
      }
      c.fleetInterval = interval;
      return this;
    }

    /**
     * Prunes what finished runs leave behind once they finished more than {@code maxAge} ago, in the background every
     * {@link #retentionInterval} (and on {@link Tenantwright#prune()}); by default nothing is ever pruned. Pruned:
     * a finished run's steps, step checkpoints and progress events, its run row, and status webhook deliveries that
     * were answered or given up. Kept whatever their age: the audit trail — tenant events (created, suspended, plan
     * changes, deleted), policy refusals, verified domains, and the run-level events (queued, started, how it ended)
     * of every run on a live environment or made by a named actor, approvals included; unfinished runs; each
     * environment's newest run, newest provisioning run and the failed provisioning attempts since it last succeeded
     * (so status and retry work as before); and the current state of every environment and its resources. An
     * idempotency key is remembered only as long as its run is: once pruned, the same key starts a new run.
     *
     * @throws ValidationException naming {@code retention} when {@code maxAge} is shorter than one minute
     */
    public Builder retention(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new ValidationException("retention", "must be at least one minute");
      }
      c.retention = maxAge;
      return this;
    }

    /**
     * How often the background pruner runs while {@link #retention} is set (default one hour; the first pass runs
     * within a minute of the start). Each pass deletes in batches of a few hundred runs, one short transaction each.
     *
     * @throws ValidationException naming {@code retentionInterval} when {@code interval} is shorter than 100 ms
     */
    public Builder retentionInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.toMillis() < 100) {
        throw new ValidationException("retentionInterval", "must be at least 100 ms");
      }
      c.retentionInterval = interval;
      return this;
    }

    /** The configuration as an immutable value. */
    public TenantwrightConfig config() {
      return c.freeze();
    }

    /**
     * Opens the journal, loads plugins and blueprints (validating them against the known types), and resumes
     * unfinished runs.
     *
     * @throws BlueprintException when a blueprint is invalid
     * @throws PluginLoadException when a plugin cannot be loaded
     */
    public Tenantwright build() {
      return create(config());
    }
  }
}
