package dev.tenantwright.testkit;

import dev.tenantwright.core.internal.engine.Naming;
import dev.tenantwright.spi.CommandRunner;
import dev.tenantwright.spi.EnvironmentInfo;
import dev.tenantwright.spi.EnvironmentKind;
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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * }</pre>
 *
 * <p>Thread-safe; {@link #inRun}, {@link #forTenant} and {@link #withAttempt} return new contexts that
 * share the clock.
 */
public final class TestStepContext implements StepContext {

  private final Builder b;
  private final AtomicReference<Instant> now;
  private final Instant deadline;
  private final List<Duration> pauses;
  private final List<String> progress;
  private final AtomicBoolean cancelled;

  private TestStepContext(Builder b, AtomicReference<Instant> now, List<Duration> pauses, List<String> progress,
      AtomicBoolean cancelled) {
    this.b = b;
    this.now = now;
    this.deadline = now.get().plus(b.budget);
    this.pauses = pauses;
    this.progress = progress;
    this.cancelled = cancelled;
  }

  /** Starts a context for tenant {@code acme}, environment {@code demo}, step {@code subject}, run {@code run-1}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The same resource in another run: its marker still belongs here, but is not ours. */
  public TestStepContext inRun(String runId) {
    return new TestStepContext(b.copy().run(runId), now, pauses, progress, cancelled);
  }

  /** The same step name for another tenant: its marker does not belong here. */
  public TestStepContext forTenant(String tenantId) {
    return new TestStepContext(b.copy().tenant(tenantId), now, pauses, progress, cancelled);
  }

  /** The same step on a later attempt. */
  public TestStepContext withAttempt(int attempt) {
    return new TestStepContext(b.copy().attempt(attempt), now, pauses, progress, cancelled);
  }

  /** Every pause the code under test asked for, in order. */
  public List<Duration> pauses() {
    return List.copyOf(pauses);
  }

  /** Every progress report, as {@code "<percent>% <message>"}. */
  public List<String> progressReports() {
    return List.copyOf(progress);
  }

  /** Marks the run cancelled. */
  public void cancel() {
    cancelled.set(true);
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
    return Naming.resourceName(b.tenant, b.environment, b.step);
  }

  @Override
  public String ownershipMarker() {
    return prefix() + "@" + Naming.hash(idempotencyKey(), 12);
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
    return "tw:" + b.tenant + "/" + b.environment + "/" + b.step;
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
    return cancelled.get();
  }

  /** Advances the fake clock instead of sleeping; past the deadline it fails like the engine's context. */
  @Override
  public void pause(Duration duration) {
    checkCancelled();
    pauses.add(duration);
    Instant next = now.updateAndGet(t -> t.plus(duration));
    if (next.isAfter(deadline)) {
      throw new RetryableException("step '" + b.step + "' passed its deadline", null, false, null);
    }
    if (cancelled.get()) {
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
        return now.get();
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

  @Override
  public CommandRunner commands() {
    if (b.commands == null) {
      throw new IllegalStateException("this TestStepContext has no CommandRunner: set one with commands(...)");
    }
    return b.commands;
  }

  @Override
  public <C> C config(Class<C> type) {
    if (b.config == null) {
      throw new IllegalStateException("this TestStepContext has no config: set one with config(...)");
    }
    return type.cast(b.config);
  }

  /** Configures a {@link TestStepContext}. Not thread-safe. */
  public static final class Builder {
    private String tenant = "acme";
    private String environment = "demo";
    private EnvironmentKind kind = EnvironmentKind.DEMO;
    private String step = "subject";
    private String run = "run-1";
    private int attempt = 1;
    private Object config;
    private CommandRunner commands;
    private final Map<String, Secret> secrets = new HashMap<>();
    private Duration budget = Duration.ofMinutes(10);
    private Instant start = Instant.parse("2026-01-01T00:00:00Z");

    private Builder() {}

    private Builder copy() {
      Builder c = new Builder();
      c.tenant = tenant;
      c.environment = environment;
      c.kind = kind;
      c.step = step;
      c.run = run;
      c.attempt = attempt;
      c.config = config;
      c.commands = commands;
      c.secrets.putAll(secrets);
      c.budget = budget;
      c.start = start;
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

    /** The plugin's bound config record, returned by {@link StepContext#config(Class)}. */
    public Builder config(Object config) {
      this.config = Objects.requireNonNull(config, "config");
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

    public TestStepContext build() {
      return new TestStepContext(copy(), new AtomicReference<>(start), new CopyOnWriteArrayList<>(),
          new CopyOnWriteArrayList<>(), new AtomicBoolean());
    }
  }
}
