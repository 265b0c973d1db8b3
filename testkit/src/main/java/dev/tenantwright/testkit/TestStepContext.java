package dev.tenantwright.testkit;

import dev.tenantwright.core.testing.TestSupport;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.EnvironmentInfo;
import dev.tenantwright.spi.EnvironmentKind;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ProgressReporter;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.TenantInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link StepContext} for calling a resource type directly in a unit test, without an engine: a fixed
 * tenant, environment, resource and run; names and ownership markers exactly as the engine makes them; a fake
 * clock that {@link #pause} advances instead of sleeping (so polling code runs instantly); and the recorded
 * pauses and progress reports to assert on.
 *
 * <pre>{@code
 * TestStepContext ctx = TestStepContext.builder().tenant("acme").step("site")
 *     .config(new VercelConfig(Secret.of("t"), null, fake.baseUrl(), null)).build();
 * CreateResult<ProjectOutputs> first = type.create(spec, ctx);
 * CreateResult<ProjectOutputs> again = type.create(spec, ctx.inRun("run-2"));   // ADOPTED: another run
 * TestStepContext fromMap = ctx.newBuilder().config("vercel", Map.of("token", "t")).build();  // bound as the host does
 * }</pre>
 *
 * <p>The clock can also {@linkplain Builder#tick(Duration) move on every read} (for loops that wait on the
 * backend instead of pausing) or be {@linkplain Builder#realTime() the system clock} (for integration tests
 * against a real daemon, where a pause must really wait).
 *
 * <p>{@linkplain #checkpoint(String, String) Checkpoints} are kept in memory per run and step, by the engine's rules
 * for names and values: a context {@link #withAttempt} sees what an earlier attempt recorded, one {@link #inRun} in
 * another run does not. {@link #checkpoints()} shows them.
 *
 * <p>{@linkplain Builder#traceHeaders(Map) Trace headers} stand in for those of a host that traces, so a test can
 * check that a plugin passes its step's trace context on to the backend.
 *
 * <p>Thread-safe; {@link #inRun}, {@link #forTenant} and {@link #withAttempt} return new contexts that
 * share the clock, the records and the cancellation; {@link #newBuilder()} starts a context with its own.
 */
public final class TestStepContext implements StepContext {

  private final Builder b;
  private final Time time;
  private final Instant deadline;
  private final List<Duration> pauses;
  private final List<String> progress;
  private final CountDownLatch cancelled;
  /** Checkpoints by {@code tenant/environment/run/step/name}, shared with derived contexts. */
  private final Map<String, String> checkpoints;

  private TestStepContext(Builder b, Time time, List<Duration> pauses, List<String> progress,
      CountDownLatch cancelled, Map<String, String> checkpoints) {
    this.b = b;
    this.time = time;
    this.deadline = time.peek().plus(b.budget);
    this.pauses = pauses;
    this.progress = progress;
    this.cancelled = cancelled;
    this.checkpoints = checkpoints;
  }

  /** Starts a context for tenant {@code acme}, environment {@code demo}, step {@code subject}, run {@code run-1}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this context's settings, to derive a variant (another config, step or budget); what it
   * builds has its own clock, records and cancellation.
   */
  public Builder newBuilder() {
    return b.copy();
  }

  /** The same resource in another run: its marker still belongs here, but is not ours. */
  public TestStepContext inRun(String runId) {
    return new TestStepContext(b.copy().run(runId), time, pauses, progress, cancelled, checkpoints);
  }

  /** The same step name for another tenant: its marker does not belong here. */
  public TestStepContext forTenant(String tenantId) {
    return new TestStepContext(b.copy().tenant(tenantId), time, pauses, progress, cancelled, checkpoints);
  }

  /** The same step on a later attempt. */
  public TestStepContext withAttempt(int attempt) {
    return new TestStepContext(b.copy().attempt(attempt), time, pauses, progress, cancelled, checkpoints);
  }

  /** Every pause the code under test asked for, in order. */
  public List<Duration> pauses() {
    return List.copyOf(pauses);
  }

  /** Every progress report, as {@code "<percent>% <message>"}. */
  public List<String> progressReports() {
    return List.copyOf(progress);
  }

  /** The checkpoints recorded for this context's run and step, by name. */
  public Map<String, String> checkpoints() {
    String prefix = checkpointKey("");
    Map<String, String> mine = new TreeMap<>();
    checkpoints.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        mine.put(k.substring(prefix.length()), v);
      }
    });
    return mine;
  }

  /** Marks the run cancelled (and ends a {@linkplain Builder#realTime() real-time} pause at once). */
  public void cancel() {
    cancelled.countDown();
  }

  @Override
  public TenantInfo tenant() {
    return new TenantInfo(b.tenant, b.tenant, b.tenant + "@example.test", "default", Map.of());
  }

  @Override
  public EnvironmentInfo environment() {
    return new EnvironmentInfo(b.tenant, b.environment, b.kind);
  }

  @Override
  public String runId() {
    return b.run;
  }

  @Override
  public String stepName() {
    return b.step;
  }

  @Override
  public String idempotencyKey() {
    return "tw-" + b.run + "-" + b.step;
  }

  @Override
  public String resourceName() {
    return b.resourceName != null ? b.resourceName : TestSupport.resourceName(b.tenant, b.environment, b.step);
  }

  @Override
  public String backendNamePrefix() {
    return TestSupport.backendNamePrefix(b.tenant, b.environment);
  }

  @Override
  public String ownershipMarker() {
    return TestSupport.ownershipMarker(b.tenant, b.environment, b.step, idempotencyKey());
  }

  @Override
  public boolean belongsHere(String markerFound) {
    return markerFound != null && (markerFound.equals(prefix()) || markerFound.startsWith(prefix() + "@"));
  }

  @Override
  public boolean isOurs(String markerFound) {
    return ownershipMarker().equals(markerFound);
  }

  private String prefix() {
    return TestSupport.markerPrefix(b.tenant, b.environment, b.step);
  }

  @Override
  public int attempt() {
    return b.attempt;
  }

  @Override
  public Instant deadline() {
    return deadline;
  }

  @Override
  public boolean isCancelled() {
    return cancelled.getCount() == 0;
  }

  /**
   * Advances the fake clock instead of sleeping (in {@linkplain Builder#realTime() real time}: sleeps, at most
   * until the deadline); past the deadline it fails like the engine's context.
   */
  @Override
  public void pause(Duration duration) {
    checkCancelled();
    pauses.add(duration);
    Instant next = time.advance(duration, deadline, cancelled);
    if (next.isAfter(deadline)) {
      throw new RetryableException("step '" + b.step + "' passed its deadline", null, false, null);
    }
    if (isCancelled()) {
      throw new CancellationException("run " + b.run + " was cancelled");
    }
  }

  @Override
  public Clock clock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return time.read();
      }
    };
  }

  @Override
  public ProgressReporter progress() {
    return (pct, msg) -> progress.add(pct + "% " + msg);
  }

  @Override
  public Optional<Secret> secret(String name) {
    return Optional.ofNullable(b.secrets.get(name));
  }

  /** The trace headers given to the builder ({@link Builder#traceHeaders}); empty by default, as on an untraced host. */
  @Override
  public Map<String, String> traceHeaders() {
    return b.traceHeaders;
  }

  @Override
  public CommandRunner commands() {
    if (b.commands == null) {
      throw new IllegalStateException("this TestStepContext has no CommandRunner: set one with commands(...)");
    }
    return b.commands;
  }

  /**
   * The config record given to the builder, or the section given as a map bound to {@code type} as the engine
   * binds it.
   *
   * @throws PermanentException naming the field when a section given as a map does not bind
   */
  @Override
  public <C> C config(Class<C> type) {
    if (b.configs != null) {
      return b.configs.bind(b.backend, type);
    }
    if (b.config == null) {
      throw new IllegalStateException("this TestStepContext has no config: set one with config(...)");
    }
    return type.cast(b.config);
  }

  /** Records a checkpoint in memory, checked by the engine's rules for names and values. */
  @Override
  public void checkpoint(String name, String value) {
    checkpoints.put(checkpointKey(TestSupport.checkCheckpointName(name)), TestSupport.checkCheckpointValue(name, value));
  }

  @Override
  public Optional<String> checkpoint(String name) {
    return Optional.ofNullable(checkpoints.get(checkpointKey(TestSupport.checkCheckpointName(name))));
  }

  private String checkpointKey(String name) {
    return b.tenant + "/" + b.environment + "/" + b.run + "/" + b.step + "/" + name;
  }

  /** The clock a context and the contexts derived from it share: fake (optionally ticking) or the system's. */
  private static final class Time {
    private final AtomicReference<Instant> fake;
    private final Duration tick;

    Time(Instant start, Duration tick, boolean real) {
      this.fake = real ? null : new AtomicReference<>(start);
      this.tick = tick;
    }

    /** The time now, without ticking. */
    Instant peek() {
      return fake == null ? Instant.now() : fake.get();
    }

    /** The time now, as the code under test reads it. */
    Instant read() {
      return fake == null || tick.isZero() ? peek() : fake.updateAndGet(t -> t.plus(tick));
    }

    /** Lets {@code d} pass (on the fake clock at once, in real time at most until the deadline); returns the time. */
    Instant advance(Duration d, Instant deadline, CountDownLatch cancelled) {
      if (fake != null) {
        return fake.updateAndGet(t -> t.plus(d));
      }
      Duration left = Duration.between(Instant.now(), deadline);
      Duration wait = d.compareTo(left) > 0 ? left : d;
      try {
        if (!wait.isNegative()) {
          cancelled.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while pausing");
      }
      return Instant.now();
    }
  }

  /** Configures a {@link TestStepContext}. Not thread-safe. */
  public static final class Builder {
    private String tenant = "acme";
    private String environment = "demo";
    private EnvironmentKind kind = EnvironmentKind.DEMO;
    private String step = "subject";
    private String run = "run-1";
    private int attempt = 1;
    private String resourceName;
    private Object config;
    private String backend;
    private TestSupport.ConfigBinder configs;
    private CommandRunner commands;
    private final Map<String, Secret> secrets = new HashMap<>();
    private Duration budget = Duration.ofMinutes(10);
    private Instant start = Instant.parse("2026-01-01T00:00:00Z");
    private Duration tick = Duration.ZERO;
    private boolean realTime;
    private Map<String, String> traceHeaders = Map.of();

    private Builder() {}

    private Builder copy() {
      Builder c = new Builder();
      c.tenant = tenant;
      c.environment = environment;
      c.kind = kind;
      c.step = step;
      c.run = run;
      c.attempt = attempt;
      c.resourceName = resourceName;
      c.config = config;
      c.backend = backend;
      c.configs = configs;
      c.commands = commands;
      c.secrets.putAll(secrets);
      c.budget = budget;
      c.start = start;
      c.tick = tick;
      c.realTime = realTime;
      c.traceHeaders = traceHeaders;
      return c;
    }

    public Builder tenant(String id) {
      this.tenant = Objects.requireNonNull(id, "id");
      return this;
    }

    public Builder environment(String name, EnvironmentKind kind) {
      this.environment = Objects.requireNonNull(name, "name");
      this.kind = Objects.requireNonNull(kind, "kind");
      return this;
    }

    public Builder step(String name) {
      this.step = Objects.requireNonNull(name, "name");
      return this;
    }

    public Builder run(String id) {
      this.run = Objects.requireNonNull(id, "id");
      return this;
    }

    public Builder attempt(int attempt) {
      this.attempt = attempt;
      return this;
    }

    /**
     * Hands out this resource name instead of the engine's {@code tenant-environment-step}, to test how a type
     * treats a name the engine would not make, or one an object of another tenant already has. Markers stay
     * the engine's.
     */
    public Builder resourceName(String name) {
      this.resourceName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The plugin's bound config record, returned by {@link StepContext#config(Class)}. */
    public Builder config(Object config) {
      this.config = Objects.requireNonNull(config, "config");
      this.backend = null;
      this.configs = null;
      return this;
    }

    /**
     * The plugin's config section as a host writes it ({@code pluginConfig("vercel", Map.of(...))}), bound by
     * {@link StepContext#config(Class)} as the engine binds it: unknown, missing or invalid fields fail with a
     * {@link PermanentException} naming the field.
     */
    public Builder config(String backend, Map<String, ?> section) {
      this.backend = Objects.requireNonNull(backend, "backend");
      this.configs = TestSupport.configBinder(Map.of(backend, Objects.requireNonNull(section, "section")));
      this.config = null;
      return this;
    }

    public Builder commands(CommandRunner runner) {
      this.commands = Objects.requireNonNull(runner, "runner");
      return this;
    }

    public Builder secret(String name, Secret value) {
      secrets.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** How long the step may take on the fake clock (default 10 minutes). */
    public Builder budget(Duration budget) {
      this.budget = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /**
     * Moves the fake clock by {@code step} on every read (default zero), so code that waits on the backend
     * rather than pausing — a long-poll loop — still reaches its deadline.
     */
    public Builder tick(Duration step) {
      if (Objects.requireNonNull(step, "step").isNegative()) {
        throw new IllegalArgumentException("tick must not be negative");
      }
      this.tick = step;
      return this;
    }

    /**
     * Uses the system clock, and makes {@link StepContext#pause} really wait (at most until the deadline, less
     * if the run is cancelled): for integration tests against a real daemon, which needs real time to pass.
     */
    public Builder realTime() {
      this.realTime = true;
      return this;
    }

    /**
     * The W3C Trace Context headers {@link StepContext#traceHeaders()} returns, as a host with a tracing observer
     * hands them to a step attempt: {@code traceparent} and, optionally, {@code tracestate}, names in lower case.
     * Lets a test check that a plugin sends its step's trace context to the backend, e.g.
     * {@code .traceHeaders(Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))}.
     * Default: none, as when the host traces nothing. Contexts derived with {@link TestStepContext#inRun},
     * {@link TestStepContext#forTenant} or {@link TestStepContext#withAttempt} keep them.
     */
    public Builder traceHeaders(Map<String, String> headers) {
      this.traceHeaders = Map.copyOf(Objects.requireNonNull(headers, "headers"));
      return this;
    }

    public TestStepContext build() {
      return new TestStepContext(copy(), new Time(start, tick, realTime), new CopyOnWriteArrayList<>(),
          new CopyOnWriteArrayList<>(), new CountDownLatch(1), new ConcurrentHashMap<>());
    }
  }
}
