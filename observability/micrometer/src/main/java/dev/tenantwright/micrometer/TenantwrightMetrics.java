package dev.tenantwright.micrometer;

import dev.tenantwright.core.EngineObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts and times the engine's work in a Micrometer {@link MeterRegistry}: runs by kind and outcome, step attempts by
 * resource type, action and outcome, calls, errors and retries per backend, lease takeovers and waits for backend
 * limits. Register it as an observer:
 *
 * <pre>{@code
 * Tenantwright tw = Tenantwright.builder()
 *     .embedded(dataDir)
 *     .observer(new TenantwrightMetrics(registry))
 *     .build();
 * }</pre>
 *
 * <p>It takes its registry when it is made, as Micrometer's own event-listener bindings do ({@code
 * MongoMetricsCommandListener}, {@code OkHttpMetricsEventListener}) rather than as a {@code MeterBinder} bound later:
 * it is fed by the engine's events, so an observer without a registry would have nowhere to count the runs the engine
 * already reported. The two gauges are registered at once, the other meters when first used; all carry the given
 * common tags.
 *
 * <p>Tags are low-cardinality by design: run kind, outcome, resource type, action, backend, error kind — never a
 * tenant, environment, run or step name. Durations are recorded in the registry's base unit (seconds for most).
 * Thread-safe and cheap: each callback looks up one meter and records.
 */
public final class TenantwrightMetrics implements EngineObserver {

  /** Runs ended or stopped on this engine (counter; tags {@code kind}, {@code outcome}). */
  public static final String RUNS = "tenantwright.runs";
  /** How long runs executed on this engine (timer; tags {@code kind}, {@code outcome}). */
  public static final String RUNS_DURATION = "tenantwright.runs.duration";
  /** Runs executing on this engine now (gauge). */
  public static final String RUNS_ACTIVE = "tenantwright.runs.active";
  /** How long step attempts took (timer; tags {@code type}, {@code action}, {@code outcome}). */
  public static final String STEPS_DURATION = "tenantwright.steps.duration";
  /** Step attempts in progress on this engine now (gauge). */
  public static final String STEPS_ACTIVE = "tenantwright.steps.active";
  /** Step attempts started against a backend (counter; tag {@code backend}). */
  public static final String BACKEND_CALLS = "tenantwright.backend.calls";
  /** Step attempts that failed (counter; tags {@code backend}, {@code kind}). */
  public static final String BACKEND_ERRORS = "tenantwright.backend.errors";
  /** Retries scheduled after a failed attempt (counter; tag {@code backend}). */
  public static final String BACKEND_RETRIES = "tenantwright.backend.retries";
  /** How long attempts waited for a backend's limits (timer; tag {@code backend}). */
  public static final String BACKEND_PERMIT_WAIT = "tenantwright.backend.permit.wait";
  /** Runs this engine took over from another engine whose lease expired (counter). */
  public static final String LEASE_TAKEOVERS = "tenantwright.lease.takeovers";

  /** Every meter name this class registers. */
  public static final List<String> METER_NAMES = List.of(RUNS, RUNS_DURATION, RUNS_ACTIVE, STEPS_DURATION,
      STEPS_ACTIVE, BACKEND_CALLS, BACKEND_ERRORS, BACKEND_RETRIES, BACKEND_PERMIT_WAIT, LEASE_TAKEOVERS);

  private final AtomicInteger activeRuns = new AtomicInteger();
  private final AtomicInteger activeSteps = new AtomicInteger();
  private final Meter.MeterProvider<Counter> runs;
  private final Meter.MeterProvider<Timer> runDurations;
  private final Meter.MeterProvider<Timer> stepDurations;
  private final Meter.MeterProvider<Counter> calls;
  private final Meter.MeterProvider<Counter> errors;
  private final Meter.MeterProvider<Counter> retries;
  private final Meter.MeterProvider<Timer> permitWaits;
  private final Counter takeovers;

  /** Metrics in {@code registry} without common tags. */
  public TenantwrightMetrics(MeterRegistry registry) {
    this(registry, Tags.empty());
  }

  /**
   * Metrics in {@code registry}, every meter carrying {@code tags} as well (e.g. {@code app=portal} when several
   * hosts share a registry).
   */
  public TenantwrightMetrics(MeterRegistry registry, Iterable<Tag> tags) {
    Objects.requireNonNull(registry, "registry");
    Tags common = Tags.of(Objects.requireNonNull(tags, "tags"));
    Gauge.builder(RUNS_ACTIVE, activeRuns, AtomicInteger::get).tags(common).strongReference(true)
        .description("Runs executing on this engine").register(registry);
    Gauge.builder(STEPS_ACTIVE, activeSteps, AtomicInteger::get).tags(common).strongReference(true)
        .description("Step attempts in progress on this engine").register(registry);
    this.runs = Counter.builder(RUNS).tags(common)
        .description("Runs that ended, or stopped executing, on this engine").withRegistry(registry);
    this.runDurations = Timer.builder(RUNS_DURATION).tags(common)
        .description("How long runs executed on this engine").withRegistry(registry);
    this.stepDurations = Timer.builder(STEPS_DURATION).tags(common)
        .description("How long step attempts took, backend call included").withRegistry(registry);
    this.calls = Counter.builder(BACKEND_CALLS).tags(common)
        .description("Step attempts started against a backend").withRegistry(registry);
    this.errors = Counter.builder(BACKEND_ERRORS).tags(common)
        .description("Step attempts that failed, by kind of failure").withRegistry(registry);
    this.retries = Counter.builder(BACKEND_RETRIES).tags(common)
        .description("Retries scheduled after a failed step attempt").withRegistry(registry);
    this.permitWaits = Timer.builder(BACKEND_PERMIT_WAIT).tags(common)
        .description("How long step attempts waited for a backend's concurrency or rate limit").withRegistry(registry);
    this.takeovers = Counter.builder(LEASE_TAKEOVERS).tags(common)
        .description("Runs taken over from another engine whose lease expired").register(registry);
  }

  @Override
  public void runStarted(RunStarted run) {
    activeRuns.incrementAndGet();
  }

  @Override
  public void runFinished(RunFinished run) {
    activeRuns.decrementAndGet();
    Tags tags = Tags.of("kind", lower(run.run().kind()), "outcome", run.outcome().tag());
    runs.withTags(tags).increment();
    runDurations.withTags(tags).record(run.duration());
  }

  @Override
  public void stepStarted(StepAttempt attempt) {
    activeSteps.incrementAndGet();
    calls.withTags("backend", attempt.backend()).increment();
  }

  @Override
  public void stepFinished(StepFinished step) {
    activeSteps.decrementAndGet();
    StepAttempt a = step.attempt();
    stepDurations.withTags("type", a.resourceType(), "action", a.actionName(), "outcome", step.outcome().tag())
        .record(step.duration());
    String kind = switch (step.outcome()) {
      case SUCCEEDED -> null;
      case RETRYABLE_FAILURE -> "retryable";
      case PERMANENT_FAILURE -> "permanent";
      case IN_DOUBT -> "in_doubt";
    };
    if (kind != null) {
      errors.withTags("backend", a.backend(), "kind", kind).increment();
    }
  }

  @Override
  public void retryScheduled(RetryScheduled retry) {
    retries.withTags("backend", retry.attempt().backend()).increment();
  }

  @Override
  public void leaseTakenOver(LeaseTakeover takeover) {
    takeovers.increment();
  }

  @Override
  public void backendPermitWaited(PermitWait wait) {
    permitWaits.withTags("backend", wait.backend()).record(wait.waited());
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
