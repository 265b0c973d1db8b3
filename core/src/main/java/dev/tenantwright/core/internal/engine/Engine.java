package dev.tenantwright.core.internal.engine;

import dev.tenantwright.core.Approval;
import dev.tenantwright.core.Blueprint;
import dev.tenantwright.core.ConflictException;
import dev.tenantwright.core.EngineObserver;
import dev.tenantwright.core.EngineStoppedException;
import dev.tenantwright.core.EnvironmentState;
import dev.tenantwright.core.Event;
import dev.tenantwright.core.EventType;
import dev.tenantwright.core.NotFoundException;
import dev.tenantwright.core.ResourceDefinition;
import dev.tenantwright.core.RunKind;
import dev.tenantwright.core.RunState;
import dev.tenantwright.core.RunTimeoutException;
import dev.tenantwright.core.ValidationException;
import dev.tenantwright.core.internal.blueprint.BlueprintCatalog;
import dev.tenantwright.core.internal.journal.BackendSlots;
import dev.tenantwright.core.internal.journal.Journal;
import dev.tenantwright.core.internal.journal.JournalException;
import dev.tenantwright.core.internal.journal.Leases;
import dev.tenantwright.core.internal.journal.Records.EnvironmentRecord;
import dev.tenantwright.core.internal.journal.Records.EventRecord;
import dev.tenantwright.core.internal.journal.Records.ResourceRecord;
import dev.tenantwright.core.internal.journal.Records.RunRecord;
import dev.tenantwright.core.internal.journal.Records.StepRecord;
import dev.tenantwright.core.internal.journal.Records.TenantRecord;
import dev.tenantwright.core.internal.journal.SecretCipher;
import dev.tenantwright.core.internal.json.JournalCodec;
import dev.tenantwright.core.internal.json.Scopes;
import dev.tenantwright.core.internal.plugins.PluginConfigs;
import dev.tenantwright.core.internal.plugins.TypeHandle;
import dev.tenantwright.core.internal.plugins.TypeRegistry;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.EnvironmentInfo;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.TenantInfo;
import dev.tenantwright.spi.TenantwrightException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run lifecycle: starts planned runs, keeps their executions, awaits and cancels them, force-fails runs
 * that can never finish, and stops. One engine per host process; it owns the worker and timer threads.
 *
 * <p>A request flows one way: the API asks {@link RunPlanner} for a {@link PreparedRun}, checks its policies,
 * then hands it to {@link #start}; the engine writes the journal and executes. Leases (heartbeats, takeover,
 * resuming) are kept by {@link LeaseKeeper}, backend limits by {@link BackendPermits}.
 *
 * <p>Thread-safe. {@link #close(Duration)} drains active runs for the given time, then abandons the rest: their
 * journal state stays as it is and the next engine on the same database resumes them.
 */
public final class Engine {

  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  /** What a caller asks the engine to do. */
  public record StartRequest(
      String tenantId, String environment, EnvironmentKind kind, RunKind runKind, String blueprint,
      Map<String, Object> parameters, String idempotencyKey, String actor, String reason, Approval approval,
      String source, String asked) {}

  /** The environment changed between planning and starting: plan again. */
  public static final class StalePlanException extends TenantwrightException {
    private static final long serialVersionUID = 1L;

    StalePlanException(String message) {
      super(message);
    }
  }

  private final EngineOptions options;
  private final Journal journal;
  private final Leases leases;
  private final TypeRegistry types;
  private final Function<String, Optional<Blueprint>> blueprints;
  private final PluginConfigs configs;
  private final CommandRunner commands;
  private final Map<String, Secret> hostSecrets;
  private final JournalCodec codec;
  private final SecretCipher cipher;
  private final EventBus bus;
  private final RunPlanner planner;
  private final Backoff backoff;
  private final StepThreads stepThreads;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final Watchdog watchdog;
  private final BackendPermits permits;
  private final LeaseKeeper leaseKeeper;
  private final HostNames hostNames;
  private final Observers observers;
  private final Map<String, RunExecution> active = new ConcurrentHashMap<>();
  /** Executions that stopped (abandoned or fenced) while calls of theirs were still in a backend. */
  private final Map<String, RunExecution> draining = new ConcurrentHashMap<>();
  /** Runs being started on this engine, not yet registered as active. */
  private final Set<String> starting = ConcurrentHashMap.newKeySet();
  private volatile boolean stopped;
  private volatile boolean draining0;

  public Engine(EngineOptions options, Journal journal, Leases leases, BackendSlots slots, TypeRegistry types,
      Function<String, Optional<Blueprint>> blueprints, PluginConfigs configs, CommandRunner commands,
      Map<String, Secret> hostSecrets, SecretCipher cipher, EventBus bus, HostNames hostNames,
      List<EngineObserver> observers) {
    this.options = options;
    this.journal = journal;
    this.leases = leases;
    this.types = types;
    this.blueprints = blueprints;
    this.configs = configs;
    this.commands = commands;
    this.hostSecrets = Map.copyOf(hostSecrets);
    this.codec = new JournalCodec(cipher);
    this.cipher = cipher;
    this.bus = bus;
    this.planner = new RunPlanner(journal, types, blueprints, new SpecHasher(cipher, this.hostSecrets), codec);
    this.backoff = new Backoff(options.backoffBase(), options.backoffCap());
    this.stepThreads = StepThreads.create(options.maxParallelSteps(), threads("tenantwright-step"),
        options.virtualThreads());
    this.workers = stepThreads.executor();
    ScheduledThreadPoolExecutor timerPool = new ScheduledThreadPoolExecutor(1, threads("tenantwright-timer"));
    // every backend call arms a deadline watchdog that is cancelled when the call returns: drop those at once
    timerPool.setRemoveOnCancelPolicy(true);
    this.timers = timerPool;
    this.watchdog = new Watchdog(timers, options.clock());
    this.permits = new BackendPermits(options, slots, new BackendPermits.Scheduling() {
      @Override
      public void submit(Runnable task) {
        Engine.this.submit(task);
      }

      @Override
      public void later(long nanos, Runnable task) {
        schedule(Duration.ofNanos(nanos), task);
      }
    });
    this.leaseKeeper = new LeaseKeeper(this, leases, options);
    this.hostNames = hostNames;
    this.observers = new Observers(observers);
  }

  /** Plans runs for this engine's journal and blueprints. */
  public RunPlanner planner() {
    return planner;
  }

  // ------------------------------------------------------------------------------------------ starting

  /**
   * Starts a planned run: records it (already RUNNING) with its steps and events in one transaction, then
   * executes it. A run with the same idempotency key that already exists is returned instead.
   *
   * @param quota checked inside the starting transaction with the tenant locked, or null
   * @throws ConflictException when the environment already has an active run, or the key was used for a
   *     different operation
   * @throws StalePlanException when the environment changed since it was planned (plan again)
   */
  public RunRecord start(PreparedRun p, Journal.UsageCheck quota) {
    ensureRunning();
    StartRequest r = p.request();
    Instant now = now();
    long nowMs = now.toEpochMilli();
    String runId = Naming.runId();
    String key = r.idempotencyKey() != null ? r.idempotencyKey() : "auto-" + runId;
    String envId = p.tenant().id() + "/" + r.environment();
    Optional<EnvironmentRecord> existingEnv = p.environment();
    List<StepRecord> stepRecords = new ArrayList<>();
    Map<String, List<String>> waits = new LinkedHashMap<>();
    Map<String, String> hashes = new LinkedHashMap<>();
    Map<String, ResourceRecord> previous = new LinkedHashMap<>();
    int seq = 0;
    for (PlannedStep ps : p.plan()) {
      stepRecords.add(StepRecord.planned(runId, ps.name(), seq++, ps.action(), ps.type(), ps.recorded(), nowMs));
      waits.put(ps.name(), List.copyOf(ps.waitsFor()));
      hashes.put(ps.name(), ps.specHash());
      if (ps.recorded() != null) {
        previous.put(ps.name(), ps.recorded());
      }
    }
    String actor = r.approval() != null ? r.approval().by() : r.actor();
    String why = r.approval() != null ? r.approval().reason() : r.reason();
    RunSpec spec = new RunSpec(BlueprintCatalog.ref(p.blueprint()), p.vars(), actor, why, waits, hashes, previous, r.source(),
        existingEnv.map(EnvironmentRecord::blueprint).orElse(null),
        existingEnv.map(e -> codec.readParams(e.parametersJson(), Scopes.parameters(e.id()))).orElse(Map.of()),
        p.sourceRows(),
        existingEnv.map(EnvironmentRecord::state).orElse(null), fingerprint(r));
    RunRecord run = new RunRecord(runId, envId, p.tenant().id(), r.runKind(), RunState.RUNNING, key,
        codec.write(spec, Scopes.run(runId)),
        stepRecords.size(), options.owner(), now.plus(options.leaseDuration()).toEpochMilli(), 1, null, nowMs, nowMs,
        null, null, List.of());
    EnvironmentState envState = switch (r.runKind()) {
      case PROVISION -> existingEnv.map(e -> e.state() == EnvironmentState.READY ? EnvironmentState.UPDATING
          : EnvironmentState.PROVISIONING).orElse(EnvironmentState.PROVISIONING);
      case DESTROY -> EnvironmentState.DESTROYING;
      case REFRESH -> existingEnv.map(EnvironmentRecord::state).orElse(EnvironmentState.READY);
      default -> EnvironmentState.UPDATING;
    };
    EnvironmentRecord env;
    try {
      env = r.runKind() == RunKind.REFRESH && existingEnv.isPresent()
          ? existingEnv.get().moveTo(envState, existingEnv.get().lastError(), nowMs)
          : existingEnv
          .map(e -> e.withBlueprint(BlueprintCatalog.ref(p.blueprint()), codec.write(p.vars(), Scopes.parameters(envId)), nowMs)
              .withNaming(e.state() == EnvironmentState.DESTROYED ? Naming.CURRENT : e.naming())
              .moveTo(envState, e.lastError(), nowMs))
          .orElseGet(() -> new EnvironmentRecord(envId, p.tenant().id(), r.environment(), r.kind(), envState,
              BlueprintCatalog.ref(p.blueprint()), codec.write(p.vars(), Scopes.parameters(envId)), null, nowMs, nowMs, 0,
              Naming.CURRENT));
    } catch (IllegalStateException busy) {
      throw new ConflictException("environment '" + r.environment() + "' of tenant '" + p.tenant().id() + "' is "
          + existingEnv.map(EnvironmentRecord::state).orElse(null) + "; a " + r.runKind() + " cannot start now");
    }
    String msg = "queued " + r.runKind().name().toLowerCase(Locale.ROOT) + " of " + r.environment()
        + (r.source() != null ? " from " + r.source() : "")
        + " from blueprint '" + p.blueprint().name() + "' version " + p.blueprint().version() + " (" + stepRecords.size() + " steps)"
        + (r.approval() != null ? "; approved by " + r.approval().by() + ": " + r.approval().reason()
            : r.reason() != null ? "; reason: " + r.reason() : "");
    String started = "started " + r.runKind().name().toLowerCase(Locale.ROOT) + " of " + r.environment() + " ("
        + stepRecords.size() + " steps)";
    EventRecord queued = new EventRecord(0, runId, p.tenant().id(), envId, null, EventType.RUN_QUEUED, 0,
        stepRecords.size(), 0, msg, actor, nowMs);
    EventRecord running = new EventRecord(0, runId, p.tenant().id(), envId, null, EventType.RUN_STARTED, 0,
        stepRecords.size(), 0, started, actor, nowMs);
    starting.add(runId);
    try {
      try {
        journal.createRun(env, existingEnv.isPresent(), run, stepRecords, List.of(queued, running), quota);
      } catch (JournalException e) {
        return alreadyStarted(e, r, key, envId, p.tenant().id());
      }
      publish(new Event(EventType.RUN_QUEUED, p.tenant().id(), r.environment(), runId, null, 0, stepRecords.size(), 0,
          msg, actor, now));
      publish(new Event(EventType.RUN_STARTED, p.tenant().id(), r.environment(), runId, null, 0, stepRecords.size(), 0,
          started, actor, now));
      try {
        RunExecution exec = execution(run, env, p.tenant(), p.blueprint(), spec, stepRecords, run.leaseGeneration(),
            p.recorded());
        active.put(runId, exec);
        exec.observeStart(false);
        exec.start();
      } catch (RuntimeException e) {
        // the run is recorded: whatever went wrong here, the journal has it and the sweep resumes it
        LOG.warn("run {} is recorded but could not start executing here ({}); it resumes from the journal", runId,
            e.toString());
        RunExecution exec = active.remove(runId);
        if (exec != null) {
          exec.observeStopped("could not start executing here: " + e);
        }
        releaseQuietly(runId);
      }
      return run;
    } finally {
      starting.remove(runId);
    }
  }

  private RunRecord alreadyStarted(JournalException e, StartRequest r, String key, String envId, String tenantId) {
    if (r.idempotencyKey() != null) {
      Optional<RunRecord> same = journal.runByKey(envId, key);
      if (same.isPresent()) {
        return sameOperation(same.get(), envId, r);
      }
    }
    switch (e.reason()) {
      case ACTIVE_RUN_EXISTS -> {
        String other = journal.activeRun(envId).map(a -> a.id() + " (" + a.kind() + ", " + a.state() + ")").orElse("?");
        throw new ConflictException("environment '" + r.environment() + "' of tenant '" + tenantId
            + "' already has an active run " + other + "; wait for it or cancel it");
      }
      case ENVIRONMENT_EXISTS, ENVIRONMENT_CHANGED -> throw new StalePlanException("environment '"
          + r.environment() + "' of tenant '" + tenantId + "' changed while the run was being planned");
      default -> throw e;
    }
  }

  /**
   * The run an idempotency key already started, if it is the same request: the same operation on the same
   * environment with the same blueprint, parameters and source. A key sent again with other parameters is refused
   * rather than answered with the earlier run (which ran with the earlier parameters — found by the input fuzz: a
   * retry without a bad parameter got the earlier run, rolled back by that parameter).
   */
  public RunRecord sameOperation(RunRecord existing, String envId, StartRequest r) {
    if (!existing.environmentId().equals(envId) || existing.kind() != r.runKind()) {
      throw new ConflictException("idempotency key '" + r.idempotencyKey() + "' was already used for another "
          + "operation");
    }
    String asked = codec.read(existing.optionsJson(), RunSpec.class, Scopes.run(existing.id())).request();
    if (asked != null && r.asked() != null && !asked.equals(fingerprint(r))) {
      throw new ConflictException("idempotency key '" + r.idempotencyKey() + "' was already used for the same "
          + "operation with another blueprint or other parameters; use a new key for a different request");
    }
    return existing;
  }

  /**
   * A keyed hash (the host key's MAC: parameters may hold secrets) of what the caller asked for ({@link #asked}).
   */
  private String fingerprint(StartRequest r) {
    return r.asked() == null ? null : cipher.hash(r.asked());
  }

  /**
   * What a caller asked for, as the caller gave it (before a default blueprint or a selector's parameters were
   * filled in, which depend on the environment's state and so differ on a retry): the run kind, environment,
   * blueprint, parameters and source, written so that the order parameters were given in does not matter.
   */
  public static String asked(RunKind kind, String environment, String blueprint, Map<String, Object> parameters,
      String source) {
    Map<String, Object> canonical = new java.util.TreeMap<>();
    canonical.put("kind", kind.name());
    canonical.put("environment", environment);
    canonical.put("blueprint", blueprint);
    canonical.put("source", source);
    canonical.put("parameters", new java.util.TreeMap<>(parameters));
    try {
      return CANONICAL.writeValueAsString(canonical);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("parameters that were accepted cannot be written as JSON", e);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper CANONICAL =
      new com.fasterxml.jackson.databind.ObjectMapper()
          .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  // ------------------------------------------------------------------------------------------ executions

  RunExecution execution(RunRecord run, EnvironmentRecord env, TenantRecord tenant, Blueprint bp, RunSpec spec,
      List<StepRecord> stepRecords, long generation, Map<String, ResourceRecord> current) {
    TenantInfo info = info(tenant);
    Redactor redactor = new Redactor(configs::boundSecrets);
    StepSpecs specs = new StepSpecs(info, new EnvironmentInfo(env.tenantId(), env.name(), env.kind()), bp, spec,
        hostSecrets, codec, redactor);
    for (ResourceRecord row : current.values()) {
      types.find(row.type()).ifPresent(t -> specs.load(row, t));
    }
    for (Map.Entry<String, ResourceRecord> e : spec.previous().entrySet()) {
      if (!current.containsKey(e.getKey()) && specs.outputs(e.getKey()) == null) {
        types.find(e.getValue().type()).ifPresent(t -> specs.load(e.getValue(), t));
      }
    }
    Map<String, StepExec> execs = new LinkedHashMap<>();
    for (StepRecord s : stepRecords) {
      ResourceDefinition def = bp.resource(s.name()).orElse(null);
      TypeHandle type = type(s.type(), s.name());
      ResourceRecord before = spec.previous().get(s.name());
      TypeHandle beforeType = before == null || before.type().equals(s.type()) ? null : type(before.type(), s.name());
      execs.put(s.name(), new StepExec(s, current.get(s.name()), def, type, beforeType,
          new LinkedHashSet<>(spec.waits().getOrDefault(s.name(), List.of())), spec.hashes().get(s.name()), before));
    }
    return new RunExecution(this, run, env, info, spec, execs, specs, redactor, generation);
  }

  private TypeHandle type(String name, String step) {
    return types.find(name).orElseThrow(() -> new NotFoundException(
        "resource type '" + name + "' of step '" + step + "' is not available (plugin missing?)"));
  }

  /**
   * Resumes a run this engine just claimed. A run that cannot be resumed (its blueprint or a type's plugin is
   * missing) is stalled: its lease is given up with a back-off and an operator may force-fail it.
   *
   * @param previousOwner the engine that held the run's lease before this claim, or null when nobody did
   */
  boolean resume(String runId, long generation, String previousOwner) {
    RunRecord fresh;
    try {
      fresh = journal.run(runId).orElse(null);
    } catch (JournalException e) {
      LOG.warn("cannot read run {} to resume it: {}", runId, e.getMessage());
      return false;
    }
    if (fresh == null || fresh.state().isTerminal()) {
      return false;
    }
    try {
      TenantRecord tenant = journal.tenant(fresh.tenantId()).orElseThrow();
      EnvironmentRecord env = journal.environment(fresh.environmentId()).orElseThrow();
      RunSpec spec = codec.read(fresh.optionsJson(), RunSpec.class, Scopes.run(fresh.id()));
      Blueprint bp = blueprints.apply(spec.blueprint()).orElseThrow(() -> new NotFoundException(
          "blueprint '" + spec.blueprint() + "' is no longer registered"));
      RunExecution exec = execution(fresh, env, tenant, bp, spec, journal.steps(fresh.id()), generation,
          RunPlanner.byName(journal.resources(env.id())));
      active.put(fresh.id(), exec);
      LOG.info("resuming run {} ({} of {}, {})", fresh.id(), fresh.kind(), fresh.environmentId(), fresh.state());
      exec.observeStart(true);
      if (previousOwner != null && !previousOwner.equals(options.owner())) {
        observers.leaseTakenOver(new EngineObserver.LeaseTakeover(exec.observed(), previousOwner, options.owner()));
      }
      exec.start();
      return true;
    } catch (JournalException e) {
      LOG.warn("cannot resume run {} now: {}", runId, e.getMessage());
      stopObserving(active.remove(runId), e);
      releaseQuietly(runId);
      return false;
    } catch (NotFoundException e) {
      stall(fresh, generation, "cannot resume: " + e.getMessage());
      return false;
    } catch (RuntimeException e) {
      LOG.error("cannot resume run {}", runId, e);
      stopObserving(active.remove(runId), e);
      stall(fresh, generation, "cannot resume: " + e);
      return false;
    }
  }

  private static void stopObserving(RunExecution exec, RuntimeException why) {
    if (exec != null) {
      exec.observeStopped("could not resume here: " + why);
    }
  }

  private void stall(RunRecord run, long generation, String reason) {
    LOG.warn("run {} is stalled: {}; it is tried again later, or an operator may force-fail it", run.id(), reason);
    Instant now = now();
    EventRecord ev = new EventRecord(0, run.id(), run.tenantId(), run.environmentId(), null, EventType.RUN_STALLED, 0,
        run.stepCount(), 0, reason, null, now.toEpochMilli());
    try {
      leases.stall(run.id(), options.owner(), generation, reason, now.plus(options.stallBackoff()).toEpochMilli(), ev);
    } catch (JournalException e) {
      LOG.warn("could not record that run {} is stalled: {}", run.id(), e.getMessage());
    }
  }

  /** Resumes every unfinished run this engine can claim; called at start-up. */
  public int recover() {
    return leaseKeeper.recover();
  }

  /** Starts heartbeats and the sweep that takes over (or resumes) runs nobody executes. */
  public void startLeaseKeeping() {
    leaseKeeper.start();
  }

  /** Run ids this engine must not claim: executing here, starting here, or still finishing calls here. */
  Set<String> busyHere() {
    Set<String> busy = new HashSet<>(active.keySet());
    busy.addAll(starting);
    busy.addAll(draining.keySet());
    return busy;
  }

  List<RunExecution> activeExecutions() {
    return List.copyOf(active.values());
  }

  RunExecution activeExecution(String runId) {
    return active.get(runId);
  }

  // ------------------------------------------------------------------------------------------ awaiting and steering

  /** Waits until the run is finished and returns its final state. */
  public RunState await(String runId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      RunExecution exec = active.get(runId);
      if (exec != null) {
        try {
          return exec.completion().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          throw new RunTimeoutException(runId, exec.state(), timeout);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TenantwrightException("interrupted while waiting for run " + runId, e);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof EngineStoppedException s) {
            throw s;
          }
          // moved: abandoned here or taken over elsewhere; follow the journal
        }
      }
      RunRecord r = journal.run(runId).orElseThrow(() -> new NotFoundException("run '" + runId + "' does not exist"));
      if (r.state().isTerminal()) {
        return r.state();
      }
      if (System.nanoTime() > deadline) {
        throw new RunTimeoutException(runId, r.state(), timeout);
      }
      if (active.get(runId) == null) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TenantwrightException("interrupted while waiting for run " + runId, e);
        }
      }
    }
  }

  /**
   * Asks a run to stop and roll back, from any engine: the request is committed to the journal (CANCELLING)
   * and honoured by whichever engine executes the run, now or after a takeover.
   *
   * @return false when the run was no longer QUEUED or RUNNING
   */
  public boolean cancel(String runId, String actor) {
    RunRecord r = journal.run(runId).orElseThrow(() -> new NotFoundException("run '" + runId + "' does not exist"));
    if (r.state() != RunState.QUEUED && r.state() != RunState.RUNNING) {
      return false;
    }
    String message = "cancelled" + (actor == null ? "" : " by " + actor);
    Instant now = now();
    int percent = livePercent(runId).orElse(0);
    EventRecord ev = new EventRecord(0, runId, r.tenantId(), r.environmentId(), null, EventType.RUN_CANCELLING, 0,
        r.stepCount(), percent, "cancel requested" + (actor == null ? "" : " by " + actor), actor, now.toEpochMilli());
    if (!journal.requestCancel(runId, message, ev)) {
      return false;
    }
    publish(new Event(EventType.RUN_CANCELLING, r.tenantId(), r.environmentId().substring(r.environmentId().indexOf('/') + 1),
        runId, null, 0, r.stepCount(), percent, ev.message(), actor, now));
    RunExecution exec = active.get(runId);
    if (exec != null) {
      exec.cancelled(message);
    }
    return true;
  }

  /** Tells local executions about cancel requests another engine recorded. */
  void cancelRequested(String runId, String message) {
    RunExecution exec = active.get(runId);
    if (exec != null) {
      exec.cancelled(message == null ? "cancelled" : message);
    }
  }

  /**
   * Ends a run that can never finish — its blueprint or a plugin is gone, or no engine can resume it — as FAILED,
   * with an audited reason: unfinished steps are marked (a step in flight as failed in doubt, a pending one as
   * skipped), the environment becomes FAILED and is free for its next run. What exists stays recorded.
   *
   * @throws ConflictException when an engine executes the run now (cancel it instead) or it already finished
   */
  public RunRecord forceFail(String runId, String actor, String reason) {
    if (actor == null || actor.isBlank()) {
      throw new ValidationException("actor", "who force-fails the run is required");
    }
    if (reason == null || reason.isBlank()) {
      throw new ValidationException("reason", "why the run is force-failed is required");
    }
    RunRecord r = journal.run(runId).orElseThrow(() -> new NotFoundException("run '" + runId + "' does not exist"));
    if (r.state().isTerminal()) {
      throw new ConflictException("run " + runId + " already finished (" + r.state() + ")");
    }
    long now = now().toEpochMilli();
    if (active.containsKey(runId) || draining.containsKey(runId) || starting.contains(runId)) {
      throw new ConflictException("run " + runId + " is executing on this engine; cancel it instead");
    }
    boolean elsewhere = r.owner() != null && !r.owner().equals(options.owner()) && r.stalled() == null
        && r.leaseUntil() != null && r.leaseUntil() >= now;
    if (elsewhere) {
      throw new ConflictException("run " + runId + " is executing on engine " + r.owner() + "; cancel it instead");
    }
    long generation = leases.claim(runId, options.owner(), now, now + options.leaseDuration().toMillis(), false)
        .orElseThrow(() -> new ConflictException("run " + runId + " was taken by another engine; try again"));
    String error = "force-failed by " + actor + ": " + reason;
    Journal.Batch b = journal.batch();
    for (StepRecord s : journal.steps(runId)) {
      StepRecord to = switch (s.state()) {
        case PENDING -> s.skipped(now);
        case RUNNING, IN_DOUBT -> s.failed(error, true, now);
        case COMPENSATING -> s.compensationFailed(error, now);
        default -> null;
      };
      if (to != null) {
        b.step(s, to);
      }
    }
    RunRecord end = r.moveTo(RunState.FAILED, error, now);
    b.run(r, end);
    journal.environment(r.environmentId()).filter(env -> env.state().canMoveTo(EnvironmentState.FAILED))
        .ifPresent(env -> b.environment(env.moveTo(EnvironmentState.FAILED, error, now)));
    EventRecord ev = new EventRecord(0, runId, r.tenantId(), r.environmentId(), null, EventType.RUN_FAILED, 0,
        r.stepCount(), 0, "failed, needs attention: " + error, actor, now);
    b.event(ev);
    journal.commitFenced(runId, options.owner(), generation, now, b);
    publish(new Event(EventType.RUN_FAILED, r.tenantId(), r.environmentId().substring(r.environmentId().indexOf('/') + 1),
        runId, null, 0, r.stepCount(), 0, ev.message(), actor, Instant.ofEpochMilli(now)));
    return end;
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
    draining0 = true;
    long deadline = System.nanoTime() + drain.toNanos();
    for (RunExecution exec : List.copyOf(active.values())) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        exec.completion().get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        break;
      } catch (ExecutionException e) {
        // moved elsewhere: nothing to wait for
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    stopped = true;
    // Taken before the workers are interrupted: a worker that reacts to the interrupt takes its execution out of
    // `active` without giving the lease back, and the next engine then waited for the lease to run out (30 s by
    // default) — the cause of takeover tests timing out now and then on Java 25's virtual threads.
    Set<String> unfinished = new LinkedHashSet<>(active.keySet());
    unfinished.addAll(draining.keySet());
    timers.shutdownNow();
    workers.shutdownNow();
    try {
      // Stopped workers write nothing more, so there is no need to wait long for a call stuck in a backend.
      workers.awaitTermination(drain.isZero() ? 200 : 2000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    unfinished.addAll(active.keySet());
    unfinished.addAll(draining.keySet());
    if (!unfinished.isEmpty()) {
      LOG.info("engine stopped with {} run(s) unfinished; they resume on the next start", unfinished.size());
      try {
        leases.release(List.copyOf(unfinished), options.owner());
      } catch (RuntimeException e) {
        LOG.warn("could not release the leases of unfinished runs: {}", e.getMessage());
      }
      for (RunExecution exec : active.values()) {
        exec.observeStopped("the engine stopped");
        exec.completion().completeExceptionally(new EngineStoppedException(exec.id()));
      }
    }
    active.clear();
    draining.clear();
  }

  // ------------------------------------------------------------------------------------------ used by executions

  Journal journal() {
    return journal;
  }

  JournalCodec codec() {
    return codec;
  }

  EngineOptions options() {
    return options;
  }

  Backoff backoff() {
    return backoff;
  }

  Watchdog watchdog() {
    return watchdog;
  }

  HostNames hostNames() {
    return hostNames;
  }

  BackendPermits permits() {
    return permits;
  }

  CommandRunner commands() {
    return commands;
  }

  PluginConfigs configs() {
    return configs;
  }

  Observers observers() {
    return observers;
  }

  StepThreads stepThreads() {
    return stepThreads;
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
    } catch (RejectedExecutionException e) {
      LOG.debug("engine stopped; task dropped");
    }
  }

  /** Runs {@code task} on a worker after {@code delay}; null when the engine stopped. */
  ScheduledFuture<?> schedule(Duration delay, Runnable task) {
    if (stopped) {
      return null;
    }
    try {
      return timers.schedule(() -> submit(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("engine stopped; retry dropped");
      return null;
    }
  }

  /**
   * Writes a run's batch, fenced by its lease.
   *
   * @throws RunExecution.Abandoned when this engine lost the lease
   * @throws RunExecution.JournalDown when the journal could not be written or the run changed behind this
   *     execution's back (a cancel from another engine, say): the execution stops and the run is resumed from the
   *     journal
   */
  void commit(RunExecution run, Journal.Batch batch) {
    fencedWrite(run, leaseUntil -> journal.commitFenced(run.id(), options.owner(), run.generation(), leaseUntil, batch));
  }

  /**
   * Records a step's checkpoint, fenced by the run's lease as {@link #commit} is.
   *
   * @throws RunExecution.Abandoned when this engine lost the lease: nothing was written
   * @throws RunExecution.JournalDown when the journal could not be written (or the outcome is unknown)
   */
  void checkpoint(RunExecution run, String step, int attempt, String name, String value) {
    fencedWrite(run, leaseUntil -> journal.checkpoint(run.id(), options.owner(), run.generation(), leaseUntil, step,
        name, value, attempt, now().toEpochMilli()));
  }

  private void fencedWrite(RunExecution run, LongConsumer write) {
    try {
      write.accept(now().plus(options.leaseDuration()).toEpochMilli());
    } catch (JournalException e) {
      if (e.reason() == JournalException.Reason.STALE_LEASE) {
        fenced(run);
        throw new RunExecution.Abandoned();
      }
      throw new RunExecution.JournalDown(e);
    }
  }

  void publish(Event e) {
    bus.publish(e);
  }

  void finished(RunExecution exec) {
    active.remove(exec.id(), exec);
  }

  /** An execution stopped after a journal failure: follow the journal from now on. */
  void abandoned(RunExecution exec, JournalException cause) {
    active.remove(exec.id(), exec);
    if (exec.busy()) {
      draining.put(exec.id(), exec);
    }
    exec.completion().completeExceptionally(new LeaseLostException(exec.id()));
    if (cause.reason() == JournalException.Reason.FAILED) {
      // not transient: resuming at once would fail the same way; try again after a back-off
      Instant now = now();
      try {
        leases.stall(exec.id(), options.owner(), exec.generation(), "journal write failed: " + cause.getMessage(),
            now.plus(options.stallBackoff()).toEpochMilli(), null);
      } catch (RuntimeException e) {
        LOG.warn("could not record that run {} is stalled: {}", exec.id(), e.getMessage());
      }
    } else {
      releaseQuietly(exec.id());
    }
  }

  /** A stopped execution's step came back from its backend. */
  void settled(RunExecution exec) {
    if (!exec.busy()) {
      draining.remove(exec.id(), exec);
    }
  }

  /** This engine lost the run's lease to another engine: stop executing it here, write nothing more. */
  void fenced(RunExecution exec) {
    if (active.remove(exec.id(), exec)) {
      LOG.warn("run {} was taken over by another engine (lease generation {} is stale); stopping it here",
          exec.id(), exec.generation());
      if (exec.busy()) {
        draining.put(exec.id(), exec);
      }
      exec.fence();
      exec.completion().completeExceptionally(new LeaseLostException(exec.id()));
    }
  }

  private void releaseQuietly(String runId) {
    try {
      leases.release(List.of(runId), options.owner());
    } catch (RuntimeException e) {
      LOG.debug("could not release run {} ({}); its lease expires instead", runId, e.getMessage());
    }
  }

  /** Completes a waiter's future when the run moved (taken over, or resumed from the journal). */
  static final class LeaseLostException extends TenantwrightException {
    private static final long serialVersionUID = 1L;

    LeaseLostException(String runId) {
      super("run " + runId + " is executed elsewhere now");
    }
  }

  static TenantInfo info(TenantRecord t) {
    return new TenantInfo(t.id(), t.displayName(), t.email(), t.plan(), t.attributes());
  }

  private void ensureRunning() {
    if (draining0 || stopped) {
      throw new TenantwrightException("the engine is shutting down: no new runs are accepted");
    }
  }

  Instant now() {
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
