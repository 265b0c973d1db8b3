package dev.tenantwright.core.internal.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.BlueprintChoice;
import dev.tenantwright.core.BlueprintSelector;
import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.EnvironmentStatus;
import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.Page;
import dev.tenantwright.core.PageRequest;
import dev.tenantwright.core.PolicyViolationException;
import dev.tenantwright.core.StepState;
import dev.tenantwright.core.StepStatus;
import dev.tenantwright.core.internal.journal.Records.RunRecord;
import dev.tenantwright.core.Environment;
import dev.tenantwright.core.Environments;
import dev.tenantwright.core.Plan;
import dev.tenantwright.core.Run;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunOptions;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.internal.blueprint.BlueprintCatalog;
import dev.tenantwright.core.DriftReport;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.internal.engine.DriftCheck;
import dev.tenantwright.core.internal.engine.EventBus;
import dev.tenantwright.core.internal.journal.FleetJournal;
import dev.tenantwright.core.internal.journal.Records.EventRecord;
import dev.tenantwright.core.internal.engine.Engine;
import dev.tenantwright.core.internal.engine.Engine.StartRequest;
import dev.tenantwright.core.internal.engine.Naming;
import dev.tenantwright.core.internal.engine.PreparedRun;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.Pages;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.json.JournalCodec;
import dev.tenantwright.core.internal.json.Scopes;
import dev.tenantwright.core.internal.types.SecretOutputs;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantwrightException;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Starts environment runs through the engine and shows environments from the journal. */
final class DefaultEnvironments implements Environments {

  private static final ObjectMapper PLAIN = new ObjectMapper();

  private final Journal journal;
  private final Engine engine;
  private final PolicyGate gate;
  private final PromotionCheck promotion;
  private final BlueprintCatalog blueprints;
  private final String defaultBlueprint;
  private final BlueprintSelector selector;
  private final int maxProvisionAttempts;
  private final JournalCodec codec;
  private final FleetJournal fleetJournal;
  private final EventBus bus;
  private final java.time.Clock clock;
  private final Pages pages;

  DefaultEnvironments(Journal journal, Engine engine, PolicyGate gate, PromotionCheck promotion,
      BlueprintCatalog blueprints, String defaultBlueprint, BlueprintSelector selector, int maxProvisionAttempts,
      JournalCodec codec, FleetJournal fleetJournal, EventBus bus, java.time.Clock clock, Pages pages) {
    this.codec = codec;
    this.fleetJournal = fleetJournal;
    this.bus = bus;
    this.clock = clock;
    this.pages = pages;
    this.journal = journal;
    this.engine = engine;
    this.gate = gate;
    this.promotion = promotion;
    this.blueprints = blueprints;
    this.defaultBlueprint = defaultBlueprint;
    this.selector = selector;
    this.maxProvisionAttempts = maxProvisionAttempts;
  }

  @Override
  public Run provision(String tenantId, EnvironmentKind kind, RunOptions options) {
    if (kind == EnvironmentKind.TEST) {
      throw new ValidationException("kind", "test instances have names: use createTest(tenantId, name, options)");
    }
    return provision(tenantId, EnvironmentNames.MAIN, kind, options);
  }

  @Override
  public Run provision(String tenantId, String site, EnvironmentKind kind, RunOptions options) {
    if (kind == EnvironmentKind.TEST) {
      throw new ValidationException("kind", "test instances have names: use createTest(tenantId, site, name, options)");
    }
    return start(tenantId, EnvironmentNames.name(site, kind, null), kind, RunKind.PROVISION, options);
  }

  @Override
  public Run createTest(String tenantId, String name, RunOptions options) {
    return createTest(tenantId, EnvironmentNames.MAIN, name, options);
  }

  @Override
  public Run createTest(String tenantId, String site, String name, RunOptions options) {
    return start(tenantId, EnvironmentNames.name(site, EnvironmentKind.TEST, name), EnvironmentKind.TEST,
        RunKind.PROVISION, options);
  }

  @Override
  public List<String> sites(String tenantId) {
    return journal.environments(tenantId).stream().filter(e -> e.state() != EnvironmentState.DESTROYED)
        .map(e -> EnvironmentNames.parse(e.name()).site()).distinct()
        .sorted((a, b) -> a.equals(b) ? 0 : a.equals(EnvironmentNames.MAIN) ? -1 : b.equals(EnvironmentNames.MAIN) ? 1
            : a.compareTo(b))
        .toList();
  }

  @Override
  public Run update(String tenantId, String environment, RunOptions options) {
    return start(tenantId, environment, kindOf(environment), RunKind.UPDATE, options);
  }

  @Override
  public Run refresh(String tenantId, String environment, RunOptions options) {
    EnvironmentRecord env = existing(tenantId, environment);
    return start(tenantId, environment, env.kind(), RunKind.REFRESH, options);
  }

  @Override
  public Optional<DriftReport> drift(String tenantId, String environment) {
    EnvironmentRecord env = existing(tenantId, environment);
    return journal.latestRun(env.id(), RunKind.REFRESH, RunState.SUCCEEDED).map(run -> new DriftReport(tenantId,
        environment, run.id(), Instant.ofEpochMilli(run.createdAt()), journal.steps(run.id()).stream()
            .map(st -> DriftCheck.read(st.name(), st.type(), st.origin() == null ? null : st.origin().name(),
                st.outputsJson()))
            .flatMap(Optional::stream).toList()));
  }

  @Override
  public Run repair(String tenantId, String environment, RunOptions options) {
    EnvironmentRecord env = existing(tenantId, environment);
    if (env.state() != EnvironmentState.READY) {
      throw new ConflictException("environment '" + environment + "' is " + env.state() + "; only a READY one is "
          + "repaired (retry or destroy a FAILED one)");
    }
    return start(tenantId, environment, env.kind(), RunKind.REPAIR, options);
  }

  @Override
  public Environment pin(String tenantId, String environment, int version, String actor) {
    EnvironmentRecord env = existing(tenantId, environment);
    String name = BlueprintCatalog.nameOf(env.blueprint());
    if (!blueprints.versions(name).contains(version)) {
      throw new ValidationException("version", "blueprint '" + name + "' has no version " + version + " registered "
          + blueprints.versions(name));
    }
    long now = clock.millis();
    EventRecord ev = new EventRecord(0, null, tenantId, env.id(), null, EventType.ENVIRONMENT_PINNED, 0, 0, 0,
        "pinned " + environment + " to blueprint '" + name + "' version " + version, actor, now);
    fleetJournal.pin(env.id(), version, actor, now, ev);
    bus.publish(Events.of(ev));
    return environment(journal.environment(env.id()).orElseThrow());
  }

  @Override
  public Environment unpin(String tenantId, String environment, String actor) {
    EnvironmentRecord env = existing(tenantId, environment);
    EventRecord ev = new EventRecord(0, null, tenantId, env.id(), null, EventType.ENVIRONMENT_PINNED, 0, 0, 0,
        "unpinned " + environment, actor, clock.millis());
    if (fleetJournal.unpin(env.id(), ev)) {
      bus.publish(Events.of(ev));
    }
    return environment(journal.environment(env.id()).orElseThrow());
  }

  @Override
  public Run redeploy(String tenantId, String environment, RunOptions options) {
    EnvironmentRecord env = existing(tenantId, environment);
    if (env.state() != EnvironmentState.READY) {
      throw new ConflictException("environment '" + environment + "' is " + env.state() + "; only a READY one is redeployed");
    }
    return start(tenantId, environment, env.kind(), RunKind.REDEPLOY, options);
  }

  @Override
  public Run destroy(String tenantId, String environment, RunOptions options) {
    return start(tenantId, environment, kindOf(environment), RunKind.DESTROY, options);
  }

  @Override
  public Run reset(String tenantId, String environment, RunOptions options) {
    EnvironmentRecord env = existing(tenantId, environment);
    if (env.state() != EnvironmentState.READY) {
      throw new ConflictException("environment '" + environment + "' is " + env.state() + "; only a READY environment can be reset");
    }
    return start(tenantId, environment, env.kind(), RunKind.RESET, options, null);
  }

  @Override
  public Run promote(String tenantId, String testEnvironment, RunOptions options) {
    EnvironmentRecord source = existing(tenantId, testEnvironment);
    if (source.kind() != EnvironmentKind.TEST) {
      throw new PolicyViolationException("promote", "only a test instance can be promoted to live; '"
          + testEnvironment + "' is " + source.kind());
    }
    if (source.state() != EnvironmentState.READY) {
      throw new PolicyViolationException("promote", "test instance '" + testEnvironment + "' is " + source.state()
          + "; only a READY one can be promoted");
    }
    List<String> failing = promotion.failingHealthChecks(source.id());
    if (!failing.isEmpty()) {
      throw new PolicyViolationException("promote", "health checks of '" + testEnvironment + "' fail: " + failing);
    }
    String liveName = EnvironmentNames.liveOf(testEnvironment);
    EnvironmentRecord live = existing(tenantId, liveName);
    if (live.state() != EnvironmentState.READY) {
      throw new ConflictException(liveName + " is " + live.state() + "; promote needs a READY live environment");
    }
    return start(tenantId, liveName, EnvironmentKind.LIVE, RunKind.PROMOTE, options, testEnvironment);
  }

  @Override
  public Run retry(String tenantId, String environment, RunOptions options) {
    EnvironmentRecord env = existing(tenantId, environment);
    if (env.state() != EnvironmentState.FAILED) {
      throw new ConflictException("environment '" + environment + "' is " + env.state() + "; only a FAILED one is retried");
    }
    int failed = failedAttempts(env.id());
    if (failed >= maxProvisionAttempts) {
      throw new PolicyViolationException("retry", "provisioning of '" + environment + "' failed " + failed
          + " times; the limit is " + maxProvisionAttempts + " attempts (last error: " + env.lastError() + ")");
    }
    RunOptions again = options;
    for (Map.Entry<String, Object> v : engine.planner().lastProvisionVars(env.id()).entrySet()) {
      if (!options.parameters().containsKey(v.getKey()) && v.getValue() != null) {
        again = again.parameter(v.getKey(), v.getValue());
      }
    }
    return start(tenantId, environment, env.kind(), RunKind.PROVISION, again, null);
  }

  /** Reads the environment, its newest run with that run's steps, and the runs since it last succeeded: bounded. */
  @Override
  public EnvironmentStatus status(String tenantId, String environment) {
    EnvironmentRecord env = existing(tenantId, environment);
    Optional<Run> last = pages.newestRun(env.id()).map(r -> RunHandle.load(journal, engine, r));
    List<String> running = last.map(r -> r.steps().stream()
        .filter(s -> s.state() == StepState.RUNNING || s.state() == StepState.IN_DOUBT
            || s.state() == StepState.COMPENSATING)
        .map(StepStatus::name).toList()).orElse(List.of());
    return new EnvironmentStatus(tenantId, environment, env.kind(), env.state(), last.map(Run::id).orElse(null),
        last.map(Run::state).orElse(null), running, last.map(Run::percent).orElse(0), env.lastError(),
        failedAttempts(env.id()));
  }

  /** Failed provisioning runs since the environment's newest successful run. */
  private int failedAttempts(String envId) {
    return pages.failedProvisionsSinceSuccess(envId);
  }

  private EnvironmentRecord existing(String tenantId, String environment) {
    kindOf(environment);
    return journal.environment(tenantId + "/" + environment).orElseThrow(() -> new NotFoundException(
        "environment '" + environment + "' of tenant '" + tenantId + "' does not exist"));
  }

  @Override
  public Plan plan(String tenantId, String environment, RunKind kind, RunOptions options) {
    EnvironmentKind envKind = kindOf(environment);
    StartRequest req = request(tenantId, environment, envKind, kind, options, null);
    var steps = engine.planner().prepare(req).plan().stream()
        .map(p -> new Plan.Step(p.name(), p.type(), p.action(), p.reason(), List.copyOf(p.waitsFor()))).toList();
    String bp = BlueprintCatalog.nameOf(req.blueprint() != null ? req.blueprint()
        : journal.environment(tenantId + "/" + environment).map(EnvironmentRecord::blueprint).orElse("?"));
    return new Plan(tenantId, environment, kind, bp, steps);
  }

  @Override
  public String backendName(String tenantId, String environment, String resource) {
    kindOf(environment);
    int naming = journal.environment(tenantId + "/" + environment)
        .filter(e -> e.state() != EnvironmentState.DESTROYED).map(EnvironmentRecord::naming).orElse(Naming.CURRENT);
    return Naming.resourceName(tenantId, environment, resource, naming);
  }

  @Override
  public boolean verifySignature(String tenantId, String environment, String secretResource, byte[] body,
      String signatureHeader) {
    if (body == null || signatureHeader == null || !signatureHeader.startsWith("sha256=")
        || signatureHeader.length() != 7 + 64) {
      return false;
    }
    byte[] given;
    try {
      given = java.util.HexFormat.of().parseHex(signatureHeader.substring(7));
    } catch (IllegalArgumentException e) {
      return false;
    }
    Optional<EnvironmentRecord> env = journal.environment(tenantId + "/" + environment);
    if (env.isEmpty() || env.get().state() == EnvironmentState.DESTROYED) {
      return false;
    }
    Optional<ResourceRecord> rec = journal.resources(env.get().id()).stream()
        .filter(r -> r.name().equals(secretResource) && r.type().equals("secret")).findFirst();
    if (rec.isEmpty()) {
      return false;
    }
    SecretOutputs out = codec.read(rec.get().outputsJson(), SecretOutputs.class,
        Scopes.resource(rec.get().environmentId(), rec.get().name(), "outputs"));
    if (out == null || out.value() == null) {
      return false;
    }
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(out.value().reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8),
          "HmacSHA256"));
      return java.security.MessageDigest.isEqual(mac.doFinal(body), given);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  @Override
  public List<Environment> list(String tenantId) {
    return journal.environments(tenantId).stream().map(this::environment).toList();
  }

  @Override
  public Page<Environment> list(String tenantId, PageRequest page) {
    String[] after = Cursors.decode("environments", page.cursor(), 1);
    return Cursors.page(pages.environments(tenantId, after == null ? null : after[0], page.limit() + 1), page,
        this::environment, e -> Cursors.encode("environments", e.name()));
  }

  @Override
  public Optional<Environment> find(String tenantId, String environment) {
    return journal.environment(tenantId + "/" + environment).map(this::environment);
  }

  private Run start(String tenantId, String environment, EnvironmentKind kind, RunKind runKind, RunOptions options) {
    return start(tenantId, environment, kind, runKind, options, null);
  }

  private Run start(String tenantId, String environment, EnvironmentKind kind, RunKind runKind, RunOptions options,
      String source) {
    StartRequest req = request(tenantId, environment, kind, runKind, options, source);
    String envId = tenantId + "/" + environment;
    for (int attempt = 1; ; attempt++) {
      if (req.idempotencyKey() != null) {
        Optional<RunRecord> same = journal.runByKey(envId, req.idempotencyKey());
        if (same.isPresent()) {
          return RunHandle.load(journal, engine, engine.sameOperation(same.get(), envId, req));
        }
      }
      PreparedRun prepared = engine.planner().prepare(req);
      gate.check(prepared);
      try {
        return RunHandle.load(journal, engine, engine.start(prepared, gate.quota(prepared)));
      } catch (PolicyViolationException e) {
        gate.refused(req, prepared.tenant(), e);
        throw e;
      } catch (Engine.StalePlanException e) {
        if (attempt >= 5) {
          throw new ConflictException(e.getMessage() + "; try again");
        }
        // the environment changed between planning and starting: plan again from what it is now
      }
    }
  }

  private StartRequest request(String tenantId, String environment, EnvironmentKind kind, RunKind runKind,
      RunOptions options, String source) {
    String bp = options.blueprintName();
    Map<String, Object> params = options.parameters();
    String asked = Engine.asked(runKind, environment, options.blueprintVersionGiven() == null ? bp
        : bp + "@" + options.blueprintVersionGiven(), params, source);
    Optional<EnvironmentRecord> env = journal.environment(tenantId + "/" + environment);
    boolean fresh = env.isEmpty() || env.get().state() == EnvironmentState.DESTROYED;
    if (bp == null && source == null && fresh) {
      Optional<BlueprintChoice> chosen = selector == null ? Optional.empty()
          : journal.tenant(tenantId).flatMap(t -> selector.select(DefaultTenants.tenant(t), kind));
      if (chosen.isPresent()) {
        bp = chosen.get().blueprint();
        Map<String, Object> merged = new LinkedHashMap<>(chosen.get().parameters());
        merged.putAll(params);
        params = merged;
      } else {
        bp = defaultBlueprint();
      }
    }
    Optional<Integer> pinned = fresh ? Optional.empty() : fleetJournal.pin(env.get().id());
    Integer version = options.blueprintVersionGiven();
    if (pinned.isPresent() && version != null && !version.equals(pinned.get())) {
      throw new ConflictException("environment '" + environment + "' is pinned to version " + pinned.get()
          + " of its blueprint; unpin it before moving it to version " + version);
    }
    if (version == null && pinned.isPresent()) {
      version = pinned.get();
    }
    if (version != null) {
      String name = bp != null ? BlueprintCatalog.nameOf(bp)
          : env.map(e -> BlueprintCatalog.nameOf(e.blueprint())).orElseGet(this::defaultBlueprint);
      if (!blueprints.versions(name).contains(version)) {
        throw new ValidationException("blueprintVersion", "blueprint '" + name + "' has no version " + version
            + " registered " + blueprints.versions(name));
      }
      bp = BlueprintCatalog.ref(name, version);
    }
    return new StartRequest(tenantId, environment, kind, runKind, bp, params, options.idempotencyKey(),
        options.actorName(), options.reasonText(), options.approvalGiven(), source, asked);
  }

  private String defaultBlueprint() {
    if (defaultBlueprint != null) {
      return defaultBlueprint;
    }
    List<String> names = blueprints.names();
    if (names.size() == 1) {
      return names.get(0);
    }
    throw new ValidationException("blueprint", names.isEmpty() ? "no blueprint is registered"
        : "several blueprints are registered " + names + ": name one in RunOptions or set a default");
  }

  static EnvironmentKind kindOf(String environment) {
    return EnvironmentNames.parse(environment).kind();
  }

  private Environment environment(EnvironmentRecord e) {
    List<Environment.Resource> resources = journal.resources(e.id()).stream().map(DefaultEnvironments::resource).toList();
    return new Environment(e.tenantId(), e.name(), e.kind(), e.state(), BlueprintCatalog.nameOf(e.blueprint()),
        e.lastError(), resources, Instant.ofEpochMilli(e.createdAt()), Instant.ofEpochMilli(e.updatedAt()),
        BlueprintCatalog.versionOf(e.blueprint()).orElse(0), fleetJournal.pin(e.id()).orElse(null));
  }

  private static Environment.Resource resource(ResourceRecord r) {
    return new Environment.Resource(r.name(), r.type(), r.origin().name(), JournalCodec.masked(r.outputsJson()));
  }
}
