package dev.tenantwright.core.internal.api;

import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.Domains;
import dev.tenantwright.core.EngineHealth;
import dev.tenantwright.core.Environments;
import dev.tenantwright.core.Listener;
import dev.tenantwright.core.PruneResult;
import dev.tenantwright.core.ResourceDefinition;
import dev.tenantwright.core.Runs;
import dev.tenantwright.core.TenantwrightConfig;
import dev.tenantwright.core.Tenants;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.Fleet;
import dev.tenantwright.core.internal.blueprint.BlueprintCatalog;
import dev.tenantwright.core.internal.fleet.DefaultFleet;
import dev.tenantwright.core.internal.fleet.FleetDriver;
import dev.tenantwright.core.internal.journal.FleetJournal;
import dev.tenantwright.core.internal.blueprint.BlueprintValidator;
import dev.tenantwright.core.internal.blueprint.TypeCatalog;
import dev.tenantwright.core.internal.commands.ProcessCommandRunner;
import dev.tenantwright.core.internal.engine.Engine;
import dev.tenantwright.core.internal.engine.EngineOptions;
import dev.tenantwright.core.internal.engine.EventBus;
import dev.tenantwright.core.internal.journal.Database;
import dev.tenantwright.core.internal.engine.HostNames;
import dev.tenantwright.core.internal.journal.BackendSlots;
import dev.tenantwright.core.internal.journal.HostNameRegistry;
import dev.tenantwright.core.internal.net.DnsTxt;
import dev.tenantwright.core.internal.net.EgressPolicy;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.Pages;
import dev.tenantwright.core.internal.journal.Retention;
import dev.tenantwright.core.internal.webhooks.StatusWebhooks;
import dev.tenantwright.core.internal.webhooks.WebhookCallType;
import dev.tenantwright.core.internal.journal.Leases;
import dev.tenantwright.core.internal.journal.Ports;
import dev.tenantwright.core.internal.json.JournalCodec;
import dev.tenantwright.core.internal.journal.SecretCipher;
import dev.tenantwright.core.internal.plugins.DefaultTypeRegistry;
import dev.tenantwright.core.internal.plugins.PluginConfigCheck;
import dev.tenantwright.core.internal.plugins.PluginConfigs;
import dev.tenantwright.core.internal.plugins.PluginHost;
import dev.tenantwright.core.internal.plugins.TypeHandle;
import dev.tenantwright.core.internal.plugins.TypeRegistry;
import dev.tenantwright.core.internal.types.CoreTypes;
import dev.tenantwright.core.internal.types.PortRange;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.ProvisioningStep;
import dev.tenantwright.spi.TenantwrightException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Everything one {@link dev.tenantwright.core.Tenantwright} owns, wired at start-up: database, journal,
 * plugins, type registry, blueprints and engine. Closing releases them in reverse order.
 */
public final class Runtime {

  private final Database database;
  private final PluginHost plugins;
  private final Engine engine;
  private final EventBus bus;
  private final TypeRegistry types;
  private final BlueprintCatalog blueprints;
  private final DefaultTenants tenants;
  private final DefaultEnvironments environments;
  private final DefaultRuns runs;
  private final DefaultDomains domains;
  private final Resealer resealer;
  private final StatusWebhooks webhooks;
  private final DefaultEventLog eventLog;
  private final HealthProbe health;
  private final DefaultFleet fleet;
  private final FleetDriver fleetDriver;
  private final Pruner pruner;

  private Runtime(Database database, PluginHost plugins, Engine engine, EventBus bus, TypeRegistry types,
      BlueprintCatalog blueprints, Journal journal, PolicyGate gate, PromotionCheck promotion,
      DefaultDomains domains, Resealer resealer, StatusWebhooks webhooks, JournalCodec codec, TenantwrightConfig config,
      FleetJournal fleetJournal, String owner) {
    this.webhooks = webhooks;
    this.eventLog = new DefaultEventLog(journal, config.clock(), Duration.ofSeconds(5));
    this.health = new HealthProbe(journal, config.clock());
    this.pruner = new Pruner(new Retention(database, 500), config.retention(), config.retentionInterval(),
        config.clock());
    this.domains = domains;
    this.resealer = resealer;
    this.database = database;
    this.plugins = plugins;
    this.engine = engine;
    this.bus = bus;
    this.types = types;
    this.blueprints = blueprints;
    Pages pages = new Pages(database);
    this.runs = new DefaultRuns(journal, engine, pages);
    this.environments = new DefaultEnvironments(journal, engine, gate, promotion, blueprints, config.defaultBlueprint(),
        config.blueprintSelector(), config.maxProvisionAttempts(), codec, fleetJournal, bus, config.clock(), pages);
    this.tenants = new DefaultTenants(journal, config.clock(), bus, environments, gate, pages);
    this.fleetDriver = new FleetDriver(fleetJournal, journal, environments, config.waveGates(), owner, config.clock(),
        config.fleetInterval(), Duration.ofSeconds(30));
    this.fleet = new DefaultFleet(fleetJournal, fleetDriver, blueprints, config.waveGates(), config.clock());
  }

  /** Opens and wires everything; on failure releases what was opened. */
  public static Runtime start(TenantwrightConfig config) {
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      Database db;
      byte[] key;
      if (config.dataSource() != null) {
        db = Database.of(config.dataSource());
        if (config.secretKey() != null) {
          key = config.secretKey();
        } else if (config.secretKeyFile() != null) {
          key = SecretCipher.loadOrCreateKey(config.secretKeyFile());
        } else {
          throw new ValidationException("secretKey",
              "required with dataSource(...): give secretKey(bytes) or secretKeyFile(path) so stored secrets stay readable");
        }
      } else {
        Path dir = config.embeddedDir() != null ? config.embeddedDir() : Path.of("tenantwright-data");
        db = Database.embedded(dir);
        key = config.secretKey() != null ? config.secretKey()
            : SecretCipher.loadOrCreateKey(config.secretKeyFile() != null ? config.secretKeyFile() : dir.resolve("secret.key"));
      }
      opened.add(db);
      SecretCipher cipher = new SecretCipher(key, config.retiredSecretKeys());
      Journal journal = new Journal(db);
      Leases leases = new Leases(db);
      PluginHost host = PluginHost.start(config.pluginsDir(), config.classpathPlugins());
      opened.add(host);
      DefaultTypeRegistry.Builder reg = DefaultTypeRegistry.builder()
          .addResourceTypes(CoreTypes.create(new Ports(db), new PortRange(config.portFrom(), config.portTo()),
              CoreTypes.defaultHttpClient(), new EgressPolicy(config.egressAllowed())), "core")
          .addResourceTypes(List.of(new WebhookCallType(config.statusWebhooks(), CoreTypes.defaultHttpClient())), "core")
          .addResourceTypes(config.resourceTypes(), "host");
      for (ProvisioningStep<?, ?> s : config.steps()) {
        reg.addStep(s, "host");
      }
      reg.addAll(host.types());
      TypeRegistry types = reg.build();
      BlueprintCatalog blueprints = loadBlueprints(config, types);
      PluginConfigs pluginConfigs = new PluginConfigs(config.pluginConfigs());
      PluginConfigCheck.check(types.all(), pluginConfigs, backendsInUse(blueprints.all(), types));
      EventBus bus = new EventBus(config.listeners());
      PolicyGate gate = new PolicyGate(journal, types, config.planLimits(), config.policies(), bus, config.clock());
      EngineOptions options = new EngineOptions(config.maxParallelSteps(), config.backendConcurrency(),
          config.stepTimeout(), config.maxAttempts(), config.backoffBase(), config.backoffCap(),
          Duration.ofMillis(500), config.owner() != null ? config.owner() : "engine-" + UUID.randomUUID(),
          config.leaseDuration(), config.clock(), config.sharedBackendConcurrency(), Duration.ofSeconds(30),
          config.backendRates(), config.virtualThreads());
      CommandRunner commands = config.commandRunner() != null ? config.commandRunner() : new ProcessCommandRunner();
      HostNameRegistry registry = new HostNameRegistry(db);
      List<String> reserved = new ArrayList<>(HostNames.DEFAULT_RESERVED);
      reserved.addAll(config.reservedHostNames());
      HostNames hostNames = new HostNames(registry, config.platformDomains(), reserved);
      Engine engine = new Engine(options, journal, leases, new BackendSlots(db), types,
          blueprints::find, pluginConfigs, commands, config.secrets(), cipher, bus,
          hostNames, config.observers());
      DefaultDomains domains = new DefaultDomains(journal, registry, hostNames, cipher,
          new DnsTxt(config.dnsResolvers()), bus, config.clock());
      Resealer resealer = new Resealer(db.sql(), new JournalCodec(cipher));
      PromotionCheck promotion = new PromotionCheck(journal, types, new JournalCodec(cipher), config.clock(), commands,
          pluginConfigs, config.secrets());
      StatusWebhooks webhooks = new StatusWebhooks(db.sql(), config.statusWebhooks(), config.clock(),
          Duration.ofSeconds(1), Duration.ofSeconds(10));
      opened.add(webhooks);
      Runtime rt = new Runtime(db, host, engine, bus, types, blueprints, journal, gate, promotion, domains, resealer,
          webhooks, new JournalCodec(cipher), config, new FleetJournal(db), options.owner());
      if (config.recoverOnStart()) {
        engine.recover();
      }
      engine.startLeaseKeeping();
      webhooks.start(bus);
      bus.add(rt.fleetDriver::onEvent);
      rt.fleetDriver.start();
      opened.add(rt.fleetDriver);
      rt.pruner.start();
      return rt;
    } catch (RuntimeException e) {
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** The backends of the types the blueprints name (unknown types were refused when the blueprints loaded). */
  private static Set<String> backendsInUse(Collection<Blueprint> blueprints, TypeRegistry types) {
    Set<String> backends = new HashSet<>();
    for (Blueprint bp : blueprints) {
      for (ResourceDefinition r : bp.resources()) {
        types.find(r.type()).ifPresent(t -> backends.add(t.backend()));
      }
    }
    return backends;
  }

  private static BlueprintCatalog loadBlueprints(TenantwrightConfig config, TypeRegistry types) {
    List<Blueprint> all = new ArrayList<>(config.blueprints());
    for (Path dir : config.blueprintDirs()) {
      if (!Files.isDirectory(dir)) {
        throw new ValidationException("blueprints", "'" + dir + "' is not a directory");
      }
      try (Stream<Path> files = Files.list(dir)) {
        files.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted()
            .forEach(p -> all.add(Blueprint.fromYaml(p)));
      } catch (IOException e) {
        throw new TenantwrightException("cannot read blueprints from " + dir + ": " + e.getMessage(), e);
      }
    }
    TypeCatalog catalog = new TypeCatalog() {
      @Override
      public Optional<Class<?>> specType(String type) {
        return types.find(type).map(TypeHandle::specType);
      }

      @Override
      public Optional<Class<?>> outputType(String type) {
        return types.find(type).map(TypeHandle::outputType);
      }

      @Override
      public Collection<String> types() {
        return types.all().stream().map(TypeHandle::type).toList();
      }
    };
    for (Blueprint bp : all) {
      BlueprintValidator.validate(bp, catalog);
    }
    BlueprintCatalog registered = BlueprintCatalog.of(all);
    if (config.defaultBlueprint() != null && registered.versions(config.defaultBlueprint()).isEmpty()) {
      throw new ValidationException("defaultBlueprint", "no blueprint named '" + config.defaultBlueprint() + "'");
    }
    return registered;
  }

  public Tenants tenants() {
    return tenants;
  }

  public Environments environments() {
    return environments;
  }

  public Runs runs() {
    return runs;
  }

  public Domains domains() {
    return domains;
  }

  public Fleet fleet() {
    return fleet;
  }

  /** Moves every sealed value to the primary key; returns the number of rows rewritten. */
  public int resealSecrets() {
    return resealer.reseal();
  }

  public AutoCloseable subscribe(Listener listener) {
    bus.add(listener);
    return () -> bus.remove(listener);
  }

  public Collection<String> resourceTypes() {
    return types.all().stream().map(TypeHandle::type).sorted().toList();
  }

  public List<Integer> blueprintVersions(String name) {
    return blueprints.versions(name);
  }

  public Collection<String> blueprintNames() {
    return blueprints.names();
  }

  public StatusWebhooks webhooks() {
    return webhooks;
  }

  public DefaultEventLog eventLog() {
    return eventLog;
  }

  /** Prunes the journal now with the configured retention; see {@link Pruner#prune()}. */
  public PruneResult prune() {
    return pruner.prune();
  }

  /** A snapshot of the journal's health; never throws. */
  public EngineHealth health() {
    return health.check();
  }

  /** Stops the pruner, drains, then stops the engine, the webhook sender, the plugins and the database. */
  public void close(Duration drain) {
    try {
      try {
        fleetDriver.close();
        pruner.close();
        engine.close(drain);
      } finally {
        webhooks.close();
      }
    } finally {
      try {
        plugins.close();
      } finally {
        database.close();
      }
    }
  }
}
