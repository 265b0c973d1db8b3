package dev.tenantwright.core.internal.engine;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.tenantwright.core.Approval;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.ResourceDefinition;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.StepAction;
import dev.tenantwright.core.StepState;
import dev.tenantwright.core.TenantState;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.internal.blueprint.Interpolator;
import dev.tenantwright.core.internal.blueprint.Resolver;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.JournalException;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.EventRecord;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.journal.Records.RunRecord;
import dev.tenantwright.core.internal.journal.Records.StepRecord;
import dev.tenantwright.core.internal.journal.Records.TenantRecord;
import dev.tenantwright.core.internal.journal.SecretCipher;
import dev.tenantwright.core.internal.json.Json;
import dev.tenantwright.core.internal.json.SecretCodec;
import dev.tenantwright.core.internal.plugins.PluginConfigs;
import dev.tenantwright.core.internal.plugins.TypeHandle;
import dev.tenantwright.core.internal.plugins.TypeRegistry;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantInfo;
import dev.tenantwright.spi.TenantwrightException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, executes, resumes and awaits runs. One engine per host process; it owns the worker threads.
 *
 * <p>Thread-safe. Runs are executed by {@link RunExecution}s that this engine keeps while they are active.
 * {@link #close(Duration)} drains active runs for the given time, then abandons the rest: their journal
 * state stays as it is and the next engine on the same database resumes them.
 */
public final class Engine {

  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  /** What a caller asks the engine to do. */
  public record StartRequest(
      String tenantId, String environment, EnvironmentKind kind, RunKind runKind, String blueprint,
      Map<String, Object> parameters, String idempotencyKey, String actor, String reason, Approval approval,
      String source) {}

  private final EngineOptions options;
  private final Journal journal;
  private final TypeRegistry types;
  private final Function<String, Optional<Blueprint>> blueprints;
  private final PluginConfigs configs;
  private final CommandRunner commands;
  private final Map<String, Secret> hostSecrets;
  private final SecretCipher cipher;
  private final EventBus bus;
  private final RunGate gate;
  private final ObjectMapper store;
  private final ObjectMapper binder;
  private final ObjectMapper hasher;
  private final Planner planner;
  private final Backoff backoff;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final Map<String, Semaphore> backendPermits = new ConcurrentHashMap<>();
  private final Map<String, RunExecution> active = new ConcurrentHashMap<>();
  private final AtomicInteger holders = new AtomicInteger();
  private volatile boolean stopped;
  private volatile boolean draining;

  public Engine(EngineOptions options, Journal journal, TypeRegistry types,
      Function<String, Optional<Blueprint>> blueprints, PluginConfigs configs, CommandRunner commands,
      Map<String, Secret> hostSecrets, SecretCipher cipher, EventBus bus, RunGate gate) {
    this.options = options;
    this.journal = journal;
    this.types = types;
    this.blueprints = blueprints;
    this.configs = configs;
    this.commands = commands;
    this.hostSecrets = Map.copyOf(hostSecrets);
    this.cipher = cipher;
    this.bus = bus;
    this.gate = gate;
    this.store = Json.mapper(cipher);
    this.binder = Json.bindingMapper();
    this.hasher = hashMapper();
    this.planner = new Planner(types);
    this.backoff = new Backoff(options.backoffBase(), options.backoffCap());
    this.workers = Executors.newFixedThreadPool(options.maxParallelSteps(), threads("tenantwright-step"));
    java.util.concurrent.ScheduledThreadPoolExecutor timerPool =
        new java.util.concurrent.ScheduledThreadPoolExecutor(1, threads("tenantwright-timer"));
    // every backend call arms a deadline watchdog that is cancelled when the call returns: drop those at once
    timerPool.setRemoveOnCancelPolicy(true);
    this.timers = timerPool;
    options.backendLimits().forEach((b, n) -> backendPermits.put(b, new Semaphore(n, true)));
    options.sharedBackendLimits().forEach(journal::ensurePermits);
  }

  // ------------------------------------------------------------------------------------------ runs

  /**
   * Plans and starts a run, or returns the run an earlier call with the same idempotency key started.
   *
   * @throws ConflictException when the environment already has an active run, or the key was used for a
   *     different operation
   */
  public RunRecord start(StartRequest r) {
    ensureRunning();
    if (r.idempotencyKey() != null) {
      Optional<RunRecord> existing = journal.runByKey(r.idempotencyKey());
      if (existing.isPresent()) {
        return sameOperation(existing.get(), r);
      }
    }
    TenantRecord tenant = journal.tenant(r.tenantId())
        .orElseThrow(() -> new NotFoundException("tenant '" + r.tenantId() + "' does not exist"));
    if (tenant.state() != TenantState.ACTIVE && r.runKind() != RunKind.DESTROY) {
      throw new ConflictException("tenant '" + tenant.id() + "' is " + tenant.state() + ": no runs can be started");
    }
    String envId = tenant.id() + "/" + r.environment();
    Optional<EnvironmentRecord> existingEnv = journal.environment(envId);
    if (existingEnv.isEmpty() && r.runKind() != RunKind.PROVISION) {
      throw new NotFoundException("environment '" + r.environment() + "' of tenant '" + tenant.id() + "' does not exist");
    }
    if (existingEnv.isPresent() && existingEnv.get().state() == EnvironmentState.DESTROYED
        && r.runKind() != RunKind.PROVISION) {
      throw new ConflictException("environment '" + r.environment() + "' was destroyed");
    }
    Prepared p = prepare(tenant, r, existingEnv);
    gate.check(r, tenant, existingEnv, p.blueprint, p.plan);
    Instant now = now();
    String runId = Naming.runId();
    String key = r.idempotencyKey() != null ? r.idempotencyKey() : "auto-" + runId;
    List<StepRecord> stepRecords = new ArrayList<>();
    Map<String, List<String>> waits = new LinkedHashMap<>();
    Map<String, String> hashes = new LinkedHashMap<>();
    Map<String, ResourceRecord> previous = new LinkedHashMap<>();
    int seq = 0;
    for (PlannedStep ps : p.plan) {
      boolean noop = ps.action() == StepAction.NOOP;
      stepRecords.add(new StepRecord(runId, ps.name(), seq++, ps.action(), ps.type(),
          noop ? StepState.SUCCEEDED : StepState.PENDING, 0, null,
          noop && ps.recorded() != null ? ps.recorded().origin() : null,
          noop && ps.recorded() != null ? ps.recorded().outputsJson() : null, null, false, null,
          noop ? now.toEpochMilli() : null));
      waits.put(ps.name(), List.copyOf(ps.waitsFor()));
      hashes.put(ps.name(), ps.specHash());
      if (ps.recorded() != null) {
        previous.put(ps.name(), ps.recorded());
      }
    }
    String actor = r.approval() != null ? r.approval().by() : r.actor();
    String why = r.approval() != null ? r.approval().reason() : r.reason();
    RunSpec spec = new RunSpec(p.blueprint.name(), p.vars, actor, why, waits, hashes, previous, r.source(),
        existingEnv.map(EnvironmentRecord::blueprint).orElse(null),
        existingEnv.map(e -> readParams(e.parametersJson())).orElse(Map.of()), p.source);
    RunRecord run = new RunRecord(runId, envId, tenant.id(), r.runKind(), RunState.QUEUED, key, write(spec),
        stepRecords.size(), options.owner(), now.plus(options.leaseDuration()).toEpochMilli(), 1, null,
        now.toEpochMilli(), null, null);
    EnvironmentState envState = switch (r.runKind()) {
      case PROVISION -> existingEnv.map(e -> e.state() == EnvironmentState.READY ? EnvironmentState.UPDATING
          : EnvironmentState.PROVISIONING).orElse(EnvironmentState.PROVISIONING);
      case DESTROY -> EnvironmentState.DESTROYING;
      default -> EnvironmentState.UPDATING;
    };
    EnvironmentRecord env = existingEnv
        .map(e -> e.withBlueprint(p.blueprint.name(), write(p.vars), now.toEpochMilli()).with(envState, e.lastError(),
            now.toEpochMilli()))
        .orElseGet(() -> new EnvironmentRecord(envId, tenant.id(), r.environment(), r.kind(), envState,
            p.blueprint.name(), write(p.vars), null, now.toEpochMilli(), now.toEpochMilli()));
    String msg = "queued " + r.runKind().name().toLowerCase(java.util.Locale.ROOT) + " of " + r.environment()
        + (r.source() != null ? " from " + r.source() : "")
        + " from blueprint '" + p.blueprint.name() + "' (" + stepRecords.size() + " steps)"
        + (r.approval() != null ? "; approved by " + r.approval().by() + ": " + r.approval().reason()
            : r.reason() != null ? "; reason: " + r.reason() : "");
    EventRecord queued = new EventRecord(0, runId, tenant.id(), envId, null, EventType.RUN_QUEUED, 0,
        stepRecords.size(), 0, msg, actor, now.toEpochMilli());
    try {
      journal.createRun(env, existingEnv.isPresent(), run, stepRecords, queued);
    } catch (JournalException e) {
      switch (e.reason()) {
        case ACTIVE_RUN_EXISTS -> {
          String other = journal.activeRun(envId).map(a -> a.id() + " (" + a.kind() + ", " + a.state() + ")").orElse("?");
          throw new ConflictException("environment '" + r.environment() + "' of tenant '" + tenant.id()
              + "' already has an active run " + other + "; wait for it or cancel it");
        }
        case IDEMPOTENCY_KEY_TAKEN -> {
          return sameOperation(journal.runByKey(key).orElseThrow(() -> e), r);
        }
        default -> throw e;
      }
    }
    publish(new Event(EventType.RUN_QUEUED, tenant.id(), r.environment(), runId, null, 0, stepRecords.size(), 0, msg,
        actor, now));
    RunExecution exec = execution(run, env, tenant, p.blueprint, spec, stepRecords, run.leaseGeneration(), p.recorded);
    active.put(runId, exec);
    exec.start();
    return run;
  }

  /** The plan a run would execute, without starting anything. */
  public List<PlannedStep> plan(StartRequest r) {
    TenantRecord tenant = journal.tenant(r.tenantId())
        .orElseThrow(() -> new NotFoundException("tenant '" + r.tenantId() + "' does not exist"));
    return prepare(tenant, r, journal.environment(tenant.id() + "/" + r.environment())).plan;
  }

  private record Prepared(Blueprint blueprint, Map<String, Object> vars, List<PlannedStep> plan,
      Map<String, ResourceRecord> recorded, Map<String, ResourceRecord> source) {}

  private Prepared prepare(TenantRecord tenant, StartRequest r, Optional<EnvironmentRecord> existingEnv) {
    Map<String, Object> sourceVars = null;
    String sourceBlueprint = null;
    Map<String, ResourceRecord> sourceRows = Map.of();
    if (r.source() != null) {
      EnvironmentRecord source = journal.environment(tenant.id() + "/" + r.source()).orElseThrow(
          () -> new NotFoundException("environment '" + r.source() + "' of tenant '" + tenant.id() + "' does not exist"));
      sourceVars = readParams(source.parametersJson());
      sourceBlueprint = source.blueprint();
      sourceRows = byName(journal.resources(source.id()));
    }
    String bpName = r.blueprint() != null ? r.blueprint() : sourceBlueprint != null ? sourceBlueprint
        : existingEnv.map(EnvironmentRecord::blueprint).orElse(null);
    if (bpName == null) {
      throw new ValidationException("blueprint", "no blueprint given and none registered as default");
    }
    Blueprint bp = blueprints.apply(bpName)
        .orElseThrow(() -> new NotFoundException("blueprint '" + bpName + "' is not registered"));
    Map<String, Object> vars = new LinkedHashMap<>(bp.vars());
    Map<String, Object> carried = sourceVars != null ? sourceVars
        : existingEnv.map(e -> readParams(e.parametersJson())).orElse(Map.of());
    carried.forEach((k, v) -> {
      if (bp.vars().containsKey(k)) {
        vars.put(k, v);
      }
    });
    if (r.parameters() != null) {
      for (Map.Entry<String, Object> e : r.parameters().entrySet()) {
        if (!bp.vars().containsKey(e.getKey())) {
          throw new ValidationException("parameters." + e.getKey(), "blueprint '" + bp.name() + "' declares no such var");
        }
        vars.put(e.getKey(), e.getValue());
      }
    }
    if (r.runKind() != RunKind.DESTROY) {
      for (Map.Entry<String, Object> e : vars.entrySet()) {
        if (e.getValue() == null) {
          throw new ValidationException("parameters." + e.getKey(), "required by blueprint '" + bp.name() + "' but not given");
        }
      }
    }
    Map<String, ResourceRecord> recorded = byName(journal.resources(tenant.id() + "/" + r.environment()));
    TenantInfo info = info(tenant);
    List<PlannedStep> plan = planner.plan(r.runKind(), bp, r.kind(), recorded, sourceRows,
        def -> specHash(def, info, r.environment(), r.kind(), vars, bp));
    return new Prepared(bp, vars, plan, recorded, sourceRows);
  }

  private RunRecord sameOperation(RunRecord existing, StartRequest r) {
    String envId = r.tenantId() + "/" + r.environment();
    if (!existing.environmentId().equals(envId) || existing.kind() != r.runKind()) {
      throw new ConflictException("idempotency key '" + r.idempotencyKey() + "' was already used for run "
          + existing.id() + " (" + existing.kind() + " of " + existing.environmentId() + ")");
    }
    return existing;
  }

  /** Resumes every unfinished run this engine can claim; called at start-up. */
  public int recover() {
    int resumed = 0;
    for (RunRecord run : journal.unfinishedRuns()) {
      if (active.containsKey(run.id())) {
        continue;
      }
      Instant now = now();
      Optional<Long> claimed = journal.claim(run.id(), options.owner(), now.toEpochMilli(),
          now.plus(options.leaseDuration()).toEpochMilli());
      if (claimed.isPresent() && resume(run.id(), claimed.get())) {
        resumed++;
      }
    }
    return resumed;
  }

  /**
   * Starts the background work that lets several engines share one database: a heartbeat that extends the
   * leases of this engine's runs (and fences out a run whose lease was taken over), and a sweep that takes
   * over runs whose owner stopped heart-beating. Not used on H2, which serves one engine.
   */
  public void startLeaseKeeping(boolean sweep) {
    long beat = Math.max(50, options.leaseDuration().toMillis() / 3);
    timers.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
    if (sweep) {
      long every = Math.max(50, Math.min(1000, beat));
      timers.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }
  }

  private void heartbeat() {
    if (!options.sharedBackendLimits().isEmpty()) {
      try {
        journal.extendPermits(options.owner() + "#", now().plus(options.leaseDuration()).toEpochMilli());
      } catch (RuntimeException e) {
        LOG.warn("extending backend permits failed: {}", e.toString());
      }
    }
    for (RunExecution exec : List.copyOf(active.values())) {
      try {
        if (!journal.heartbeat(exec.id(), options.owner(), exec.generation(),
            now().plus(options.leaseDuration()).toEpochMilli())) {
          fenced(exec);
        }
      } catch (RuntimeException e) {
        LOG.warn("heartbeat of run {} failed: {}", exec.id(), e.toString());
      }
    }
  }

  private void sweep() {
    if (stopped || draining) {
      return;
    }
    try {
      Instant now = now();
      for (Journal.Claim c : journal.claimExpired(options.owner(), now.toEpochMilli(),
          now.plus(options.leaseDuration()).toEpochMilli(), 64)) {
        if (!active.containsKey(c.runId())) {
          LOG.info("taking over run {} whose lease expired", c.runId());
          resume(c.runId(), c.generation());
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("sweep for abandoned runs failed: {}", e.toString());
    }
  }

  private boolean resume(String runId, long generation) {
    try {
      RunRecord fresh = journal.run(runId).orElseThrow();
      TenantRecord tenant = journal.tenant(fresh.tenantId()).orElseThrow();
      EnvironmentRecord env = journal.environment(fresh.environmentId()).orElseThrow();
      RunSpec stored = read(fresh.optionsJson(), RunSpec.class);
      RunSpec spec = new RunSpec(stored.blueprint(), withSecrets(stored.vars()), stored.actor(), stored.reason(),
          stored.waits(), stored.hashes(), stored.previous(), stored.source(), stored.previousBlueprint(),
          withSecrets(stored.previousVars()), stored.sourceRows());
      Blueprint bp = blueprints.apply(spec.blueprint()).orElseThrow(() -> new NotFoundException(
          "cannot resume run " + fresh.id() + ": blueprint '" + spec.blueprint() + "' is no longer registered"));
      RunExecution exec = execution(fresh, env, tenant, bp, spec, journal.steps(fresh.id()), generation,
          byName(journal.resources(env.id())));
      active.put(fresh.id(), exec);
      LOG.info("resuming run {} ({} of {}, {})", fresh.id(), fresh.kind(), fresh.environmentId(), fresh.state());
      exec.start();
      return true;
    } catch (RunExecution.Abandoned | LeaseLostException e) {
      return false;
    } catch (RuntimeException e) {
      LOG.error("cannot resume run {}: {}", runId, e.getMessage());
      return false;
    }
  }

  /** This engine lost the run's lease to another engine: stop executing it here, write nothing more. */
  void fenced(RunExecution exec) {
    if (active.remove(exec.id(), exec)) {
      LOG.warn("run {} was taken over by another engine (lease generation {} is stale); stopping it here",
          exec.id(), exec.generation());
      exec.fence();
      exec.completion().completeExceptionally(new LeaseLostException(exec.id()));
    }
  }

  private static Map<String, ResourceRecord> byName(List<ResourceRecord> rows) {
    Map<String, ResourceRecord> m = new LinkedHashMap<>();
    rows.forEach(r -> m.put(r.name(), r));
    return m;
  }

  private RunExecution execution(RunRecord run, EnvironmentRecord env, TenantRecord tenant, Blueprint bp,
      RunSpec spec, List<StepRecord> stepRecords, long generation, Map<String, ResourceRecord> current) {
    Map<String, ResourceRecord> recorded = new LinkedHashMap<>(current);
    for (Map.Entry<String, ResourceRecord> e : spec.previous().entrySet()) {
      recorded.putIfAbsent(e.getKey(), e.getValue());
    }
    List<RunExecution.StepExec> execs = new ArrayList<>();
    for (StepRecord s : stepRecords) {
      ResourceDefinition def = bp.resource(s.name()).orElse(null);
      TypeHandle type = types.find(s.type()).orElseThrow(() -> new NotFoundException(
          "resource type '" + s.type() + "' of step '" + s.name() + "' is not available (plugin missing?)"));
      execs.add(new RunExecution.StepExec(s, def, type,
          new LinkedHashSet<>(spec.waits().getOrDefault(s.name(), List.of())), spec.hashes().get(s.name()),
          spec.previous().get(s.name())));
    }
    return new RunExecution(this, run, env, info(tenant), bp, spec, RunExecution.index(execs), recorded, generation);
  }

  /**
   * Runs the {@code http.health-check} resources of an environment once, now, and returns the ones that fail
   * (name and URL); used before promoting a test instance.
   */
  public List<String> failingHealthChecks(String environmentId) {
    List<String> failing = new ArrayList<>();
    EnvironmentRecord env = journal.environment(environmentId)
        .orElseThrow(() -> new NotFoundException("environment '" + environmentId + "' does not exist"));
    TenantRecord tenant = journal.tenant(env.tenantId()).orElseThrow();
    for (ResourceRecord rec : journal.resources(environmentId)) {
      Optional<TypeHandle> type = types.find(rec.type());
      if (!"http.health-check".equals(rec.type()) || type.isEmpty()) {
        continue;
      }
      Object out = readOutputs(rec.outputsJson(), type.get().outputType());
      Object url = RunExecution.field(out, "url");
      Object spec = bind(Map.of("url", String.valueOf(url), "timeout", "10s"), type.get().specType());
      EngineStepContext ctx = new EngineStepContext(info(tenant),
          new dev.tenantwright.spi.EnvironmentInfo(env.tenantId(), env.name(), env.kind()), "health-" + Naming.runId(),
          rec.name(), type.get().backend(), 1, now().plus(Duration.ofSeconds(15)), options.clock(), () -> stopped,
          (pct, msg) -> {}, n -> Optional.ofNullable(hostSecrets.get(n)), commands, configs);
      try {
        if (type.get().read(spec, out, ctx).isEmpty()) {
          failing.add(rec.name() + " (" + url + ")");
        }
      } catch (RuntimeException e) {
        failing.add(rec.name() + " (" + url + "): " + e.getMessage());
      }
    }
    return failing;
  }

  /** The variables the last provisioning run of an environment was started with (for a retry), or empty. */
  public Map<String, Object> lastProvisionVars(String environmentId) {
    List<RunRecord> runs = journal.runs(environmentId);
    for (int i = runs.size() - 1; i >= 0; i--) {
      if (runs.get(i).kind() == RunKind.PROVISION) {
        return withSecrets(read(runs.get(i).optionsJson(), RunSpec.class).vars());
      }
    }
    return Map.of();
  }

  /** Waits until the run is finished and returns its final state. */
  public RunState await(String runId, Duration timeout) {
    RunExecution exec = active.get(runId);
    long deadline = System.nanoTime() + timeout.toNanos();
    if (exec != null) {
      try {
        return exec.completion().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw new TenantwrightException("run " + runId + " is still " + exec.state() + " after " + timeout);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TenantwrightException("interrupted while waiting for run " + runId, e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof EngineStoppedException stopped) {
          throw stopped;
        }
        if (e.getCause() instanceof LeaseLostException) {
          return await(runId, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        throw new TenantwrightException("run " + runId + " failed internally", e.getCause());
      }
    }
    while (true) {
      RunRecord r = journal.run(runId).orElseThrow(() -> new NotFoundException("run '" + runId + "' does not exist"));
      if (r.state().isTerminal()) {
        return r.state();
      }
      RunExecution now = active.get(runId);
      if (now != null) {
        return await(runId, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      }
      if (System.nanoTime() > deadline) {
        throw new TenantwrightException("run " + runId + " is still " + r.state() + " after " + timeout);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TenantwrightException("interrupted while waiting for run " + runId, e);
      }
    }
  }

  /** Asks a run to stop and roll back; returns false when this engine does not execute it. */
  public boolean cancel(String runId, String actor) {
    RunExecution exec = active.get(runId);
    if (exec == null) {
      return false;
    }
    exec.cancel(actor);
    return true;
  }

  /** The in-memory completion percent of an active run, if this engine executes it. */
  public Optional<Integer> livePercent(String runId) {
    RunExecution exec = active.get(runId);
    return exec == null ? Optional.empty() : Optional.of(exec.percent());
  }

  /** Whether this engine executes the run now. */
  public boolean isActive(String runId) {
    return active.containsKey(runId);
  }

  /**
   * Stops the engine: no new runs; active runs may finish within {@code drain}; whatever is still running
   * then is abandoned in the journal as it is, for the next engine to resume.
   */
  public void close(Duration drain) {
    draining = true;
    long deadline = System.nanoTime() + drain.toNanos();
    for (RunExecution exec : List.copyOf(active.values())) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        exec.completion().get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        break;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    stopped = true;
    timers.shutdownNow();
    workers.shutdownNow();
    try {
      // Stopped workers write nothing more, so there is no need to wait long for a call stuck in a backend.
      workers.awaitTermination(drain.isZero() ? 200 : 2000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!active.isEmpty()) {
      LOG.info("engine stopped with {} run(s) unfinished; they resume on the next start", active.size());
      try {
        journal.release(List.copyOf(active.keySet()), options.owner());
      } catch (RuntimeException e) {
        LOG.warn("could not release the leases of unfinished runs: {}", e.getMessage());
      }
      for (RunExecution exec : active.values()) {
        exec.completion().completeExceptionally(new EngineStoppedException(exec.id()));
      }
    }
    active.clear();
  }

  // ------------------------------------------------------------------------------------------ used by runs

  Journal journal() {
    return journal;
  }

  TypeRegistry types() {
    return types;
  }

  EngineOptions options() {
    return options;
  }

  Backoff backoff() {
    return backoff;
  }

  CommandRunner commands() {
    return commands;
  }

  PluginConfigs configs() {
    return configs;
  }

  Map<String, Secret> hostSecrets() {
    return hostSecrets;
  }

  ScheduledExecutorService timers() {
    return timers;
  }

  boolean isStopped() {
    return stopped;
  }

  void submit(Runnable task) {
    if (stopped) {
      return;
    }
    try {
      workers.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("engine stopped; task dropped");
    }
  }

  void schedule(Duration delay, Runnable task) {
    if (stopped) {
      return;
    }
    try {
      timers.schedule(() -> submit(task), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("engine stopped; retry dropped");
    }
  }

  void commit(RunExecution run, Journal.Batch batch) {
    try {
      journal.commitFenced(run.id(), options.owner(), run.generation(),
          now().plus(options.leaseDuration()).toEpochMilli(), batch);
    } catch (JournalException e) {
      if (e.reason() == JournalException.Reason.STALE_LEASE) {
        fenced(run);
        throw new RunExecution.Abandoned();
      }
      throw e;
    }
  }

  void publish(Event e) {
    bus.publish(e);
  }

  void finished(RunExecution exec) {
    active.remove(exec.id());
  }

  /** Thrown to a waiter when this engine stopped before the run finished; the run resumes on the next start. */
  public static final class EngineStoppedException extends TenantwrightException {
    private static final long serialVersionUID = 1L;

    EngineStoppedException(String runId) {
      super("the engine stopped before run " + runId + " finished; it resumes when an engine starts on this journal");
    }
  }

  /** Completes a waiter's future when another engine took the run over; the waiter then follows the journal. */
  static final class LeaseLostException extends TenantwrightException {
    private static final long serialVersionUID = 1L;

    LeaseLostException(String runId) {
      super("run " + runId + " is executed by another engine now");
    }
  }

  /** A held permit of a backend's concurrency limit; closing releases it. */
  interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  Permit permit(String backend) {
    Semaphore s = backendPermits.get(backend);
    if (s != null) {
      try {
        s.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RunExecution.Abandoned();
      }
    }
    Permit shared = options.sharedBackendLimits().containsKey(backend) ? sharedPermit(backend) : () -> {};
    return () -> {
      shared.close();
      if (s != null) {
        s.release();
      }
    };
  }

  /** Waits for one of the backend's permits in the database, so the limit holds across engines. */
  private Permit sharedPermit(String backend) {
    String holder = options.owner() + "#" + holders.incrementAndGet();
    long wait = 10;
    while (true) {
      if (stopped) {
        throw new RunExecution.Abandoned();
      }
      Instant now = now();
      int slot = journal.acquirePermit(backend, holder, now.toEpochMilli(),
          now.plus(options.leaseDuration()).toEpochMilli());
      if (slot >= 0) {
        return () -> journal.releasePermit(backend, slot, holder);
      }
      try {
        Thread.sleep(ThreadLocalRandom.current().nextLong(wait / 2, wait + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RunExecution.Abandoned();
      }
      wait = Math.min(250, wait * 2);
    }
  }

  /**
   * Reads stored outputs: sealed values are opened first, so a {@code Secret} field gets its secret and a
   * plain-text field that held a secret (sealed by {@link #writeOutputs}) gets its text back.
   */
  Object readOutputs(String json, Class<?> type) {
    try {
      JsonNode tree = store.readTree(json);
      return store.treeToValue(openSealed(tree), type);
    } catch (IOException | IllegalArgumentException e) {
      throw new TenantwrightException("corrupt outputs for " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes outputs for the journal: {@code Secret} fields are sealed, and so is any other text that contains
   * a secret the run knows (a connection string with a generated password), so no table holds it in plain.
   */
  String writeOutputs(Object outputs, java.util.function.UnaryOperator<String> redact) {
    try {
      JsonNode tree = store.readTree(store.writeValueAsString(outputs));
      return store.writeValueAsString(sealContaining(tree, redact));
    } catch (IOException e) {
      throw new TenantwrightException("cannot serialise outputs: " + e.getMessage(), e);
    }
  }

  private JsonNode openSealed(JsonNode node) {
    if (node.isTextual() && node.asText().startsWith(SecretCodec.PREFIX)) {
      return TextNode.valueOf(cipher.open(node.asText()).reveal());
    }
    if (node instanceof ObjectNode o) {
      o.fields().forEachRemaining(e -> e.setValue(openSealed(e.getValue())));
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, openSealed(a.get(i)));
      }
    }
    return node;
  }

  private JsonNode sealContaining(JsonNode node, java.util.function.UnaryOperator<String> redact) {
    if (node.isTextual()) {
      String text = node.asText();
      if (!text.startsWith(SecretCodec.PREFIX) && !redact.apply(text).equals(text)) {
        return TextNode.valueOf(cipher.seal(Secret.of(text)));
      }
      return node;
    }
    if (node instanceof ObjectNode o) {
      o.fields().forEachRemaining(e -> e.setValue(sealContaining(e.getValue(), redact)));
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, sealContaining(a.get(i), redact));
      }
    }
    return node;
  }

  /** Reads a parameter map; sealed values come back as {@link Secret}s. */
  Map<String, Object> readParams(String json) {
    try {
      return withSecrets(store.readValue(json, MAP));
    } catch (IOException e) {
      throw new TenantwrightException("corrupt parameters in the journal: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> withSecrets(Map<String, Object> in) {
    Map<String, Object> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k, v instanceof String s && s.startsWith(SecretCodec.PREFIX) ? cipher.open(s)
        : v instanceof Map<?, ?> m ? withSecrets((Map<String, Object>) m) : v));
    return out;
  }

  String writeParams(Map<String, Object> params) {
    return write(params);
  }

  Object bind(Object resolved, Class<?> type) {
    return binder.convertValue(resolved, type);
  }

  private <T> T read(String json, Class<T> type) {
    try {
      return store.readValue(json, type);
    } catch (IOException e) {
      throw new TenantwrightException("corrupt journal value for " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  private String write(Object value) {
    try {
      return store.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new TenantwrightException("cannot serialise " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The keyed hash of a definition's spec as it would be resolved now, with outputs of other resources and
   * generated secrets left as their expressions: it changes when the blueprint, the variables, the tenant or
   * a host secret changes.
   */
  private String specHash(ResourceDefinition def, TenantInfo tenant, String envName, EnvironmentKind kind,
      Map<String, Object> vars, Blueprint bp) {
    Object resolved = Interpolator.resolve(def.params(), new Resolver() {
      @Override
      public Object tenant(String field) {
        Object value = Resolver.tenantField(tenant, field);
        return value == null ? "" : value;
      }

      @Override
      public Object env(String field) {
        return "name".equals(field) ? envName : kind.name().toLowerCase(java.util.Locale.ROOT);
      }

      @Override
      public Object var(String name) {
        return vars.getOrDefault(name, "");
      }

      @Override
      public Secret secret(String name) {
        boolean generated = bp.resource(name).map(d -> "secret".equals(d.type())).orElse(false);
        Secret host = hostSecrets.get(name);
        return !generated && host != null ? host : Secret.of("${secrets." + name + "}");
      }

      @Override
      public Object output(String resource, String field) {
        return "${" + resource + "." + field + "}";
      }
    });
    Map<String, Object> doc = new HashMap<>();
    doc.put("type", def.type());
    doc.put("params", resolved);
    try {
      return cipher.hash(hasher.writeValueAsString(doc));
    } catch (JsonProcessingException e) {
      throw new TenantwrightException("cannot hash the spec of " + def.name(), e);
    }
  }

  private static ObjectMapper hashMapper() {
    SimpleModule m = new SimpleModule("tenantwright-hash");
    m.addSerializer(Secret.class, new JsonSerializer<>() {
      @Override
      public void serialize(Secret value, JsonGenerator gen, SerializerProvider p) throws IOException {
        gen.writeString(value.reveal());
      }
    });
    return JsonMapper.builder().addModule(m).configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true).build();
  }

  static TenantInfo info(TenantRecord t) {
    return new TenantInfo(t.id(), t.displayName(), t.email(), t.plan(), t.attributes());
  }

  private void ensureRunning() {
    if (draining || stopped) {
      throw new TenantwrightException("the engine is shutting down: no new runs are accepted");
    }
  }

  private Instant now() {
    return options.clock().instant();
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
